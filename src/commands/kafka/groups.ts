import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../base-command.js'
import {userRegex} from '../../core/identifiers.js'
import {renderGroupsListing} from '../../output/listings.js'
import {listKafkaGroups, type GroupsListing} from '../../services/kafka/groups.js'

export default class KafkaGroups extends KafkaCommand {
  static override summary = 'List consumer groups: type, state, members and a lag summary (read-only).'
  static override description =
    'Read-only: ListGroups on every broker (type and state where the broker reports them, ListGroups v5: classic, consumer, share, streams; else "unknown"), DescribeGroups for classic groups, OffsetFetch for every group (batched per coordinator where the broker speaks v8), then one Metadata and one ListOffsets per leader. Lag is the high watermark minus the committed offset, over the partitions with a commit; for a per-partition view and time lag use `fleetops lag kafka`. KIP-848 ("consumer") groups show the state ListGroups reports and no member count. --json: {"groups":[{"group","type","protocolType","state","members","totalLag","partitionsLagging","partitionsCommitted","topics","note"}]}.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --group-regex "^billing-" --json']

  static override flags = {
    'group-regex': Flags.string({description: 'Only groups whose id matches this regular expression.'}),
  }

  async run(): Promise<GroupsListing> {
    const {flags} = await this.parse(KafkaGroups)
    const groupRegex = flags['group-regex'] === undefined ? undefined : userRegex(flags['group-regex'], '--group-regex')
    const listing = await listKafkaGroups(this.kafkaConnection(flags), {groupRegex, verbose: this.verbose})
    this.log(renderGroupsListing(listing))
    return listing
  }
}

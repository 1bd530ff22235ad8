import * as Flags from '@oclif/core/flags'

import {CassandraCommand} from '../../base-command.js'
import {badInput} from '../../core/errors.js'
import {cqlIdentifier} from '../../core/identifiers.js'
import {printable} from '../../core/units.js'
import {renderRingShow} from '../../output/ring.js'
import {readRingState, type RingShowResult, showRing} from '../../services/ring/ring.js'

export default class RingShow extends CassandraCommand {
  static override summary = "Show the live Cassandra token ring: every node's tokens, DC, rack, state and ownership."
  static override description =
    'Raw ownership is the share of its DC\'s token range a node holds as primary; effective ownership is its share of the replicas under a keyspace\'s replication, placed as Cassandra places them (clockwise, distinct racks first). --json prints the ring state file that `fleetops ring plan --state FILE` reads (the extra "ownership" field is ignored when read back).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --keyspace shop',
    '<%= config.bin %> <%= command.id %> --json > ring.json && <%= config.bin %> ring plan --state ring.json --add 3',
  ]

  static override flags = {
    keyspace: Flags.string({description: 'Judge effective ownership under this keyspace\'s replication.'}),
    dc: Flags.string({
      description:
        'Show the ownership of this datacenter\'s nodes only (each DC holds its own RF of replicas, so its effective ownership sums to RF × 100 %). --json still prints every node in "nodes" (the state file); "ownership" lists the DC\'s.',
    }),
  }

  async run(): Promise<RingShowResult> {
    const {flags} = await this.parse(RingShow)
    const keyspace = flags.keyspace === undefined ? undefined : cqlIdentifier(flags.keyspace, '--keyspace')
    if (flags.dc !== undefined && !/^[A-Za-z0-9_.-]{1,48}$/.test(flags.dc)) throw badInput(`--dc "${printable(flags.dc)}" is not a DC name; use letters, digits, '.', '_' and '-'`)
    const conn = this.cassandraConnection(flags)
    const live = await readRingState(conn)
    for (const w of live.warnings) this.warnLine(w)
    const result = showRing(live.state, keyspace, live.members, flags.dc)
    this.log(renderRingShow(result, live.readFrom))
    return result
  }
}

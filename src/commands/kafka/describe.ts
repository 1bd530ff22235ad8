import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../base-command.js'
import {userRegex} from '../../core/identifiers.js'
import {renderClusterDescription} from '../../output/kafka.js'
import {type ClusterDescription, describeKafkaCluster} from '../../services/kafka/describe.js'

export default class KafkaDescribe extends KafkaCommand {
  static override summary = 'Describe brokers (rack, alive) and partitions (replicas, leader, ISR, size).'
  static override description =
    'Racks come from each broker\'s broker.rack config and sizes from DescribeLogDirs. The --json output is the cluster state file that `fleetops kafka rebalance plan --state` reads: {"brokers":[{"id","host","port","rack","alive"}],"partitions":[{"topic","partition","replicas","leader","isr","size"}]}.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --topics "^orders\\." --json > cluster.json',
  ]

  static override flags = {
    topics: Flags.string({description: 'Only topics whose name matches this regular expression.'}),
  }

  async run(): Promise<ClusterDescription> {
    const {flags} = await this.parse(KafkaDescribe)
    const topics = flags.topics ? userRegex(flags.topics, '--topics') : undefined
    const description = await describeKafkaCluster(this.kafkaConnection(flags), {topics, verbose: this.verbose})
    this.log(renderClusterDescription(description))
    return description
  }
}

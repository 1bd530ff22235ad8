import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../base-command.js'
import {kafkaTopicName} from '../../core/identifiers.js'
import {parseIntInRange} from '../../core/units.js'
import {renderKafkaPartitions} from '../../output/hash.js'
import {type KafkaPartitionsResult, remapReport, sampleTopicKeys, syntheticKeys} from '../../services/hash/kafka-partitions.js'

export default class HashKafkaPartitions extends KafkaCommand {
  static override summary = 'Show which share of keys change partition when a Kafka topic grows from P to Q partitions.'
  static override description =
    "Uses Kafka's default partitioner (murmur2, byte for byte as the Java client). With --sample K it reads up to K recent records' keys from the topic (a read-only fetch: no consumer group is joined and nothing is committed); without it, synthetic keys stand in and no cluster is contacted."

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders --from 12 --to 24',
    '<%= config.bin %> <%= command.id %> --topic orders --from 12 --to 16 --sample 100000 --json',
  ]

  static override flags = {
    topic: Flags.string({description: 'Topic name.', required: true}),
    from: Flags.string({description: 'Partitions before.', required: true}),
    to: Flags.string({description: 'Partitions after.', required: true}),
    sample: Flags.string({description: 'Read up to this many real keys from the topic.'}),
    'synthetic-keys': Flags.string({description: 'Synthetic keys to use without --sample.', default: '100000'}),
  }

  async run(): Promise<KafkaPartitionsResult> {
    const {flags} = await this.parse(HashKafkaPartitions)
    const topic = kafkaTopicName(flags.topic, '--topic')
    const from = parseIntInRange(flags.from, '--from', 1, 1_000_000)
    const to = parseIntInRange(flags.to, '--to', 1, 1_000_000)
    let result: KafkaPartitionsResult
    if (flags.sample !== undefined) {
      const sample = parseIntInRange(flags.sample, '--sample', 1, 10_000_000)
      const conn = this.kafkaConnection(flags)
      const {keys, ...stats} = await sampleTopicKeys(conn, topic, sample, this.verbose)
      result = {...remapReport(topic, from, to, keys, 'sample'), sample: stats}
      if (stats.partitions !== from) result.warnings.push(`the topic has ${stats.partitions} partitions now, not --from ${from}`)
      if (keys.length === 0) result.warnings.push('no keyed records were read: nothing to judge; produce keyed records or drop --sample')
    } else {
      const count = parseIntInRange(flags['synthetic-keys'], '--synthetic-keys', 1, 10_000_000)
      result = remapReport(topic, from, to, syntheticKeys(count), 'synthetic')
    }
    this.log(renderKafkaPartitions(result))
    return result
  }
}

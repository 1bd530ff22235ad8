import * as Flags from '@oclif/core/flags'

import {KafkaCommand, schemaRegistryFlags, schemaRegistryFlagValues} from '../../base-command.js'
import {kafkaTopicName} from '../../core/identifiers.js'
import {integerFlag} from '../../flags.js'
import {renderKafkaPartitions} from '../../output/hash.js'
import {keyExamples} from '../../services/hash/key-display.js'
import {type KafkaPartitionsResult, remapReport, sampleTopicKeys, syntheticKeys} from '../../services/hash/kafka-partitions.js'
import {resolveSchemaRegistrySettings} from '../../services/schema-registry-settings.js'

export default class HashKafkaPartitions extends KafkaCommand {
  static override summary = 'Show which share of keys change partition when a Kafka topic grows from P to Q partitions.'
  static override description =
    "Uses Kafka's default partitioner (murmur2, byte for byte as the Java client). With --sample K it reads up to K recent records' keys from the topic (a read-only fetch: no consumer group is joined and nothing is committed) and shows the first few, Avro keys decoded when a schema registry is set (--schema-registry); the serialized bytes are what is hashed, as Kafka's partitioner does. Without it, synthetic keys stand in and no cluster is contacted."

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders --from 12 --to 24',
    '<%= config.bin %> <%= command.id %> --topic orders --from 12 --to 16 --sample 100000 --json',
  ]

  static override flags = {
    topic: Flags.string({description: 'Topic name.', required: true}),
    from: integerFlag({description: 'Partitions before.', required: true, min: 1, max: 1_000_000}),
    to: integerFlag({description: 'Partitions after.', required: true, min: 1, max: 1_000_000}),
    sample: integerFlag({description: 'Read up to this many real keys from the topic.', min: 1, max: 10_000_000}),
    'synthetic-keys': integerFlag({description: 'Synthetic keys to use without --sample.', default: '100000', min: 1, max: 10_000_000}),
    ...schemaRegistryFlags,
  }

  async run(): Promise<KafkaPartitionsResult> {
    const {flags} = await this.parse(HashKafkaPartitions)
    const topic = kafkaTopicName(flags.topic, '--topic')
    const {from, to} = flags
    let result: KafkaPartitionsResult
    if (flags.sample !== undefined) {
      const conn = this.kafkaConnection(flags)
      const registry = resolveSchemaRegistrySettings(schemaRegistryFlagValues(flags))
      const {keys, ...stats} = await sampleTopicKeys(conn, topic, flags.sample, this.verbose)
      result = {...remapReport(topic, from, to, keys, 'sample'), sample: {...stats, keyExamples: await keyExamples(keys, from, to, registry)}}
      if (stats.partitions !== from) result.warnings.push(`the topic has ${stats.partitions} partitions now, not --from ${from}`)
      if (keys.length === 0) result.warnings.push('no keyed records were read: nothing to judge; produce keyed records or drop --sample')
    } else {
      result = remapReport(topic, from, to, syntheticKeys(flags['synthetic-keys']), 'synthetic')
    }
    this.log(renderKafkaPartitions(result))
    return result
  }
}

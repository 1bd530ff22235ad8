import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../base-command.js'
import {userRegex} from '../../core/identifiers.js'
import {renderTopicsListing} from '../../output/listings.js'
import {listKafkaTopics, type TopicsListing} from '../../services/kafka/topics.js'

export default class KafkaTopics extends KafkaCommand {
  static override summary = 'List topics: partitions, replication factor, key configs, under-replicated and offline partitions.'
  static override description =
    'Two requests, read-only: one Metadata for every topic and one DescribeConfigs for those listed. Every row shows the same configs with their effective values (cleanup.policy, retention.ms, min.insync.replicas, compression.type, message.timestamp.type); a * marks a value set on the topic itself (JSON: "overrides"). Kafka\'s internal topics (__consumer_offsets, ...) only with --internal. --json: {"brokers","configKeys","topics":[{"topic","internal","partitions","replicationFactor","underReplicated","underMinIsr","offline","configs":{key:value},"overrides","configError"}]}.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --topics "^orders\\." --json',
  ]

  static override flags = {
    topics: Flags.string({description: 'Only topics whose name matches this regular expression.'}),
    internal: Flags.boolean({description: 'Also list Kafka\'s internal topics (__consumer_offsets, __transaction_state, ...).'}),
  }

  async run(): Promise<TopicsListing> {
    const {flags} = await this.parse(KafkaTopics)
    const topics = flags.topics ? userRegex(flags.topics, '--topics') : undefined
    const listing = await listKafkaTopics(this.kafkaConnection(flags), {topics, internal: flags.internal, verbose: this.verbose})
    this.log(renderTopicsListing(listing))
    return listing
  }
}

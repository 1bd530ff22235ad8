import type {KafkaConnection} from '../../core/connection.js'
import {listTopic, TOPIC_LISTING_CONFIGS, type TopicListing} from '../../core/listings/topics.js'

/**
 * `fleetops kafka topics`: every topic (or those matching --topics) with partitions, RF,
 * key configs, under-replicated and offline partition counts. Two requests: one Metadata
 * for every topic (offline partitions are data, not errors) and one DescribeConfigs for
 * the topics listed. Read-only.
 */
export interface TopicsListing {
  /** Brokers registered in the cluster metadata. */
  brokers: number
  /** The config keys every row shows (effective values). */
  configKeys: string[]
  topics: TopicListing[]
}

export async function listKafkaTopics(conn: KafkaConnection, opts: {topics?: RegExp; internal?: boolean; verbose?: boolean}): Promise<TopicsListing> {
  const {KafkaLagReader} = await import('../../adapters/kafka/lag-reader.js')
  const reader = new KafkaLagReader(conn, opts.verbose, 'fleetops')
  try {
    const snap = await reader.metadata(null)
    const metas = [...snap.topics.values()]
      .filter((t) => (opts.internal || !t.internal) && (!opts.topics || opts.topics.test(t.topic)))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
    const configs = await reader.topicConfigs(
      metas.map((t) => t.topic),
      [...TOPIC_LISTING_CONFIGS],
    )
    return {
      brokers: snap.brokers.length,
      configKeys: [...TOPIC_LISTING_CONFIGS],
      topics: metas.map((t) => listTopic(t.topic, t.internal, t.partitions, configs.get(t.topic))),
    }
  } finally {
    await reader.close()
  }
}

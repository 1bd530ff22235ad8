import type {Admin, ITopicConfig} from 'kafkajs'

/**
 * Creates topics and waits until every partition has a leader, as seen from the broker that is
 * asked. kafkajs's own `waitForLeaders` retries only LEADER_NOT_AVAILABLE: on a loaded KRaft
 * cluster the broker it asks may not have applied the new topic's metadata record yet and
 * answers UNKNOWN_TOPIC_OR_PARTITION, which failed a whole test file. That answer is retried
 * here too, for up to a minute.
 */
export async function createTopicsReady(admin: Admin, options: {topics: ITopicConfig[]; waitForLeaders?: boolean; timeout?: number}): Promise<boolean> {
  const created = await admin.createTopics({...options, waitForLeaders: false})
  const topics = options.topics.map((t) => t.topic)
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const {topics: meta} = await admin.fetchTopicMetadata({topics})
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return created
    } catch (error) {
      const type = (error as {type?: string}).type
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader for every partition after 60 s`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

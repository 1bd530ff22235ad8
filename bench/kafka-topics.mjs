// Waits until every partition of new topics has a leader by polling metadata: kafkajs's own
// waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
// topic-partition") while KRaft metadata is still reaching the broker it asks, and
// createPartitions does not wait at all. Shared by the suites (the lag suite's set-up child
// process imports it by URL).
export async function waitForLeaders(admin, topics, partitions, {timeoutS = 300} = {}) {
  for (let i = 0; ; i++) {
    const md = await admin.fetchTopicMetadata({topics}).catch(() => null)
    if (md && md.topics.length === topics.length && md.topics.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))) return
    if (i >= timeoutS) throw new Error(`partitions of ${topics.join(', ')} got no leader in ${timeoutS} s`)
    await new Promise((r) => setTimeout(r, 1000))
  }
}

// Set-up of the lag-fleet bench (run as a child process by bench/suites/lag-fleet.mjs, and by
// hand): `node bench/lag-fleet-setup.mjs create|delete PREFIX TOPICS PARTITIONS GROUPS`.
// create: TOPICS topics of PARTITIONS partitions, 3 records on every partition, and GROUPS
// groups (group i on topic i % TOPICS) whose offsets are committed directly: one OffsetCommit
// per group to its coordinator with generation -1 and no member id, as an admin tool commits
// (kafkajs's admin.setOffsets joins the group first, a rebalance per group: minutes for 1,000).
// Group i commits 1 + (i + p) % 2 on partition p, so every partition lags by 1 or 2.
// delete: the groups, then the topics.
import {createRequire} from 'node:module'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {waitForLeaders} from './kafka-topics.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {Kafka, logLevel} = createRequire(join(root, 'package.json'))('kafkajs')
const [action, prefix, topicCount, partitionCount, groupCount] = process.argv.slice(2)
const T = Number(topicCount)
const P = Number(partitionCount)
const G = Number(groupCount)
const topics = Array.from({length: T}, (_, t) => `${prefix}-t${String(t).padStart(3, '0')}`)
const groups = Array.from({length: G}, (_, i) => `${prefix}-g${String(i).padStart(5, '0')}`)

/** The committed offset of group i on partition p (each partition holds 3 records). */
const committedOffset = (i, p) => 1 + ((i + p) % 2)

async function limited(items, n, fn) {
  let next = 0
  await Promise.all(Array.from({length: Math.min(n, items.length)}, async () => {
    while (next < items.length) await fn(items[next++])
  }))
}

const kafka = new Kafka({clientId: 'fleetops-bench', brokers: process.env.FLEETOPS_BROKERS.split(','), logLevel: logLevel.NOTHING, requestTimeout: 120000, retry: {retries: 12, initialRetryTime: 300, maxRetryTime: 5000}})
const admin = kafka.admin()
await admin.connect()
try {
  if (action === 'delete') {
    // A batch fails as a whole when one group in it does; those are then deleted one by one.
    for (let i = 0; i < groups.length; i += 100) {
      const batch = groups.slice(i, i + 100)
      await admin.deleteGroups(batch).catch(async () => {
        for (const g of batch) await admin.deleteGroups([g]).catch(() => {})
      })
    }
    await admin.deleteTopics({topics, timeout: 120000}).catch(() => {})
  } else {
    await admin.createTopics({topics: topics.map((topic) => ({topic, numPartitions: P, replicationFactor: 1})), waitForLeaders: false, timeout: 300000})
    await waitForLeaders(admin, topics, P)
    const producer = kafka.producer({allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    for (const topic of topics) {
      await producer.send({topic, acks: -1, messages: Array.from({length: P * 3}, (_, k) => ({partition: k % P, value: 'abc'[Math.floor(k / P)]}))})
    }
    await producer.disconnect()
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic)
      const short = ends.filter((o) => Number(o.high) !== 3)
      if (short.length > 0) throw new Error(`${topic}: ${short.length} partitions do not hold exactly 3 records`)
    }
    // kafkajs's own cluster object (its Kafka class keeps the factory under a private symbol):
    // the one client in this repository that writes offsets, for set-up only.
    const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
    const cluster = kafka[create]({})
    await cluster.connect()
    try {
      await limited(groups.map((g, i) => ({g, i})), 32, async ({g, i}) => {
        const partitions = Array.from({length: P}, (_, p) => ({partition: p, offset: String(committedOffset(i, p))}))
        // On a fresh cluster __consumer_offsets' leaders may still move: a NOT_COORDINATOR (or
        // COORDINATOR_LOAD_IN_PROGRESS) answer means "ask again", as kafkajs's consumers do.
        for (let attempt = 1; ; attempt++) {
          try {
            const coordinator = await cluster.findGroupCoordinator({groupId: g})
            await coordinator.offsetCommit({groupId: g, groupGenerationId: -1, memberId: '', topics: [{topic: topics[i % T], partitions}]})
            return
          } catch (error) {
            if (attempt >= 10 || !['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE'].includes(error?.type)) throw error
            await new Promise((r) => setTimeout(r, 300 * attempt))
          }
        }
      })
    } finally {
      await cluster.disconnect()
    }
  }
} finally {
  await admin.disconnect()
}

import {randomBytes} from 'node:crypto'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import kafkajs, {type Admin, type Kafka} from 'kafkajs'

/** Shared helpers of the rebalance integration tests (real cluster only). */
export const runId = `${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'fleetops-rebalance-'))
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v as T
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export async function replicasOf(admin: Admin, topic: string): Promise<Map<number, {replicas: number[]; leader: number; isr: number[]}>> {
  const md = await admin.fetchTopicMetadata({topics: [topic]})
  return new Map(md.topics[0]!.partitions.map((p) => [p.partitionId, {replicas: p.replicas, leader: p.leader, isr: p.isr}]))
}

/** Creates a topic with an explicit assignment and waits until every partition has a leader. */
export async function createTopic(admin: Admin, topic: string, assignment: number[][], configEntries: {name: string; value: string}[] = []): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: [{topic, replicaAssignment: assignment.map((replicas, partition) => ({partition, replicas})), configEntries}],
  })
  await waitFor(`leaders of ${topic}`, async () => {
    const m = await replicasOf(admin, topic)
    return m.size === assignment.length && [...m.values()].every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)
  })
}

/** Produces `perPartition` keyed messages of `bytes` bytes to every partition; returns the keys. */
export async function produce(kafka: Kafka, topic: string, partitions: number, perPartition: number, bytes: number): Promise<string[]> {
  const producer = kafka.producer({createPartitioner: kafkajs.Partitioners.DefaultPartitioner})
  await producer.connect()
  const keys: string[] = []
  const payload = 'x'.repeat(bytes)
  try {
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < perPartition; i += 250) {
        const batch = Array.from({length: Math.min(250, perPartition - i)}, (_, j) => ({partition: p, key: `k-${p}-${i + j}`, value: payload}))
        await producer.send({topic, acks: -1, messages: batch})
        keys.push(...batch.map((m) => m.key))
      }
    }
  } finally {
    await producer.disconnect()
  }
  return keys
}

/** Reads the whole topic from the beginning and returns the distinct keys seen. */
export async function consumeKeys(kafka: Kafka, topic: string, expected: number, timeoutMs = 90_000): Promise<Set<string>> {
  const consumer = kafka.consumer({groupId: `fleetops-rebalance-check-${runId}-${topic}`, maxBytes: 16 * 1024 * 1024})
  await consumer.connect()
  const seen = new Set<string>()
  try {
    await consumer.subscribe({topic, fromBeginning: true})
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${seen.size} of ${expected} keys before the timeout`)), timeoutMs)
      void consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({batch}) => {
          for (const m of batch.messages) seen.add(String(m.key))
          if (seen.size >= expected) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
  return seen
}

/** Dynamic configs set on the resource itself (kafkajs ConfigSource 1 topic / 2 broker), by name. */
export async function dynamicConfigs(admin: Admin, type: 'TOPIC' | 'BROKER', name: string): Promise<Map<string, string>> {
  const t = type === 'TOPIC' ? kafkajs.ConfigResourceTypes.TOPIC : kafkajs.ConfigResourceTypes.BROKER
  const res = await admin.describeConfigs({includeSynonyms: false, resources: [{type: t, name}]})
  const out = new Map<string, string>()
  for (const e of res.resources[0]!.configEntries) {
    const source = (e as {configSource?: number}).configSource
    if ((source === 1 || source === 2) && e.configValue !== null) out.set(e.configName, e.configValue)
  }
  return out
}

export const throttleKeys = (m: Map<string, string>): string[] => [...m.keys()].filter((k) => /replication\.throttled/.test(k)).sort()

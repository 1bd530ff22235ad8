/**
 * `fleetops lag kafka --group-regex` as a fleet sweep, against the real sandbox: 120 groups
 * whose offsets are committed directly (some partitions left uncommitted), swept in pages of 7
 * (18 pages, two at a time). Every group's lag, per partition, must equal what the test computes
 * from what it produced and committed; groups that do not match the regex stay out; and the
 * paged sweep must report exactly what one page reports.
 */
import {randomBytes} from 'node:crypto'
import {Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kafkaBrokers} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {clusterEnv, commitOffsetsDirectly} from './support.js'
import {createTopicsReady} from '../support/topics.js'

const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
const TOPICS = [0, 1, 2].map((t) => `sweep-${run}-t${t}`)
const PARTITIONS = 4
const GROUPS = 120
const group = (i: number) => `sweep-${run}-g${String(i).padStart(3, '0')}`
const OTHERS = [0, 1, 2, 3, 4].map((i) => `sweepother-${run}-g${i}`)
/** Records on partition p of topic t, with CreateTime BASE + k s for record k. */
const recordsOn = (t: number, p: number) => 5 + p + 2 * t
const BASE = Date.now() - 3_600_000
/** Group i is on topic i % 3; it commits (i * 7 + p) % (records + 1) on partition p, except where (i + p) % 5 === 0. */
const topicOf = (i: number) => i % TOPICS.length
const committedOf = (i: number, p: number): number | null => ((i + p) % 5 === 0 ? null : (i * 7 + p) % (recordsOn(topicOf(i), p) + 1))

let kafka: Kafka
let admin: Admin
const env = clusterEnv()

interface PartitionRow {
  partition: number
  committedOffset: number | null
  logEndOffset: number
  lag: number | null
  timeLagMs: number | null
}
interface GroupRow {
  group: string
  status: string
  lag: number | null
  partitionCount: number
  unknownLagPartitions: number
  topics: {topic: string; partitions: PartitionRow[]}[]
}

beforeAll(async () => {
  kafka = new Kafka({clientId: 'fleetops-sweep-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  await createTopicsReady(admin, {topics: TOPICS.map((topic) => ({topic, numPartitions: PARTITIONS, replicationFactor: 1})), waitForLeaders: true})
  const producer = kafka.producer({allowAutoTopicCreation: false})
  await producer.connect()
  for (const [t, topic] of TOPICS.entries()) {
    const messages = Array.from({length: PARTITIONS}, (_, p) => Array.from({length: recordsOn(t, p)}, (_, k) => ({partition: p, value: `r${k}`, timestamp: String(BASE + k * 1000)}))).flat()
    await producer.send({topic, acks: -1, messages})
  }
  await producer.disconnect()
  const commits = Array.from({length: GROUPS}, (_, i) => ({
    groupId: group(i),
    topic: TOPICS[topicOf(i)]!,
    offsets: new Map(Array.from({length: PARTITIONS}, (_, p) => [p, committedOf(i, p)] as const).filter((e): e is [number, number] => e[1] !== null)),
  }))
  const others = OTHERS.map((groupId) => ({groupId, topic: TOPICS[0]!, offsets: new Map([[0, 1]])}))
  await commitOffsetsDirectly(kafka, [...commits, ...others])
}, 180_000)

afterAll(async () => {
  await admin?.deleteGroups([...Array.from({length: GROUPS}, (_, i) => group(i)), ...OTHERS]).catch(() => {})
  await admin?.deleteTopics({topics: TOPICS}).catch(() => {})
  await admin?.disconnect().catch(() => {})
})

async function sweep(...extra: string[]): Promise<{doc: {status: string; groups: GroupRow[]}; from: number; to: number}> {
  const from = Date.now()
  const r = await runCli(['lag', 'kafka', '--group-regex', `^sweep-${run}-`, '--json', ...extra], {env})
  const to = Date.now()
  expect(r.stderr).toBe('')
  const doc = JSON.parse(r.stdout)
  // Partitions without a commit are UNKNOWN (exit 3) with no thresholds given; the rest are OK.
  expect(doc.status).toBe('UNKNOWN')
  expect(r.code).toBe(3)
  return {doc, from, to}
}

describe('lag kafka --group-regex, swept in pages', () => {
  it('reports every matching group exactly as committed, in pages of 7, and leaves the others out', async () => {
    const {doc, from, to} = await sweep('--page-size', '7')
    expect(doc.groups.map((g) => g.group)).toEqual(Array.from({length: GROUPS}, (_, i) => group(i)))
    for (const [i, g] of doc.groups.entries()) {
      const t = topicOf(i)
      const expected = Array.from({length: PARTITIONS}, (_, p) => {
        const committed = committedOf(i, p)
        const end = recordsOn(t, p)
        return {partition: p, committedOffset: committed, logEndOffset: end, lag: committed === null ? null : end - committed}
      })
      expect(g.topics.map((x) => x.topic)).toEqual([TOPICS[t]])
      const rows = g.topics[0]!.partitions
      expect(rows.map(({partition, committedOffset, logEndOffset, lag}) => ({partition, committedOffset, logEndOffset, lag}))).toEqual(expected)
      expect(g.partitionCount).toBe(PARTITIONS)
      expect(g.status).toBe(expected.some((e) => e.lag === null) ? 'UNKNOWN' : 'OK')
      expect(g.unknownLagPartitions).toBe(expected.filter((e) => e.lag === null).length)
      const known = expected.filter((e) => e.lag !== null)
      expect(g.lag).toBe(known.length === 0 ? null : known.reduce((s, e) => s + e.lag!, 0))
      // The time lag is the age of the record at the committed offset (CreateTime BASE + k s).
      for (const row of rows) {
        if (row.lag === null || row.lag === 0) continue
        const ts = BASE + row.committedOffset! * 1000
        expect(row.timeLagMs).toBeGreaterThanOrEqual(from - ts)
        expect(row.timeLagMs).toBeLessThanOrEqual(to - ts)
      }
    }
  })

  it('reports the same lags in one page as in many', async () => {
    // Everything but the time lags (and the reasons, which quote them): the runs are seconds apart.
    type Row = Record<string, unknown>
    const strip = (groups: GroupRow[]) =>
      groups.map((g) => ({
        ...g,
        timeLagMs: undefined,
        topics: g.topics.map((t) => ({...t, timeLagMs: undefined, partitions: t.partitions.map((p) => ({...(p as unknown as Row), timeLagMs: undefined, reason: undefined}))})),
      }))
    const paged = await sweep('--page-size', '7')
    const whole = await sweep('--page-size', '1000')
    expect(strip(paged.doc.groups)).toEqual(strip(whole.doc.groups))
    expect(paged.doc.status).toBe(whole.doc.status)
  })
})

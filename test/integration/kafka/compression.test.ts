/**
 * Kafka as production runs it, on the real sandbox: every codec (gzip, snappy, lz4, zstd),
 * written both by the broker (topic compression.type, from an uncompressed producer) and by
 * a compressing producer (kafkajs with the codec plug-ins of support/codecs.ts). For each:
 * `lag kafka` measures the time lag, `hash kafka-partitions --sample N` reads N keys and a
 * look-back run's sink equals the ground truth. Then transactions (look-back counts only committed records; the time lag under
 * read_committed skips an aborted transaction) and a LogAppendTime topic with tombstones.
 */
import {randomBytes} from 'node:crypto'

import {CompressionTypes, type Admin, type Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CODECS, PRODUCER_TYPE} from '../support/codecs.js'
import {runCli} from '../support/cli.js'
import {
  cassandraClient,
  clusterEnv,
  createKeyspace,
  eventJson,
  groundTruth,
  kafka as newKafka,
  kafkaJobYaml,
  makeEvents,
  readSink,
  sorted,
  tempDir,
  writeJob,
  type TestEvent,
} from '../lookback/support.js'
import {createTopicsReady} from '../support/topics.js'

const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`
const ks = `cmp_${run}`
const AS_OF = '2026-11-15'
const DAYS = ['2026-11-13', '2026-11-14', '2026-11-15']
const FIRST = Date.UTC(2026, 10, 13)

const dir = tempDir('cmp')
const env = clusterEnv({FLEETOPS_HOME: dir})
const client = cassandraClient()
let kafka: Kafka
let admin: Admin
const topics: string[] = []

async function createTopic(topic: string, config: Record<string, string> = {}, numPartitions = 1): Promise<void> {
  topics.push(topic)
  await createTopicsReady(admin, {
    topics: [{topic, numPartitions, replicationFactor: 3, configEntries: Object.entries({'retention.ms': '-1', ...config}).map(([name, value]) => ({name, value}))}],
    waitForLeaders: true,
  })
}

/** Events in arrival order; record timestamp = arrival (CreateTime), sent in chunks so there are many batches. */
async function produce(topic: string, events: TestEvent[], compression = CompressionTypes.None): Promise<void> {
  const producer = kafka.producer({allowAutoTopicCreation: false})
  await producer.connect()
  const messages = events.map((e) => ({key: e.user, value: eventJson(e), timestamp: String(e.arrivalMs), headers: {trace: `t-${e.id}`}}))
  for (let i = 0; i < messages.length; i += 40) await producer.send({topic, acks: -1, compression, messages: messages.slice(i, i + 40)})
  await producer.disconnect()
}

function lookback(name: string, topic: string, ...extra: string[]) {
  const job = writeJob(dir, name, kafkaJobYaml({name, topic, ks, table: 'daily'}))
  return runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--lease-ttl', '10s', '--create-sink', ...extra], {env})
}

async function lagOf(group: string, topic: string, offset: number, ...extra: string[]) {
  await admin.setOffsets({groupId: group, topic, partitions: [{partition: 0, offset: String(offset)}]})
  const r = await runCli(['lag', 'kafka', '--group', group, '--json', ...extra], {env})
  expect(r.json, r.stdout + r.stderr).toBeDefined()
  return {json: r.json, p: r.json.groups[0].topics[0].partitions[0]}
}

beforeAll(async () => {
  kafka = newKafka()
  admin = kafka.admin()
  await admin.connect()
  await client.connect()
  await createKeyspace(client, ks)
}, 180_000)

afterAll(async () => {
  await admin?.deleteTopics({topics}).catch(() => {})
  await admin?.disconnect().catch(() => {})
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
  await client.shutdown()
})

describe.each(CODECS)('%s', (codec) => {
  it.each(['topic', 'producer'] as const)('compressed by the %s: time lag measured, N keys sampled, look-back equals the ground truth', async (by) => {
    const topic = `cmp-${codec}-${by}-${run}`
    await createTopic(topic, by === 'topic' ? {'compression.type': codec} : {})
    const events = makeEvents({firstDay: FIRST, days: 3, perDay: 70, latePerDay: 0, lateByDays: 0, seed: codec.length * 7 + by.length, idPrefix: `${codec}-${by}`}).sort(
      (a, b) => a.arrivalMs - b.arrivalMs,
    )
    await produce(topic, events, by === 'producer' ? PRODUCER_TYPE[codec] : CompressionTypes.None)

    // Time lag: the record at offset 100 is events[100] (one partition, no control records).
    const {json, p} = await lagOf(`cmp-g-${codec}-${by}-${run}`, topic, 100)
    expect(p, JSON.stringify(p)).toMatchObject({committedOffset: 100, logEndOffset: events.length, lag: events.length - 100})
    expect(p.note).toBeUndefined()
    expect(p.timeLagMs).toBe(json.evaluatedAt - events[100]!.arrivalMs)
    expect(json.timeLagIsolation).toBe('read_uncommitted')

    const hash = await runCli(['hash', 'kafka-partitions', '--topic', topic, '--from', '1', '--to', '2', '--sample', '150', '--json'], {env})
    expect(hash.code, hash.stdout + hash.stderr).toBe(0)
    expect(hash.json.sample).toMatchObject({records: 150, nullKeys: 0, skippedBatches: 0, isolation: 'read_committed', abortedRecords: 0})
    expect(hash.json.keys).toBe(150)

    const r = await lookback(`cmp-${codec}-${by}`, topic)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.rejects.total).toBe(0)
    expect(sorted(await readSink(client, ks, 'daily', `cmp-${codec}-${by}`, DAYS))).toEqual(sorted(groundTruth(events, DAYS)))
  })
})

describe('transactions and record realities', () => {
  it('look-back reads committed records only; the read_committed time lag skips an aborted transaction', async () => {
    const topic = `cmp-tx-${run}`
    await createTopic(topic)
    const all = makeEvents({firstDay: FIRST, days: 3, perDay: 30, latePerDay: 0, lateByDays: 0, seed: 99, idPrefix: 'tx'}).sort((a, b) => a.arrivalMs - b.arrivalMs)
    const committedA = all.slice(0, 40)
    const aborted = all.slice(40, 60)
    const committedC = all.slice(60)
    const tx = kafka.producer({transactionalId: `cmp-tx-${run}`, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false})
    await tx.connect()
    const send = async (events: TestEvent[], outcome: 'commit' | 'abort'): Promise<void> => {
      const t = await tx.transaction()
      await t.send({topic, compression: CompressionTypes.GZIP, messages: events.map((e) => ({key: e.user, value: eventJson(e), timestamp: String(e.arrivalMs)}))})
      if (outcome === 'commit') await t.commit()
      else await t.abort()
    }
    await send(committedA, 'commit') // offsets 0-39, marker 40
    await send(aborted, 'abort') // offsets 41-60, marker 61
    await send(committedC, 'commit') // offsets 62-91, marker 92
    await tx.disconnect()

    const r = await lookback('cmp-tx', topic)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.rejects.total).toBe(0)
    const committed = [...committedA, ...committedC]
    expect(sorted(await readSink(client, ks, 'daily', 'cmp-tx', DAYS))).toEqual(sorted(groundTruth(committed, DAYS)))
    const total = [...(await readSink(client, ks, 'daily', 'cmp-tx', DAYS)).values()].reduce((n, row) => n + row.events, 0)
    expect(total).toBe(committed.length)

    // A group whose committed offset lies inside the aborted transaction (offset 45).
    const group = `cmp-g-tx-${run}`
    const unc = await lagOf(group, topic, 45)
    expect(unc.json.timeLagIsolation).toBe('read_uncommitted')
    expect(unc.p.timeLagMs).toBe(unc.json.evaluatedAt - aborted[4]!.arrivalMs)
    const rc = await lagOf(group, topic, 45, '--isolation', 'read_committed')
    expect(rc.json.timeLagIsolation).toBe('read_committed')
    expect(rc.p).toMatchObject({committedOffset: 45, logEndOffset: 93})
    expect(rc.p.timeLagMs).toBe(rc.json.evaluatedAt - committedC[0]!.arrivalMs)

    const hash = await runCli(['hash', 'kafka-partitions', '--topic', topic, '--from', '1', '--to', '2', '--sample', '93', '--json'], {env})
    expect(hash.code, hash.stdout + hash.stderr).toBe(0)
    // The newest 93 offsets are the whole log: 70 committed records, 20 aborted ones skipped, 3 markers.
    expect(hash.json.sample).toMatchObject({records: 70, abortedRecords: 20, isolation: 'read_committed', skippedBatches: 0})

    // A log that ends in an aborted transaction (offsets 93-102, marker 103): under read_committed
    // nothing is left to consume after offset 95, so no record's age can be the time lag.
    const tail = makeEvents({firstDay: FIRST, days: 1, perDay: 10, latePerDay: 0, lateByDays: 0, seed: 3, idPrefix: 'tail'})
    await tx.connect()
    await send(tail, 'abort')
    await tx.disconnect()
    const end = await lagOf(group, topic, 95, '--isolation', 'read_committed')
    expect(end.p).toMatchObject({committedOffset: 95, logEndOffset: 104, timeLagMs: null})
    expect(end.p.note).toMatch(/only aborted transactions and transaction markers from offset 95 to the last stable offset 104/)
  })

  it('LogAppendTime topic with tombstones (lz4 by the broker): tombstones are counted rejects; the time lag uses the append time', async () => {
    const topic = `cmp-lat-${run}`
    await createTopic(topic, {'message.timestamp.type': 'LogAppendTime', 'compression.type': 'lz4'})
    const events = makeEvents({firstDay: FIRST, days: 3, perDay: 40, latePerDay: 0, lateByDays: 0, seed: 5, idPrefix: 'lat'}).sort((a, b) => a.arrivalMs - b.arrivalMs)
    const before = Date.now()
    await produce(topic, events)
    const producer = kafka.producer({allowAutoTopicCreation: false})
    await producer.connect()
    await producer.send({topic, acks: -1, messages: [0, 1, 2].map((i) => ({key: `gone${i}`, value: null, timestamp: String(FIRST + i)}))})
    await producer.disconnect()

    const r = await lookback('cmp-lat', topic)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.rejects.counts).toEqual({'empty-record': 3})
    // The broker's append time (now) is each record's arrival: every event arrived after its day.
    const appended = events.map((e) => ({...e, arrivalMs: before}))
    expect(sorted(await readSink(client, ks, 'daily', 'cmp-lat', DAYS))).toEqual(sorted(groundTruth(appended, DAYS)))

    // CreateTime would say weeks; the append time says at most the age of this test's produce.
    const {json, p} = await lagOf(`cmp-g-lat-${run}`, topic, 10)
    expect(p.timeLagMs).toBeGreaterThanOrEqual(0)
    expect(p.timeLagMs).toBeLessThanOrEqual(json.evaluatedAt - before)

    const hash = await runCli(['hash', 'kafka-partitions', '--topic', topic, '--from', '1', '--to', '2', '--sample', '50', '--json'], {env})
    expect(hash.json.sample).toMatchObject({records: 50, skippedBatches: 0})
  })

  it('empty partitions and a committed offset below the log start (zstd by the broker)', async () => {
    const topic = `cmp-empty-${run}`
    await createTopic(topic, {'compression.type': 'zstd'}, 3)
    const events = makeEvents({firstDay: FIRST, days: 3, perDay: 30, latePerDay: 0, lateByDays: 0, seed: 11, idPrefix: 'empty'}).sort((a, b) => a.arrivalMs - b.arrivalMs)
    const producer = kafka.producer({allowAutoTopicCreation: false})
    await producer.connect()
    // Everything in partition 0; partitions 1 and 2 stay empty.
    await producer.send({topic, acks: -1, messages: events.map((e) => ({partition: 0, key: e.user, value: eventJson(e), timestamp: String(e.arrivalMs)}))})
    await producer.disconnect()

    const r = await lookback('cmp-empty', topic)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.rejects.total).toBe(0)
    expect(sorted(await readSink(client, ks, 'daily', 'cmp-empty', DAYS))).toEqual(sorted(groundTruth(events, DAYS)))

    const hash = await runCli(['hash', 'kafka-partitions', '--topic', topic, '--from', '3', '--to', '4', '--sample', '90', '--json'], {env})
    expect(hash.code, hash.stdout + hash.stderr).toBe(0)
    // The quota is 30 a partition; only partition 0 has records.
    expect(hash.json.sample).toMatchObject({records: 30, partitions: 3, skippedBatches: 0})

    // Retention moves the log start past the group's committed offset: the lag is shown, with a note.
    await admin.fetchTopicMetadata({topics: [topic]}) // kafkajs finds the leader in its metadata cache
    await admin.deleteTopicRecords({topic, partitions: [{partition: 0, offset: '50'}]})
    const group = `cmp-g-empty-${run}`
    await admin.setOffsets({groupId: group, topic, partitions: [{partition: 0, offset: '20'}]})
    const lag = await runCli(['lag', 'kafka', '--group', group, '--json'], {env})
    expect(lag.json, lag.stdout + lag.stderr).toBeDefined()
    const p = lag.json.groups[0].topics[0].partitions.find((x: {partition: number}) => x.partition === 0)
    expect(p).toMatchObject({committedOffset: 20, logEndOffset: 90, lag: 70, timeLagMs: null})
    expect(p.note).toMatch(/gone/)
  })
})

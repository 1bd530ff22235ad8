/**
 * Look-back integration helpers: real Kafka producers and Cassandra sessions, job files,
 * and a ground truth computed independently from what the test produced (plain loops over
 * the produced events; none of src/core/lookback is used here).
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import cassandra from 'cassandra-driver'
import {CompressionTypes, Kafka, Partitioners, logLevel} from 'kafkajs'
import {expect} from 'vitest'

import {cassandraContactPoints, cassandraLocalDc, kafkaBrokers, testCassandraClient} from '../support/cluster.js'
import {binPath} from '../support/cli.js'
import {PRODUCER_TYPE} from '../support/codecs.js'
import {createTopicsReady} from '../support/topics.js'

export const DAY = 86_400_000
export const HOUR = 3_600_000

export function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    FLEETOPS_BROKERS: kafkaBrokers().join(','),
    FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','),
    FLEETOPS_LOCAL_DC: cassandraLocalDc(),
    FLEETOPS_REQUEST_TIMEOUT: '10s',
    ...extra,
  }
}

export const kafka = (): Kafka => new Kafka({clientId: 'fleetops-lookback-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})

export function cassandraClient(): cassandra.Client {
  return testCassandraClient()
}

export interface TestEvent {
  eventMs: number
  arrivalMs: number
  user: string
  country: string
  amount: number
  id: string
}

/** Deterministic pseudo-random numbers (the test must be reproducible). */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const COUNTRIES = ['de', 'fr', 'us', 'jp']

/**
 * `perDay` on-time events for each day starting at `firstDay` (UTC midnight ms), arriving
 * within minutes, plus `latePerDay` late ones arriving `lateByDays` later. Amounts are
 * multiples of 0.25 so every sum is exact in binary floating point.
 */
export function makeEvents(opts: {firstDay: number; days: number; perDay: number; latePerDay: number; lateByDays: number; seed: number; idPrefix: string}): TestEvent[] {
  const r = rng(opts.seed)
  const out: TestEvent[] = []
  let n = 0
  for (let d = 0; d < opts.days; d++) {
    for (let i = 0; i < opts.perDay + opts.latePerDay; i++) {
      const eventMs = opts.firstDay + d * DAY + Math.floor(r() * (DAY - 1))
      const late = i >= opts.perDay
      const arrivalMs = late ? eventMs + opts.lateByDays * DAY : Math.min(eventMs + Math.floor(r() * 5 * 60_000), opts.firstDay + (d + 1) * DAY - 1)
      out.push({eventMs, arrivalMs, user: `u${Math.floor(r() * 60)}`, country: COUNTRIES[Math.floor(r() * COUNTRIES.length)]!, amount: Math.floor(r() * 4000) / 4, id: `${opts.idPrefix}-${n++}`})
    }
  }
  return out
}

export function eventJson(e: TestEvent): string {
  return JSON.stringify({ts: e.eventMs, user: e.user, country: e.country, amount: e.amount, id: e.id})
}

export async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafka().admin()
  await admin.connect()
  await createTopicsReady(admin, {
    topics: [{topic, numPartitions: partitions, replicationFactor: 3, configEntries: [{name: 'retention.ms', value: '-1'}]}],
    waitForLeaders: true,
  })
  await admin.disconnect()
}

/** Produces with record timestamp = arrival, in arrival order, in sends of `chunk` records. */
export async function produce(topic: string, events: TestEvent[], opts: {chunk?: number; raw?: {value: string; timestamp: number}[]} = {}): Promise<void> {
  // Idempotent: a send retried on a loaded host must not write its batch twice (the ground truth
  // counts each event once; a plain producer's retry once duplicated a batch on Kafka 3.9.2).
  const producer = kafka().producer({idempotent: true, maxInFlightRequests: 1})
  await producer.connect()
  const sorted = [...events].sort((a, b) => a.arrivalMs - b.arrivalMs)
  const messages = sorted.map((e) => ({key: e.user, value: eventJson(e), timestamp: String(e.arrivalMs)}))
  for (const raw of opts.raw ?? []) messages.push({key: 'bad', value: raw.value, timestamp: String(raw.timestamp)})
  const chunk = opts.chunk ?? 500
  for (let i = 0; i < messages.length; i += chunk) await producer.send({topic, acks: -1, messages: messages.slice(i, i + chunk)})
  await producer.disconnect()
}

/** Produces each event on its own and returns where it landed ("partition@offset"). */
export async function produceOneByOne(topic: string, events: TestEvent[]): Promise<string[]> {
  const producer = kafka().producer()
  await producer.connect()
  const refs: string[] = []
  for (const e of events) {
    const [meta] = await producer.send({topic, acks: -1, messages: [{key: e.user, value: eventJson(e), timestamp: String(e.arrivalMs)}]})
    refs.push(`${meta!.partition}@${meta!.baseOffset}`)
  }
  await producer.disconnect()
  return refs
}

export interface TruthRow {
  day: string
  group_key: string
  events: number
  distinct_count: number
  value_sum: number
  value_min: number
  value_max: number
  late_events: number
}

const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** Per (day, country) over the window days (UTC): count, distinct users, sum/min/max, arrived-after-day. */
export function groundTruth(events: TestEvent[], days: string[]): Map<string, TruthRow> {
  const out = new Map<string, TruthRow & {users: Set<string>}>()
  for (const e of events) {
    const day = dayText(e.eventMs)
    if (!days.includes(day)) continue
    const key = `${day}|${e.country}`
    let row = out.get(key)
    if (!row) {
      row = {day, group_key: e.country, events: 0, distinct_count: 0, value_sum: 0, value_min: Infinity, value_max: -Infinity, late_events: 0, users: new Set()}
      out.set(key, row)
    }
    row.events++
    row.users.add(e.user)
    row.value_sum += e.amount
    row.value_min = Math.min(row.value_min, e.amount)
    row.value_max = Math.max(row.value_max, e.amount)
    if (e.arrivalMs >= Date.parse(`${day}T00:00:00Z`) + DAY) row.late_events++
  }
  const clean = new Map<string, TruthRow>()
  for (const [k, {users, ...row}] of out) clean.set(k, {...row, distinct_count: users.size})
  return clean
}

export async function readSink(client: cassandra.Client, ks: string, table: string, job: string, days: string[]): Promise<Map<string, TruthRow>> {
  const out = new Map<string, TruthRow>()
  for (const day of days) {
    const rs = await client.execute(`SELECT * FROM ${ks}.${table} WHERE job = ? AND day = ?`, [job, cassandra.types.LocalDate.fromString(day)], {
      prepare: true,
      consistency: cassandra.types.consistencies.quorum,
    })
    for (const r of rs.rows) {
      out.set(`${day}|${r.group_key}`, {
        day,
        group_key: r.group_key,
        events: Number(r.events),
        distinct_count: Number(r.distinct_count),
        value_sum: r.value_sum,
        value_min: r.value_min,
        value_max: r.value_max,
        late_events: Number(r.late_events),
      })
    }
  }
  return out
}

export function sorted(m: Map<string, TruthRow>): TruthRow[] {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v)
}

/** A test keyspace at RF min(3, nodes) in the one DC (`client` connected: it knows the nodes). */
export async function createKeyspace(client: cassandra.Client, ks: string): Promise<void> {
  const rf = Math.min(3, client.hosts.length)
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class':'NetworkTopologyStrategy','${cassandraLocalDc()}':${rf}}`)
}

/** A test file's cleanup: its keyspace and topic dropped, its client closed. */
export async function dropTestData(client: cassandra.Client, ks: string, topic: string): Promise<void> {
  await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
  await client.shutdown()
  const admin = kafka().admin()
  await admin.connect()
  await admin.deleteTopics({topics: [topic]}).catch(() => {})
  await admin.disconnect()
}

/** A record to produce: record timestamp = the event's arrival (ms). */
export interface TestRecord {
  key: string
  value: string | Buffer
  timestamp: number
}

/**
 * Records shaped as production writes them: in arrival order, in committed transactions of up
 * to 500 records, batch k compressed with codecs[k mod n] (several codecs: as after codec
 * changes). `aborted` records go in between, after the first batch, in a transaction that is
 * aborted (compressed with codecs[0]): a reader that is not read_committed would count them.
 */
export async function produceInTransactions(
  topic: string,
  records: readonly TestRecord[],
  codecs: readonly CompressionTypes[],
  aborted: readonly TestRecord[] = [],
): Promise<void> {
  const client = kafka()
  const partitionOf = await keyPartitioner(client, topic)
  const producer = client.producer({transactionalId: `fleetops-test-${topic}-${Date.now().toString(36)}`, idempotent: true, maxInFlightRequests: 1})
  await producer.connect()
  const inOrder = (list: readonly TestRecord[]) => [...list].sort((a, b) => a.timestamp - b.timestamp).map((r) => ({...r, timestamp: String(r.timestamp)}))
  const send = async (messages: ReturnType<typeof inOrder>, compression: CompressionTypes, outcome: 'commit' | 'abort') => {
    const tx = await producer.transaction()
    for (const [partition, part] of byPartition(messages, partitionOf)) await tx.send({topic, acks: -1, compression, messages: part.map((m) => ({...m, partition}))})
    await (outcome === 'commit' ? tx.commit() : tx.abort())
  }
  const messages = inOrder(records)
  for (let i = 0, k = 0; i < messages.length; i += 500, k++) {
    await send(messages.slice(i, i + 500), codecs[k % codecs.length]!, 'commit')
    if (k === 0 && aborted.length > 0) await send(inOrder(aborted), codecs[0]!, 'abort')
  }
  await producer.disconnect()
}

/*
 * Why one send per partition: a kafkajs send to several brokers that fails on one of them (e.g.
 * AddPartitionsToTxn answering CONCURRENT_TRANSACTIONS while the previous commit completes, as
 * happens on a loaded machine) is retried at once, and the retry sends again to every broker
 * that has not answered yet, with new sequence numbers, so the brokers keep both copies: a
 * topic of 2,800 records held 3,136, and Kafka's own read_committed ConsoleConsumer read them
 * all. A send to one partition has one broker, and a failed one is retried with its sequence.
 */

/** The partition kafkajs's default (murmur2, Java-compatible) partitioner gives each key of `topic`. */
async function keyPartitioner(client: Kafka, topic: string): Promise<(key: string) => number> {
  const admin = client.admin()
  await admin.connect()
  try {
    const {topics} = await admin.fetchTopicMetadata({topics: [topic]})
    const partitionMetadata = topics[0]!.partitions
    const choose = Partitioners.DefaultPartitioner()
    return (key) => choose({topic, partitionMetadata, message: {key, value: null}})
  } finally {
    await admin.disconnect()
  }
}

function byPartition<M extends {key: string}>(messages: readonly M[], partitionOf: (key: string) => number): Map<number, M[]> {
  const out = new Map<number, M[]>()
  for (const m of messages) {
    const p = partitionOf(m.key)
    const list = out.get(p)
    if (list) list.push(m)
    else out.set(p, [m])
  }
  return out
}

/** Events as JSON records keyed by user (all fields but arrivalMs), through produceInTransactions with every codec in turn. */
export async function produceJson(
  topic: string,
  events: readonly {arrivalMs: number; user: string}[],
  aborted: readonly {arrivalMs: number; user: string}[] = [],
): Promise<void> {
  const records = (list: readonly {arrivalMs: number; user: string}[]) =>
    list.map(({arrivalMs, ...event}) => ({key: event.user, value: JSON.stringify(event), timestamp: arrivalMs}))
  await produceInTransactions(topic, records(events), CODEC_TURN.map((c) => PRODUCER_TYPE[c]), records(aborted))
}

const CODEC_TURN = ['zstd', 'lz4', 'snappy', 'gzip'] as const

/** The job-file lines of the eight measures both measures-form tests use (the quantile named `quantile`, at q). */
export function allMeasuresYaml(quantile: string, q: number): string[] {
  return ['measures:', '  orders: count', '  revenue: {sum: amount}', '  smallest: {min: amount}', '  largest: {max: amount}', '  mean: {avg: amount}', '  buyers: {distinct: user}', '  approx_buyers: {approx_distinct: user}', `  ${quantile}: {quantile: amount, q: ${q}}`]
}

/** The sink columns of allMeasuresYaml() but the quantile, as read back, and the sink's late_events. */
export interface MeasureColumns {
  orders: number
  revenue: number
  smallest: number
  largest: number
  mean: number
  buyers: number
  approx_buyers: number
  late_events: number
}

/** A sink row's MeasureColumns, from the driver's row (bigints as numbers). */
export function measureColumns(r: cassandra.types.Row): MeasureColumns {
  return {orders: Number(r.orders), revenue: r.revenue, smallest: r.smallest, largest: r.largest, mean: r.mean, buyers: Number(r.buyers), approx_buyers: r.approx_buyers, late_events: Number(r.late_events)}
}

/** The measures both measures-form tests check: the exact ones equal, mean to 1e-12, approx_buyers to 3 % (or 1), the quantile to 1 %. */
export function expectMeasuresMatch<R extends {mean: number; approx_buyers: number}>(actual: Map<string, R>, expected: Map<string, R>, quantile: keyof R & string): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [key, want] of expected) {
    const got = actual.get(key)!
    const loose = new Set<string>(['mean', 'approx_buyers', quantile])
    const exact = (r: R): Record<string, unknown> => Object.fromEntries(Object.entries(r).filter(([k]) => !loose.has(k)))
    expect(exact(got), key).toEqual(exact(want))
    expect(Math.abs(got.mean - want.mean), key).toBeLessThanOrEqual(Math.abs(want.mean) * 1e-12)
    // A cell of a few users may be off by one (two users sharing one of the 16,384 HyperLogLog registers).
    expect(Math.abs(got.approx_buyers - want.approx_buyers), `${key}: ${got.approx_buyers} vs ${want.approx_buyers}`).toBeLessThanOrEqual(Math.max(want.approx_buyers * 0.03, 1))
    const [q, wantQ] = [Number(got[quantile]), Number(want[quantile])]
    expect(Math.abs(q - wantQ), `${key}: ${quantile} ${q} vs ${wantQ}`).toBeLessThanOrEqual(Math.abs(wantQ) * 0.01)
  }
  const total = (m: Map<string, R>): number => [...m.values()].reduce((a, r) => a + r.approx_buyers, 0)
  expect(Math.abs(total(actual) - total(expected))).toBeLessThanOrEqual(total(expected) * 0.03)
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fleetops-${prefix}-`))
}

export function writeJob(dir: string, name: string, body: string): string {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, body)
  return path
}

export function kafkaJobYaml(o: {name: string; topic: string; ks: string; table: string}): string {
  return [
    `name: ${o.name}`,
    'source:',
    '  kafka:',
    `    topic: ${o.topic}`,
    '    eventTimeField: ts',
    'window: 3d',
    'timezone: UTC',
    'groupBy: country',
    'distinct: user',
    'value: amount',
    'sink:',
    `  keyspace: ${o.ks}`,
    `  table: ${o.table}`,
    '',
  ].join('\n')
}

/** Spawns the built CLI without waiting; stdout/stderr are collected. */
export function spawnCli(args: string[], env: Record<string, string>): {child: ChildProcess; done: Promise<{code: number | null; signal: string | null; stdout: string; stderr: string}>} {
  const child = spawn(process.execPath, [binPath, ...args], {env: {...process.env, NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += String(d)))
  child.stderr!.on('data', (d) => (stderr += String(d)))
  const done = new Promise<{code: number | null; signal: string | null; stdout: string; stderr: string}>((resolve) => {
    child.on('exit', (code, signal) => {
      // Let the pipes drain.
      setTimeout(() => resolve({code, signal, stdout, stderr}), 100)
    })
  })
  return {child, done}
}

/** Waits (polling) until `check` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** True once the checkpoint file records progress (a done unit or a partial with an offset). */
export function checkpointShowsProgress(path: string): boolean {
  if (!existsSync(path)) return false
  try {
    const cp = JSON.parse(readFileSync(path, 'utf8')) as {units: Record<string, {state: string; lastOffset?: string}>}
    return Object.values(cp.units).some((u) => u.state === 'done' || u.lastOffset !== undefined)
  } catch {
    return false
  }
}

/** Writes a 3-day job `name` reading the events table of createEventsTable() in `ks`; `rest` is the rest of its lines. */
export function writeCassandraSourceJob(dir: string, name: string, ks: string, buckets: number, rest: string[]): string {
  const source = ['source:', '  cassandra:', `    keyspace: ${ks}`, '    table: events', '    dayColumn: day', '    bucketColumn: bucket', `    buckets: ${buckets}`, '    timeColumn: ts']
  return writeJob(dir, name, [`name: ${name}`, ...source, 'window: 3d', ...rest, ''].join('\n'))
}

/** The events table both Cassandra-source tests read: PRIMARY KEY ((day, bucket), ts, id). */
export async function createEventsTable(client: cassandra.Client, ks: string): Promise<void> {
  await client.execute(`CREATE TABLE ${ks}.events (day date, bucket int, ts timestamp, id text, user_id text, country text, amount double, PRIMARY KEY ((day, bucket), ts, id))`)
}

/** Inserts events at QUORUM, each USING TIMESTAMP = its arrival (so WRITETIME is the arrival), bucketed by its id's digits. */
export async function insertEvents(client: cassandra.Client, ks: string, events: TestEvent[], buckets: number): Promise<void> {
  const q = `INSERT INTO ${ks}.events (day, bucket, ts, id, user_id, country, amount) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`
  const queue = [...events]
  await Promise.all(
    Array.from({length: 16}, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const day = cassandra.types.LocalDate.fromString(new Date(e.eventMs).toISOString().slice(0, 10))
        const bucket = Number.parseInt(e.id.replace(/\D/g, '').slice(-4) || '0', 10) % buckets
        await client.execute(q, [day, bucket, new Date(e.eventMs), e.id, e.user, e.country, e.amount, cassandra.types.Long.fromNumber(e.arrivalMs * 1000)], {
          prepare: true,
          consistency: cassandra.types.consistencies.quorum,
        })
      }
    }),
  )
}

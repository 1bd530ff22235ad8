/**
 * The backfill operations of the measures form on the real sandbox: a daily job in
 * Europe/Berlin with three dimensions, every `where` operator and all eight measures.
 *
 * - `--from/--to` recomputes exactly the range (and a --max-runtime stop resumes to the same rows);
 * - `lookback status` lists each day: complete, or missing before anything wrote it;
 * - `--fill-gaps` recomputes only the missing days;
 * - late events, then two `--share-work` instances: the sink converges to the ground truth,
 *   and the report's lateness profile (per-day p50/p99/max, the window advice) matches the
 *   lateness computed here from the produced events.
 *
 * The records are shaped as production writes them (produceJson): compressed batches of every
 * codec in committed transactions, and an aborted transaction whose order must change nothing.
 *
 * The expected rows come from plain loops over the produced events in this file.
 */
import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {HOUR, cassandraClient, clusterEnv, createKeyspace, createTopic, kafka, rng, tempDir, writeJob, dropTestData, expectMeasuresMatch, produceJson, allMeasuresYaml, type MeasureColumns, measureColumns} from './support.js'

const suffix = Date.now().toString(36)
const topic = `lookback-bf-${suffix}`
const ks = `lb_bf_${suffix}`
const JOB = 'daily_orders'
const Q = 0.95
/** Berlin local days (CET, UTC+1, in November). */
const DAYS = ['2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13'].map((day) => ({day, startMs: Date.parse(`${day}T00:00:00+01:00`), endMs: Date.parse(`${day}T00:00:00+01:00`) + 24 * HOUR}))
const FIRST = DAYS[0]!.day
const LAST = DAYS.at(-1)!.day

interface Order {
  ts: number
  arrivalMs: number
  status: string
  amount: number
  qty: number
  channel: string
  region: string
  coupon?: string
  user: string
  country: string
  device?: {os: string}
}

const JOB_YAML = [
  `name: ${JOB}`,
  'source:',
  '  kafka:',
  `    topic: ${topic}`,
  '    eventTimeField: ts',
  'window: 4d',
  'timezone: Europe/Berlin',
  'granularity: day',
  'where:',
  '  status: {in: [paid, shipped]}',
  '  amount: {gt: 0, lte: 400}',
  '  qty: {gte: 1, lt: 9}',
  '  channel: {ne: test}',
  '  region: {eq: eu}',
  '  coupon: {exists: false}',
  '  country: {exists: true}',
  'dimensions: [country, device.os, channel]',
  ...allMeasuresYaml('p95', Q),
  'sink:',
  `  keyspace: ${ks}`,
  '  table: daily',
  '',
].join('\n')

/** Does an order pass the job's where? Written out operator by operator, as the job says. */
function passes(o: Order): boolean {
  return ['paid', 'shipped'].includes(o.status) && o.amount > 0 && o.amount <= 400 && o.qty >= 1 && o.qty < 9 && o.channel !== 'test' && o.region === 'eu' && o.coupon === undefined && o.country !== undefined
}

function makeOrders(): Order[] {
  const r = rng(73)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const out: Order[] = []
  for (const d of DAYS) {
    for (let i = 0; i < 700; i++) {
      const ts = d.startMs + Math.floor(r() * 24 * HOUR)
      const order: Order = {
        ts,
        // Mostly within a few minutes; some the next morning (late for their day).
        arrivalMs: ts + (r() < 0.08 ? 20 * HOUR : Math.floor(r() * 300_000)),
        status: pick(['paid', 'paid', 'paid', 'shipped', 'refunded']),
        amount: Math.floor(r() * 1800) / 4, // some above 400, some 0
        qty: Math.floor(r() * 11),
        channel: pick(['web', 'app', 'app', 'test']),
        region: r() < 0.9 ? 'eu' : 'us',
        user: `u${Math.floor(r() * 120)}`,
        country: pick(['de', 'fr', 'it']),
      }
      if (r() < 0.1) order.coupon = 'X'
      if (r() < 0.75) order.device = {os: pick(['ios', 'android'])}
      out.push(order)
    }
  }
  return out
}

interface Row extends MeasureColumns {
  day: string
  country: string
  device_os: string
  channel: string
  p95: number
}

const keyOf = (r: Pick<Row, 'day' | 'country' | 'device_os' | 'channel'>): string => `${r.day}|${r.country}|${r.device_os}|${r.channel}`

function truth(orders: Order[], days: readonly string[]): Map<string, Row> {
  const cells = new Map<string, {key: Pick<Row, 'day' | 'country' | 'device_os' | 'channel'>; amounts: number[]; users: Set<string>; late: number}>()
  for (const o of orders) {
    if (!passes(o)) continue
    const local = DAYS.find((d) => o.ts >= d.startMs && o.ts < d.endMs)
    if (local === undefined || !days.includes(local.day)) continue
    const key = {day: local.day, country: o.country, device_os: o.device?.os ?? '', channel: o.channel}
    const cell = cells.get(keyOf(key)) ?? {key, amounts: [], users: new Set<string>(), late: 0}
    cells.set(keyOf(key), cell)
    cell.amounts.push(o.amount)
    cell.users.add(o.user)
    if (o.arrivalMs >= local.endMs) cell.late++
  }
  const out = new Map<string, Row>()
  for (const [k, c] of cells) {
    const sorted = [...c.amounts].sort((a, b) => a - b)
    const revenue = c.amounts.reduce((a, b) => a + b, 0)
    out.set(k, {...c.key, orders: c.amounts.length, revenue, smallest: sorted[0]!, largest: sorted.at(-1)!, mean: revenue / c.amounts.length, buyers: c.users.size, approx_buyers: c.users.size, p95: sorted[Math.floor(Q * (sorted.length - 1))]!, late_events: c.late})
  }
  return out
}

async function readSink(client: cassandra.Client, days: readonly string[] = DAYS.map((d) => d.day)): Promise<Map<string, Row>> {
  const out = new Map<string, Row>()
  for (const day of days) {
    const rs = await client.execute(`SELECT * FROM ${ks}.daily WHERE job = ? AND day = ?`, [JOB, day], {prepare: true, consistency: cassandra.types.consistencies.quorum})
    for (const r of rs.rows) {
      const row: Row = {
        day: r.day.toString(),
        country: r.country,
        device_os: r.device_os,
        channel: r.channel,
        ...measureColumns(r),
        p95: r.p95,
      }
      out.set(keyOf(row), row)
    }
  }
  return out
}

/** Lateness of the in-window orders that pass the where, per day, computed here. */
function lateness(orders: Order[]): Map<string, {events: number; late: number; max: number; p50: number; needed: number[]}> {
  const out = new Map<string, {events: number; late: number; max: number; p50: number; needed: number[]}>()
  for (const d of DAYS) {
    const mine = orders.filter((o) => passes(o) && o.ts >= d.startMs && o.ts < d.endMs)
    const delays = mine.map((o) => Math.max(0, o.arrivalMs - o.ts)).sort((a, b) => a - b)
    const late = mine.filter((o) => o.arrivalMs >= d.endMs)
    // Window needed: Berlin calendar days from the event's day to the arrival's, plus one.
    const needed = late.map((o) => Math.floor((o.arrivalMs - d.startMs) / (24 * HOUR)) + 1)
    out.set(d.day, {events: mine.length, late: late.length, max: delays.at(-1) ?? 0, p50: delays[Math.floor(0.5 * (delays.length - 1))] ?? 0, needed})
  }
  return out
}

describe('lookback: --from/--to, status, --fill-gaps, lateness and --share-work on the measures form', () => {
  const client = cassandraClient()
  const dir = tempDir('lb-bf')
  const env = clusterEnv({FLEETOPS_HOME: dir})
  const job = writeJob(dir, 'daily', JOB_YAML)
  const produced: Order[] = []
  const run = (...extra: string[]) => runCli(['lookback', 'run', '--job', job, '--json', '--lease-ttl', '10s', ...extra], {env})
  const status = (...extra: string[]) => runCli(['lookback', 'status', '--job', job, '--json', ...extra], {env})

  beforeAll(async () => {
    await client.connect()
    await createKeyspace(client, ks)
    await createTopic(topic, 3)
    produced.push(...makeOrders())
    await produceJson(topic, produced)
  })

  afterAll(() => dropTestData(client, ks, topic))

  it('--from/--to: a run stopped by --max-runtime resumes, and writes exactly the range', async () => {
    const range = ['--from', FIRST, '--to', DAYS[1]!.day]
    const stopped = await run(...range, '--create-sink', '--max-rate', '400', '--max-runtime', '2s')
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(68)
    expect(stopped.json.message).toMatch(/--max-runtime reached; \d+ of 3 units left, progress saved in .*: rerun with --resume/)
    expect((await readSink(client)).size).toBe(0)
    const resumed = await run(...range, '--resume')
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
    expect(resumed.json).toMatchObject({resumed: true, asOf: DAYS[1]!.day, window: {days: [FIRST, DAYS[1]!.day]}})
    // Every record of the topic, each once (a producer that wrote some twice would show here first).
    expect(resumed.json.events).toBe(produced.length)
    expectMeasuresMatch(await readSink(client), truth(produced, [FIRST, DAYS[1]!.day]), 'p95')
  })

  it('status lists each day of the range, and --fill-gaps writes only the missing days', async () => {
    const before = await status('--from', FIRST, '--to', LAST)
    expect(before.code, before.stderr).toBe(0)
    expect(before.json.summary).toEqual({buckets: 4, complete: 2, incomplete: 0, missing: 2})
    const expected = truth(produced, DAYS.map((d) => d.day))
    for (const b of before.json.buckets) {
      const rows = [...expected.values()].filter((r) => r.day === b.bucket)
      if (b.state === 'missing') {
        expect(b).toMatchObject({lastRunId: null, rows: null})
        continue
      }
      expect(b).toMatchObject({state: 'complete', rows: rows.length, events: rows.reduce((n, r) => n + r.orders, 0)})
      expect(b.lateEvents).toBe(rows.reduce((n, r) => n + r.late_events, 0))
    }
    expect(before.json.buckets.filter((b: {state: string}) => b.state === 'missing').map((b: {bucket: string}) => b.bucket)).toEqual([DAYS[2]!.day, LAST])
    const human = await runCli(['lookback', 'status', '--job', job, '--from', FIRST, '--to', LAST], {env})
    expect(human.stdout).toContain('4 day buckets: 2 complete, 0 incomplete, 2 missing')
    expect(human.stdout).toContain(`--fill-gaps --from ${FIRST} --to ${LAST}`)

    const filled = await run('--fill-gaps', '--from', FIRST, '--to', LAST)
    expect(filled.code, filled.stdout + filled.stderr).toBe(0)
    expect(filled.json.filledBuckets).toEqual([DAYS[2]!.day, LAST])
    expect(filled.json.window.days).toEqual([DAYS[2]!.day, LAST])
    expectMeasuresMatch(await readSink(client), expected, 'p95')
    const after = await status('--from', FIRST, '--to', LAST)
    expect(after.json.summary).toMatchObject({complete: 4, missing: 0})
    const nothing = await run('--fill-gaps', '--from', FIRST, '--to', LAST)
    expect(nothing.code).toBe(0)
    expect(nothing.json).toMatchObject({filledBuckets: [], units: {total: 0}, events: 0})
  })

  it('late events and two --share-work instances: the sink converges to the truth; the lateness profile matches', async () => {
    const late: Order[] = [
      {ts: DAYS[1]!.startMs + 5 * HOUR, arrivalMs: DAYS[3]!.startMs + 2 * HOUR, status: 'paid', amount: 333, qty: 2, channel: 'web', region: 'eu', user: 'late1', country: 'de', device: {os: 'ios'}},
      {ts: DAYS[0]!.startMs + 9 * HOUR, arrivalMs: DAYS[3]!.startMs + 3 * HOUR, status: 'shipped', amount: 1.25, qty: 1, channel: 'app', region: 'eu', user: 'late2', country: 'it'},
    ]
    // Written and aborted in between: a paid order that would change a third cell (day 3, fr).
    const aborted: Order[] = [{ts: DAYS[2]!.startMs + 4 * HOUR, arrivalMs: DAYS[3]!.startMs + 2 * HOUR, status: 'paid', amount: 99, qty: 1, channel: 'web', region: 'eu', user: 'ghost', country: 'fr'}]
    await produceJson(topic, late, aborted)
    produced.push(...late)
    const args = ['--from', FIRST, '--to', LAST, '--share-work']
    const [a, b] = await Promise.all([run(...args), run(...args)])
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0])
    expect(a.json.runId).toBe(b.json.runId)
    expect(a.json.units.processedHere + b.json.units.processedHere).toBeGreaterThanOrEqual(3)
    expectMeasuresMatch(await readSink(client), truth(produced, DAYS.map((d) => d.day)), 'p95')
    const changed = a.json.bucketChanges.map((c: {bucket: string; dimensions: Record<string, string>}) => `${c.bucket}|${c.dimensions.country}|${c.dimensions.device_os}|${c.dimensions.channel}`)
    expect(changed.sort()).toEqual([`${DAYS[0]!.day}|it||app`, `${DAYS[1]!.day}|de|ios|web`].sort())

    const want = lateness(produced)
    const allNeeded = [...want.values()].flatMap((d) => d.needed).sort((x, y) => x - y)
    expect(a.json.lateness).toEqual({lateEvents: allNeeded.length, windowDays: allNeeded[Math.ceil(0.999 * allNeeded.length) - 1], fraction: 0.999, windowDaysUsed: 4})
    expect(a.json.lateness.windowDays).toBe(4) // the late order of day 1 arrived on day 4
    for (const d of a.json.days) {
      const w = want.get(d.day)!
      expect(d.lateness, d.day).toMatchObject({events: w.events, lateEvents: w.late, maxMs: w.max})
      expect(Math.abs(d.lateness.p50Ms - w.p50), d.day).toBeLessThanOrEqual(w.p50 * 0.01 + 1)
    }
    const st = await status('--from', FIRST, '--to', LAST)
    expect(st.json.lateness).toMatchObject({lateEvents: allNeeded.length, windowDays: 4})
    const day1 = st.json.buckets.find((x: {bucket: string}) => x.bucket === DAYS[1]!.day)
    expect(day1.latestLateEvent).toEqual({eventMs: late[0]!.ts, arrivalMs: late[0]!.arrivalMs})
    expect(day1.lastRunId).toBe(a.json.runId)

    const again = await run('--from', FIRST, '--to', LAST)
    expect(again.code).toBe(0)
    expect(again.json.bucketChanges).toEqual([])
  })

  it('bad ranges exit 2 with one line before touching a cluster', async () => {
    const offline = {...env, FLEETOPS_BROKERS: '127.0.0.1:1', FLEETOPS_CONTACT_POINTS: '127.0.0.1'}
    for (const [args, message] of [
      [['--from', LAST, '--to', FIRST], /--from 2026-11-13 is after --to 2026-11-10/],
      [['--from', FIRST], /--from needs --to/],
      [['--from', '2026-11-31', '--to', LAST], /--from/],
      [['--from', FIRST, '--to', LAST, '--as-of', LAST], /replace --window and --as-of/],
    ] as const) {
      const res = await runCli(['lookback', 'run', '--job', job, ...args], {env: offline})
      expect(res.code, res.stderr).toBe(2)
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
      expect(res.stderr).toMatch(message)
    }
  })
})

/**
 * The measures form end to end on the real sandbox: an hourly job in America/New_York across
 * the 2026-11-01 DST end (two 01:00 hours), a `where`, two dimensions (one nested) and all
 * eight measure kinds, from a Kafka topic into a Cassandra sink. The expected rows are
 * computed here with plain loops over the produced events (New York's offsets are whole
 * hours, so a local hour bucket starts at the UTC hour; the day bounds are written out).
 * Then late events: only the rows they touch change and the report names them; a third run
 * changes nothing.
 */
import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {HOUR, cassandraClient, clusterEnv, createKeyspace, createTopic, kafka, rng, tempDir, writeJob, dropTestData, expectMeasuresMatch, produceJson, allMeasuresYaml, type MeasureColumns, measureColumns} from './support.js'

const suffix = Date.now().toString(36)
const topic = `lookback-msr-${suffix}`
const ks = `lb_msr_${suffix}`
const AS_OF = '2026-11-01'
/** Local days of the window in New York: 10-31 (EDT, 24 h) and 11-01 (the DST end, 25 h). */
const LOCAL_DAYS = [
  {day: '2026-10-31', startMs: Date.parse('2026-10-31T04:00:00Z'), endMs: Date.parse('2026-11-01T04:00:00Z')},
  {day: '2026-11-01', startMs: Date.parse('2026-11-01T04:00:00Z'), endMs: Date.parse('2026-11-02T05:00:00Z')},
]
const WINDOW_END = LOCAL_DAYS[1]!.endMs
const Q = 0.9

interface Order {
  ts: number
  arrivalMs: number
  status: string
  amount: number
  user: string
  country: string
  device?: {os: string}
}

const JOB_YAML = [
  'name: hourly_orders',
  'source:',
  '  kafka:',
  `    topic: ${topic}`,
  '    eventTimeField: ts',
  'window: 2d',
  'timezone: America/New_York',
  'granularity: hour',
  'where:',
  '  status: paid',
  '  amount: {gte: 1}',
  'dimensions: [country, device.os]',
  ...allMeasuresYaml('p90', Q),
  'sink:',
  `  keyspace: ${ks}`,
  '  table: hourly',
  '',
].join('\n')

/** Orders over the two local days (denser in the two 01:00 hours), some filtered, some with no device. */
function makeOrders(): Order[] {
  const r = rng(41)
  const out: Order[] = []
  const add = (ts: number): void => {
    const status = r() < 0.85 ? 'paid' : 'refunded'
    const amount = Math.floor(r() * 400) / 4 // multiples of 0.25: sums are exact; some below 1 are filtered
    const order: Order = {ts, arrivalMs: ts + Math.floor(r() * 120_000), status, amount, user: `u${Math.floor(r() * 150)}`, country: ['de', 'us', 'jp'][Math.floor(r() * 3)]!}
    if (r() < 0.8) order.device = {os: r() < 0.5 ? 'ios' : 'android'}
    out.push(order)
  }
  const span = WINDOW_END - LOCAL_DAYS[0]!.startMs - 10 * 60_000
  for (let i = 0; i < 3000; i++) add(LOCAL_DAYS[0]!.startMs + Math.floor(r() * span))
  for (const hourStart of [Date.parse('2026-11-01T05:00:00Z'), Date.parse('2026-11-01T06:00:00Z')]) {
    for (let i = 0; i < 200; i++) add(hourStart + Math.floor(r() * HOUR))
  }
  return out
}

/** Five paid orders after the window's end: read (they arrive before the end offsets) but not aggregated. */
function afterWindow(): Order[] {
  return [0, 1, 2, 3, 4].map((i) => ({ts: WINDOW_END + HOUR + i, arrivalMs: WINDOW_END + HOUR + i, status: 'paid', amount: 10, user: 'after', country: 'de'}))
}

interface Row extends MeasureColumns {
  hour: number
  country: string
  device_os: string
  p90: number
}

const keyOf = (r: Pick<Row, 'hour' | 'country' | 'device_os'>): string => `${new Date(r.hour).toISOString()}|${r.country}|${r.device_os}`

/** The expected sink rows, by plain loops over the orders. */
function truth(orders: Order[]): Map<string, Row> {
  const cells = new Map<string, {hour: number; country: string; device_os: string; amounts: number[]; users: Set<string>; late: number}>()
  for (const o of orders) {
    if (o.status !== 'paid' || !(o.amount >= 1)) continue
    const local = LOCAL_DAYS.find((d) => o.ts >= d.startMs && o.ts < d.endMs)
    if (local === undefined) continue
    const hour = Math.floor(o.ts / HOUR) * HOUR
    const key = keyOf({hour, country: o.country, device_os: o.device?.os ?? ''})
    let cell = cells.get(key)
    if (!cell) cells.set(key, (cell = {hour, country: o.country, device_os: o.device?.os ?? '', amounts: [], users: new Set(), late: 0}))
    cell.amounts.push(o.amount)
    cell.users.add(o.user)
    if (o.arrivalMs >= local.endMs) cell.late++
  }
  const out = new Map<string, Row>()
  for (const [key, c] of cells) {
    const sortedAmounts = [...c.amounts].sort((a, b) => a - b)
    const revenue = c.amounts.reduce((a, b) => a + b, 0)
    out.set(key, {
      hour: c.hour,
      country: c.country,
      device_os: c.device_os,
      orders: c.amounts.length,
      revenue,
      smallest: sortedAmounts[0]!,
      largest: sortedAmounts.at(-1)!,
      mean: revenue / c.amounts.length,
      buyers: c.users.size,
      approx_buyers: c.users.size,
      p90: sortedAmounts[Math.floor(Q * (sortedAmounts.length - 1))]!, // the sketch's rank: floor(q(n-1))
      late_events: c.late,
    })
  }
  return out
}

function hourStarts(): number[] {
  const out: number[] = []
  for (let t = LOCAL_DAYS[0]!.startMs; t < WINDOW_END; t += HOUR) out.push(t)
  return out
}

async function readSink(client: cassandra.Client): Promise<Map<string, Row>> {
  const out = new Map<string, Row>()
  for (const hour of hourStarts()) {
    const rs = await client.execute(`SELECT * FROM ${ks}.hourly WHERE job = ? AND hour = ?`, ['hourly_orders', new Date(hour)], {prepare: true, consistency: cassandra.types.consistencies.quorum})
    for (const r of rs.rows) {
      const row: Row = {
        hour: (r.hour as Date).getTime(),
        country: r.country,
        device_os: r.device_os,
        ...measureColumns(r),
        p90: r.p90,
      }
      out.set(keyOf(row), row)
    }
  }
  return out
}

describe('lookback run: measures form, hourly across the DST end', () => {
  const client = cassandraClient()
  const dir = tempDir('lb-msr')
  const env = clusterEnv({FLEETOPS_HOME: dir})
  const job = writeJob(dir, 'hourly', JOB_YAML)
  const produced: Order[] = []
  const run = (...extra: string[]) => runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--lease-ttl', '10s', ...extra], {env})

  beforeAll(async () => {
    await client.connect()
    await createKeyspace(client, ks)
    await createTopic(topic, 3)
    const orders = [...makeOrders(), ...afterWindow()]
    produced.push(...orders)
    await produceJson(topic, orders)
  })

  afterAll(() => dropTestData(client, ks, topic))

  it('first run: every sink row equals the independently computed one, both 01:00 hours apart', async () => {
    const r = await run('--create-sink')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.status).toBe('ok')
    expect(r.json.sink.created).toBe(true)
    const expected = truth(produced)
    expectMeasuresMatch(await readSink(client), expected, 'p90')
    const hours = new Set([...expected.values()].map((x) => x.hour))
    expect(hours.has(Date.parse('2026-11-01T05:00:00Z')) && hours.has(Date.parse('2026-11-01T06:00:00Z'))).toBe(true)
    expect(r.json.filtered).toBe(produced.filter((o) => o.status !== 'paid' || !(o.amount >= 1)).length)
    expect(r.json.outOfWindow).toEqual({before: 0, after: 5})
    expect(r.json.rejects.total).toBe(0)
    expect(r.json.bucketChanges).toHaveLength(expected.size)
    expect(r.json.bucketChanges.every((c: {kind: string}) => c.kind === 'added')).toBe(true)
    expect(r.json.sink.rowsWritten).toBe(expected.size)
  })

  it('late events: only the rows they touch change, and the report names exactly them', async () => {
    const arrival = WINDOW_END + 2 * HOUR
    const late: Order[] = [
      {ts: Date.parse('2026-10-31T16:20:00Z'), arrivalMs: arrival, status: 'paid', amount: 500, user: 'late1', country: 'de', device: {os: 'ios'}},
      {ts: Date.parse('2026-11-01T05:30:00Z'), arrivalMs: arrival + 1, status: 'paid', amount: 2.5, user: 'late2', country: 'jp'},
      {ts: Date.parse('2026-11-01T06:30:00Z'), arrivalMs: arrival + 2, status: 'paid', amount: 7, user: 'late3', country: 'fr', device: {os: 'ios'}},
      {ts: Date.parse('2026-11-01T06:40:00Z'), arrivalMs: arrival + 3, status: 'refunded', amount: 9, user: 'late4', country: 'us', device: {os: 'ios'}},
    ]
    await produceJson(topic, late)
    produced.push(...late)
    const before = await readSink(client)
    const res = await run()
    expect(res.code, res.stdout + res.stderr).toBe(0)
    const expected = truth(produced)
    const after = await readSink(client)
    expectMeasuresMatch(after, expected, 'p90')

    const touched = new Set(late.filter((o) => o.status === 'paid').map((o) => keyOf({hour: Math.floor(o.ts / HOUR) * HOUR, country: o.country, device_os: o.device?.os ?? ''})))
    const changedKeys = [...new Set([...before.keys(), ...after.keys()])].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)))
    expect(changedKeys.sort()).toEqual([...touched].sort())
    const reported = res.json.bucketChanges.map((c: {bucket: string; dimensions: {country: string; device_os: string}}) => `${c.bucket}|${c.dimensions.country}|${c.dimensions.device_os}`)
    expect(reported.sort()).toEqual([...touched].sort())
    for (const c of res.json.bucketChanges) {
      if (c.kind === 'changed') expect(c.columns).toEqual(expect.arrayContaining(['orders', 'revenue', 'late_events']))
    }
    expect(res.json.late.total).toBe(3)
  })

  it('a sink table that cannot take the rows: exit 2 with one line, nothing written', async () => {
    await client.execute(`CREATE TABLE ${ks}.misfit (job text, hour timestamp, country text, orders bigint, PRIMARY KEY ((job, hour), country))`)
    const misfit = writeJob(dir, 'misfit', JOB_YAML.replace('table: hourly', 'table: misfit'))
    const res = await runCli(['lookback', 'run', '--job', misfit, '--as-of', AS_OF, '--lease-ttl', '10s'], {env})
    expect(res.code).toBe(2)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.stderr).toMatch(/sink table lb_msr_\w+\.misfit has no column "device_os" \(text\)/)
    expect((await client.execute(`SELECT * FROM ${ks}.misfit`)).rowLength).toBe(0)
  })

  it('a third run changes nothing', async () => {
    const before = await readSink(client)
    const res = await run()
    expect(res.code, res.stdout + res.stderr).toBe(0)
    expect(res.json.bucketChanges).toEqual([])
    expect(res.json.late.total).toBe(0)
    expect(await readSink(client)).toEqual(before)
  })
})

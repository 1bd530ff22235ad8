/**
 * The runner on a measures job with in-memory clusters: a run stopped part-way and resumed
 * from its checkpoint (v2 partials), and a --share-work run (partials through the store),
 * both write exactly the rows of one uninterrupted run, which match counts and sums computed
 * here; a rerun changes nothing.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {renderLookbackReport} from '../../../src/output/lookback.js'
import {type LookbackRunOptions, runLookback} from '../../../src/services/lookback/runner.js'
import {type LookbackStatusReport, lookbackStatus} from '../../../src/services/lookback/status.js'
import {MemoryRunLog, MemoryStore, MemoryTopic, TestClock, type TopicRecord, memoryAdapters} from './in-memory.js'

const KS = 'lb'
const HOUR = 3_600_000
const PARTITIONS = 4
const NOW = Date.parse('2026-11-21T06:00:00Z')
const FIRST = Date.parse('2026-11-19T00:00:00Z')

interface Order {
  ts: number
  status: string
  amount: number
  user: string
  country: string
  device?: {os: string}
}

const ORDERS: Order[][] = (() => {
  let seed = 11
  const next = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  return Array.from({length: PARTITIONS}, () =>
    Array.from({length: 60}, (): Order => {
      const order: Order = {ts: FIRST + Math.floor(next() * 2 * 24 * HOUR), status: next() < 0.8 ? 'paid' : 'void', amount: Math.floor(next() * 40) / 4, user: `u${Math.floor(next() * 9)}`, country: ['de', 'fr'][Math.floor(next() * 2)]!}
      if (next() < 0.7) order.device = {os: next() < 0.5 ? 'ios' : 'android'}
      return order
    }).sort((a, b) => a.ts - b.ts),
  )
})()
const RECORDS: TopicRecord[][] = ORDERS.map((p) => p.map((o) => ({timestampMs: o.ts + 1000, value: JSON.stringify(o)})))

/** Per (hour, country, os): paid orders and their revenue. */
function truth(): Map<string, {orders: number; revenue: number}> {
  const out = new Map<string, {orders: number; revenue: number}>()
  for (const o of ORDERS.flat()) {
    if (o.status !== 'paid') continue
    const key = JSON.stringify([new Date(Math.floor(o.ts / HOUR) * HOUR).toISOString(), [o.country, o.device?.os ?? '']])
    const cell = out.get(key) ?? {orders: 0, revenue: 0}
    cell.orders++
    cell.revenue += o.amount
    out.set(key, cell)
  }
  return out
}

const JOB_LINES = ['name: hourly', 'source:', '  kafka:', '    topic: orders', '    eventTimeField: ts', 'window: 2d', 'granularity: hour', 'where: {status: paid}', 'dimensions: [country, device.os]', 'measures:', '  orders: count', '  revenue: {sum: amount}', '  buyers: {distinct: user}', '  p50: {quantile: amount, q: 0.5}', '  approx_buyers: {approx_distinct: user}', 'sink:', `  keyspace: ${KS}`, '  table: hourly', '']

interface Harness {
  store: MemoryStore
  job: string
  run(flags?: Partial<LookbackRunOptions>, chunkMs?: number): Promise<Awaited<ReturnType<typeof runLookback>>>
  status(flags?: {from?: string; to?: string; days?: number; asOf?: string}): Promise<LookbackStatusReport>
}

function harness(records: TopicRecord[][] = RECORDS): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-measures-'))
  const job = join(dir, 'job.yaml')
  writeFileSync(job, JOB_LINES.join('\n'))
  const store = new MemoryStore(KS)
  const clock = new TestClock(NOW)
  return {
    store,
    job,
    async run(flags = {}, chunkMs = 0) {
      const range = flags.from !== undefined ? {} : {asOf: '2026-11-20'}
      const opts: LookbackRunOptions = {jobPath: job, ...range, dryRun: false, resume: false, createSink: true, leaseTtlSeconds: 60, share: false, checkpointDir: join(dir, 'checkpoint'), log: new MemoryRunLog(), ...flags}
      return runLookback(opts, memoryAdapters(store, new MemoryTopic('orders', records, 10, chunkMs, clock)), clock)
    },
    async status(flags = {}) {
      return lookbackStatus({jobPath: job, ...flags}, async () => store, clock)
    },
  }
}

const sinkOf = (store: MemoryStore): Record<string, unknown> => Object.fromEntries(store.measuresSinks.get(`${KS}.hourly`)!.get('hourly')!)

describe('runLookback, measures form, in-memory clusters', () => {
  it('writes the expected rows; a stopped and resumed run and a shared run write the same; a rerun changes nothing', async () => {
    const plain = harness()
    const first = await plain.run()
    expect(first).toMatchObject({exit: 0, status: 'ok', filtered: ORDERS.flat().filter((o) => o.status !== 'paid').length})
    const rows = Object.values(sinkOf(plain.store)).flat() as {bucket: string; dims: string[]; values: Record<string, number>}[]
    const got = new Map(rows.map((r) => [JSON.stringify([r.bucket, r.dims]), {orders: r.values.orders!, revenue: r.values.revenue!}]))
    expect(got).toEqual(truth())
    expect(first.bucketChanges).toHaveLength(rows.length)
    expect(Object.keys(sinkOf(plain.store))).toHaveLength(48)

    // eslint-disable-next-line no-control-regex
    const human = renderLookbackReport(first).replace(/\x1b\[[0-9;]*m/g, '')
    expect(human).toContain(`Changed rows (${rows.length}):`)
    expect(human).toMatch(/^ {2}\+ 2026-11-19T\d\d:00:00\.000Z country=(de|fr) device_os=\S+: orders \d+, revenue [\d.]+, buyers \d+/m)
    expect(human).toContain(`Left out by the job's where: ${first.filtered} records.`)

    // A damaged row is put back, and the report names the bucket, the dimensions and the column.
    const damaged = rows[0]!
    damaged.values.orders = damaged.values.orders! + 5
    const dry = await plain.run({dryRun: true})
    expect(dry.bucketChanges).toHaveLength(1)
    expect(dry.sink.written).toBe(false)
    expect(sinkOf(plain.store)[damaged.bucket]).toContain(damaged)
    const again = await plain.run()
    expect(again.bucketChanges).toEqual([
      {bucket: damaged.bucket, dimensions: {country: damaged.dims[0], device_os: damaged.dims[1]}, kind: 'changed', columns: ['orders'], before: expect.objectContaining({orders: damaged.values.orders}), after: expect.objectContaining({orders: damaged.values.orders! - 5})},
    ])
    expect(renderLookbackReport(again)).toContain(`orders ${damaged.values.orders} → ${damaged.values.orders! - 5}`)
    expect((await plain.run()).bucketChanges).toEqual([])

    const stopped = harness()
    const partial = await stopped.run({maxRuntimeMs: 15_000}, 11_000)
    expect(partial).toMatchObject({exit: 68, status: 'partial'})
    const resumed = await stopped.run({resume: true})
    expect(resumed).toMatchObject({exit: 0, resumed: true, filtered: first.filtered})
    expect(sinkOf(stopped.store)).toEqual(sinkOf(plain.store))

    const shared = harness()
    const [a, b] = await Promise.all([shared.run({share: true}), shared.run({share: true})])
    expect([a.exit, b.exit]).toEqual([0, 0])
    expect(a.bucketChanges).toEqual(b.bucketChanges)
    expect(sinkOf(shared.store)).toEqual(sinkOf(plain.store))
  })

  it('--from/--to recomputes exactly those days; status lists each hour; --fill-gaps writes only the missing and incomplete buckets', async () => {
    const full = harness()
    await full.run()
    const h = harness()
    const ranged = await h.run({from: '2026-11-19', to: '2026-11-19'})
    expect(ranged).toMatchObject({exit: 0, asOf: '2026-11-19', window: {days: ['2026-11-19']}})
    const day19 = Object.keys(sinkOf(full.store)).filter((b) => b < '2026-11-20T00')
    expect(Object.keys(sinkOf(h.store)).sort()).toEqual(day19.sort())
    for (const b of day19) expect(sinkOf(h.store)[b]).toEqual(sinkOf(full.store)[b])

    const before = await h.status({from: '2026-11-19', to: '2026-11-20'})
    expect(before.summary).toEqual({buckets: 48, complete: 24, incomplete: 0, missing: 24})
    expect(before.buckets.filter((b) => b.state === 'complete').every((b) => b.day === '2026-11-19' && b.lastRunId === ranged.runId)).toBe(true)
    const orders19 = ORDERS.flat().filter((o) => o.status === 'paid' && o.ts < Date.parse('2026-11-20T00:00:00Z')).length
    expect(before.buckets.reduce((n, b) => n + (b.events ?? 0), 0)).toBe(orders19)

    const filled = await h.run({fillGaps: true, from: '2026-11-19', to: '2026-11-20'})
    expect(filled).toMatchObject({exit: 0, window: {days: ['2026-11-20']}})
    expect(filled.filledBuckets).toEqual(before.buckets.filter((b) => b.state === 'missing').map((b) => b.bucket))
    expect(sinkOf(h.store)).toEqual(sinkOf(full.store))
    const after = await h.status({from: '2026-11-19', to: '2026-11-20'})
    expect(after.summary).toMatchObject({complete: 48, missing: 0})
    // The day that was complete was read for nothing and kept its run.
    expect(after.buckets.filter((b) => b.day === '2026-11-19').every((b) => b.lastRunId === ranged.runId)).toBe(true)
    const nothing = await h.run({fillGaps: true, from: '2026-11-19', to: '2026-11-20'})
    expect(nothing).toMatchObject({exit: 0, filledBuckets: [], units: {total: 0}})
    expect(nothing.message).toMatch(/nothing to fill/)

    // As of today (06:00 UTC): the hours not over when the run started are incomplete, and --fill-gaps finds them.
    await h.run({asOf: '2026-11-21'})
    const today = await h.status({from: '2026-11-21', to: '2026-11-21'})
    expect(today.summary).toEqual({buckets: 24, complete: 6, incomplete: 18, missing: 0})
    expect(today.buckets.find((b) => b.state === 'incomplete')!.bucket).toBe('2026-11-21T06:00:00.000Z')
  })

  it('refuses bad ranges and a resumed run whose job file changed, before writing', async () => {
    const h = harness()
    await expect(h.run({from: '2026-11-20', to: '2026-11-19'})).rejects.toThrow(/--from 2026-11-20 is after --to 2026-11-19/)
    await expect(h.run({from: '2026-11-20'})).rejects.toThrow(/--from needs --to/)
    await expect(h.run({from: '2025-01-01', to: '2026-11-20'})).rejects.toThrow(/spans 689 days; the most one run recomputes is 366/)
    await expect(h.run({from: '2026-11-20', to: '2026-11-22'})).rejects.toThrow(/--to 2026-11-22 is after today/)
    await expect(h.run({from: '2026-11-19', to: '2026-11-20', asOf: '2026-11-20'})).rejects.toThrow(/replace --window and --as-of/)
    expect(h.store.measuresSinks.size).toBe(0)

    const stopped = await h.run({maxRuntimeMs: 15_000}, 11_000)
    expect(stopped.exit).toBe(68)
    writeFileSync(h.job, JOB_LINES.join('\n').replace('  orders: count', '  orders: count\n  biggest: {max: amount}'))
    const error = await h.run({resume: true}).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'BAD_INPUT', message: expect.stringMatching(/the job file changed since run hourly\.\S+ started.*rerun without --resume/)})
    expect(h.store.measuresSinks.get(`${KS}.hourly`)!.size).toBe(0)
  })

  it('reports the lateness per day and the window that would have caught 99.9 % of the late events', async () => {
    const late = RECORDS.map((p) => [...p])
    const event19 = Date.parse('2026-11-19T01:30:00Z')
    const lateOrder = (ts: number, arrival: number): TopicRecord => ({timestampMs: arrival, value: JSON.stringify({ts, status: 'paid', amount: 1, user: 'u1', country: 'de'})})
    late[0]!.push(lateOrder(event19, Date.parse('2026-11-20T05:00:00Z')), lateOrder(event19, Date.parse('2026-11-21T01:00:00Z')))
    const h = harness(late)
    const report = await h.run()
    expect(report.lateness).toEqual({lateEvents: 2, windowDays: 3, fraction: 0.999, windowDaysUsed: 2})
    const d19 = report.days.find((d) => d.day === '2026-11-19')!
    const events19 = ORDERS.flat().filter((o) => o.status === 'paid' && o.ts < Date.parse('2026-11-20T00:00:00Z')).length + 2
    expect(d19.lateness).toMatchObject({events: events19, lateEvents: 2, maxMs: Date.parse('2026-11-21T01:00:00Z') - event19})
    // Every other event arrived 1 s after it happened: the median is 1 s within the sketch's 1 %.
    expect(Math.abs(d19.lateness.p50Ms! - 1000)).toBeLessThanOrEqual(10)
    expect(report.days.find((d) => d.day === '2026-11-20')!.lateness).toMatchObject({lateEvents: 0, maxMs: 1000})
    expect(renderLookbackReport(report)).toContain('Lateness: 2 events arrived after their day ended; a 3-day window would have caught 99.9 % of them (this run: 2d).')

    const status = await h.status()
    expect(status.lateness).toMatchObject({lateEvents: 2, windowDays: 3, windowDaysConfigured: 2})
    const latest = status.buckets.find((b) => b.bucket === '2026-11-19T01:00:00.000Z')!
    expect(latest).toMatchObject({lateEvents: 2, latestLateEvent: {eventMs: event19, arrivalMs: Date.parse('2026-11-21T01:00:00Z')}})
  })
})

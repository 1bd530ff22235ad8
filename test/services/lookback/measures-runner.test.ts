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

function harness(): {store: MemoryStore; run(flags?: Partial<LookbackRunOptions>, chunkMs?: number): Promise<Awaited<ReturnType<typeof runLookback>>>} {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-measures-'))
  const job = join(dir, 'job.yaml')
  writeFileSync(
    job,
    ['name: hourly', 'source:', '  kafka:', '    topic: orders', '    eventTimeField: ts', 'window: 2d', 'granularity: hour', 'where: {status: paid}', 'dimensions: [country, device.os]', 'measures:', '  orders: count', '  revenue: {sum: amount}', '  buyers: {distinct: user}', '  p50: {quantile: amount, q: 0.5}', '  approx_buyers: {approx_distinct: user}', 'sink:', `  keyspace: ${KS}`, '  table: hourly', ''].join('\n'),
  )
  const store = new MemoryStore(KS)
  const clock = new TestClock(NOW)
  return {
    store,
    async run(flags = {}, chunkMs = 0) {
      const opts: LookbackRunOptions = {jobPath: job, asOf: '2026-11-20', dryRun: false, resume: false, createSink: true, leaseTtlSeconds: 60, share: false, checkpointDir: join(dir, 'checkpoint'), log: new MemoryRunLog(), ...flags}
      return runLookback(opts, memoryAdapters(store, new MemoryTopic('orders', RECORDS, 10, chunkMs, clock)), clock)
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
})

/**
 * Units aggregated in a worker thread (the built worker entry, build/services/lookback/
 * aggregator-worker.js: run `npm run build` first) give the partials an in-thread LocalFeed
 * gives for the same records: mid-unit snapshots, the final partial, the events read and the
 * rejects, byte for byte; a worker-side failure rejects the unit instead of hanging it.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'

import {parseJobText} from '../../../src/core/lookback/job-text.js'
import {validateLookbackJob} from '../../../src/core/lookback/job-spec.js'
import {computeWindow} from '../../../src/core/lookback/window.js'
import {AggregatorPool, aggregatorWorkerCount} from '../../../src/services/lookback/aggregator-pool.js'
import {type FeedUnit, LocalFeed, type UnitFeed} from '../../../src/services/lookback/unit-feed.js'

const WORKER = fileURLToPath(new URL('../../../build/services/lookback/aggregator-worker.js', import.meta.url))

const job = validateLookbackJob(
  parseJobText(
    JSON.stringify({
      name: 'j',
      source: {kafka: {topic: 't', eventTimeField: 'ts'}},
      window: '2d',
      timezone: 'UTC',
      where: {status: {ne: 'cancelled'}},
      dimensions: ['country', 'device.os'],
      measures: {n: 'count', revenue: {sum: 'amount'}, low: {min: 'amount'}, buyers: {distinct: 'user'}, approx: {approx_distinct: 'user'}, p90: {quantile: 'amount', q: 0.9}},
      sink: {keyspace: 'k', table: 't'},
    }),
    'job.json',
  ),
)
const window = computeWindow({windowDays: 2, asOf: '2026-11-15', timezone: 'UTC', now: Date.UTC(2026, 10, 20)})
const DAY = 86_400_000
const unit: FeedUnit = {job, window, previousRunBoundaryMs: Date.UTC(2026, 10, 15, 12), topic: 't', partition: 3, prevEnd: 150}

/** Deterministic records: valid, filtered, late, malformed and value-less ones. */
function records(from: number, count: number): {offset: number; ts: number; value: Uint8Array | null}[] {
  const countries = ['DE', 'FR', 'US', '']
  return Array.from({length: count}, (_, k) => {
    const i = from + k
    const eventMs = Date.UTC(2026, 10, 14) + ((i * 7919) % (2 * DAY))
    const ts = eventMs + (i % 5 === 0 ? 2 * DAY : 1000)
    if (i % 97 === 0) return {offset: i, ts, value: null}
    if (i % 89 === 0) return {offset: i, ts, value: new TextEncoder().encode('{"ts": oops')}
    const event = {ts: new Date(eventMs).toISOString(), status: i % 10 === 0 ? 'cancelled' : 'paid', country: countries[i % 4], device: {os: i % 3 === 0 ? 'ios' : 'web'}, amount: (i % 1000) / 10, user: `u${i % 37}`}
    return {offset: i, ts, value: new TextEncoder().encode(JSON.stringify(event))}
  })
}

function feed(target: UnitFeed, from: number, count: number): void {
  for (const r of records(from, count)) {
    if (r.value === null) target.record(r.offset, r.ts, new Uint8Array(0), -1, 0)
    else {
      // The value inside a larger buffer, as in a fetched batch.
      const data = new Uint8Array(r.value.length + 4)
      data.set(r.value, 2)
      target.record(r.offset, r.ts, data, 2, 2 + r.value.length)
    }
  }
  if (from === 100) target.unreadable(from + count, 3, 'offsets 1-3: bad frame')
}

const text = (x: unknown): string => JSON.stringify(x)

describe('AggregatorPool', () => {
  const pools: AggregatorPool[] = []
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()))
  })

  it('needs the built worker entry', () => {
    expect(existsSync(WORKER), `${WORKER} is missing: run npm run build`).toBe(true)
  })

  it('gives the partials, snapshots and event counts of an in-thread feed, for several units on fewer workers', async () => {
    const pool = new AggregatorPool(WORKER, 2)
    pools.push(pool)
    const units = [0, 1, 2].map((k) => ({local: new LocalFeed({...unit, partition: k}), remote: pool.open({...unit, partition: k})}))
    const snapshots: [string, string][] = []
    for (const [chunk, [from, count]] of [[0, 120], [100, 200], [300, 400]].entries()) {
      for (const u of units) {
        feed(u.local, from! + chunk, count!)
        feed(u.remote, from! + chunk, count!)
        await Promise.all([u.local.endChunk(), u.remote.endChunk()])
      }
      for (const u of units) snapshots.push([text(await u.local.snapshot()), text(await u.remote.snapshot())])
    }
    for (const [local, remote] of snapshots) expect(remote).toBe(local)
    for (const u of units) {
      const [local, remote] = [await u.local.finish(), await u.remote.finish()]
      expect(remote.live).toBeUndefined()
      expect(remote.events).toBe(local.events)
      expect(text(remote.partial)).toBe(text(local.partial))
      expect(local.partial.rejects).not.toEqual(new LocalFeed(unit).sink.acc.partial().rejects)
    }
  })

  it('continues from a saved partial as an in-thread feed does', async () => {
    const pool = new AggregatorPool(WORKER, 1)
    pools.push(pool)
    const first = new LocalFeed(unit)
    feed(first, 0, 250)
    const saved = JSON.parse(text(await first.snapshot()))
    const [local, remote] = [new LocalFeed({...unit, partial: saved}), pool.open({...unit, partial: saved})]
    for (const f of [local, remote]) {
      feed(f, 250, 300)
      await f.endChunk()
    }
    expect(text((await remote.finish()).partial)).toBe(text((await local.finish()).partial))
  })

  it('rejects a unit whose aggregation fails in the worker, and keeps serving the others', async () => {
    const pool = new AggregatorPool(WORKER, 1)
    pools.push(pool)
    const broken = pool.open({...unit, partial: {aggregation: {v: 99}} as never})
    const healthy = pool.open(unit)
    feed(broken, 0, 10)
    feed(healthy, 0, 10)
    await expect(broken.endChunk().then(() => broken.finish())).rejects.toMatchObject({code: 'BAD_INPUT'})
    await healthy.endChunk()
    const local = new LocalFeed(unit)
    feed(local, 0, 10)
    expect(text((await healthy.finish()).partial)).toBe(text((await local.finish()).partial))
  })

  it('uses one worker per core up to the units read at once, none on one core; FLEETOPS_LOOKBACK_WORKERS overrides', () => {
    expect(aggregatorWorkerCount(4, {FLEETOPS_LOOKBACK_WORKERS: '0'})).toBe(0)
    expect(aggregatorWorkerCount(4, {FLEETOPS_LOOKBACK_WORKERS: '3'})).toBe(3)
    expect(aggregatorWorkerCount(2, {FLEETOPS_LOOKBACK_WORKERS: '8'})).toBe(2)
    expect(aggregatorWorkerCount(1, {})).toBeLessThanOrEqual(1)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {BURROW_STATUSES, burrowSeverity, type BurrowEvaluation} from '../../../src/core/lag/burrow.js'
import {nagiosSeverity} from '../../../src/core/lag/nagios.js'
import {lagSummaryLine} from '../../../src/core/lag/perfdata.js'
import {renderLagPrometheus} from '../../../src/core/lag/prometheus.js'
import {mergeLagResults, rollUpLag, type GroupObservation} from '../../../src/core/lag/rollup.js'
import {NO_THRESHOLDS} from '../../../src/core/lag/thresholds.js'
import {NOW, sampleGroups, sampleResult} from './fixtures.js'

describe('rollUpLag', () => {
  it('builds the JSON shape with sums of known lags, max time lag and worst status', () => {
    const r = sampleResult()
    expect(r).toMatchObject({version: 1, status: 'WARNING', exitCode: 1, evaluatedAt: NOW, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'})
    expect(r.groups.map((g) => g.group)).toEqual(['analytics', 'orders-svc'])
    const [analytics, orders] = r.groups
    expect(analytics).toMatchObject({state: 'Empty', status: 'OK', lag: 0, maxLag: 0, timeLagMs: 0, members: [], unknownLagPartitions: 0})
    expect(orders).toMatchObject({
      group: 'orders-svc',
      state: 'Stable',
      status: 'WARNING',
      burrowStatus: null,
      lag: 400,
      maxLag: 300,
      timeLagMs: 12_000,
      partitionCount: 3,
      unknownLagPartitions: 1,
    })
    expect(orders.members[0].memberId).toBe('c-1')
    expect(orders.topics.map((t) => [t.topic, t.lag, t.timeLagMs, t.status])).toEqual([
      ['orders', 400, 12_000, 'WARNING'],
      ['payments', null, null, 'UNKNOWN'],
    ])
    expect(orders.topics[0].partitions).toEqual([
      {
        partition: 0,
        committedOffset: 900,
        logEndOffset: 1000,
        lag: 100,
        timeLagMs: 2000,
        status: 'OK',
        burrowStatus: null,
        reason: 'lag 100, time lag 2.0s',
        owner: {memberId: 'c-1', clientId: 'orders', host: '/10.0.0.1'},
      },
      {
        partition: 1,
        committedOffset: 100,
        logEndOffset: 400,
        lag: 300,
        timeLagMs: 12_000,
        status: 'WARNING',
        burrowStatus: null,
        reason: 'lag 300 exceeds warn 250, time lag 12s',
        owner: {memberId: 'c-1', clientId: 'orders', host: '/10.0.0.1'},
      },
    ])
    const payments = orders.topics[1].partitions[0]
    expect(payments).toMatchObject({committedOffset: null, lag: null, timeLagMs: null, status: 'UNKNOWN', owner: null})
    expect(payments.note).toMatch(/no committed offset/)
    // JSON-safe: no bigint, no undefined-vs-null confusion for unknowns.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })

  it('states the end offset used and reports UNKNOWN when nothing was evaluated', () => {
    const r = rollUpLag([], {now: NOW, thresholds: NO_THRESHOLDS, isolation: 'read_committed', endOffsetKind: 'last-stable-offset'})
    expect(r).toMatchObject({status: 'UNKNOWN', exitCode: 3, isolation: 'read_committed', endOffsetKind: 'last-stable-offset', groups: []})
    const empty = rollUpLag([{group: 'g', partitions: []}], {now: NOW, thresholds: NO_THRESHOLDS, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'})
    expect(empty.groups[0]).toMatchObject({status: 'UNKNOWN', lag: null, maxLag: null, timeLagMs: null, state: null})
  })

  it('headlines an unknown time lag, never 0s, when a lagging partition has no measurable time lag', () => {
    const part = (partition: number, lag: number, timeLagMs: number | null) => ({
      topic: 't',
      partition,
      offsets: {committedOffset: 0, logEndOffset: lag, lag, timeLagMs},
    })
    const opts = {now: NOW, thresholds: NO_THRESHOLDS, isolation: 'read_uncommitted' as const, endOffsetKind: 'high-watermark' as const}
    // Caught-up partitions (time lag 0) next to a lagging one whose record is gone.
    const r = rollUpLag([{group: 'g', partitions: [part(0, 0, 0), part(1, 50, null), part(2, 0, 0)]}], opts)
    expect(r.groups[0]).toMatchObject({lag: 50, timeLagMs: null})
    expect(r.groups[0]!.topics[0]!.timeLagMs).toBeNull()
    expect(lagSummaryLine(r, NO_THRESHOLDS)).toMatch(/ time_lag=U;;;0$/)
    // Also when other lagging partitions have a known time lag: the unknown one may be the oldest.
    const mixed = rollUpLag([{group: 'g', partitions: [part(0, 10, 5000), part(1, 50, null)]}, {group: 'h', partitions: [part(0, 3, 1000)]}], opts)
    expect(mixed.groups.map((g) => g.timeLagMs)).toEqual([null, 1000])
    expect(lagSummaryLine(mixed, NO_THRESHOLDS)).toMatch(/ time_lag=U;;;0$/)
    // Prometheus: no max_lag_seconds series for the blind group (an absent series is unknown), h's is there.
    const prom = renderLagPrometheus(mixed, {now: NOW}).split('\n')
    expect(prom.filter((l) => l.startsWith('kafka_consumergroup_group_max_lag_seconds{'))).toEqual(['kafka_consumergroup_group_max_lag_seconds{group="h"} 1'])
    // Every lagging partition measured: the largest.
    const known = rollUpLag([{group: 'g', partitions: [part(0, 10, 5000), part(1, 0, 0)]}], opts)
    expect(known.groups[0]!.timeLagMs).toBe(5000)
    expect(lagSummaryLine(known, NO_THRESHOLDS)).toMatch(/ time_lag=5s;;;0$/)
  })

  it('refuses a partition listed twice', () => {
    const g = sampleGroups()[0]
    g.partitions.push(g.partitions[1])
    expect(() => rollUpLag([g], {now: NOW, thresholds: NO_THRESHOLDS, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'})).toThrow(/twice/)
  })

  const burrowEval = (status: (typeof BURROW_STATUSES)[number]): BurrowEvaluation => ({status, reason: '', currentLag: null, samplesUsed: 3, complete: 1, lastCommitAt: null})
  const partitionArb = fc.record({
    lag: fc.option(fc.nat(10_000), {nil: null}),
    time: fc.option(fc.nat(600_000), {nil: null}),
    burrow: fc.option(fc.constantFrom(...BURROW_STATUSES), {nil: null}),
    topic: fc.constantFrom('a', 'b', 'c'),
  })

  it('property: group status and Burrow status are the worst of their partitions; lag is the sum of known lags', () => {
    fc.assert(
      fc.property(fc.array(fc.array(partitionArb, {minLength: 1, maxLength: 12}), {minLength: 1, maxLength: 4}), fc.nat(5000), (groups, warnLag) => {
        const obs: GroupObservation[] = groups.map((parts, gi) => ({
          group: `g${gi}`,
          partitions: parts.map((p, i) => ({
            topic: p.topic,
            partition: i,
            offsets: {committedOffset: p.lag === null ? null : 0, logEndOffset: p.lag ?? 0, lag: p.lag, timeLagMs: p.lag === null ? null : p.time},
            burrow: p.burrow === null ? null : burrowEval(p.burrow),
          })),
        }))
        const r = rollUpLag(obs, {now: NOW, thresholds: {...NO_THRESHOLDS, warnLag}, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'})
        for (const g of r.groups) {
          const parts = g.topics.flatMap((t) => t.partitions)
          expect(parts.map((p) => p.status)).toContain(g.status)
          for (const p of parts) expect(nagiosSeverity(p.status)).toBeLessThanOrEqual(nagiosSeverity(g.status))
          const burrows = parts.map((p) => p.burrowStatus).filter((b) => b !== null)
          if (burrows.length === 0) expect(g.burrowStatus).toBeNull()
          else {
            expect(burrows).toContain(g.burrowStatus)
            for (const b of burrows) expect(burrowSeverity(b)).toBeLessThanOrEqual(burrowSeverity(g.burrowStatus!))
          }
          const known = parts.filter((p) => p.lag !== null).map((p) => p.lag!)
          expect(g.lag).toBe(known.length ? known.reduce((a, b) => a + b, 0) : null)
          expect(g.unknownLagPartitions).toBe(parts.length - known.length)
          // Time lag: unknown if a lagging partition's is unknown, else the largest known one.
          const times = parts.filter((p) => p.timeLagMs !== null).map((p) => p.timeLagMs!)
          const blind = parts.some((p) => p.lag !== null && p.lag > 0 && p.timeLagMs === null)
          expect(g.timeLagMs).toBe(blind || times.length === 0 ? null : Math.max(...times))
          // Unknown lag without other evidence is never OK.
          for (const p of parts) if (p.lag === null && (p.burrowStatus === null || p.burrowStatus === 'INCOMPLETE')) expect(p.status).toBe('UNKNOWN')
        }
        expect(r.groups.map((g) => g.status)).toContain(r.status)
        for (const g of r.groups) expect(nagiosSeverity(g.status)).toBeLessThanOrEqual(nagiosSeverity(r.status))
      }),
    )
  })

  it('property: the pages of a sweep, merged, equal one roll-up of all their groups', () => {
    const opts = {now: NOW, thresholds: {...NO_THRESHOLDS, warnLag: 50}, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'} as const
    fc.assert(
      fc.property(fc.array(fc.array(partitionArb, {minLength: 1, maxLength: 6}), {minLength: 1, maxLength: 12}), fc.integer({min: 1, max: 5}), (groups, pageSize) => {
        // Names out of order, as the broker lists them; the sweep sorts before paging.
        const obs: GroupObservation[] = groups.map((parts, gi) => ({
          group: `g${(gi * 7) % 13}-${gi}`,
          partitions: parts.map((p, i) => ({
            topic: p.topic,
            partition: i,
            offsets: {committedOffset: p.lag === null ? null : 0, logEndOffset: p.lag ?? 0, lag: p.lag, timeLagMs: p.lag === null ? null : p.time},
          })),
        }))
        const sorted = [...obs].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
        const pages = []
        for (let i = 0; i < sorted.length; i += pageSize) pages.push(rollUpLag(sorted.slice(i, i + pageSize), opts))
        expect(mergeLagResults(pages, opts)).toEqual(rollUpLag(obs, opts))
      }),
      {numRuns: 60},
    )
  })

  it('mergeLagResults: no pages is UNKNOWN with no groups, and a group in two pages is refused', () => {
    const opts = {now: NOW, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'} as const
    expect(mergeLagResults([], opts)).toMatchObject({status: 'UNKNOWN', exitCode: 3, groups: []})
    const page = sampleResult()
    expect(() => mergeLagResults([page, page], opts)).toThrow(/two pages/)
  })
})


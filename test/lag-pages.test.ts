import {test} from '@fast-check/vitest'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {lagSummaryLine, LagSummaryTally} from '../src/core/lag/perfdata.js'
import {mergeLagResults, rollUpLag, type GroupObservation, type LagResult} from '../src/core/lag/rollup.js'
import {NO_THRESHOLDS, type LagThresholds} from '../src/core/lag/thresholds.js'
import {InOrder, pagesOf} from '../src/core/map-limited.js'
import {redactValue} from '../src/core/redact.js'
import {renderKafkaLag} from '../src/output/lag.js'
import {LagSweepPages} from '../src/output/lag-pages.js'
import type {KafkaLagReport} from '../src/services/lag/kafka.js'
import {NOW, sampleResult, sampleThresholds} from './core/lag/fixtures.js'

/**
 * A lag sweep's output built page by page (output/lag-pages.ts, core LagSummaryTally): the text
 * written must be byte for byte what the whole report renders to, for any groups and pages.
 */
const partitionArb = fc.record({
  lag: fc.option(fc.nat(3000), {nil: null}),
  time: fc.option(fc.nat(600_000), {nil: null}),
  topic: fc.constantFrom('a', 'b', 'c'),
  owned: fc.boolean(),
})
const thresholdsArb = fc.record({
  warnLag: fc.option(fc.nat(2000), {nil: null}),
  critLag: fc.option(fc.integer({min: 2000, max: 4000}), {nil: null}),
  warnTimeLagMs: fc.option(fc.nat(300_000), {nil: null}),
  critTimeLagMs: fc.constant(null),
})

function sweepOf(groups: {lag: number | null; time: number | null; topic: string; owned: boolean}[][], thresholds: LagThresholds): {all: LagResult; obs: GroupObservation[]} {
  const obs: GroupObservation[] = groups.map((parts, gi) => ({
    group: `g${String(gi).padStart(3, '0')}`,
    state: gi % 2 === 0 ? 'Stable' : 'Empty',
    members: parts.some((p) => p.owned) ? [{memberId: `m-${gi}`, clientId: 'c', host: '/10.0.0.1', assignments: [{topic: parts[0]!.topic, partitions: [0]}]}] : [],
    partitions: parts.map((p, i) => ({
      topic: p.topic,
      partition: i,
      offsets: {committedOffset: p.lag === null ? null : 0, logEndOffset: p.lag ?? 0, lag: p.lag, timeLagMs: p.lag === null ? null : p.time},
    })),
  }))
  return {all: rollUpLag(obs, {now: NOW, thresholds, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'}), obs}
}

const asReport = (r: LagResult): KafkaLagReport => ({...r, timeLagIsolation: 'read_uncommitted', mode: 'single', samples: 1, intervalMs: null})

describe('a sweep rendered page by page', () => {
  test.prop([fc.array(fc.array(partitionArb, {minLength: 1, maxLength: 5}), {minLength: 1, maxLength: 14}), fc.integer({min: 1, max: 5}), thresholdsArb], {numRuns: 80})(
    'writes the table and the JSON of the whole report, and the Nagios line of all groups',
    (groups, pageSize, thresholds) => {
      const {all, obs} = sweepOf(groups, thresholds)
      const report = asReport(all)
      const pages = pagesOf(obs, pageSize).map((page) => rollUpLag(page, {now: NOW, thresholds, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'}))
      const merged = asReport(mergeLagResults(pages.map((p) => ({...p, groups: []})), {now: NOW, isolation: 'read_uncommitted', endOffsetKind: 'high-watermark'}))
      expect(merged).toEqual({...report, groups: []})

      const tally = new LagSummaryTally()
      for (const p of pages) tally.add(p.groups)
      expect(tally.line(report.status, thresholds)).toBe(lagSummaryLine(report, thresholds))

      const table = new LagSweepPages('table', 'single')
      const json = new LagSweepPages('json', 'single')
      for (const p of pages) {
        table.add(p.groups)
        json.add(p.groups)
      }
      expect([...table.table(merged, thresholds)].join('')).toBe(`${renderKafkaLag(report, thresholds)}\n`)
      const doc = {...redactValue(merged), warnings: ['a warning said']}
      expect([...json.json(doc)].join('')).toBe(`${JSON.stringify({...redactValue(report), warnings: ['a warning said']}, null, 2)}\n`)
    },
  )

  it('names the worst partitions first, then the earliest, as the whole report does', () => {
    const r = sampleResult()
    const one = new LagSummaryTally()
    for (const g of r.groups) one.add([g])
    expect(one.line(r.status, sampleThresholds)).toBe(lagSummaryLine(r, sampleThresholds))
    expect(one.line(r.status, sampleThresholds)).toMatch(/^LAG WARNING - 2 groups; orders-svc\/orders-1: lag 300 exceeds warn 250, time lag 12s; orders-svc\/payments-0: lag unknown/)
  })

  it('leaves a report with no pages as it is', () => {
    const report = asReport(sampleResult())
    const pages = new LagSweepPages('json', 'single')
    expect(pages.count).toBe(0)
    expect([...pages.json(report)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`)
    expect(renderKafkaLag(report, NO_THRESHOLDS).split('\n')[0]).toMatch(/^LAG WARNING - 2 groups/)
  })
})

describe('InOrder', () => {
  test.prop([fc.integer({min: 1, max: 30}).chain((n) => fc.shuffledSubarray([...Array(n).keys()], {minLength: n, maxLength: n}))])('hands values over in index order, whatever order they arrive in', (order) => {
    const out: number[] = []
    const inOrder = new InOrder<string>((v, i) => {
      expect(v).toBe(`v${i}`)
      out.push(i)
    })
    for (const i of order) inOrder.put(i, `v${i}`)
    expect(out).toEqual([...order].sort((a, b) => a - b))
  })

  it('refuses an index twice', () => {
    const inOrder = new InOrder<number>(() => {})
    inOrder.put(1, 1)
    expect(() => inOrder.put(1, 1)).toThrow(RangeError)
    inOrder.put(0, 0)
    expect(() => inOrder.put(0, 0)).toThrow(RangeError)
  })
})

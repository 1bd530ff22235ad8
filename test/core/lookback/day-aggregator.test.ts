import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {DayAggregator} from '../../../src/core/lookback/day-aggregator.js'
import {ExactSum} from '../../../src/core/lookback/exact-sum.js'

interface Ev {
  day: string
  group: string
  distinct: string | null
  value: number | null
  late: boolean
}

const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20']
// value = integer / 2^10, so the exact sum scaled by 2^10 is a BigInt and the
// correctly rounded expectation is Number(bigint) / 2^10 (division by 2^k is exact).
const SCALE = 1024
const eventArb = fc.record({
  day: fc.constantFrom(...DAYS),
  group: fc.constantFrom('', 'DE', 'FR', '__proto__'),
  distinct: fc.option(fc.constantFrom('"u1"', '"u2"', '"u3"', '1', '2'), {nil: null}),
  value: fc.option(
    fc.oneof(
      fc.integer({min: -(2 ** 52), max: 2 ** 52}).map((n) => (n * 2 ** 20) / SCALE), // large: sums need rounding
      fc.integer({min: -1e6, max: 1e6}).map((n) => n / SCALE), // fractional
    ),
    {nil: null},
  ),
  late: fc.boolean(),
})

function aggregate(events: readonly Ev[], shape = {distinct: true, value: true}): DayAggregator {
  const agg = new DayAggregator(shape)
  for (const e of events) agg.add(e.day, e, e.late)
  return agg
}

/** Independently computed rows (plain loops; BigInt for the exact sum). */
function expectedRows(events: readonly Ev[]) {
  const keys = [...new Set(events.map((e) => JSON.stringify([e.day, e.group])))].map((k) => JSON.parse(k) as [string, string])
  keys.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return keys.map(([day, group]) => {
    const mine = events.filter((e) => e.day === day && e.group === group)
    const values = mine.map((e) => e.value).filter((v): v is number => v !== null)
    const scaledSum = values.reduce((acc, v) => acc + BigInt(v * SCALE), 0n)
    return {
      job: 'j',
      day,
      group_key: group,
      events: mine.length,
      distinct_count: new Set(mine.map((e) => e.distinct).filter((d) => d !== null)).size,
      value_sum: values.length === 0 ? null : Number(scaledSum) / SCALE,
      value_min: values.length === 0 ? null : values.reduce((a, b) => (b < a ? b : a)),
      value_max: values.length === 0 ? null : values.reduce((a, b) => (b > a ? b : a)),
      late_events: mine.filter((e) => e.late).length,
    }
  })
}

function split<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b)
  const parts: T[][] = []
  let last = 0
  for (const p of [...points, items.length]) {
    parts.push(items.slice(last, p))
    last = p
  }
  return parts
}

describe('ExactSum', () => {
  it('is exact where naive and compensated sums are not', () => {
    const sum = (xs: number[]): number => {
      const s = new ExactSum()
      for (const x of xs) s.add(x)
      return s.value()
    }
    expect(sum([1, 1e100, 1, -1e100])).toBe(2)
    expect(sum([1e16, 1, -1e16])).toBe(1)
    expect(sum([0.1, 0.2, 0.3, -0.6])).toBe(2.7755575615628914e-17) // = 2^-55, checked with BigInt arithmetic on the four doubles' exact values
    expect(sum(Array.from({length: 10}, () => 0.1))).toBe(1)
    expect(sum([])).toBe(0)
    expect(Object.is(sum([-0]), 0)).toBe(true)
  })

  it('gives the same value for any order and any split of arbitrary doubles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({min: -1e250, max: 1e250, noNaN: true}), {maxLength: 40}),
        fc.array(fc.nat(), {maxLength: 4}),
        (xs, cuts) => {
          const whole = ExactSum.fromPartials(xs).value()
          const reversed = ExactSum.fromPartials([...xs].reverse()).value()
          const merged = new ExactSum()
          for (const part of split(xs, cuts).reverse()) merged.merge(ExactSum.fromPartials(part))
          expect(reversed).toBe(whole)
          expect(merged.value()).toBe(whole)
          expect(ExactSum.fromPartials(JSON.parse(JSON.stringify(merged.toPartials()))).value()).toBe(whole)
        },
      ),
      {numRuns: 400},
    )
  })
})

describe('DayAggregator', () => {
  it('aggregates a hand-written example', () => {
    const agg = new DayAggregator({distinct: true, value: true})
    agg.add('2026-11-20', {group: 'DE', distinct: '"a"', value: 2})
    agg.add('2026-11-20', {group: 'DE', distinct: '"a"', value: -1.5}, true)
    agg.add('2026-11-20', {group: 'DE', distinct: '"b"', value: null})
    agg.add('2026-11-19', {group: 'FR', distinct: null, value: null})
    agg.addOutOfWindow('before')
    expect(agg.rows('job1')).toEqual([
      {job: 'job1', day: '2026-11-19', group_key: 'FR', events: 1, distinct_count: 0, value_sum: null, value_min: null, value_max: null, late_events: 0},
      {job: 'job1', day: '2026-11-20', group_key: 'DE', events: 3, distinct_count: 2, value_sum: 0.5, value_min: -1.5, value_max: 2, late_events: 1},
    ])
    expect(agg.outOfWindow).toEqual({before: 1, after: 0})
    expect(agg.eventCount).toBe(4)
  })

  it('writes null distinct/value columns when the job has no such fields', () => {
    const agg = new DayAggregator({distinct: false, value: false})
    agg.add('2026-11-20', {group: '', distinct: '"x"', value: 5})
    expect(agg.rows('j')).toEqual([{job: 'j', day: '2026-11-20', group_key: '', events: 1, distinct_count: null, value_sum: null, value_min: null, value_max: null, late_events: 0}])
  })

  it('matches an independent computation', () => {
    fc.assert(
      fc.property(fc.array(eventArb, {maxLength: 60}), (events) => {
        expect(aggregate(events).rows('j')).toEqual(expectedRows(events))
      }),
      {numRuns: 300},
    )
  })

  it('is independent of event order and of how events are split and merged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(eventArb, fc.nat()), {maxLength: 60}),
        fc.array(fc.nat(), {maxLength: 5}),
        (tagged, cuts) => {
          // the nat is a random sort key: a permutation that shrinks cheaply
          const events = tagged.map(([e]) => e)
          const shuffled = [...tagged].sort((a, b) => a[1] - b[1]).map(([e]) => e)
          const whole = aggregate(events)
          const merged = new DayAggregator({distinct: true, value: true})
          for (const part of split(shuffled, cuts)) merged.merge(aggregate(part))
          expect(aggregate(shuffled).rows('j')).toEqual(whole.rows('j'))
          expect(merged.rows('j')).toEqual(whole.rows('j'))
        },
      ),
      {numRuns: 300},
    )
  })

  it('round-trips through a JSON checkpoint and can keep aggregating', () => {
    fc.assert(
      fc.property(fc.array(eventArb, {maxLength: 40}), fc.array(eventArb, {maxLength: 10}), (events, more) => {
        const agg = aggregate(events)
        agg.addOutOfWindow('after')
        const restored = DayAggregator.fromState(JSON.parse(JSON.stringify(agg.toState())))
        // (exact-sum partials may be re-normalised, so compare what they mean, not their layout)
        expect(restored.rows('j')).toEqual(agg.rows('j'))
        expect(restored.outOfWindow).toEqual({before: 0, after: 1})
        for (const e of more) restored.add(e.day, e, e.late)
        expect(restored.rows('j')).toEqual(expectedRows([...events, ...more]))
      }),
      {numRuns: 200},
    )
  })

  it('refuses corrupt checkpoints and merging different shapes', () => {
    const good = aggregate([{day: '2026-11-20', group: 'g', distinct: '"a"', value: 1, late: false}]).toState()
    const bad = [
      null,
      {...good, v: 2},
      {...good, before: -1},
      {...good, days: {'2026-11-20': {g: [1, 2, 0, null, null, [], []]}}},
      {...good, days: {'2026-11-20': {g: [1, 0, 1, null, null, [1], []]}}},
      {...good, days: {'not-a-day': {}}},
    ]
    for (const state of bad) expect(() => DayAggregator.fromState(state)).toThrow(FleetopsError)
    expect(() => new DayAggregator({distinct: true, value: true}).merge(new DayAggregator({distinct: false, value: true}))).toThrow(/different job shapes/)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {AvgMeasure} from '../../../../src/core/lookback/measures/avg.js'
import {CountMeasure} from '../../../../src/core/lookback/measures/count.js'
import {DistinctMeasure} from '../../../../src/core/lookback/measures/distinct.js'
import {ExtremeMeasure} from '../../../../src/core/lookback/measures/extremes.js'
import {SumMeasure} from '../../../../src/core/lookback/measures/sum.js'
import {checkMergeLaws, expectAllRejected} from './merge-laws.js'

const doubles = fc.oneof(
  fc.double({noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300}),
  fc.integer({min: -1000, max: 1000}).map((n) => n / 10),
  fc.constantFrom(0, -0, 0.1, 0.2, 0.3, 1e16, -1e16, 5e-324),
)
const keys = fc.oneof(fc.string({maxLength: 4}), fc.constantFrom('', 'null', '__proto__', 'ü', '😀'))

describe('count', () => {
  it('merges by adding; 0 when empty', () => {
    expect(new CountMeasure().result()).toBe(0)
    checkMergeLaws({create: () => new CountMeasure(), fromJSON: (s) => CountMeasure.fromJSON(s, 'test'), values: keys})
  })
  it('rejects malformed states', () => {
    expectAllRejected((s) => CountMeasure.fromJSON(s, 'test'), [null, -1, 1.5, '3', [3], 2 ** 53, NaN])
  })
})

describe('sum', () => {
  it('merges exactly, order-free, with canonical state', () => {
    expect(new SumMeasure().result()).toBeNull()
    checkMergeLaws({create: () => new SumMeasure(), fromJSON: (s) => SumMeasure.fromJSON(s, 'test'), values: doubles})
  })
  it('is the correctly rounded sum: 0.1 + 0.2 a million times', () => {
    const sum = new SumMeasure()
    for (let i = 0; i < 1_000_000; i++) {
      sum.add(0.1)
      sum.add(0.2)
    }
    // The exact total of the doubles is 300000.0000000000166..., which rounds to 300000;
    // a running double sum drifts away from it.
    expect(sum.result()).toBe(300000)
    let naive = 0
    for (let i = 0; i < 1_000_000; i++) naive = naive + 0.1 + 0.2
    expect(naive).not.toBe(300000)
  })
  it('keeps cancelled large values exact and says 0, not null, when values cancel', () => {
    const sum = new SumMeasure()
    for (const v of [1e300, 0.1, -1e300, 0.2]) sum.add(v)
    // Exactly 0.1 + 0.2 of the doubles (a tie, rounded half-even as one addition does); a running sum says 0.2.
    expect(sum.result()).toBe(0.1 + 0.2)
    expect(1e300 + 0.1 - 1e300 + 0.2).toBe(0.2)
    const cancelled = new SumMeasure()
    cancelled.add(1)
    cancelled.add(-1)
    expect(cancelled.result()).toBe(0)
    expect(cancelled.toJSON()).toEqual({count: 2, sum: []})
  })
  it('rejects malformed states', () => {
    expectAllRejected((s) => SumMeasure.fromJSON(s, 'test'), [
      null,
      [],
      {count: 1},
      {count: -1, sum: []},
      {count: 0, sum: [1]},
      {count: 2, sum: [1, 2]},
      {count: 2, sum: [0]},
      {count: 2, sum: ['1']},
      {count: 2, sum: [1], extra: 1},
      {count: 1.5, sum: [1]},
    ])
  })
})

describe('avg', () => {
  it('merges exactly; null when empty', () => {
    expect(new AvgMeasure().result()).toBeNull()
    checkMergeLaws({create: () => new AvgMeasure(), fromJSON: (s) => AvgMeasure.fromJSON(s, 'test'), values: doubles})
  })
  it('is exact sum / count: 0.1, 0.2, 0.3 repeated average to 0.2 exactly', () => {
    const avg = new AvgMeasure()
    for (let i = 0; i < 100_000; i++) for (const v of [0.1, 0.2, 0.3]) avg.add(v)
    // A naive running sum drifts; the exact sum of the doubles rounds to 60000 (to the nearest double).
    expect(avg.result()).toBe(0.2)
    let naive = 0
    for (let i = 0; i < 100_000; i++) for (const v of [0.1, 0.2, 0.3]) naive += v
    expect(naive / 300_000).not.toBe(0.2)
  })
  it('rejects malformed states', () => {
    expectAllRejected((s) => AvgMeasure.fromJSON(s, 'test'), [null, 3, {count: 0, sum: [1]}, {count: 1, sum: [Infinity]}, {sum: []}])
  })
})

describe('min and max', () => {
  it('merge by min / max; null when empty; -0 stored as 0', () => {
    for (const kind of ['min', 'max'] as const) {
      expect(new ExtremeMeasure(kind).result()).toBeNull()
      checkMergeLaws({create: () => new ExtremeMeasure(kind), fromJSON: (s) => ExtremeMeasure.fromJSON(kind, s, 'test'), values: doubles})
    }
    const min = new ExtremeMeasure('min')
    min.add(-0)
    expect(Object.is(min.result(), 0)).toBe(true)
  })
  it('track the extremes', () => {
    const min = new ExtremeMeasure('min')
    const max = new ExtremeMeasure('max')
    for (const v of [3, -7.5, 12, 0]) {
      min.add(v)
      max.add(v)
    }
    expect([min.result(), max.result()]).toEqual([-7.5, 12])
  })
  it('reject malformed states', () => {
    for (const kind of ['min', 'max'] as const) expectAllRejected((s) => ExtremeMeasure.fromJSON(kind, s, 'test'), ['1', [1], {}, Infinity, NaN, undefined])
  })
})

describe('distinct', () => {
  it('merges by union; null when empty', () => {
    expect(new DistinctMeasure().result()).toBeNull()
    checkMergeLaws({create: () => new DistinctMeasure(), fromJSON: (s) => DistinctMeasure.fromJSON(s, 'test'), values: keys})
  })
  it('counts exactly', () => {
    const distinct = new DistinctMeasure()
    for (const k of ['a', 'b', 'a', '', 'null', '']) distinct.add(k)
    expect(distinct.result()).toBe(4)
    expect(distinct.toJSON()).toEqual(['', 'a', 'b', 'null'])
  })
  it('rejects malformed states', () => {
    expectAllRejected((s) => DistinctMeasure.fromJSON(s, 'test'), [null, 'a', ['b', 'a'], ['a', 'a'], ['a', 1], {0: 'a'}])
  })
})

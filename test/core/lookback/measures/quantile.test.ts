import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {DDSketch, DDSKETCH_RELATIVE_ACCURACY} from '../../../../src/core/lookback/measures/ddsketch.js'
import {QuantileMeasure} from '../../../../src/core/lookback/measures/quantile.js'
import {checkMergeLaws, expectAllRejected, normal, seededRandom, stateText} from './merge-laws.js'

const QS = [0.5, 0.9, 0.95, 0.99]

/** The sample quantile DDSketch approximates: the value at rank floor(q(n-1)) of the sorted values. */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!
}

function relativeError(estimate: number, exact: number): number {
  return exact === 0 ? Math.abs(estimate) : Math.abs(estimate - exact) / Math.abs(exact)
}

/** Largest relative error over QS (and any extra qs) of a sketch of the values. */
function worstError(values: readonly number[], qs: readonly number[] = QS): number {
  const sketch = new DDSketch()
  for (const v of values) sketch.add(v)
  const sorted = [...values].sort((a, b) => a - b)
  return Math.max(...qs.map((q) => relativeError(sketch.quantile(q)!, exactQuantile(sorted, q))))
}

const values = fc.oneof(
  fc.double({noNaN: true, noDefaultInfinity: true}),
  fc.integer({min: -50, max: 50}),
  fc.constantFrom(0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1),
)

describe('quantile (DDSketch)', () => {
  it('merges by adding integer bucket counts: commutative, associative, equal to one pass', () => {
    expect(new QuantileMeasure(0.5).result()).toBeNull()
    checkMergeLaws({create: () => new QuantileMeasure(0.9), fromJSON: (s) => QuantileMeasure.fromJSON(0.9, s, 'test'), values})
  })

  it('is within 1 % of the exact quantile for any finite values, zeros and negatives included', () => {
    fc.assert(
      fc.property(fc.array(values, {minLength: 1, maxLength: 200}), fc.double({min: 0, max: 1, noNaN: true}), (data, q) => {
        expect(worstError(data, [...QS, q])).toBeLessThanOrEqual(DDSKETCH_RELATIVE_ACCURACY)
      }),
      {numRuns: 500},
    )
  })

  const random = seededRandom(20261207)
  const datasets: [string, number[]][] = [
    ['uniform (0, 1000)', Array.from({length: 100_000}, () => random() * 1000)],
    ['log-normal (σ = 2)', Array.from({length: 100_000}, () => Math.exp(2 * normal(random)))],
    ['normal (0, 100) with 10 % zeros', Array.from({length: 100_000}, () => (random() < 0.1 ? 0 : 100 * normal(random)))],
    ['negative log-normal', Array.from({length: 100_000}, () => -Math.exp(3 * normal(random)))],
  ]
  it.each(datasets)('is within 1 %% on %s data at q = 0.5, 0.9, 0.95, 0.99', (_name, data) => {
    expect(worstError(data)).toBeLessThanOrEqual(DDSKETCH_RELATIVE_ACCURACY)
  })

  it('keeps memory to the log of the range: 100,000 log-normal values in under 2,000 buckets', () => {
    const sketch = new DDSketch()
    for (const v of datasets[1]![1]) sketch.add(v)
    const {positive, negative} = sketch.toPairs()
    expect(positive.length + negative.length).toBeLessThan(2000)
  })

  it('round-trips through JSON text', () => {
    const measure = new QuantileMeasure(0.99)
    for (const v of datasets[2]![1]) measure.add(v)
    const back = QuantileMeasure.fromJSON(0.99, JSON.parse(stateText(measure)), 'test')
    expect(stateText(back)).toBe(stateText(measure))
    expect(back.result()).toBe(measure.result())
  })

  it('rejects q outside (0, 1)', () => {
    for (const q of [0, 1, -0.5, 2, NaN]) expect(() => new QuantileMeasure(q)).toThrow(RangeError)
  })

  it('rejects malformed states', () => {
    const ok = {accuracy: 0.01, zero: 0, positive: [], negative: []}
    expectAllRejected((s) => QuantileMeasure.fromJSON(0.5, s, 'test'), [
      null,
      [],
      {...ok, accuracy: 0.02},
      {...ok, zero: -1},
      {...ok, extra: 1},
      {accuracy: 0.01, zero: 0, positive: []},
      {...ok, positive: [[2, 1], [1, 1]]},
      {...ok, positive: [[1, 1], [1, 1]]},
      {...ok, positive: [[1, 0]]},
      {...ok, negative: [[1, 1.5]]},
      {...ok, negative: [[1e9, 1]]},
      {...ok, negative: [[0.5, 1]]},
      {...ok, negative: [[1, 1, 1]]},
      {...ok, positive: [[1, 2 ** 52], [2, 2 ** 52]]},
    ])
  })
})

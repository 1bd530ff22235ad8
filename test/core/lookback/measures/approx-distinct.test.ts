import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {ApproxDistinctMeasure} from '../../../../src/core/lookback/measures/approx-distinct.js'
import {HLL_SPARSE_LIMIT, HLL_STANDARD_ERROR, HyperLogLog} from '../../../../src/core/lookback/measures/hyperloglog.js'
import {checkMergeLaws, expectAllRejected, stateText} from './merge-laws.js'

const fromJSON = (s: unknown): ApproxDistinctMeasure => ApproxDistinctMeasure.fromJSON(s, 'test')

function sketchOf(keys: Iterable<string>): ApproxDistinctMeasure {
  const measure = new ApproxDistinctMeasure()
  for (const key of keys) measure.add(key)
  return measure
}

function* range(from: number, to: number, prefix: string): Generator<string> {
  for (let i = from; i < to; i++) yield `${prefix}${i}`
}

describe('approx_distinct (HyperLogLog)', () => {
  it('merges by register max: commutative, associative, equal to one pass (sparse form)', () => {
    expect(new ApproxDistinctMeasure().result()).toBeNull()
    checkMergeLaws({create: () => new ApproxDistinctMeasure(), fromJSON, values: fc.string({maxLength: 6})})
  })

  it('merged dense sketches serialize exactly as the single-pass sketch, and round-trip', () => {
    const single = sketchOf(range(0, 60_000, 'k'))
    const parts = [sketchOf(range(0, 20_000, 'k')), sketchOf(range(15_000, 45_000, 'k')), sketchOf(range(40_000, 60_000, 'k'))]
    const merged = new ApproxDistinctMeasure()
    for (const part of parts.reverse()) merged.merge(part)
    expect('dense' in single.toJSON()).toBe(true)
    expect(stateText(merged)).toBe(stateText(single))
    const back = fromJSON(JSON.parse(stateText(single)))
    expect(stateText(back)).toBe(stateText(single))
    expect(back.result()).toBe(single.result())
  })

  it('stays sparse up to HLL_SPARSE_LIMIT registers; sparse parts merged past it equal the single-pass dense sketch', () => {
    expect('sparse' in sketchOf(range(0, 1500, 'k')).toJSON()).toBe(true)
    const single = sketchOf(range(0, 4500, 'k'))
    expect('dense' in single.toJSON()).toBe(true)
    for (const order of [[0, 1, 2], [2, 0, 1]]) {
      const parts = [sketchOf(range(0, 1500, 'k')), sketchOf(range(1500, 3000, 'k')), sketchOf(range(3000, 4500, 'k'))]
      const merged = new ApproxDistinctMeasure()
      for (const i of order) merged.merge(parts[i]!)
      expect(stateText(merged)).toBe(stateText(single))
    }
    const sparseIntoDense = sketchOf(range(1500, 4500, 'k'))
    sparseIntoDense.merge(sketchOf(range(0, 1500, 'k')))
    expect(stateText(sparseIntoDense)).toBe(stateText(single))
  })

  // In memory a sketch turns dense long before HLL_SPARSE_LIMIT (a Map entry costs more than a
  // register byte); the serialized form must not show it: sparse iff at most HLL_SPARSE_LIMIT
  // registers are set, however the sketch was built (added, merged either way, read back).
  it('serializes by the registers alone, across the in-memory and serialized form limits', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 3200}), fc.integer({min: 0, max: 3200}), (n, cut) => {
        const at = Math.min(cut, n)
        const single = sketchOf(range(0, n, 'r'))
        const state = single.toJSON()
        if ('sparse' in state) {
          expect(state.sparse.length).toBeLessThanOrEqual(HLL_SPARSE_LIMIT)
          expect(state.sparse.every((pair, i) => i === 0 || pair[0] > state.sparse[i - 1]![0])).toBe(true)
        } else expect(Buffer.from(state.dense, 'base64').filter((r) => r !== 0).length).toBeGreaterThan(HLL_SPARSE_LIMIT)
        const text = stateText(single)
        expect(stateText(fromJSON(JSON.parse(text)))).toBe(text)
        for (const [first, second] of [[range(0, at, 'r'), range(at, n, 'r')], [range(at, n, 'r'), range(0, at, 'r')]] as const) {
          const merged = sketchOf(first)
          merged.merge(sketchOf(second))
          expect(stateText(merged)).toBe(text)
          expect(merged.result()).toBe(single.result())
        }
      }),
      {numRuns: 60},
    )
  })

  it('is idempotent: adding a key again or merging a sketch into itself changes nothing', () => {
    const sketch = sketchOf(range(0, 5000, 'u'))
    const text = stateText(sketch)
    sketch.add('u17')
    sketch.merge(fromJSON(JSON.parse(text)))
    expect(stateText(sketch)).toBe(text)
  })

  // Relative error within 3 standard errors (2.43 %) of the exact count, on fixed keys.
  it.each([10, 1000, 100_000, 1_000_000])('estimates %i distinct keys within 3 standard errors', (n) => {
    const hll = new HyperLogLog()
    for (let i = 0; i < n; i++) hll.add(`user-${n}-${i}`)
    const error = Math.abs(hll.estimate() - n) / n
    expect(error).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR)
  })

  it('counts small sets (linear counting range) almost exactly', () => {
    for (const n of [1, 2, 5, 50, 200]) expect(sketchOf(range(0, n, 'x')).result()).toBe(n)
  })

  it('rejects malformed states', () => {
    const dense = (sketchOf(range(0, 60_000, 'k')).toJSON() as {dense: string}).dense
    const bytes = Buffer.from(dense, 'base64')
    bytes[7] = 52
    expectAllRejected(fromJSON, [
      null,
      [],
      {p: 14},
      {p: 12, sparse: []},
      {p: 14, sparse: [], dense},
      {p: 14, sparse: [[1, 2]], extra: 0},
      {p: 14, sparse: [[2, 1], [1, 1]]},
      {p: 14, sparse: [[1, 1], [1, 2]]},
      {p: 14, sparse: [[16384, 1]]},
      {p: 14, sparse: [[0, 0]]},
      {p: 14, sparse: [[0, 52]]},
      {p: 14, sparse: [[0, 1.5]]},
      {p: 14, sparse: [[0, 1, 2]]},
      {p: 14, dense: dense.slice(4)},
      {p: 14, dense: `${dense.slice(0, -4)}!!!!`},
      {p: 14, dense: bytes.toString('base64')},
      {p: 14, dense: Buffer.alloc(16384).toString('base64')},
      {p: 14, sparse: Array.from({length: HLL_SPARSE_LIMIT + 1}, (_, i) => [i, 1])},
    ])
  })
})

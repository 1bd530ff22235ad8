import type {ExactDecimal} from '../../../../src/core/lookback/decimal.js'
import fc from 'fast-check'
import {expect} from 'vitest'
import type {Measure} from '../../../../src/core/lookback/measures/measure.js'

/** Serialized state: equal iff the states are equal (measures serialize canonically). */
export function stateText(measure: Measure<never>): string {
  return JSON.stringify(measure.toJSON())
}

export interface MeasureUnderTest<V extends number | string | ExactDecimal> {
  create: () => Measure<V>
  fromJSON: (state: unknown) => Measure<V>
  values: fc.Arbitrary<V>
}

function build<V extends number | string | ExactDecimal>(m: MeasureUnderTest<V>, values: readonly V[]): Measure<V> {
  const measure = m.create()
  for (const v of values) measure.add(v)
  return measure
}

function merged<V extends number | string | ExactDecimal>(m: MeasureUnderTest<V>, ...parts: Measure<V>[]): Measure<V> {
  const out = m.create()
  for (const part of parts) out.merge(part)
  return out
}

/**
 * Merge is commutative and associative and equals adding everything to one
 * state, compared on the serialized state (so on the result too); merging
 * leaves the other state unchanged; states round-trip through JSON text.
 */
export function checkMergeLaws<V extends number | string | ExactDecimal>(m: MeasureUnderTest<V>, numRuns = 200): void {
  const parts = fc.array(m.values, {maxLength: 30})
  fc.assert(
    fc.property(parts, parts, parts, (a, b, c) => {
      const [A, B, C] = [build(m, a), build(m, b), build(m, c)]
      const before = stateText(B)
      const single = build(m, [...a, ...b, ...c])
      const left = merged(m, merged(m, A, B), C)
      const right = merged(m, A, merged(m, B, C))
      const swapped = merged(m, C, merged(m, B, A))
      const direct = build(m, a)
      direct.merge(B)
      direct.merge(C)
      expect(stateText(B)).toBe(before)
      for (const candidate of [left, right, swapped, direct]) {
        expect(stateText(candidate)).toBe(stateText(single))
        expect(candidate.result()).toStrictEqual(single.result())
      }
    }),
    {numRuns},
  )
  fc.assert(
    fc.property(parts, (values) => {
      const measure = build(m, values)
      const back = m.fromJSON(JSON.parse(JSON.stringify(measure.toJSON())))
      expect(stateText(back)).toBe(stateText(measure))
      expect(back.result()).toStrictEqual(measure.result())
    }),
    {numRuns},
  )
}

/** Every state is rejected with the malformed-checkpoint error. */
export function expectAllRejected(fromJSON: (state: unknown) => unknown, states: readonly unknown[]): void {
  for (const state of states) {
    expect(() => fromJSON(state), JSON.stringify(state)).toThrow(/checkpoint aggregation is malformed \(test\)/)
  }
}

/** Deterministic uniform [0, 1) generator (mulberry32) for large differential tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws (Box-Muller) from a uniform generator. */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {splitTokenRanges, tokenRangeFromJSON, tokenRangeToJSON} from '../../../src/core/lookback/token-ranges.js'

const MIN = -9223372036854775808n
const MAX = 9223372036854775807n

describe('splitTokenRanges', () => {
  it('splits the ring in two and four at hand-checked tokens', () => {
    expect(splitTokenRanges(1)).toEqual([{start: MIN, end: MAX}])
    expect(splitTokenRanges(2)).toEqual([
      {start: MIN, end: -1n},
      {start: 0n, end: MAX},
    ])
    expect(splitTokenRanges(4).map((r) => r.start)).toEqual([MIN, -4611686018427387904n, 0n, 4611686018427387904n])
    // 2^64 = 3 * 6148914691236517205 + 1: the first range takes the extra token
    expect(splitTokenRanges(3).map((r) => r.end - r.start + 1n)).toEqual([6148914691236517206n, 6148914691236517205n, 6148914691236517205n])
  })

  it('covers the whole ring exactly once, contiguously, in near-equal pieces', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 5000}), fc.bigInt({min: MIN, max: MAX}), (n, token) => {
        const ranges = splitTokenRanges(n)
        expect(ranges.length).toBe(n)
        expect(ranges[0].start).toBe(MIN)
        expect(ranges[n - 1].end).toBe(MAX)
        let total = 0n
        const problems: string[] = []
        for (let i = 0; i < n; i++) {
          if (ranges[i].start > ranges[i].end) problems.push(`range ${i} is empty`)
          if (i > 0 && ranges[i].start !== ranges[i - 1].end + 1n) problems.push(`gap or overlap before range ${i}`)
          total += ranges[i].end - ranges[i].start + 1n
        }
        expect(problems).toEqual([])
        expect(total).toBe(2n ** 64n)
        const sizes = ranges.map((r) => r.end - r.start + 1n)
        const spread = sizes.reduce((a, b) => (b > a ? b : a)) - sizes.reduce((a, b) => (b < a ? b : a))
        expect(spread <= 1n).toBe(true)
        expect(ranges.filter((r) => r.start <= token && token <= r.end).length).toBe(1)
      }),
      {numRuns: 200},
    )
  })

  it('round-trips through JSON strings and validates input', () => {
    for (const r of splitTokenRanges(7)) expect(tokenRangeFromJSON(JSON.parse(JSON.stringify(tokenRangeToJSON(r))))).toEqual(r)
    for (const bad of [{start: '1', end: '0'}, {start: 1, end: 2}, {start: '-9223372036854775809', end: '0'}, null]) {
      expect(() => tokenRangeFromJSON(bad)).toThrow(FleetopsError)
    }
    for (const n of [0, -1, 1.5, 70_000]) expect(() => splitTokenRanges(n)).toThrow(FleetopsError)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {computeOwnership, imbalanceByDc} from '../../../src/core/ring/ownership.js'
import type {RingNode} from '../../../src/core/ring/ring-state.js'
import {randomRing} from './arbitraries.js'

// Three tokens at -2^62, 0 and 2^62 (one per node A, B, C).
//   B owns (-2^62, 0]        = 2^62 of 2^64        = 1/4
//   C owns (0, 2^62]         = 2^62                = 1/4
//   A owns the wrap (2^62, 2^63-1] ∪ [-2^63, -2^62] = 2^64 - 2^63 = 1/2
const Q = 2n ** 62n
const abc = (racks: [string, string, string]): RingNode[] => [
  {address: 'A', dc: 'dc1', rack: racks[0], tokens: [-Q]},
  {address: 'B', dc: 'dc1', rack: racks[1], tokens: [0n]},
  {address: 'C', dc: 'dc1', rack: racks[2], tokens: [Q]},
]
const shares = (rows: ReturnType<typeof computeOwnership>, key: 'raw' | 'effective') => Object.fromEntries(rows.map((r) => [r.address, r[key]]))

describe('ownership, hand-checked', () => {
  it('raw shares follow (previous, token] with the wrap going to the smallest token', () => {
    expect(shares(computeOwnership(abc(['r', 'r', 'r']), {strategy: 'SimpleStrategy', replicationFactor: 1}), 'raw')).toEqual({
      A: 0.5,
      B: 0.25,
      C: 0.25,
    })
  })

  it('SimpleStrategy RF 2 adds each range to the next distinct node clockwise', () => {
    // A's range (1/2) → {A, B}; B's (1/4) → {B, C}; C's (1/4) → {C, A}
    // A = 1/2 + 1/4 = 3/4, B = 1/2 + 1/4 = 3/4, C = 1/4 + 1/4 = 1/2
    const rows = computeOwnership(abc(['r', 'r', 'r']), {strategy: 'SimpleStrategy', replicationFactor: 2})
    expect(shares(rows, 'effective')).toEqual({A: 0.75, B: 0.75, C: 0.5})
  })

  it('NTS RF 2 over racks r1, r1, r2 puts one replica in each rack', () => {
    // A's range: A (r1) taken, B (r1) skipped, C (r2) taken → {A, C}
    // B's range: B (r1), C (r2) → {B, C};  C's range: C (r2), A (r1) → {C, A}
    // A = 1/2 + 1/4 = 3/4, B = 1/4, C = 1/2 + 1/4 + 1/4 = 1
    const rows = computeOwnership(abc(['r1', 'r1', 'r2']), {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 2}})
    expect(shares(rows, 'effective')).toEqual({A: 0.75, B: 0.25, C: 1})
    const stats = imbalanceByDc(rows)[0]
    // mean = 2/3: max/mean = 1 / (2/3) = 1.5, max/min = 1 / (1/4) = 4
    expect(stats.effective.maxOverMean).toBeCloseTo(1.5, 12)
    expect(stats.effective.maxOverMin).toBeCloseTo(4, 12)
  })

  it('a single-token ring gives its node the whole ring', () => {
    const rows = computeOwnership([{address: 'A', dc: 'dc1', rack: 'r', tokens: [123n]}], {strategy: 'SimpleStrategy', replicationFactor: 1})
    expect(rows[0]).toMatchObject({raw: 1, effective: 1})
  })
})

describe('ownership, properties on random rings', () => {
  it('raw sums to 1 and effective to RF in every DC', () => {
    fc.assert(
      fc.property(randomRing, ({state, rf}) => {
        const rows = computeOwnership(state.nodes, state.keyspaces.ks)
        for (const dc of Object.keys(rf)) {
          const inDc = rows.filter((r) => r.dc === dc)
          expect(Math.abs(inDc.reduce((a, r) => a + r.raw, 0) - 1)).toBeLessThan(1e-9)
          expect(Math.abs(inDc.reduce((a, r) => a + r.effective, 0) - rf[dc])).toBeLessThan(1e-9)
          for (const r of inDc) expect(r.effective).toBeLessThanOrEqual(1 + 1e-12)
        }
      }),
      {numRuns: 150},
    )
  })

  it('SimpleStrategy effective sums to RF over the whole ring', () => {
    fc.assert(
      fc.property(randomRing, fc.integer({min: 1, max: 5}), ({state}, rf) => {
        const capped = Math.min(rf, state.nodes.length)
        const rows = computeOwnership(state.nodes, {strategy: 'SimpleStrategy', replicationFactor: capped})
        expect(Math.abs(rows.reduce((a, r) => a + r.effective, 0) - capped)).toBeLessThan(1e-9)
      }),
      {numRuns: 100},
    )
  })
})

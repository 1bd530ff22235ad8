import fc from 'fast-check'
import type {RingNode, RingState} from '../../../src/core/ring/ring-state.js'
import {MAX_TOKEN, MIN_TOKEN} from '../../../src/core/ring/tokens.js'

export interface RandomRing {
  state: RingState
  /** NTS replication with 1 <= RF <= nodes per DC. */
  rf: Record<string, number>
}

/** Random multi-DC rings: 1-3 DCs, 1-4 racks, 1-7 nodes per DC, 1-6 tokens per node, RF <= nodes. */
export const randomRing: fc.Arbitrary<RandomRing> = fc
  .array(
    fc.record({
      racks: fc.integer({min: 1, max: 4}),
      nodes: fc.array(fc.record({rack: fc.nat(), tokens: fc.integer({min: 1, max: 6})}), {minLength: 1, maxLength: 7}),
      rf: fc.integer({min: 1, max: 7}),
    }),
    {minLength: 1, maxLength: 3},
  )
  .chain((dcs) => {
    const total = dcs.reduce((a, dc) => a + dc.nodes.reduce((b, n) => b + n.tokens, 0), 0)
    return fc
      .uniqueArray(fc.bigInt({min: MIN_TOKEN, max: MAX_TOKEN}), {minLength: total, maxLength: total})
      .map((tokens) => {
        let next = 0
        const nodes: RingNode[] = []
        const rf: Record<string, number> = {}
        dcs.forEach((dc, d) => {
          dc.nodes.forEach((n, i) => {
            nodes.push({
              address: `10.0.${d}.${i}`,
              dc: `dc${d}`,
              rack: `rack${n.rack % dc.racks}`,
              tokens: tokens.slice(next, (next += n.tokens)).sort((a, b) => (a < b ? -1 : 1)),
            })
          })
          rf[`dc${d}`] = Math.min(dc.rf, dc.nodes.length)
        })
        return {
          state: {partitioner: 'Murmur3Partitioner' as const, nodes, keyspaces: {ks: {strategy: 'NetworkTopologyStrategy' as const, dcs: rf}}},
          rf,
        }
      })
  })

/** Deterministic 64-bit LCG for building random-token rings in tests. */
export function tokenSource(seed: bigint): () => bigint {
  let s = seed
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n)
    return s + MIN_TOKEN
  }
}

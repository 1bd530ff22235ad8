import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {replicasForToken} from '../../../src/core/ring/placement.js'
import type {RingState} from '../../../src/core/ring/ring-state.js'
import {MAX_TOKEN, MIN_TOKEN} from '../../../src/core/ring/tokens.js'
import {randomRing} from './arbitraries.js'

const Q = 2n ** 62n
const state = (racks: string[], ks: RingState['keyspaces']): RingState => ({
  partitioner: 'Murmur3Partitioner',
  nodes: ['A', 'B', 'C'].map((address, i) => ({address, dc: 'dc1', rack: racks[i], tokens: [BigInt(i - 1) * Q]})),
  keyspaces: ks,
})

describe('replicasForToken', () => {
  it('lists rack-repeats after the racks are covered, in walk order (driver order)', () => {
    // RF 3, racks r1, r1, r2. From A: A (r1) taken, B (r1) remembered, C (r2) taken, then B appended.
    const s = state(['r1', 'r1', 'r2'], {ks: {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 3}}})
    expect(replicasForToken(s, 'ks', -Q)).toEqual(['A', 'C', 'B'])
    // Token 1 lies in (0, 2^62], owned by C: C (r2), A (r1) → all racks seen; B next.
    expect(replicasForToken(s, 'ks', '1')).toEqual(['C', 'A', 'B'])
    // Past the last token the walk wraps to the smallest (A).
    expect(replicasForToken(s, 'ks', MAX_TOKEN)).toEqual(['A', 'C', 'B'])
  })

  it('SimpleStrategy takes the next distinct nodes clockwise', () => {
    const s = state(['r1', 'r1', 'r2'], {ks: {strategy: 'SimpleStrategy', replicationFactor: 2}})
    expect(replicasForToken(s, 'ks', 0n)).toEqual(['B', 'C'])
  })

  it('rejects unknown keyspaces and bad tokens', () => {
    const s = state(['r1', 'r1', 'r2'], {})
    expect(() => replicasForToken(s, 'nope', 0n)).toThrow(/keyspace "nope" is not in the ring state/)
    const s2 = state(['r1', 'r1', 'r2'], {ks: {strategy: 'SimpleStrategy', replicationFactor: 1}})
    expect(() => replicasForToken(s2, 'ks', 'x')).toThrow(/not an integer/)
  })

  it('NTS invariants: RF per DC, right DC, distinct nodes, distinct racks when racks >= RF, every rack when racks < RF', () => {
    fc.assert(
      fc.property(randomRing, fc.bigInt({min: MIN_TOKEN, max: MAX_TOKEN}), ({state: s, rf}, token) => {
        const replicas = replicasForToken(s, 'ks', token)
        const byAddress = new Map(s.nodes.map((n) => [n.address, n]))
        expect(new Set(replicas).size).toBe(replicas.length)
        for (const dc of Object.keys(rf)) {
          const inDc = replicas.map((a) => byAddress.get(a)!).filter((n) => n.dc === dc)
          expect(inDc.length).toBe(rf[dc])
          const racks = new Set(s.nodes.filter((n) => n.dc === dc).map((n) => n.rack))
          const used = new Set(inDc.map((n) => n.rack))
          if (racks.size >= rf[dc]) expect(used.size).toBe(rf[dc])
          else expect(used.size).toBe(racks.size)
        }
        expect(replicas.every((a) => byAddress.get(a)!.dc in rf)).toBe(true)
      }),
      {numRuns: 200},
    )
  })

  it('the primary replica holds the first token at or after the key token', () => {
    fc.assert(
      fc.property(randomRing, fc.bigInt({min: MIN_TOKEN, max: MAX_TOKEN}), ({state: s}, token) => {
        const all = s.nodes.flatMap((n) => n.tokens.map((t) => ({t, n}))).sort((a, b) => (a.t < b.t ? -1 : 1))
        const owner = (all.find((x) => x.t >= token) ?? all[0]).n
        const simple: RingState = {...s, keyspaces: {one: {strategy: 'SimpleStrategy', replicationFactor: 1}}}
        expect(replicasForToken(simple, 'one', token)).toEqual([owner.address])
      }),
      {numRuns: 100},
    )
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {planRing} from '../../../src/core/ring/ring-plan.js'
import type {RingState} from '../../../src/core/ring/ring-state.js'
import {proposeTokens} from '../../../src/core/ring/token-proposal.js'
import {randomRing, tokenSource} from './arbitraries.js'

const EMPTY: RingState = {partitioner: 'Murmur3Partitioner', nodes: [], keyspaces: {}}
const RACKS = ['r1', 'r2', 'r3']
const twelve: RingState = {
  ...EMPTY,
  nodes: [
    ...proposeTokens(EMPTY, {count: 12, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3, newDc: true}).nodes,
  ].map((n, i) => ({...n, address: `10.0.0.${i + 1}`})),
  keyspaces: {app: {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 3}}},
}

describe('planRing add', () => {
  it('adding 3 nodes to 12 moves close to the optimum 3/15, all of it to the new nodes', () => {
    const plan = planRing(twelve, {add: {count: 3, dc: 'dc1', racks: RACKS, tokensPerNode: 16}})
    expect(plan.optimalMovedFraction).toBeCloseTo(3 / 15, 12)
    expect(plan.movedFraction).toBeGreaterThanOrEqual(plan.optimalMovedFraction - 1e-9)
    expect(plan.movedFraction).toBeLessThanOrEqual(plan.optimalMovedFraction * 1.03)
    expect(plan.proposed.map((p) => p.rack)).toEqual(RACKS)
    expect(plan.ownership.after.map((o) => o.address).slice(-3)).toEqual(['new-1', 'new-2', 'new-3'])
    expect(new Set(plan.streams.map((s) => s.to))).toEqual(new Set(['new-1', 'new-2', 'new-3']))
    // What streams in equals what the newcomers own effectively (each copy they hold was streamed).
    const streamed = plan.streams.reduce((a, s) => a + s.fraction, 0)
    const newOwned = plan.ownership.after.filter((o) => o.address.startsWith('new-')).reduce((a, o) => a + o.effective, 0)
    expect(Math.abs(streamed - newOwned)).toBeLessThan(1e-9)
    expect(plan.movedFraction * 3).toBeCloseTo(streamed, 9)
    expect(plan.warnings).toEqual([])
  })

  it('property: adding a node only streams to it, from nodes that held the data', () => {
    fc.assert(
      fc.property(randomRing, fc.nat(), ({state}, pick) => {
        const target = state.nodes[pick % state.nodes.length]
        const plan = planRing(state, {add: {count: 1, dc: target.dc, racks: [target.rack], tokensPerNode: 4}, keyspace: 'ks'})
        const addresses = new Set(state.nodes.map((n) => n.address))
        for (const s of plan.streams) {
          expect(s.to).toBe('new-1')
          expect(addresses.has(s.from)).toBe(true)
          expect(s.fraction).toBeGreaterThan(0)
        }
        expect(plan.movedFraction).toBeGreaterThanOrEqual(0)
        for (const dc of Object.keys(state.keyspaces.ks.strategy === 'NetworkTopologyStrategy' ? state.keyspaces.ks.dcs : {})) {
          const sum = plan.ownership.after.filter((o) => o.dc === dc).reduce((a, o) => a + o.raw, 0)
          expect(Math.abs(sum - 1)).toBeLessThan(1e-9)
        }
      }),
      {numRuns: 60},
    )
  })
})

describe('planRing remove', () => {
  it('removing one of 12 re-replicates exactly its share, from remaining replicas to new owners', () => {
    const leaving = twelve.nodes[4].address
    const plan = planRing(twelve, {remove: leaving})
    expect(plan.optimalMovedFraction).toBeCloseTo(1 / 12, 12)
    const share = plan.ownership.before.find((o) => o.address === leaving)!.effective
    // Every copy the leaver held must be recreated elsewhere: RF·movedFraction = its effective share.
    expect(plan.movedFraction * 3).toBeCloseTo(share, 9)
    for (const s of plan.streams) {
      expect(s.from).not.toBe(leaving)
      expect(s.to).not.toBe(leaving)
    }
    expect(plan.ownership.after.map((o) => o.address)).not.toContain(leaving)
    // 3 racks of 4 lose one node: the rack with 3 left is uneven, and its nodes gain the leaver's copies.
    const rack = twelve.nodes[4].rack
    expect(new Set(plan.streams.map((s) => twelve.nodes.find((n) => n.address === s.to)!.rack))).toEqual(new Set([rack]))
  })

  it('warns when the DC drops below RF', () => {
    const src = tokenSource(7n)
    const small: RingState = {
      ...EMPTY,
      nodes: ['a', 'b'].map((address) => ({address, dc: 'dc1', rack: 'r1', tokens: [src(), src()].sort((x, y) => (x < y ? -1 : 1))})),
      keyspaces: {app: {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 2}}},
    }
    expect(planRing(small, {remove: 'a'}).warnings.join()).toMatch(/fewer than RF 2/)
  })
})

describe('planRing options', () => {
  it.each([
    [{}, /exactly one of add or remove/],
    [{remove: 'ghost'}, /node "ghost" is not in the ring/],
    [{remove: '10.0.0.1', keyspace: 'nope'}, /keyspace "nope"/],
    [{remove: '10.0.0.1', rf: 0}, /rf must be a whole number/],
    [{add: {count: 1, dc: 'dc9', racks: ['r1'], tokensPerNode: 16}}, /DC "dc9" is not in the ring/],
    [{add: {count: 1, dc: 'dc1', racks: ['r7'], tokensPerNode: 16}}, /rack "r7"/],
  ])('rejects %o', (opts, pattern) => {
    expect(() => planRing(twelve, opts)).toThrow(pattern)
  })

  it('asks for a keyspace when keyspaces disagree', () => {
    const mixed: RingState = {...twelve, keyspaces: {...twelve.keyspaces, other: {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 2}}}}
    expect(() => planRing(mixed, {remove: '10.0.0.1'})).toThrow(/pass keyspace/)
    expect(planRing(mixed, {remove: '10.0.0.1', keyspace: 'other'}).movedFraction).toBeGreaterThan(0)
  })
})

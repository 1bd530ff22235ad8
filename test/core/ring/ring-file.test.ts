import {describe, expect, it} from 'vitest'

import {parseRfOption, ringOwnershipView, toRingStateFile} from '../../../src/core/ring/ring-file.js'
import {parseRingState} from '../../../src/core/ring/ring-state.js'

const file = {
  partitioner: 'Murmur3Partitioner',
  nodes: [
    {address: 'a', dc: 'dc1', rack: 'r1', state: 'UP', tokens: ['-9223372036854775808', '9223372036854775807']},
    {address: 'b', dc: 'dc1', rack: 'r2', state: 'DOWN', tokens: ['0']},
  ],
  keyspaces: {shop: {class: 'NetworkTopologyStrategy', replication: {dc1: 2}}},
}

describe('ring state file', () => {
  it('round-trips through parseRingState', () => {
    const state = parseRingState(file)
    expect(toRingStateFile(state)).toEqual(file)
    expect(parseRingState(JSON.stringify(toRingStateFile(state)))).toEqual(state)
  })

  it('ownership view uses the shared replication, or raw only when keyspaces differ', () => {
    const view = ringOwnershipView(parseRingState(file))
    expect(view.basis).toBe('keyspace shop')
    expect(view.nodes.reduce((a, n) => a + n.effective, 0)).toBeCloseTo(2, 12)
    const mixed = parseRingState({...file, keyspaces: {...file.keyspaces, other: {class: 'SimpleStrategy', replication: {replication_factor: 1}}}})
    expect(ringOwnershipView(mixed).replication).toBeNull()
    expect(ringOwnershipView(mixed, 'other').replication).toEqual({class: 'SimpleStrategy', replication: {replication_factor: 1}})
  })

  it('parses --rf', () => {
    expect(parseRfOption('3')).toBe(3)
    expect(parseRfOption('dc1:3,dc2:2')).toEqual({dc1: 3, dc2: 2})
    expect(() => parseRfOption('0')).toThrow(/from 1 to 100/)
    expect(() => parseRfOption('dc1=3')).toThrow(/not an RF/)
  })
})

describe('ringOwnershipView per DC (ring show --dc)', () => {
  const twoDcs = parseRingState({
    partitioner: 'Murmur3Partitioner',
    nodes: [
      {address: 'a1', dc: 'dc1', rack: 'r1', tokens: ['-9000000000000000000', '100']},
      {address: 'a2', dc: 'dc1', rack: 'r2', tokens: ['-5000000000000000000', '4000000000000000000']},
      {address: 'b1', dc: 'dc2', rack: 'r1', tokens: ['-8000000000000000000', '7']},
      {address: 'b2', dc: 'dc2', rack: 'r2', tokens: ['2000000000000000000']},
      {address: 'b3', dc: 'dc2', rack: 'r1', tokens: ['6000000000000000000']},
    ],
    keyspaces: {ks: {class: 'NetworkTopologyStrategy', replication: {dc1: 1, dc2: 2}}},
  })

  it('lists one DC\'s nodes with the same figures the whole view gives them; each DC\'s effective ownership sums to its RF', () => {
    const all = ringOwnershipView(twoDcs, 'ks')
    expect(all.dc).toBeNull()
    const dc2 = ringOwnershipView(twoDcs, 'ks', 'dc2')
    expect(dc2.dc).toBe('dc2')
    expect(dc2.nodes).toEqual(all.nodes.filter((n) => n.dc === 'dc2'))
    expect(dc2.imbalance.map((i) => i.dc)).toEqual(['dc2'])
    for (const [dc, rf] of [['dc1', 1], ['dc2', 2]] as const) {
      const inDc = all.nodes.filter((n) => n.dc === dc)
      expect(inDc.reduce((a, n) => a + n.effective, 0)).toBeCloseTo(rf, 9)
      expect(inDc.reduce((a, n) => a + n.raw, 0)).toBeCloseTo(1, 9)
    }
  })

  it('an unknown DC is bad input naming the DCs there are', () => {
    expect(() => ringOwnershipView(twoDcs, 'ks', 'dc9')).toThrow('DC "dc9" is not in the ring; use one of: dc1, dc2')
  })
})

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

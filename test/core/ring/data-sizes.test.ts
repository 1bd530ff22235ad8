import {describe, expect, it} from 'vitest'

import {toRingStateFile} from '../../../src/core/ring/ring-file.js'
import {parseRingState} from '../../../src/core/ring/ring-state.js'

const base = {
  partitioner: 'Murmur3Partitioner',
  nodes: [
    {address: '10.0.0.1', dc: 'dc1', rack: 'r1', tokens: ['-100']},
    {address: '10.0.0.2', dc: 'dc1', rack: 'r2', tokens: ['100']},
  ],
  keyspaces: {shop: {class: 'NetworkTopologyStrategy', replication: {dc1: 2}}},
}

describe('ring state "sizes"', () => {
  it('round-trips through the state file, keys in a stable order', () => {
    const sizes = {source: 'system_views.disk_usage', nodes: {'10.0.0.2': {shop: 5, audit: 7}, '10.0.0.1': {shop: 3}}}
    const state = parseRingState({...base, sizes})
    expect(state.sizes).toEqual(sizes)
    const file = toRingStateFile(state)
    expect(JSON.stringify(file.sizes)).toBe(
      JSON.stringify({source: 'system_views.disk_usage', nodes: {'10.0.0.1': {shop: 3}, '10.0.0.2': {audit: 7, shop: 5}}}),
    )
    expect(parseRingState(JSON.parse(JSON.stringify(file)))).toEqual(state)
  })

  it('is optional: a state without it has no sizes and writes none', () => {
    const state = parseRingState(base)
    expect(state.sizes).toBeUndefined()
    expect('sizes' in toRingStateFile(state)).toBe(false)
  })

  it.each([
    [[], /"sizes" must be an object/],
    [{nodes: {}}, /"sizes.source" must be a non-empty string/],
    [{source: 'x', nodes: []}, /"sizes.nodes" must be an object/],
    [{source: 'x', nodes: {'10.9.9.9': {shop: 1}}}, /names node 10.9.9.9, which is not in "nodes"/],
    [{source: 'x', nodes: {'10.0.0.1': 5}}, /entry 10.0.0.1 must be an object/],
    [{source: 'x', nodes: {'10.0.0.1': {'bad-name': 1}}}, /keyspace name "bad-name" is invalid/],
    [{source: 'x', nodes: {'10.0.0.1': {shop: -1}}}, /must be a whole number of bytes >= 0/],
    [{source: 'x', nodes: {'10.0.0.1': {shop: 1.5}}}, /must be a whole number of bytes >= 0/],
    [{source: 'x', nodes: {'10.0.0.1': {shop: '12'}}}, /must be a whole number of bytes >= 0/],
  ])('refuses %j in one line', (sizes, message) => {
    expect(() => parseRingState({...base, sizes})).toThrow(message)
    try {
      parseRingState({...base, sizes})
    } catch (error) {
      expect((error as Error).message.split('\n')).toHaveLength(1)
      expect((error as {code?: string}).code).toBe('BAD_INPUT')
    }
  })
})

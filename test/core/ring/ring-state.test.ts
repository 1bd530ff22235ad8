import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError, isFleetopsError} from '../../../src/core/errors.js'
import {parseRingState} from '../../../src/core/ring/ring-state.js'

const node = (address: string, tokens: string[], dc = 'dc1', rack = 'r1') => ({address, dc, rack, tokens})
const file = (extra: Record<string, unknown> = {}) => ({
  partitioner: 'Murmur3Partitioner',
  nodes: [node('10.0.0.1', ['-100', '5']), node('10.0.0.2', ['200'], 'dc1', 'r2')],
  keyspaces: {app: {class: 'NetworkTopologyStrategy', replication: {dc1: 2}}},
  ...extra,
})

function badInputMessage(input: unknown): string {
  try {
    parseRingState(input)
  } catch (err) {
    expect(err).toBeInstanceOf(FleetopsError)
    expect((err as FleetopsError).code).toBe('BAD_INPUT')
    expect((err as Error).message).not.toContain('\n')
    return (err as Error).message
  }
  throw new Error('expected parseRingState to reject the input')
}

describe('parseRingState', () => {
  it('parses a valid file into sorted bigint tokens and normalised strategies', () => {
    const state = parseRingState(
      file({
        nodes: [node('a', ['5', '-100']), {...node('b', ['200'], 'dc1', 'r2'), state: 'down'}],
        keyspaces: {
          app: {class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', replication: {dc1: '2'}},
          s: {class: 'SimpleStrategy', replication: {replication_factor: 1}},
        },
      }),
    )
    expect(state.nodes[0].tokens).toEqual([-100n, 5n])
    expect(state.nodes[1].state).toBe('DOWN')
    expect(state.keyspaces.app).toEqual({strategy: 'NetworkTopologyStrategy', dcs: {dc1: 2}})
    expect(state.keyspaces.s).toEqual({strategy: 'SimpleStrategy', replicationFactor: 1})
  })

  it('accepts the extreme tokens and the JSON text form', () => {
    const text = JSON.stringify(file({nodes: [node('a', ['-9223372036854775808', '9223372036854775807'])], keyspaces: {}}))
    expect(parseRingState(text).nodes[0].tokens).toEqual([-(2n ** 63n), 2n ** 63n - 1n])
  })

  it.each([
    ['not JSON text', '{"nodes": [', /not valid JSON/],
    ['an array', [], /JSON object/],
    ['unsupported partitioner', file({partitioner: 'RandomPartitioner'}), /only Murmur3Partitioner/],
    ['nodes not an array', file({nodes: {}}), /"nodes" must be an array/],
    ['node missing rack', file({nodes: [{address: 'a', dc: 'dc1', tokens: ['1']}]}), /"rack" must be a non-empty string/],
    ['numeric token', file({nodes: [{...node('a', []), tokens: [1]}], keyspaces: {}}), /decimal strings/],
    ['token above 2^63-1', file({nodes: [node('a', ['9223372036854775808'])], keyspaces: {}}), /\[-2\^63, 2\^63-1\]/],
    ['token below -2^63', file({nodes: [node('a', ['-9223372036854775809'])], keyspaces: {}}), /\[-2\^63, 2\^63-1\]/],
    ['fractional token', file({nodes: [node('a', ['1.5'])], keyspaces: {}}), /not an integer/],
    ['empty tokens', file({nodes: [node('a', [])], keyspaces: {}}), /non-empty array/],
    ['duplicate token in a node', file({nodes: [node('a', ['7', '7'])], keyspaces: {}}), /twice/],
    ['duplicate token across nodes', file({nodes: [node('a', ['7']), node('b', ['7'])], keyspaces: {}}), /held by both a and b/],
    ['duplicate address', file({nodes: [node('a', ['1']), node('a', ['2'])], keyspaces: {}}), /lists node a twice/],
    ['RF above nodes in DC', file({keyspaces: {app: {class: 'NetworkTopologyStrategy', replication: {dc1: 3}}}}), /more than its 2 node/],
    ['RF for an unknown DC', file({keyspaces: {app: {class: 'NetworkTopologyStrategy', replication: {dc9: 1}}}}), /dc9/],
    ['RF 0', file({keyspaces: {app: {class: 'NetworkTopologyStrategy', replication: {dc1: 0}}}}), /from 1 to/],
    ['SimpleStrategy RF above nodes', file({keyspaces: {s: {class: 'SimpleStrategy', replication: {replication_factor: 3}}}}), /lower it/],
    ['unknown strategy', file({keyspaces: {s: {class: 'LocalStrategy', replication: {}}}}), /not supported/],
    ['bad state', file({nodes: [{...node('a', ['1']), state: 'ASLEEP'}], keyspaces: {}}), /state "ASLEEP"/],
  ])('rejects %s with a one-line fix', (_label, input, pattern) => {
    expect(badInputMessage(input)).toMatch(pattern)
  })

  it('never throws anything but a FleetopsError, whatever it is given', () => {
    const token = fc.oneof(fc.bigInt().map(String), fc.string(), fc.integer(), fc.constant('-9223372036854775808'))
    const nodeArb = fc.record(
      {address: fc.oneof(fc.string(), fc.integer()), dc: fc.constantFrom('dc1', 'dc2', ''), rack: fc.string(), tokens: fc.array(token, {maxLength: 4}), state: fc.string()},
      {requiredKeys: []},
    )
    const shaped = fc.record(
      {
        partitioner: fc.constantFrom('Murmur3Partitioner', 'org.apache.cassandra.dht.Murmur3Partitioner', 'x'),
        nodes: fc.oneof(fc.array(nodeArb, {maxLength: 4}), fc.anything()),
        keyspaces: fc.oneof(fc.dictionary(fc.string(), fc.record({class: fc.string(), replication: fc.anything()})), fc.anything()),
      },
      {requiredKeys: []},
    )
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), shaped), (input) => {
        try {
          parseRingState(input)
        } catch (err) {
          return isFleetopsError(err) && err.code === 'BAD_INPUT'
        }
        return true
      }),
      {numRuns: 500},
    )
  })
})

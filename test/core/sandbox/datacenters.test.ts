import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {rawWidths} from '../../../src/core/ring/ownership.js'
import {ringFraction} from '../../../src/core/ring/tokens.js'
import {
  cassandraDcsOf,
  cassandraLayout,
  cassandraRackdc,
  cassandraYaml,
  initialSpec,
  nodeDc,
  SANDBOX_DC,
  sandboxDcNames,
} from '../../../src/core/sandbox/topology.js'

const request = (cassandraNodes: number, cassandraDcs?: number, tokensPerNode = 1) =>
  initialSpec({name: 't', network: '127.0.44', kafkaNodes: 0, cassandraNodes, cassandraDcs, kafkaVersion: '4.4.0', cassandraVersion: '5.0.9', tokensPerNode})

describe('sandbox datacenters (--cassandra-dcs)', () => {
  it('one DC is the layout the sandbox always had: datacenter1, no dc recorded, rack per node, the first three nodes seeds', () => {
    const spec = request(4)
    expect(spec.cassandra!.nodes.map((n) => [n.id, n.host, n.rack, n.dc])).toEqual([
      [1, '127.0.44.1', 'rack1', undefined],
      [2, '127.0.44.2', 'rack2', undefined],
      [3, '127.0.44.3', 'rack3', undefined],
      [4, '127.0.44.4', 'rack4', undefined],
    ])
    expect(spec.cassandra!.seeds).toEqual([1, 2, 3])
    expect(request(4, 1)).toEqual(spec)
    expect(cassandraRackdc(spec.cassandra!.nodes[1])).toBe(`dc=${SANDBOX_DC}\nrack=rack2\n`)
    expect(cassandraDcsOf(spec.cassandra!.nodes)).toEqual([SANDBOX_DC])
  })

  it('2 DCs x 2 nodes: dc1 takes the first addresses, racks per DC, every node a seed, the snitch file names the DC', () => {
    const spec = request(2, 2)
    const nodes = spec.cassandra!.nodes
    expect(nodes.map((n) => [n.id, n.host, nodeDc(n), n.rack])).toEqual([
      [1, '127.0.44.1', 'dc1', 'rack1'],
      [2, '127.0.44.2', 'dc1', 'rack2'],
      [3, '127.0.44.3', 'dc2', 'rack1'],
      [4, '127.0.44.4', 'dc2', 'rack2'],
    ])
    expect(spec.cassandra!.seeds).toEqual([1, 2, 3, 4])
    expect(cassandraRackdc(nodes[2])).toBe('dc=dc2\nrack=rack1\n')
    expect(cassandraYaml(spec, nodes[3], '/d')).toContain('seeds: "127.0.44.1:7000,127.0.44.2:7000,127.0.44.3:7000,127.0.44.4:7000"')
    expect(cassandraDcsOf(nodes)).toEqual(['dc1', 'dc2'])
    // DC 2's tokens are DC 1's shifted by one: the same balance, no token shared.
    expect(nodes[2].tokens.map(BigInt)).toEqual(nodes[0].tokens.map((t) => BigInt(t) + 1n))
  })

  it('names several DCs dc1..dcN and keeps datacenter1 for one', () => {
    expect(sandboxDcNames(1)).toEqual(['datacenter1'])
    expect(sandboxDcNames(3)).toEqual(['dc1', 'dc2', 'dc3'])
  })

  it('refuses more DCs than 3, and more nodes in all than 9, saying --cassandra-nodes counts per DC', () => {
    expect(() => cassandraLayout('127.0.44', 1, 4, 1, 'even')).toThrow(/--cassandra-dcs 4 must be from 1 to 3/)
    expect(() => cassandraLayout('127.0.44', 0, 0, 1, 'even')).toThrow(/--cassandra-dcs 0/)
    expect(() => request(4, 3)).toThrow(/3 DCs × 4 nodes is 12 Cassandra nodes; the sandbox runs at most 9 .*per DC/)
  })

  test.prop([fc.integer({min: 1, max: 3}), fc.integer({min: 1, max: 3}), fc.integer({min: 1, max: 16})], {numRuns: 60})(
    'any even layout: ids and addresses unique, tokens unique cluster-wide, each DC balanced on its own ring, seeds in every DC',
    (dcs, perDc, tokensPerNode) => {
      const {nodes, seeds} = cassandraLayout('127.0.44', perDc, dcs, tokensPerNode, 'even')
      expect(nodes).toHaveLength(dcs * perDc)
      expect(new Set(nodes.map((n) => n.host)).size).toBe(nodes.length)
      const tokens = nodes.flatMap((n) => n.tokens)
      expect(new Set(tokens).size).toBe(tokens.length)
      for (const n of nodes) expect(n.tokens).toHaveLength(tokensPerNode)
      const names = cassandraDcsOf(nodes)
      expect(names).toEqual(sandboxDcNames(dcs))
      for (const dc of names) {
        const inDc = nodes.filter((n) => nodeDc(n) === dc)
        expect(inDc).toHaveLength(perDc)
        expect(seeds.some((id) => inDc.some((n) => n.id === id))).toBe(true)
        expect(new Set(inDc.map((n) => n.rack)).size).toBe(perDc)
        const widths = rawWidths(inDc.map((n) => ({address: n.host, dc, rack: n.rack, tokens: n.tokens.map(BigInt).sort((a, b) => (a < b ? -1 : 1))})))
        for (const w of widths) expect(ringFraction(w)).toBeCloseTo(1 / perDc, 9)
      }
    },
  )

  test.prop([fc.integer({min: 1, max: 3}), fc.integer({min: 1, max: 3}), fc.integer({min: 1, max: 256})], {numRuns: 40})(
    'any allocator layout: no explicit tokens, num_tokens on every node, each DC its own racks and a seed',
    (dcs, perDc, tokensPerNode) => {
      const {nodes, seeds} = cassandraLayout('127.0.44', perDc, dcs, tokensPerNode, 'allocator')
      expect(nodes).toHaveLength(dcs * perDc)
      for (const n of nodes) expect([n.tokens, n.numTokens]).toEqual([[], tokensPerNode])
      for (const dc of cassandraDcsOf(nodes)) {
        const inDc = nodes.filter((n) => nodeDc(n) === dc)
        expect(new Set(inDc.map((n) => n.rack)).size).toBe(perDc)
        expect(seeds.some((id) => inDc.some((n) => n.id === id))).toBe(true)
      }
    },
  )
})

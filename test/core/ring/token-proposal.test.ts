import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {computeOwnership, imbalanceByDc} from '../../../src/core/ring/ownership.js'
import type {RingNode, RingState} from '../../../src/core/ring/ring-state.js'
import {proposeTokens} from '../../../src/core/ring/token-proposal.js'
import {tokenSource} from './arbitraries.js'

const EMPTY: RingState = {partitioner: 'Murmur3Partitioner', nodes: [], keyspaces: {}}
const RACKS = ['r1', 'r2', 'r3']
const NTS3 = {strategy: 'NetworkTopologyStrategy' as const, dcs: {dc1: 3}}

const renamed = (nodes: RingNode[], prefix: string) => nodes.map((n, i) => ({...n, address: `${prefix}${i}`}))
/** Three nodes (one per rack) planned by the allocator itself from an empty DC. */
const allocatorStart: RingState = {
  ...EMPTY,
  nodes: renamed(proposeTokens(EMPTY, {count: 3, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3, newDc: true}).nodes, 'seed-'),
}
/** Three nodes with 16 random tokens each, as a cluster started without the allocator would have. */
const next = tokenSource(2024n)
const randomStart: RingState = {
  ...EMPTY,
  nodes: RACKS.map((rack, i) => ({
    address: `rnd-${i}`,
    dc: 'dc1',
    rack,
    tokens: Array.from({length: 16}, next).sort((a, b) => (a < b ? -1 : 1)),
  })),
}

const maxOverMean = (nodes: RingNode[], replication: Parameters<typeof computeOwnership>[1] = NTS3) =>
  imbalanceByDc(computeOwnership(nodes, replication))[0].effective.maxOverMean

describe('proposeTokens quality (16 tokens, RF 3, 3 racks)', () => {
  for (const [label, start] of [
    ['allocator-built', allocatorStart],
    ['random-token', randomStart],
  ] as const) {
    it(`keeps effective max/mean <= 1.03 from 6 to 96 nodes on a ${label} start`, () => {
      // One plan of 93 nodes: node k only sees nodes 1..k-1, so each prefix is the cluster at that size.
      const plan = proposeTokens(start, {count: 93, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3})
      for (const size of [6, 9, 12, 24, 36, 48, 72, 96]) {
        const nodes = [...start.nodes, ...plan.nodes.slice(0, size - 3)]
        expect(maxOverMean(nodes), `${size} nodes`).toBeLessThanOrEqual(1.03)
      }
    })
  }

  it('plans one node at a time: planning in two batches gives the same tokens as one batch', () => {
    const all = proposeTokens(randomStart, {count: 9, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3}).nodes
    const first = proposeTokens(randomStart, {count: 6, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3}).nodes
    const rest = proposeTokens({...randomStart, nodes: [...randomStart.nodes, ...first]}, {count: 3, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3})
      .nodes
    expect([...first, ...rest].map((n) => n.tokens)).toEqual(all.map((n) => n.tokens))
  })

  it('batch-equivalent in large rings too, where ranges are updated in place (RF 1 and racks == RF)', () => {
    // 4 tokens per node: from 8 units on, a ring is past 2 units per token and donors keep only 3% of a range.
    for (const opts of [
      {dc: 'dc1', rack: 'r1', tokensPerNode: 4, rf: 1},
      {dc: 'dc1', racks: RACKS, tokensPerNode: 4, rf: 3},
    ]) {
      const all = proposeTokens(randomStart, {...opts, count: 60}).nodes
      const first = proposeTokens(randomStart, {...opts, count: 36}).nodes
      const rest = proposeTokens({...randomStart, nodes: [...randomStart.nodes, ...first]}, {...opts, count: 24}).nodes
      expect([...first, ...rest].map((n) => n.tokens)).toEqual(all.map((n) => n.tokens))
    }
  })

  it('keeps 1,000 nodes (16 tokens, RF 3, 3 racks, from an empty DC) within effective max/mean 1.04', () => {
    const plan = proposeTokens(EMPTY, {count: 1000, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3, newDc: true})
    const tokens = plan.nodes.flatMap((n) => n.tokens)
    expect(new Set(tokens).size).toBe(16_000)
    expect(maxOverMean(plan.nodes)).toBeLessThanOrEqual(1.04)
  })

  it('is deterministic and proposes unique, in-range tokens for random starting rings', () => {
    fc.assert(
      fc.property(fc.bigInt({min: 1n, max: 2n ** 40n}), fc.integer({min: 1, max: 8}), (seed, count) => {
        const src = tokenSource(seed)
        const start: RingState = {
          ...EMPTY,
          nodes: RACKS.map((rack, i) => ({address: `n${i}`, dc: 'dc1', rack, tokens: Array.from({length: 8}, src).sort((a, b) => (a < b ? -1 : 1))})),
        }
        const opts = {count, dc: 'dc1', racks: RACKS, tokensPerNode: 8, rf: 3}
        const a = proposeTokens(start, opts)
        expect(proposeTokens(start, opts)).toEqual(a)
        const tokens = [...start.nodes, ...a.nodes].flatMap((n) => n.tokens)
        expect(new Set(tokens).size).toBe(tokens.length)
        for (const n of a.nodes) expect(n.tokens).toHaveLength(8)
      }),
      {numRuns: 25},
    )
  })
})

describe('proposeTokens other layouts', () => {
  it('empty DC: first nodes get evenly spaced, interleaved tokens', () => {
    const {nodes} = proposeTokens(EMPTY, {count: 2, dc: 'dc1', rack: 'r1', tokensPerNode: 4, rf: 1, newDc: true})
    // RF 1: node 1 holds -2^63 + k·2^62; node 2 then halves every range.
    expect(nodes[0].tokens).toEqual([-(2n ** 63n), -(2n ** 62n), 0n, 2n ** 62n])
    const raw = computeOwnership(nodes, {strategy: 'SimpleStrategy', replicationFactor: 1}).map((r) => r.raw)
    expect(raw[0]).toBeCloseTo(0.5, 9)
    expect(raw[1]).toBeCloseTo(0.5, 9)
  })

  it('one rack at RF 3 (replication-aware path) stays within Cassandra test bound 1 + 4/(16·3)', () => {
    const start = proposeTokens(EMPTY, {count: 3, dc: 'dc1', rack: 'r1', tokensPerNode: 16, rf: 3, newDc: true})
    const plan = proposeTokens({...EMPTY, nodes: start.nodes}, {count: 21, dc: 'dc1', rack: 'r1', tokensPerNode: 16, rf: 3})
    for (const size of [6, 12, 24]) {
      expect(maxOverMean([...start.nodes, ...plan.nodes.slice(0, size - 3)])).toBeLessThanOrEqual(1 + 4 / (16 * 3))
    }
  })

  it('warns about racks left unequal and rack counts below RF', () => {
    const one = proposeTokens(allocatorStart, {count: 1, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3})
    expect(one.warnings.join('\n')).toMatch(/multiples of 3/)
    expect(one.warnings.join('\n')).toMatch(/unequal \(r1: 2, r2: 1, r3: 1\)/)
    expect(proposeTokens(allocatorStart, {count: 3, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3}).warnings).toEqual([])
    const two = proposeTokens(EMPTY, {count: 4, dc: 'x', racks: ['a', 'b'], tokensPerNode: 4, rf: 3, newDc: true})
    expect(two.warnings.join('\n')).toMatch(/fewer than RF 3/)
  })

  it.each([
    [{dc: 'nowhere'}, /DC "nowhere" is not in the ring/],
    [{racks: ['r9']}, /rack "r9" is not in DC dc1/],
    [{count: 0}, /count \(nodes to add\) must be a whole number from 1/],
    [{tokensPerNode: 0}, /tokensPerNode/],
    [{rf: 0}, /rf \(allocation replication factor\)/],
    [{racks: []}, /at least one rack/],
    [{rack: 'r1'}, /either rack or racks/],
    [{newDc: true}, /already exists/],
  ])('rejects bad options %o', (bad, pattern) => {
    expect(() => proposeTokens(allocatorStart, {count: 1, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3, ...bad})).toThrow(pattern)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {type BytesPlan, planBytes} from '../../../src/core/ring/bytes-plan.js'
import type {DataSizes} from '../../../src/core/ring/data-sizes.js'
import {effectiveWidths} from '../../../src/core/ring/ownership.js'
import {planRing} from '../../../src/core/ring/ring-plan.js'
import type {Replication, RingNode, RingState} from '../../../src/core/ring/ring-state.js'
import {evenlySpacedTokens, MAX_TOKEN, MIN_TOKEN, ringFraction} from '../../../src/core/ring/tokens.js'
import {randomRing} from './arbitraries.js'

const MIB = 1024 * 1024
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

/** Sizes where every node holds `perRing` bytes per whole ring it replicates: a perfectly even keyspace. */
function evenSizes(nodes: readonly RingNode[], replication: Replication, ks: string, perRing: number): DataSizes {
  const owned = effectiveWidths(nodes, replication).map(ringFraction)
  return {source: 'test', nodes: Object.fromEntries(nodes.map((n, i) => [n.address, {[ks]: Math.round(owned[i] * perRing)}]))}
}

/** The invariants every bytes plan keeps, whatever the ring and the figures. */
function expectBalanced(plan: BytesPlan): void {
  expect(sum(plan.streams.map((s) => s.bytes))).toBe(plan.bytesMoved)
  expect(sum(plan.nodes.map((n) => n.sent))).toBe(sum(plan.nodes.map((n) => n.received)))
  for (const n of plan.nodes) {
    expect(n.after).toBe(n.before - n.released + n.received)
    expect(n.released).toBeGreaterThanOrEqual(0)
    expect(n.released).toBeLessThanOrEqual(n.before)
    for (const ks of plan.keyspaces) {
      const f = n.keyspaces[ks]
      expect(f.after).toBe(f.before - f.released + f.received)
    }
    expect(n.before).toBe(sum(plan.keyspaces.map((ks) => n.keyspaces[ks].before)))
  }
}

describe('planBytes', () => {
  const racks = ['rack1', 'rack2', 'rack3']
  const tokens = evenlySpacedTokens(3)
  const three: RingNode[] = tokens.map((t, i) => ({address: `10.0.0.${i + 1}`, dc: 'dc1', rack: racks[i], tokens: [t]}))
  const rf2: Replication = {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 2}}

  it('adding a 4th node to 3 even nodes (RF 2, 300 MiB each): it receives half the data from the nodes that give up ranges', () => {
    // Each node replicates 2/3 of the ring and holds 300 MiB: 450 MiB per ring, 900 MiB in all.
    const sizes: DataSizes = {source: 'test', nodes: Object.fromEntries(three.map((n) => [n.address, {shop: 300 * MIB}]))}
    const state: RingState = {partitioner: 'Murmur3Partitioner', nodes: three, keyspaces: {shop: rf2}, sizes}
    const plan = planRing(state, {add: {count: 1, dc: 'dc1', rack: 'rack1', tokensPerNode: 1}})
    const bytes = plan.bytes!
    expect(bytes.keyspaces).toEqual(['shop'])
    expectBalanced(bytes)
    const newcomer = bytes.nodes.find((n) => n.address === plan.proposed[0].address)!
    const share = plan.ownership.after.find((o) => o.address === newcomer.address)!.effective
    expect(newcomer.before).toBe(0)
    expect(newcomer.sent).toBe(0)
    expect(newcomer.received).toBeCloseTo(share * 450 * MIB, -1)
    expect(newcomer.received).toBeGreaterThan(0)
    expect(sum(bytes.nodes.map((n) => n.after))).toBeCloseTo(900 * MIB, -1)
    for (const n of bytes.nodes.filter((x) => x !== newcomer)) expect(n.sent).toBe(n.released)
  })

  it('removing a node: it releases everything, the others receive it from the remaining replicas', () => {
    const four = [...three, {address: '10.0.0.4', dc: 'dc1', rack: 'rack1', tokens: [0n]}]
    const sizes = evenSizes(four, rf2, 'shop', 400 * MIB)
    const after = four.filter((n) => n.address !== '10.0.0.4')
    const plan = planBytes(four, after, {shop: rf2}, sizes)
    expectBalanced(plan)
    const leaving = plan.nodes.find((n) => n.address === '10.0.0.4')!
    expect(leaving.released).toBe(leaving.before)
    expect(leaving.after).toBe(0)
    expect(leaving.sent).toBe(0)
    expect(plan.bytesMoved).toBeCloseTo(leaving.before, -1)
    expect(sum(plan.nodes.map((n) => n.after))).toBeCloseTo(800 * MIB, -1)
  })

  it('plans each keyspace under its own replication; keyspaces without figures are left out', () => {
    const rf1: Replication = {strategy: 'SimpleStrategy', replicationFactor: 1}
    const sizes: DataSizes = {
      source: 'test',
      nodes: Object.fromEntries(three.map((n) => [n.address, {a: 200 * MIB, b: 100 * MIB, system_auth: 5}])),
    }
    const after = [...three, {address: '10.0.0.9', dc: 'dc1', rack: 'rack1', tokens: [MIN_TOKEN / 2n]}]
    const plan = planBytes(three, after, {a: rf2, b: rf1, c: rf2}, sizes)
    expectBalanced(plan)
    expect(plan.keyspaces).toEqual(['a', 'b'])
    expect(new Set(plan.streams.map((s) => s.keyspace))).toEqual(new Set(['a', 'b']))
    // Both hold 300 MiB per ring replicated: the newcomer gets its share under each replication.
    const newcomer = plan.nodes.find((n) => n.address === '10.0.0.9')!
    for (const [ks, r] of [['a', rf2], ['b', rf1]] as const) {
      const share = ringFraction(effectiveWidths(after, r)[3])
      expect(newcomer.keyspaces[ks].received).toBeCloseTo(share * 300 * MIB, -1)
    }
  })

  it("a node without a figure is assumed to hold the keyspace's mean per range, with a warning", () => {
    const sizes: DataSizes = {source: 'test', nodes: {'10.0.0.1': {shop: 300 * MIB}, '10.0.0.2': {shop: 300 * MIB}}}
    const plan = planBytes(three, three.slice(0, 2), {shop: rf2}, sizes)
    expect(plan.nodes[2].before).toBe(300 * MIB)
    expect(plan.warnings).toEqual(["no size figure for 10.0.0.3 in keyspace shop: assumed the keyspace's mean bytes per token range"])
    expectBalanced(plan)
  })

  const newNodeIn = (state: RingState, token: bigint): RingNode | null => {
    const taken = new Set(state.nodes.flatMap((n) => n.tokens))
    if (taken.has(token)) return null
    const dc = state.nodes[0].dc
    return {address: '10.9.9.9', dc, rack: state.nodes[0].rack, tokens: [token]}
  }

  it('property: adding a node conserves bytes, each old node sends exactly what it releases, the newcomer only receives', () => {
    fc.assert(
      fc.property(
        randomRing,
        fc.bigInt({min: MIN_TOKEN, max: MAX_TOKEN}),
        fc.array(fc.integer({min: 0, max: 2 ** 40}), {minLength: 25, maxLength: 25}),
        ({state}, token, figures) => {
          const node = newNodeIn(state, token)
          if (!node) return
          const sizes: DataSizes = {source: 'test', nodes: Object.fromEntries(state.nodes.map((n, i) => [n.address, {ks: figures[i]}]))}
          const after = [...state.nodes, node]
          const plan = planBytes(state.nodes, after, state.keyspaces, sizes)
          expectBalanced(plan)
          const newcomer = plan.nodes.at(-1)!
          expect([newcomer.before, newcomer.sent]).toEqual([0, 0])
          for (const n of plan.nodes.slice(0, -1)) {
            const streamsFrom = plan.streams.filter((s) => s.from === n.address).length
            expect(Math.abs(n.sent - n.released)).toBeLessThanOrEqual(streamsFrom / 2 + 1)
            expect(n.received).toBe(0)
          }
          const tolerance = plan.streams.length + plan.nodes.length
          expect(Math.abs(sum(plan.nodes.map((n) => n.after)) - sum(plan.nodes.map((n) => n.before)))).toBeLessThanOrEqual(tolerance)
        },
      ),
      {numRuns: 60},
    )
  })

  it('property: removing a node and adding it back with its tokens moves back what it held (even data)', () => {
    fc.assert(
      fc.property(randomRing, fc.nat(), ({state}, pick) => {
        const leaving = state.nodes[pick % state.nodes.length]
        const dcNodes = state.nodes.filter((n) => n.dc === leaving.dc).length
        const replication = state.keyspaces.ks
        if (replication.strategy !== 'NetworkTopologyStrategy' || dcNodes <= replication.dcs[leaving.dc]) return
        const sizes = evenSizes(state.nodes, replication, 'ks', 2 ** 36)
        const rest = state.nodes.filter((n) => n !== leaving)
        const removal = planBytes(state.nodes, rest, state.keyspaces, sizes)
        expectBalanced(removal)
        const tolerance = removal.streams.length + state.nodes.length
        // Even data: what the others receive is what the leaver held.
        expect(Math.abs(removal.bytesMoved - sizes.nodes[leaving.address].ks)).toBeLessThanOrEqual(tolerance)
        const afterSizes: DataSizes = {
          source: 'test',
          nodes: Object.fromEntries(removal.nodes.filter((n) => n.address !== leaving.address).map((n) => [n.address, {ks: n.after}])),
        }
        const readd = planBytes(rest, [...rest, leaving], state.keyspaces, afterSizes)
        expectBalanced(readd)
        const back = readd.nodes.find((n) => n.address === leaving.address)!
        expect(Math.abs(back.received - sizes.nodes[leaving.address].ks)).toBeLessThanOrEqual(2 * tolerance)
        for (const n of readd.nodes.filter((x) => x.address !== leaving.address)) {
          expect(Math.abs(n.after - sizes.nodes[n.address].ks)).toBeLessThanOrEqual(2 * tolerance)
        }
      }),
      {numRuns: 60},
    )
  })
})

import {badInput} from '../errors.js'
import {printable} from '../units.js'
import type {RingNode, RingState} from './ring-state.js'
import {allocateReplicationAware} from './replication-aware-allocator.js'
import {dcNames, racksOf} from './token-ring.js'
import {RING_SIZE, evenlySpacedTokens} from './tokens.js'
import {freeToken, SingleReplicaRing} from './water-fill-allocator.js'

export interface ProposeOptions {
  /** How many nodes to add. */
  count: number
  dc: string
  /** One rack for every new node, or `racks` to assign them round-robin in this order. */
  rack?: string
  racks?: readonly string[]
  tokensPerNode: number
  /** Allocation RF, like allocate_tokens_for_local_replication_factor (Cassandra's default is 3). */
  rf: number
  /** Plan the first nodes of a DC that does not exist yet (otherwise an unknown DC is an error). */
  newDc?: boolean
}

export interface TokenProposal {
  /** New nodes in bootstrap order, named new-1, new-2, …; tokens sorted. */
  nodes: RingNode[]
  warnings: string[]
}

const MAX_NEW_NODES = 10_000
const MAX_TOKENS_PER_NODE = 1536

function wholeNumber(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${what} must be a whole number from ${min} to ${max}, got ${printable(value)}`)
  }
  return value
}

/** Validates the DC/rack options against the ring; returns the racks in bootstrap order. */
export function resolvePlacement(state: RingState, opts: Pick<ProposeOptions, 'dc' | 'rack' | 'racks' | 'newDc'>): string[] {
  const dcs = dcNames(state.nodes)
  if (typeof opts.dc !== 'string' || opts.dc === '') throw badInput('dc must be a non-empty DC name, e.g. dc1')
  if (opts.newDc) {
    if (dcs.includes(opts.dc)) throw badInput(`DC "${printable(opts.dc)}" already exists; drop newDc to add nodes to it`)
  } else if (!dcs.includes(opts.dc)) {
    throw badInput(`DC "${printable(opts.dc)}" is not in the ring; use one of: ${dcs.join(', ') || '(none)'} or plan a new DC`)
  }
  if (opts.rack !== undefined && opts.racks !== undefined) throw badInput('give either rack or racks, not both')
  const racks = opts.racks ?? (opts.rack !== undefined ? [opts.rack] : racksOf(state.nodes, opts.dc))
  if (!Array.isArray(racks) || racks.length === 0) throw badInput('racks must list at least one rack name, e.g. rack1,rack2,rack3')
  const known = racksOf(state.nodes, opts.dc)
  for (const rack of racks) {
    if (typeof rack !== 'string' || rack === '') throw badInput('rack names must be non-empty strings')
    if (!opts.newDc && !known.includes(rack)) {
      throw badInput(`rack "${printable(rack)}" is not in DC ${printable(opts.dc)}; use one of: ${known.join(', ')}`)
    }
  }
  if (new Set(racks).size !== racks.length) throw badInput('racks lists a rack twice; list each rack once')
  return [...racks]
}

function freshName(taken: Set<string>, start: number): {name: string; next: number} {
  let i = start
  while (taken.has(`new-${i}`)) i++
  return {name: `new-${i}`, next: i + 1}
}

/**
 * Proposes tokens for new nodes, planned one at a time in bootstrap order so
 * each new node sees the ones before it, as Cassandra requires. Which model
 * balances the DC follows Cassandra's TokenAllocation.createStrategy:
 * RF 1 → the whole DC ring, racks == RF → the node's own rack ring (both with
 * one replica per range), otherwise a replication-aware greedy on the DC.
 * Deterministic: the same ring and options always give the same tokens.
 */
export function proposeTokens(state: RingState, opts: ProposeOptions): TokenProposal {
  const count = wholeNumber(opts.count, 'count (nodes to add)', 1, MAX_NEW_NODES)
  const perNode = wholeNumber(opts.tokensPerNode, 'tokensPerNode', 1, MAX_TOKENS_PER_NODE)
  const rf = wholeNumber(opts.rf, 'rf (allocation replication factor)', 1, 100)
  const racks = resolvePlacement(state, opts)
  const dc = opts.dc
  const warnings: string[] = []

  const nodes: RingNode[] = state.nodes.map((n) => ({...n}))
  const taken = new Set<bigint>()
  for (const n of nodes) for (const t of n.tokens) taken.add(t)
  const names = new Set(nodes.map((n) => n.address))
  const proposed: RingNode[] = []
  // Single-replica rings (rack or DC) kept across new nodes for incremental updates.
  const singleRings = new Map<string, {ring: SingleReplicaRing; ids: Map<number, RingNode>}>()
  let nameCounter = 1
  let warnedFewRacks = false

  // The DC's nodes, its racks (the planned racks count from the start, so a new DC is modelled with its
  // final rack layout) and its racks that hold nodes, kept up to date as nodes are planned.
  const dcNodes = nodes.filter((n) => n.dc === dc)
  const racksInDc = new Set([...dcNodes.map((n) => n.rack), ...racks])
  const occupied = new Map<string, number>()
  for (const n of dcNodes) occupied.set(n.rack, (occupied.get(n.rack) ?? 0) + 1)

  for (let i = 0; i < count; i++) {
    const rack = racks[i % racks.length]
    const {name, next} = freshName(names, nameCounter)
    nameCounter = next
    names.add(name)
    const node: RingNode = {address: name, dc, rack, tokens: []}

    const singleReplica = rf <= 1 || racksInDc.size === rf
    let tokens: bigint[]
    if (singleReplica) {
      const key = rf <= 1 ? '' : rack
      const memberCount = rf <= 1 ? dcNodes.length : (occupied.get(rack) ?? 0)
      if (memberCount === 0) {
        // Empty ring: evenly spaced, interleaved with the other empty rings' first nodes.
        const slot = rf <= 1 ? 0 : occupied.size
        tokens = spacedTokens(perNode, slot, Math.max(rf, racks.length), taken)
      } else {
        let entry = singleRings.get(key)
        if (!entry) {
          const members = rf <= 1 ? dcNodes : dcNodes.filter((n) => n.rack === rack)
          const ids = new Map<number, RingNode>()
          const units = new Map<number, bigint[]>()
          members.forEach((m, idx) => {
            ids.set(idx, m)
            units.set(idx, m.tokens)
          })
          entry = {ring: new SingleReplicaRing(units), ids}
          singleRings.set(key, entry)
        }
        const id = entry.ids.size
        entry.ids.set(id, node)
        tokens = entry.ring.allocate(id, perNode, taken)
      }
    } else {
      if (racksInDc.size > 1 && racksInDc.size < rf && !warnedFewRacks) {
        warnedFewRacks = true
        warnings.push(
          `DC ${dc} has ${racksInDc.size} racks, fewer than RF ${rf}: Cassandra's allocator refuses this (use 1 rack or at least ${rf}); tokens were planned by effective ownership instead`,
        )
      }
      if (dcNodes.length < rf) {
        tokens = spacedTokens(perNode, dcNodes.length, rf, taken)
      } else {
        const topo = {
          nodes: [...dcNodes.map((n) => ({dc: n.dc, rack: n.rack})), {dc, rack}],
          racksPerDc: new Map([[dc, racksInDc.size]]),
        }
        tokens = allocateReplicationAware(
          {topo, tokensOf: dcNodes.map((n) => n.tokens), rule: {kind: 'nts', rfByDc: new Map([[dc, rf]])}},
          perNode,
          taken,
        )
      }
    }
    node.tokens = tokens
    nodes.push(node)
    dcNodes.push(node)
    occupied.set(rack, (occupied.get(rack) ?? 0) + 1)
    proposed.push(node)
  }

  warnings.push(...rackWarnings(state.nodes, proposed, dc, rf, count, racks.length))
  return {nodes: proposed, warnings}
}

/** Evenly spaced tokens, shifted by `slot`/`slots` of a spacing so first nodes interleave. */
function spacedTokens(perNode: number, slot: number, slots: number, taken: Set<bigint>): bigint[] {
  const shift = ((RING_SIZE / BigInt(perNode)) * BigInt(slot % slots)) / BigInt(slots) + BigInt(Math.floor(slot / slots))
  const out: bigint[] = []
  for (const t of evenlySpacedTokens(perNode, shift)) {
    const free = freeToken(t, undefined, taken)
    if (free !== undefined) {
      taken.add(free)
      out.push(free)
    }
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function rackWarnings(
  existing: readonly RingNode[],
  added: readonly RingNode[],
  dc: string,
  rf: number,
  count: number,
  rackCount: number,
): string[] {
  const warnings: string[] = []
  const sizes = new Map<string, number>()
  for (const n of [...existing, ...added]) if (n.dc === dc) sizes.set(n.rack, (sizes.get(n.rack) ?? 0) + 1)
  const racks = sizes.size
  if (racks === rf && rf > 1 && count % racks !== 0 && rackCount > 1) {
    warnings.push(
      `adding ${count} node(s) to DC ${dc} with RF ${rf} = ${racks} racks: add nodes in multiples of ${racks} (one per rack) to keep racks equal`,
    )
  }
  const counts = [...sizes.values()]
  if (racks >= rf && rf > 1 && racks > 1 && Math.max(...counts) !== Math.min(...counts)) {
    const list = [...sizes].map(([r, c]) => `${r}: ${c}`).join(', ')
    warnings.push(
      `racks in DC ${dc} will be unequal (${list}); with racks >= RF each node in a smaller rack carries more data, so even up the racks`,
    )
  }
  return warnings
}

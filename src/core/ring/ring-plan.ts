import {badInput} from '../errors.js'
import {printable} from '../units.js'
import {type BytesPlan, planBytes} from './bytes-plan.js'
import {computeOwnership, type NodeOwnership} from './ownership.js'
import {keyspaceReplication} from './placement.js'
import type {Replication, RingNode, RingState} from './ring-state.js'
import {dcNames} from './token-ring.js'
import {diffReplicas, type Stream} from './replica-diff.js'
import {proposeTokens} from './token-proposal.js'

export interface PlanOptions {
  add?: {count: number; dc: string; racks?: readonly string[]; rack?: string; tokensPerNode: number; rf?: number}
  remove?: string
  /** Judge the plan under this keyspace's replication… */
  keyspace?: string
  /** …or under NetworkTopologyStrategy with this RF in every DC (or per DC). */
  rf?: number | Record<string, number>
}

export type {Stream} from './replica-diff.js'

export interface RingPlan {
  proposed: {address: string; dc: string; rack: string; tokens: string[]}[]
  ownership: {before: NodeOwnership[]; after: NodeOwnership[]}
  /**
   * Replica copies that must be streamed, as a share of all replica copies in
   * the affected scope: Σ over ranges of width × (replicas gained by the range)
   * divided by RF × 2^64, where RF is the (node-capped) replication of the DC
   * being changed (of the whole ring for SimpleStrategy). Adding one node to an
   * N-node DC at best moves 1/(N+1); removing one at best moves 1/N.
   */
  movedFraction: number
  /** |nodes added or removed| / max(nodes before, nodes after) in that scope. */
  optimalMovedFraction: number
  streams: Stream[]
  /**
   * The change in bytes, per keyspace under its own replication, when the
   * state carries size figures (`sizes`); null otherwise.
   */
  bytes: BytesPlan | null
  warnings: string[]
}

/** Replication used to judge the plan: keyspace, explicit RF, or the one all keyspaces share. */
function planReplication(state: RingState, opts: PlanOptions, warnings: string[]): Replication {
  if (opts.keyspace !== undefined && opts.rf !== undefined) throw badInput('give keyspace or rf, not both')
  if (opts.keyspace !== undefined) return keyspaceReplication(state, opts.keyspace)
  const dcs = dcNames(state.nodes)
  if (opts.rf !== undefined) {
    const table: Record<string, number> = Object.create(null)
    if (typeof opts.rf === 'number') {
      if (!Number.isInteger(opts.rf) || opts.rf < 1) throw badInput(`rf must be a whole number >= 1, got ${printable(opts.rf)}`)
      for (const dc of dcs) table[dc] = opts.rf
    } else {
      for (const [dc, rf] of Object.entries(opts.rf)) {
        if (!Number.isInteger(rf) || rf < 1) throw badInput(`rf for DC ${printable(dc)} must be a whole number >= 1`)
        table[dc] = rf
      }
    }
    return {strategy: 'NetworkTopologyStrategy', dcs: table}
  }
  const settings = Object.values(state.keyspaces)
  const distinct = new Set(settings.map((r) => JSON.stringify(r.strategy === 'SimpleStrategy' ? r : {...r.dcs})))
  if (distinct.size > 1) {
    throw badInput('keyspaces have different replication settings; pass keyspace (or rf) to say which one to plan for')
  }
  if (settings.length > 0) return settings[0]
  warnings.push('no keyspaces in the ring state: judged with NetworkTopologyStrategy RF 3 in every DC (pass rf to change)')
  const table: Record<string, number> = Object.create(null)
  for (const dc of dcs) table[dc] = 3
  return {strategy: 'NetworkTopologyStrategy', dcs: table}
}

/**
 * Plans adding nodes to one DC or removing one node: proposed tokens,
 * ownership before and after, the ranges to stream and how much data moves
 * compared with the best possible. Judged one change at a time.
 */
export function planRing(state: RingState, opts: PlanOptions): RingPlan {
  if (!opts.add === !opts.remove) throw badInput('give exactly one of add or remove; plan a replacement as two steps')
  const warnings: string[] = []
  const replication = planReplication(state, opts, warnings)

  let after: RingNode[]
  let proposedNodes: RingNode[] = []
  let scopeDc: string
  if (opts.add) {
    const allocationRf = opts.add.rf ?? defaultAllocationRf(replication, opts.add.dc)
    const proposal = proposeTokens(state, {...opts.add, rf: allocationRf})
    proposedNodes = proposal.nodes
    warnings.push(...proposal.warnings)
    after = [...state.nodes, ...proposedNodes]
    scopeDc = opts.add.dc
  } else {
    const leaving = state.nodes.find((n) => n.address === opts.remove)
    if (!leaving) throw badInput(`node "${printable(opts.remove)}" is not in the ring; give the address as the ring state lists it`)
    after = state.nodes.filter((n) => n !== leaving)
    scopeDc = leaving.dc
  }

  // Nodes in the affected scope and the replica count that scope carries.
  const inScope = (nodes: readonly RingNode[]) =>
    replication.strategy === 'SimpleStrategy' ? nodes.length : nodes.filter((n) => n.dc === scopeDc).length
  const scopeRf = (nodes: readonly RingNode[]) =>
    Math.min(replication.strategy === 'SimpleStrategy' ? replication.replicationFactor : (replication.dcs[scopeDc] ?? 0), inScope(nodes))
  const nBefore = inScope(state.nodes)
  const nAfter = inScope(after)
  const requested = replication.strategy === 'SimpleStrategy' ? replication.replicationFactor : (replication.dcs[scopeDc] ?? 0)
  if (requested > nAfter) warnings.push(`after the change ${scopeDc} has ${nAfter} node(s), fewer than RF ${requested}: data will be under-replicated`)
  if (requested === 0) warnings.push(`the replication judged does not place data in DC ${scopeDc}: nothing moves there`)

  const {streams, copiesMoved} = diffReplicas(state.nodes, after, replication)
  const denominator = Math.max(scopeRf(state.nodes), scopeRf(after))
  const bytes = state.sizes ? planBytes(state.nodes, after, state.keyspaces, state.sizes) : null
  if (bytes) warnings.push(...bytes.warnings)
  return {
    proposed: proposedNodes.map((n) => ({address: n.address, dc: n.dc, rack: n.rack, tokens: n.tokens.map(String)})),
    ownership: {before: computeOwnership(state.nodes, replication), after: computeOwnership(after, replication)},
    movedFraction: denominator === 0 ? 0 : copiesMoved / denominator,
    optimalMovedFraction: Math.abs(nAfter - nBefore) / Math.max(nBefore, nAfter, 1),
    streams,
    bytes,
    warnings,
  }
}

function defaultAllocationRf(replication: Replication, dc: string): number {
  if (replication.strategy === 'SimpleStrategy') return replication.replicationFactor
  return replication.dcs[dc] ?? 3
}

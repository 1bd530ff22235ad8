/**
 * Pure steps of the Cassandra canary probe (`lag cassandra`) around evaluateCanary: the
 * replicas' observations gathered over the samples, the pending hint files per node, and
 * the probe's overall verdict from the canary, the schema agreement, gossip and node states.
 */
import type {GossipNodeResult, SchemaJudgement} from './cassandra-agreement.js'
import type {CanaryReplica, CanaryResult, NodeHints} from './canary.js'
import {worstNagiosState, type NagiosState} from './nagios.js'

/** A consistency level as CQL names it. */
export type ConsistencyName = 'LOCAL_ONE'

/** The consistency levels the canary uses, as the report states them. */
export interface CanaryConsistency {
  /** The canary write, through a coordinator of `coordinatorDc`: acknowledged by one replica of that DC. */
  write: ConsistencyName
  /** Each replica's read, pinned to that replica, which coordinates it in its own DC and answers from itself. */
  read: ConsistencyName
  /** The DC whose nodes coordinate the writes (the local DC); null when the driver chose it. */
  coordinatorDc: string | null
  summary: string
}

/**
 * LOCAL_ONE both ways: the write's acknowledgement never waits on (or comes from) a remote DC,
 * so every other replica's delay, in the local DC and the remote ones, is measured from it; a
 * read pinned to a replica at LOCAL_ONE is answered inside that replica's DC, by itself.
 */
export function canaryConsistency(coordinatorDc: string | null): CanaryConsistency {
  return {
    write: 'LOCAL_ONE',
    read: 'LOCAL_ONE',
    coordinatorDc,
    summary: `writes at LOCAL_ONE through a coordinator in ${coordinatorDc ?? 'the local DC'}; each replica, in every DC, read at LOCAL_ONE pinned to it`,
  }
}

/** What one canary write saw of one replica. */
export interface ReplicaObservation {
  address: string
  dc: string
  rack: string
  up: boolean
  /** ms from the write's acknowledgement until a read pinned to this replica returned the row; null = never. */
  seenAfterMs: number | null
  error?: string
}

/** A node as the driver and system.peers see it. */
export interface ClusterNode {
  address: string
  dc: string
  state: 'UP' | 'DOWN' | 'UNKNOWN'
}

/** Rows of system_views.pending_hints (null when the table is not available) and the nodes asked. */
export interface PendingHints {
  rows: readonly {holder: string; target: string; files: number}[]
  queried: readonly string[]
}

/** Adds what one write saw to the replicas seen so far: a replica DOWN in any sample stays DOWN. */
export function addReplicaObservations(byReplica: Map<string, CanaryReplica>, observations: readonly ReplicaObservation[]): void {
  for (const r of observations) {
    const entry = byReplica.get(r.address) ?? {address: r.address, dc: r.dc, rack: r.rack, state: r.up ? 'UP' : 'DOWN', samples: []}
    if (!r.up) entry.state = 'DOWN'
    entry.samples.push(r.error === undefined ? {seenAfterMs: r.seenAfterMs} : {seenAfterMs: null, error: r.error})
    byReplica.set(r.address, entry)
  }
}

/** Hint files per node that holds them and per node they are for. */
export function hintFileTotals(rows: readonly {holder: string; target: string; files: number}[]): {held: Map<string, number>; forTarget: Map<string, number>} {
  const held = new Map<string, number>()
  const forTarget = new Map<string, number>()
  for (const h of rows) {
    held.set(h.holder, (held.get(h.holder) ?? 0) + h.files)
    forTarget.set(h.target, (forTarget.get(h.target) ?? 0) + h.files)
  }
  return {held, forTarget}
}

/** Hints held per node for evaluateCanary: every node asked, or (without the table) every UP node, count unknown. */
export function nodeHintsOf(hints: PendingHints | null, nodes: readonly ClusterNode[], held: ReadonlyMap<string, number>): NodeHints[] {
  if (hints) return hints.queried.map((address) => ({address, pendingHints: held.get(address) ?? 0}))
  return nodes.filter((n) => n.state === 'UP').map((n) => ({address: n.address, pendingHints: null}))
}

/** A node's hint files held and pending for it; null where they cannot be known. */
export function nodeHintCounts(
  address: string,
  hints: PendingHints | null,
  totals: {held: ReadonlyMap<string, number>; forTarget: ReadonlyMap<string, number>},
): {hintsHeld: number | null; hintsFor: number | null} {
  if (!hints) return {hintsHeld: null, hintsFor: null}
  return {hintsHeld: totals.held.get(address) ?? (hints.queried.includes(address) ? 0 : null), hintsFor: totals.forTarget.get(address) ?? 0}
}

export interface CassandraVerdictInput {
  /** evaluateCanary's result; its DOWN replicas' reasons are reworded in place. */
  canary: CanaryResult
  /** Addresses of the replicas the canary wrote to. */
  replicas: ReadonlySet<string> | ReadonlyMap<string, unknown>
  nodes: readonly ClusterNode[]
  hintsAvailable: boolean
  /** Hint files pending per target node. */
  hintsFor: ReadonlyMap<string, number>
  schema: SchemaJudgement
  gossip: readonly GossipNodeResult[]
  gossipAvailable: boolean
}

/**
 * The probe's status, reasons and notes: the canary's, then the schema agreement's, gossip
 * split views, DOWN nodes that are not canary replicas (CRITICAL all the same) and pending hints.
 */
export function cassandraVerdict(input: CassandraVerdictInput): {status: NagiosState; reasons: string[]; notes: string[]} {
  const {canary, schema} = input
  // A DOWN replica is also one the canary could not reach; say both.
  for (const r of canary.replicas) if (r.reason === 'replica is DOWN') r.reason = 'unreachable: replica is DOWN'
  const states: NagiosState[] = [canary.state]
  const reasons = canary.reasons.map((x) => x.replace(/: replica is DOWN$/, ': unreachable: replica is DOWN'))
  const notes: string[] = []
  if (!input.hintsAvailable) notes.push('system_views.pending_hints is not available (needs Cassandra 4.1+); pending hints not reported')
  if (input.hintsAvailable && input.nodes.some((n) => n.state !== 'UP')) {
    notes.push('pending_hints lists only finished hint files, so hints still being written for a DOWN node may not show yet')
  }
  if (schema.state !== 'OK') states.push(schema.state)
  if (schema.reason) reasons.push(schema.reason)
  if (schema.note) notes.push(schema.note)
  if (!input.gossipAvailable) notes.push('system_views.gossip_info is not available (needs Cassandra 4.1+); gossip views not reported')
  for (const g of input.gossip) {
    if (g.state === 'OK') continue
    states.push(g.state)
    reasons.push(`gossip split view: ${g.address} seen DOWN by ${g.seenDownBy.join(', ')} and UP by ${g.seenUpBy.join(', ')}`)
  }
  for (const n of input.nodes) {
    if (n.state === 'DOWN' && !input.replicas.has(n.address)) {
      states.push('CRITICAL')
      reasons.push(`node ${n.address} (${n.dc}) is DOWN`)
    }
    const pending = input.hintsFor.get(n.address)
    if (pending) reasons.push(`${pending} hint file(s) pending for ${n.address}`)
  }
  return {status: worstNagiosState(states), reasons, notes}
}

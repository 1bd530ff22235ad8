import {badInput} from '../errors.js'
import {printable} from '../units.js'
import type {Replication, RingNode, RingState} from './ring-state.js'
import {buildTokenRing, type TokenRing} from './token-ring.js'
import {ownerIndex, tokenFromString} from './tokens.js'

/**
 * Replication resolved against a topology: RFs are capped at the nodes that
 * exist, as Cassandra does (rfLeft = min(RF, nodes in DC)).
 */
export type PlacementRule = {kind: 'simple'; rf: number} | {kind: 'nts'; rfByDc: Map<string, number>}

export function placementRule(ring: TokenRing, replication: Replication): PlacementRule {
  if (replication.strategy === 'SimpleStrategy') {
    return {kind: 'simple', rf: Math.min(replication.replicationFactor, ring.nodes.length)}
  }
  const rfByDc = new Map<string, number>()
  for (const [dc, rf] of Object.entries(replication.dcs)) {
    const capped = Math.min(rf, ring.nodesPerDc.get(dc) ?? 0)
    if (capped > 0) rfByDc.set(dc, capped)
  }
  return {kind: 'nts', rfByDc}
}

/** What the walk needs to know about each node. */
export interface WalkTopology {
  nodes: readonly Pick<RingNode, 'dc' | 'rack'>[]
  racksPerDc: Map<string, number>
}

/**
 * Walks clockwise from a range's end token and returns replica node indices in
 * the order the DataStax Node.js driver lists them (its getReplicas is the
 * oracle for integration tests).
 *
 * NTS, per DC: a node from a rack not yet used is taken; a node from a used
 * rack is remembered (up to the replicas still missing) and those remembered
 * nodes are appended, in walk order, once every rack of the DC has been seen;
 * after that any new node is taken. This yields the same replica set as
 * Cassandra's NetworkTopologyStrategy (one node per rack, then the first
 * RF - racks repeats met). Unlike the driver, remembered nodes are kept per DC
 * and never twice, which is what Cassandra does.
 *
 * `ownerAt(step)` gives the owner of the token `step` positions after the start.
 */
export function walkReplicas(
  ownerAt: (step: number) => number,
  length: number,
  topo: WalkTopology,
  rule: PlacementRule,
): number[] {
  const chosen: number[] = []
  if (rule.kind === 'simple') {
    for (let step = 0; step < length && chosen.length < rule.rf; step++) {
      const node = ownerAt(step)
      if (!chosen.includes(node)) chosen.push(node)
    }
    return chosen
  }
  let dcsLeft = rule.rfByDc.size
  const count = new Map<string, number>()
  const racksSeen = new Map<string, Set<string>>()
  const skipped = new Map<string, number[]>()
  for (let step = 0; step < length && dcsLeft > 0; step++) {
    const node = ownerAt(step)
    if (chosen.includes(node)) continue
    const {dc, rack} = topo.nodes[node]
    const rf = rule.rfByDc.get(dc)
    if (rf === undefined) continue
    const have = count.get(dc) ?? 0
    if (have >= rf) continue
    let seen = racksSeen.get(dc)
    if (!seen) racksSeen.set(dc, (seen = new Set()))
    const racksInDc = topo.racksPerDc.get(dc) ?? 1
    if (seen.has(rack) && seen.size < racksInDc) {
      let list = skipped.get(dc)
      if (!list) skipped.set(dc, (list = []))
      if (list.length < rf - have && !list.includes(node)) list.push(node)
      continue
    }
    chosen.push(node)
    let now = have + 1
    if (!seen.has(rack)) {
      seen.add(rack)
      if (seen.size === racksInDc) {
        for (const s of skipped.get(dc) ?? []) {
          if (now >= rf) break
          chosen.push(s)
          now++
        }
      }
    }
    count.set(dc, now)
    if (now >= rf) dcsLeft--
  }
  return chosen
}

/** Replicas of the range ending at sorted position `pos` of the ring. */
export function replicasAtPosition(ring: TokenRing, rule: PlacementRule, pos: number): number[] {
  const n = ring.tokens.length
  return walkReplicas((step) => ring.owners[(pos + step) % n], n, ring, rule)
}

/** Looks a keyspace up, or explains which ones exist. */
export function keyspaceReplication(state: RingState, keyspace: string): Replication {
  if (!Object.prototype.hasOwnProperty.call(state.keyspaces, keyspace)) {
    const known = Object.keys(state.keyspaces)
    throw badInput(
      `keyspace "${printable(keyspace)}" is not in the ring state; use one of: ${known.length ? known.join(', ') : '(none defined)'}`,
    )
  }
  return state.keyspaces[keyspace]
}

/**
 * Ordered replica addresses for a token under a keyspace's replication, as
 * the driver's `metadata.getReplicas(keyspace, token)` would list them.
 */
export function replicasForToken(state: RingState, keyspace: string, token: bigint | string): string[] {
  const value = typeof token === 'bigint' ? token : tokenFromString(token)
  if (value === undefined) throw badInput(`token "${printable(token)}" is not an integer in [-2^63, 2^63-1]`)
  const ring = buildTokenRing(state.nodes)
  if (ring.tokens.length === 0) return []
  const rule = placementRule(ring, keyspaceReplication(state, keyspace))
  return replicasAtPosition(ring, rule, ownerIndex(ring.tokens, value)).map((i) => ring.nodes[i].address)
}

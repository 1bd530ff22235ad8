import {formatDuration} from '../units.js'

/**
 * Cassandra schema agreement and gossip views for `lag cassandra` (pure). Every node is
 * asked directly (system.local, system.peers_v2, system_views.gossip_info pinned to it),
 * so each node's own view is judged, not only the one node the driver's control
 * connection talks to.
 */

/** What one node reports: its own schema version and the versions it holds for its peers. */
export interface SchemaNodeView {
  address: string
  schemaVersion: string | null
  peers: {address: string; schemaVersion: string | null}[]
}

export interface SchemaCheck {
  /** One schema version among the nodes that answered, and every node sees every peer at it. */
  agreement: boolean
  /** Version -> the nodes that report themselves at it (nodes that answered only). */
  versions: Record<string, string[]>
  nodes: SchemaNodeView[]
  /** Nodes that could not be asked (DOWN or not answering); their versions are as their peers see them. */
  unreachable: string[]
  /** Each disagreement, in words. */
  disagreements: string[]
}

const short = (v: string | null): string => (v === null ? 'unknown' : v.slice(0, 8))
const byAddress = (a: string, b: string): number => a.localeCompare(b, 'en', {numeric: true})

/**
 * One agreement check. Disagreement: more than one own version among the nodes that
 * answered, or a node that sees a peer (UP or DOWN) at a version other than its own.
 * A peer version of null (a peer still joining) is not a disagreement.
 */
export function checkSchemaAgreement(views: readonly SchemaNodeView[], unreachable: readonly string[] = []): SchemaCheck {
  const nodes = [...views]
    .map((v) => ({address: v.address, schemaVersion: v.schemaVersion, peers: [...v.peers].sort((a, b) => byAddress(a.address, b.address))}))
    .sort((a, b) => byAddress(a.address, b.address))
  const versions: Record<string, string[]> = {}
  for (const n of nodes) {
    const key = n.schemaVersion ?? 'unknown'
    ;(versions[key] ??= []).push(n.address)
  }
  const down = new Set(unreachable)
  const disagreements: string[] = []
  const own = Object.keys(versions)
  if (own.length > 1) {
    disagreements.push(`${own.length} schema versions: ${own.map((v) => `${short(v === 'unknown' ? null : v)} (${versions[v].join(', ')})`).join(', ')}`)
  }
  for (const n of nodes) {
    for (const p of n.peers) {
      if (p.schemaVersion === null || p.schemaVersion === n.schemaVersion) continue
      disagreements.push(`${n.address} (at ${short(n.schemaVersion)}) sees ${p.address}${down.has(p.address) ? ' (unreachable)' : ''} at ${short(p.schemaVersion)}`)
    }
  }
  return {agreement: disagreements.length === 0, versions, nodes, unreachable: [...new Set(unreachable)].sort(byAddress), disagreements}
}

export interface TimedSchemaCheck {
  /** Clock time of the check, ms. */
  at: number
  check: SchemaCheck
}

/** How long the current disagreement has been seen: from the first check of the trailing run of disagreeing checks to the last. null = the last check agrees. */
export function disagreementAgeMs(checks: readonly TimedSchemaCheck[]): number | null {
  if (checks.length === 0 || checks[checks.length - 1]!.check.agreement) return null
  let first = checks.length - 1
  while (first > 0 && !checks[first - 1]!.check.agreement) first--
  return checks[checks.length - 1]!.at - checks[first]!.at
}

/**
 * The probe's time base for "lasts longer than the grace period": it checks agreement
 * before the canary and again after it, then, while the last check still disagrees,
 * again every `pollMs` until the disagreement has been seen for `graceMs`. Returns the
 * pause before the next check, or null when no further check is needed.
 */
export function schemaRecheckDelay(checks: readonly TimedSchemaCheck[], graceMs: number, now: number, pollMs = 1000): number | null {
  const age = disagreementAgeMs(checks)
  if (age === null || age >= graceMs) return null
  const first = checks[checks.length - 1]!.at - age
  const remaining = first + graceMs - now
  return remaining <= 0 ? 0 : Math.min(pollMs, remaining)
}

export interface SchemaJudgement {
  state: 'OK' | 'WARNING'
  agreement: boolean
  /** How long the final disagreement was seen; null when the last check agrees. */
  disagreementMs: number | null
  reason: string | null
  note: string | null
}

/**
 * The last check decides. It agrees: OK (a note if an earlier check disagreed). It
 * disagrees, and has for at least `graceMs` (every check since the first of the run
 * disagreed): WARNING. Within the grace period: OK with a note. `graceMs` 0 makes any
 * disagreement a WARNING.
 */
export function judgeSchemaAgreement(checks: readonly TimedSchemaCheck[], graceMs: number): SchemaJudgement {
  if (checks.length === 0) return {state: 'OK', agreement: true, disagreementMs: null, reason: null, note: 'schema agreement not checked'}
  const last = checks[checks.length - 1]!.check
  const age = disagreementAgeMs(checks)
  if (age === null) {
    const earlier = checks.some((c) => !c.check.agreement)
    return {state: 'OK', agreement: true, disagreementMs: null, reason: null, note: earlier ? 'schema disagreement seen during the probe resolved within the grace period' : null}
  }
  const what = last.disagreements.slice(0, 3).join('; ') + (last.disagreements.length > 3 ? `; and ${last.disagreements.length - 3} more` : '')
  if (age >= graceMs) {
    return {state: 'WARNING', agreement: false, disagreementMs: age, reason: `schema disagreement for ${formatDuration(age)} (grace ${formatDuration(graceMs)}): ${what}`, note: null}
  }
  return {state: 'OK', agreement: false, disagreementMs: age, reason: null, note: `schema disagreement for ${formatDuration(age)}, within the grace period ${formatDuration(graceMs)}: ${what}`}
}

/** One endpoint as one node's gossip sees it (system_views.gossip_info). */
export interface GossipEndpoint {
  address: string
  /** STATUS_WITH_PORT (else STATUS) value, e.g. "NORMAL,<token>" or "shutdown,true"; null when not known to the observer. */
  status: string | null
  generation: number | null
  heartbeat: number | null
}

export interface GossipObserverView {
  observer: string
  endpoints: GossipEndpoint[]
}

export interface GossipNodeResult {
  address: string
  seenDownBy: string[]
  seenUpBy: string[]
  state: 'OK' | 'WARNING'
}

/** Heartbeats behind the freshest one seen for an endpoint before an observer counts it DOWN (about one per second; Cassandra's failure detector convicts after ~10 s). */
export const GOSSIP_HEARTBEAT_LAG = 15

const DEAD_STATUS = /^(shutdown|LEFT|removed|removing|hibernate)\b/i

/**
 * Per endpoint, which observers see it DOWN and which UP. An observer sees an endpoint
 * DOWN when its gossip status for it is a dead one (shutdown, LEFT, removed, hibernate),
 * or when the heartbeat it holds for it trails the freshest one any observer reports
 * (same generation) by more than GOSSIP_HEARTBEAT_LAG, or is of an older generation by
 * that much: it has stopped hearing from it. A node never judges itself. Seen DOWN by
 * some and UP by others (a split view): WARNING. Seen DOWN by all: OK here (the DOWN node
 * itself is judged by the canary).
 */
export function evaluateGossipViews(views: readonly GossipObserverView[]): GossipNodeResult[] {
  const freshest = new Map<string, {generation: number; heartbeat: number}>()
  for (const v of views) {
    for (const e of v.endpoints) {
      if (e.generation === null || e.heartbeat === null) continue
      const f = freshest.get(e.address)
      if (!f || e.generation > f.generation || (e.generation === f.generation && e.heartbeat > f.heartbeat)) {
        freshest.set(e.address, {generation: e.generation, heartbeat: e.heartbeat})
      }
    }
  }
  const out = new Map<string, {down: Set<string>; up: Set<string>}>()
  for (const v of views) {
    for (const e of v.endpoints) {
      const entry = out.get(e.address) ?? {down: new Set<string>(), up: new Set<string>()}
      out.set(e.address, entry)
      if (e.address === v.observer) continue
      const f = freshest.get(e.address)
      const stale =
        f !== undefined &&
        e.generation !== null &&
        e.heartbeat !== null &&
        (e.generation < f.generation || f.heartbeat - e.heartbeat > GOSSIP_HEARTBEAT_LAG)
      const dead = e.status !== null && DEAD_STATUS.test(e.status)
      if (dead || stale) entry.down.add(v.observer)
      else entry.up.add(v.observer)
    }
  }
  return [...out.entries()]
    .sort(([a], [b]) => byAddress(a, b))
    .map(([address, {down, up}]) => {
      const seenDownBy = [...down].sort(byAddress)
      const seenUpBy = [...up].filter((o) => !down.has(o)).sort(byAddress)
      return {address, seenDownBy, seenUpBy, state: seenDownBy.length > 0 && seenUpBy.length > 0 ? 'WARNING' : 'OK'}
    })
}

import {badInput} from '../errors.js'
import {formatDuration} from '../units.js'
import {worstNagiosState, type NagiosState} from './nagios.js'
import type {LagThresholds} from './thresholds.js'

/**
 * Evaluation of a Cassandra canary probe (lag-probes.md §3.4): a row is written
 * once, then read from each replica pinned to that host at CL=ONE until it is
 * seen. Time-to-visibility per replica is the replication lag Cassandra
 * otherwise never reports. Thresholds are the --warn-time-lag/--crit-time-lag ones.
 */

export interface CanarySample {
  /** Milliseconds from the write until this replica returned it; null when never seen. */
  seenAfterMs: number | null
  /** Why the read failed (e.g. NoHostAvailableError), when it did. */
  error?: string
}

export interface CanaryReplica {
  address: string
  dc: string
  rack: string
  state: 'UP' | 'DOWN' | 'UNKNOWN'
  samples: CanarySample[]
}

export interface NodeHints {
  address: string
  /** Rows of system_views.pending_hints for this node; null when the table is not available (Cassandra < 4.1). */
  pendingHints: number | null
}

export interface CanaryReplicaResult {
  address: string
  dc: string
  rack: string
  state: NagiosState
  reason: string
  /** Slowest visibility among the writes this replica saw; null when it saw none. */
  maxSeenAfterMs: number | null
  seen: number
  missed: number
}

export interface CanaryDcResult {
  dc: string
  replicas: number
  p50Ms: number | null
  maxMs: number | null
  /** Worst state among the DC's replicas. */
  state: NagiosState
  /** Canary writes its replicas saw, and missed (never saw, or could not be read), over all samples. */
  seen: number
  missed: number
}

export interface CanaryResult {
  state: NagiosState
  reasons: string[]
  /** Median and maximum over every successful visibility measurement; null when none. */
  p50Ms: number | null
  maxMs: number | null
  replicas: CanaryReplicaResult[]
  dcs: CanaryDcResult[]
  hints: {address: string; pendingHints: number | null; note?: string}[]
}

/** Nearest-rank percentile of a non-empty list. */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]
}

/**
 * Per replica: no samples -> UNKNOWN (not probed); any write it never saw, or
 * a failed read -> CRITICAL (unreachable or missed the write); slowest
 * visibility above crit -> CRITICAL, above warn -> WARNING; else OK. A replica
 * gossip marks DOWN is CRITICAL even if an older sample succeeded.
 * Hints: pending hints > 0 on a node -> WARNING (some replica missed writes and
 * waits for hint delivery); null -> a note only, since hints are optional evidence.
 * Overall: worst of all; no replicas -> UNKNOWN.
 */
export function evaluateCanary(
  input: {replicas: readonly CanaryReplica[]; hints?: readonly NodeHints[]},
  thresholds: Pick<LagThresholds, 'warnTimeLagMs' | 'critTimeLagMs'>,
): CanaryResult {
  const replicas = input.replicas.map((r) => evaluateReplica(r, thresholds))
  const allSeen: number[] = []
  const byDc = new Map<string, {replicas: number; seen: number[]}>()
  for (const r of input.replicas) {
    const dc = byDc.get(r.dc) ?? {replicas: 0, seen: []}
    dc.replicas++
    for (const s of r.samples) {
      if (s.seenAfterMs !== null && s.error === undefined) {
        allSeen.push(s.seenAfterMs)
        dc.seen.push(s.seenAfterMs)
      }
    }
    byDc.set(r.dc, dc)
  }
  const states: NagiosState[] = replicas.map((r) => r.state)
  const reasons = replicas.filter((r) => r.state !== 'OK').map((r) => `${r.address} (${r.dc}): ${r.reason}`)
  const hints = (input.hints ?? []).map((h) => {
    if (h.pendingHints === null) return {address: h.address, pendingHints: null, note: 'system_views.pending_hints not available (needs Cassandra 4.1+)'}
    if (!Number.isInteger(h.pendingHints) || h.pendingHints < 0) {
      throw badInput(`pending hints ${h.pendingHints} for ${h.address} is not a count; pass a whole number >= 0 or null`)
    }
    if (h.pendingHints > 0) {
      states.push('WARNING')
      reasons.push(`${h.address} holds ${h.pendingHints} pending hint(s): a replica missed writes`)
    }
    return {address: h.address, pendingHints: h.pendingHints}
  })
  if (replicas.length === 0) reasons.push('no replicas were probed')
  allSeen.sort((a, b) => a - b)
  return {
    state: replicas.length === 0 ? 'UNKNOWN' : worstNagiosState(states),
    reasons,
    p50Ms: allSeen.length ? percentile(allSeen, 0.5) : null,
    maxMs: allSeen.length ? allSeen[allSeen.length - 1] : null,
    replicas,
    dcs: [...byDc.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([dc, d]) => {
        const sorted = [...d.seen].sort((a, b) => a - b)
        const inDc = replicas.filter((r) => r.dc === dc)
        return {
          dc,
          replicas: d.replicas,
          p50Ms: sorted.length ? percentile(sorted, 0.5) : null,
          maxMs: sorted.length ? sorted[sorted.length - 1] : null,
          state: worstNagiosState(inDc.map((r) => r.state)),
          seen: inDc.reduce((a, r) => a + r.seen, 0),
          missed: inDc.reduce((a, r) => a + r.missed, 0),
        }
      }),
    hints,
  }
}

function evaluateReplica(r: CanaryReplica, t: Pick<LagThresholds, 'warnTimeLagMs' | 'critTimeLagMs'>): CanaryReplicaResult {
  let seen = 0
  let missed = 0
  let max: number | null = null
  const errors: string[] = []
  for (const s of r.samples) {
    if (s.seenAfterMs !== null && (!Number.isFinite(s.seenAfterMs) || s.seenAfterMs < 0)) {
      throw badInput(`canary delay ${s.seenAfterMs} for ${r.address} is not a duration; pass milliseconds >= 0 or null`)
    }
    if (s.error !== undefined) errors.push(s.error)
    if (s.seenAfterMs === null || s.error !== undefined) missed++
    else {
      seen++
      max = max === null ? s.seenAfterMs : Math.max(max, s.seenAfterMs)
    }
  }
  const base = {address: r.address, dc: r.dc, rack: r.rack, maxSeenAfterMs: max, seen, missed}
  if (r.state === 'DOWN') return {...base, state: 'CRITICAL', reason: 'replica is DOWN'}
  if (r.samples.length === 0) return {...base, state: 'UNKNOWN', reason: 'not probed'}
  if (errors.length > 0) return {...base, state: 'CRITICAL', reason: `unreachable: ${errors[0]}`}
  if (missed > 0) return {...base, state: 'CRITICAL', reason: `never saw ${missed} of ${r.samples.length} canary write(s)`}
  const slowest = max as number
  if (t.critTimeLagMs !== null && slowest > t.critTimeLagMs) {
    return {...base, state: 'CRITICAL', reason: `propagation ${formatDuration(slowest)} exceeds crit ${formatDuration(t.critTimeLagMs)}`}
  }
  if (t.warnTimeLagMs !== null && slowest > t.warnTimeLagMs) {
    return {...base, state: 'WARNING', reason: `slow propagation ${formatDuration(slowest)} exceeds warn ${formatDuration(t.warnTimeLagMs)}`}
  }
  return {...base, state: 'OK', reason: `propagation ${formatDuration(slowest)}`}
}

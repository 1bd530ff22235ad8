/**
 * KRaft quorum health from DescribeQuorum answers (pure: callers pass `now` and the samples).
 *
 * Per replica: log end offset (LEO), lag in records behind the leader's LEO (the high
 * watermark when the leader's is unknown), time since its last fetch and since it was last
 * caught up (from the leader's clock; null when the broker reports -1 or speaks v0).
 * A voter counts towards the majority when it is the leader, or its LEO is known, it is not
 * beyond --crit-lag and it fetched within --crit-time-lag (default DEFAULT_REACHABLE_MS).
 * Overall: no leader, or fewer healthy voters than a majority, is CRITICAL; any voter or
 * observer beyond a threshold (or not fetching) is WARNING and named; more leader elections
 * (epoch changes between samples) than --max-elections is WARNING.
 */
import {formatNagiosLine, type PerfDatum} from './perfdata.js'
import {nagiosSeverity, worstNagiosState, type NagiosState} from './nagios.js'
import {formatDuration} from '../units.js'

/** A voter that has not fetched for this long (and no --crit-time-lag) is not counted as reachable. */
export const DEFAULT_REACHABLE_MS = 10_000

export interface QuorumReplicaInput {
  replicaId: number
  logEndOffset: number
  /** Leader wall clock ms; -1 unknown. */
  lastFetchTimestamp: number
  lastCaughtUpTimestamp: number
}

export interface QuorumSample {
  /** Our clock when the answer arrived. */
  at: number
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplicaInput[]
  observers: QuorumReplicaInput[]
}

export interface QuorumThresholds {
  warnLag: number | null
  critLag: number | null
  warnTimeLagMs: number | null
  critTimeLagMs: number | null
  maxElections: number | null
}

export interface QuorumReplicaReport {
  replicaId: number
  leader: boolean
  logEndOffset: number | null
  lag: number | null
  lastFetchAgoMs: number | null
  lastCaughtUpAgoMs: number | null
  status: NagiosState
  reason: string | null
}

export interface QuorumElection {
  /** Our clock of the sample that saw the new epoch. */
  at: number
  fromLeaderId: number
  toLeaderId: number
  fromEpoch: number
  toEpoch: number
}

export interface QuorumEvaluation {
  status: NagiosState
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplicaReport[]
  observers: QuorumReplicaReport[]
  /** Voters that count towards the majority, and the majority of the voter set. */
  healthyVoters: number
  majority: number
  elections: QuorumElection[]
  /** Why the status is what it is, worst first. */
  reasons: string[]
}

const ago = (now: number, ts: number): number | null => (ts < 0 ? null : Math.max(0, now - ts))

function exceeds(value: number | null, limit: number | null): boolean {
  return value !== null && limit !== null && value > limit
}

function judgeReplica(r: QuorumReplicaInput, s: QuorumSample, reference: number, t: QuorumThresholds, now: number, kind: 'voter' | 'observer'): QuorumReplicaReport {
  const leader = kind === 'voter' && r.replicaId === s.leaderId
  const logEndOffset = r.logEndOffset < 0 ? null : r.logEndOffset
  const lag = logEndOffset === null ? null : Math.max(0, reference - logEndOffset)
  const lastFetchAgoMs = ago(now, r.lastFetchTimestamp)
  const lastCaughtUpAgoMs = ago(now, r.lastCaughtUpTimestamp)
  const report: QuorumReplicaReport = {replicaId: r.replicaId, leader, logEndOffset, lag, lastFetchAgoMs, lastCaughtUpAgoMs, status: 'OK', reason: null}
  if (leader) return report
  // Time lag: since the replica was last caught up (else since its last fetch).
  const timeLag = lastCaughtUpAgoMs ?? lastFetchAgoMs
  const name = `${kind} ${r.replicaId}`
  const checks: [NagiosState, string][] = []
  if (logEndOffset === null) checks.push(['WARNING', `${name}: log end offset unknown`])
  if (exceeds(lag, t.critLag)) checks.push(['CRITICAL', `${name}: lag ${lag} exceeds crit ${t.critLag}`])
  else if (exceeds(lag, t.warnLag)) checks.push(['WARNING', `${name}: lag ${lag} exceeds warn ${t.warnLag}`])
  if (exceeds(timeLag, t.critTimeLagMs)) checks.push(['CRITICAL', `${name}: last caught up ${formatDuration(timeLag!)} ago, over crit ${formatDuration(t.critTimeLagMs!)}`])
  else if (exceeds(timeLag, t.warnTimeLagMs)) checks.push(['WARNING', `${name}: last caught up ${formatDuration(timeLag!)} ago, over warn ${formatDuration(t.warnTimeLagMs!)}`])
  else if (t.critTimeLagMs === null && t.warnTimeLagMs === null && exceeds(lastFetchAgoMs, DEFAULT_REACHABLE_MS)) {
    checks.push(['WARNING', `${name}: no fetch for ${formatDuration(lastFetchAgoMs!)} (down or unreachable?)`])
  }
  if (checks.length > 0) {
    const worst = worstNagiosState(checks.map((c) => c[0]), 'OK')
    report.status = worst
    report.reason = checks.map((c) => c[1]).join('; ')
  }
  return report
}

/** Whether a (non-leader) voter counts towards the majority. */
function countsTowardsMajority(v: QuorumReplicaReport, t: QuorumThresholds): boolean {
  if (v.leader) return true
  if (v.logEndOffset === null) return false
  if (exceeds(v.lag, t.critLag)) return false
  return !exceeds(v.lastFetchAgoMs, t.critTimeLagMs ?? DEFAULT_REACHABLE_MS)
}

/** Leader changes between consecutive samples (epoch moved, or the leader id changed). */
export function detectElections(samples: readonly QuorumSample[]): QuorumElection[] {
  const out: QuorumElection[] = []
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!
    const b = samples[i]!
    if (a.leaderEpoch !== b.leaderEpoch || a.leaderId !== b.leaderId) {
      out.push({at: b.at, fromLeaderId: a.leaderId, toLeaderId: b.leaderId, fromEpoch: a.leaderEpoch, toEpoch: b.leaderEpoch})
    }
  }
  return out
}

/** Judges the last sample; elections are read across all of them (oldest first). */
export function evaluateQuorum(samples: readonly QuorumSample[], t: QuorumThresholds, now?: number): QuorumEvaluation {
  if (samples.length === 0) throw new Error('evaluateQuorum needs at least one sample')
  const s = samples[samples.length - 1]!
  const at = now ?? s.at
  const leaderEnd = s.voters.find((v) => v.replicaId === s.leaderId)?.logEndOffset ?? -1
  const reference = leaderEnd >= 0 ? Math.max(leaderEnd, s.highWatermark) : s.highWatermark
  const byId = (a: QuorumReplicaReport, b: QuorumReplicaReport) => a.replicaId - b.replicaId
  const voters = s.voters.map((v) => judgeReplica(v, s, reference, t, at, 'voter')).sort(byId)
  const observers = s.observers.map((o) => judgeReplica(o, s, reference, t, at, 'observer')).sort(byId)
  const majority = Math.floor(voters.length / 2) + 1
  const hasLeader = s.leaderId >= 0 && voters.some((v) => v.leader)
  const healthyVoters = hasLeader ? voters.filter((v) => countsTowardsMajority(v, t)).length : 0
  const elections = detectElections(samples)

  const reasons: [NagiosState, string][] = []
  if (!hasLeader) reasons.push(['CRITICAL', s.leaderId < 0 ? 'no quorum leader' : `leader ${s.leaderId} is not a voter`])
  else if (healthyVoters < majority) reasons.push(['CRITICAL', `only ${healthyVoters} of ${voters.length} voters caught up and fetching (majority ${majority})`])
  for (const r of [...voters, ...observers]) if (r.status !== 'OK' && r.reason) reasons.push(['WARNING', r.reason])
  if (t.maxElections !== null && elections.length > t.maxElections) {
    reasons.push(['WARNING', `${elections.length} leader election(s) in the window, over --max-elections ${t.maxElections}`])
  }
  reasons.sort((a, b) => nagiosSeverity(b[0]) - nagiosSeverity(a[0]))
  const status = worstNagiosState(reasons.map((r) => r[0]), 'OK')
  return {
    status,
    leaderId: s.leaderId,
    leaderEpoch: s.leaderEpoch,
    highWatermark: s.highWatermark,
    voters,
    observers,
    healthyVoters,
    majority,
    elections,
    reasons: reasons.map((r) => r[1]),
  }
}

/** `QUORUM OK - leader 1 epoch 2, 3/3 voters caught up, hwm 9467 | ...` */
export function quorumSummaryLine(e: QuorumEvaluation, t: QuorumThresholds): string {
  const maxLag = Math.max(0, ...e.voters.map((v) => v.lag ?? 0))
  const maxTime = Math.max(0, ...e.voters.filter((v) => !v.leader).map((v) => v.lastCaughtUpAgoMs ?? v.lastFetchAgoMs ?? 0))
  let text = `leader ${e.leaderId} epoch ${e.leaderEpoch}, ${e.healthyVoters}/${e.voters.length} voters caught up (majority ${e.majority}), ${e.observers.length} observers, high watermark ${e.highWatermark}`
  if (e.elections.length > 0) text += `, ${e.elections.length} election(s)`
  if (e.reasons.length > 0) text += `; ${e.reasons.slice(0, 3).join('; ')}`
  const perf: PerfDatum[] = [
    {label: 'voters_caught_up', value: e.healthyVoters, min: 0, max: e.voters.length},
    {label: 'max_voter_lag', value: maxLag, warn: t.warnLag, crit: t.critLag, min: 0},
    {label: 'max_voter_time_lag', value: maxTime / 1000, uom: 's', warn: t.warnTimeLagMs === null ? null : t.warnTimeLagMs / 1000, crit: t.critTimeLagMs === null ? null : t.critTimeLagMs / 1000, min: 0},
    {label: 'leader_epoch', value: e.leaderEpoch, uom: 'c'},
    {label: 'elections', value: e.elections.length, warn: t.maxElections, min: 0},
  ]
  return formatNagiosLine('QUORUM', e.status, text, perf)
}

const STATUS_VALUE: Record<NagiosState, number> = {OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3}

/** Prometheus text: fleetops_quorum_status (0-3), leader, epoch, high watermark, per-replica lag and times. */
export function renderQuorumPrometheus(e: Pick<QuorumEvaluation, 'status' | 'voters' | 'observers'> & {leaderId: number | null; leaderEpoch: number | null; highWatermark: number | null; elections: unknown[]}): string {
  const out: string[] = []
  const family = (name: string, help: string, rows: [string, number | null][]): void => {
    const present = rows.filter((r): r is [string, number] => r[1] !== null && Number.isFinite(r[1]))
    if (present.length === 0) return
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    for (const [labels, v] of present) out.push(`${name}${labels} ${v}`)
  }
  const replicas = [...e.voters.map((r) => ['voter', r] as const), ...e.observers.map((r) => ['observer', r] as const)]
  const l = (role: string, r: QuorumReplicaReport) => `{replica="${r.replicaId}",role="${role}"}`
  family('fleetops_quorum_status', 'Quorum probe status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.', [['', STATUS_VALUE[e.status]]])
  family('fleetops_quorum_leader_id', 'Node id of the quorum leader (-1 none).', [['', e.leaderId]])
  family('fleetops_quorum_leader_epoch', 'Leader epoch of the metadata quorum.', [['', e.leaderEpoch]])
  family('fleetops_quorum_high_watermark', 'High watermark of __cluster_metadata-0.', [['', e.highWatermark]])
  family('fleetops_quorum_elections', 'Leader elections seen between the samples.', [['', e.elections.length]])
  family('fleetops_quorum_voter_lag', 'Records a replica is behind the leader.', replicas.map(([role, r]) => [l(role, r), r.lag]))
  family('fleetops_quorum_last_fetch_seconds', 'Seconds since the replica last fetched from the leader.', replicas.map(([role, r]) => [l(role, r), r.lastFetchAgoMs === null ? null : r.lastFetchAgoMs / 1000]))
  family('fleetops_quorum_last_caught_up_seconds', 'Seconds since the replica was last caught up.', replicas.map(([role, r]) => [l(role, r), r.lastCaughtUpAgoMs === null ? null : r.lastCaughtUpAgoMs / 1000]))
  family('fleetops_quorum_replica_status', 'Replica status: 0 OK, 1 WARNING, 2 CRITICAL.', replicas.map(([role, r]) => [l(role, r), STATUS_VALUE[r.status]]))
  return `${out.join('\n')}\n`
}

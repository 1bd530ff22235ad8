import type {RunStatus} from './progress-file.js'

/**
 * Is the executor of a "running" progress file still alive? `kafka rebalance execute` writes a
 * heartbeat (pid, host, time, poll interval) into the progress file at every poll; a `kill -9`
 * leaves the file saying "running" forever, so `status` judges the heartbeat instead of trusting
 * the word. Pure: the service reads the clock, the host name and whether the pid exists.
 */
export interface ExecutorHeartbeat {
  readonly pid: number
  readonly host: string
  /** ISO time of the last beat. */
  readonly updatedAt: string
  /** The executor's --poll-interval: it beats at least this often (at most every few seconds). */
  readonly pollIntervalMs: number
}

/** Shortest gap between two heartbeats written to disk. */
export const HEARTBEAT_MIN_GAP_MS = 2000
/** A heartbeat is stale after 3 poll intervals, and never sooner than this. */
export const MIN_STALE_MS = 60_000

/** How old a heartbeat may get before its executor is judged dead: 3x the poll interval, at least 60 s. */
export function staleLimitMs(pollIntervalMs: number): number {
  const poll = Number.isFinite(pollIntervalMs) && pollIntervalMs > 0 ? pollIntervalMs : 0
  return Math.max(MIN_STALE_MS, 3 * poll)
}

/** True when a heartbeat is due: none written yet, or the last one is HEARTBEAT_MIN_GAP_MS old. */
export function heartbeatDue(lastBeatAt: number | null, now: number): boolean {
  return lastBeatAt === null || now - lastBeatAt >= HEARTBEAT_MIN_GAP_MS || now < lastBeatAt
}

export type ExecutorState = RunStatus | 'interrupted'

export interface ExecutorJudgment {
  state: ExecutorState
  /** Why the run is judged interrupted; null otherwise. */
  reason: string | null
}

export interface LivenessInput {
  status: RunStatus
  heartbeat: ExecutorHeartbeat | null
  /** Now, in ms since the epoch. */
  now: number
  /** Host name of the machine judging. */
  host: string
  /**
   * Whether heartbeat.pid exists on this machine (process.kill(pid, 0) did not say ESRCH);
   * null when not checked (another host, or no heartbeat).
   */
  pidAlive: boolean | null
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`
}

/**
 * The run's state as `status` reports it. Only a "running" file is judged: it becomes
 * "interrupted" when the heartbeat's host is this one and its pid is gone, or when the heartbeat
 * is older than staleLimitMs (any host). A file without a heartbeat (written by an older
 * fleetops) keeps its word: there is nothing to judge by.
 */
export function judgeExecutor(input: LivenessInput): ExecutorJudgment {
  if (input.status !== 'running' || input.heartbeat === null) return {state: input.status, reason: null}
  const hb = input.heartbeat
  if (hb.host === input.host && input.pidAlive === false) {
    return {state: 'interrupted', reason: `the executor (pid ${hb.pid} on ${hb.host}) is not running`}
  }
  const at = Date.parse(hb.updatedAt)
  const limit = staleLimitMs(hb.pollIntervalMs)
  if (!Number.isFinite(at)) return {state: 'interrupted', reason: `the executor's heartbeat time ${JSON.stringify(hb.updatedAt)} is unreadable`}
  const age = input.now - at
  if (age > limit) {
    return {state: 'interrupted', reason: `no heartbeat from the executor (pid ${hb.pid} on ${hb.host}) for ${seconds(age)} (limit ${seconds(limit)})`}
  }
  return {state: 'running', reason: null}
}

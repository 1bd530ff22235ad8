import {badInput} from '../errors.js'
import {clampedLag, committedOffsetOrNull, logEndOffset, offsetToNumber, type OffsetValue} from './offsets.js'

/**
 * Burrow-style, threshold-free judgement of one partition from a sliding
 * window of samples (linkedin/Burrow core/internal/evaluator/caching.go,
 * calculatePartitionStatus; see docs reference lag-probes.md §1.1).
 *
 * Burrow's window is a ring of the last `intervals` commits read from
 * __consumer_offsets. A one-shot CLI instead has polls (from a state file or a
 * --sample-window), so a sample is (poll time, committed, log end) and may
 * carry the commit's own timestamp when the source knows it.
 */

/** Least to most severe. INCOMPLETE is ours: Burrow skips partitions below minimum-complete. */
export const BURROW_STATUSES = ['OK', 'INCOMPLETE', 'WARN', 'REWIND', 'STALL', 'STOP'] as const
export type BurrowStatus = (typeof BURROW_STATUSES)[number]

export interface OffsetSample {
  /** Poll time, epoch ms. Samples are passed oldest first. */
  at: number
  /** null / -1 when the group had not committed at that poll; such samples are ignored. */
  committedOffset: OffsetValue | null
  logEndOffset: OffsetValue
  /** When the committed offset was committed (epoch ms), if the source knows it. */
  commitAt?: number | null
}

export interface BurrowOptions {
  now: number
  /** STOP fires when the newest commit is older than this. */
  windowMs: number
  /** Fewer usable samples than this gives INCOMPLETE. Default 3, minimum 2. */
  minSamples?: number
  /** Burrow's allowed-lag: at or below it the partition is OK without further rules. Default 0. */
  allowedLag?: number
}

export interface BurrowEvaluation {
  status: BurrowStatus
  reason: string
  /** Lag at the newest usable sample, floored at 0; null when no sample had a commit. */
  currentLag: number | null
  samplesUsed: number
  /** Usable samples / minSamples, capped at 1 (Burrow's `complete`). */
  complete: number
  /** Newest commit time known or inferred (a lower bound on its age); null when unknown. */
  lastCommitAt: number | null
}

export const DEFAULT_MIN_SAMPLES = 3

/**
 * Rules, applied in Burrow's order to the samples that have a committed offset
 * (c[i] = committed, lag[i] = max(0, logEnd[i] - c[i]), n = newest):
 *
 * 0. INCOMPLETE if fewer than `minSamples` samples (Burrow: below minimum-complete).
 * 1. OK if lag[n] <= allowedLag (Burrow runs its rules only when current lag > allowed-lag).
 * 2. STOP if now - lastCommitAt > windowMs and no sample had logEnd <= c[n]
 *    (Burrow: time since last commit exceeds the window, and checkIfRecentLagZero
 *    is false). lastCommitAt is commitAt of the newest sample when given, else
 *    the poll time of the first sample of the trailing run with offset c[n]; the
 *    commit happened no later than that, so the inferred age never overstates.
 *    Burrow compares with the window's own width; we use the configured
 *    windowMs because polls, unlike commits, are evenly spaced by us.
 * 3. REWIND if some c[i] < c[i-1] and c[n] < c[i-1] (went backwards and has
 *    not regained the pre-rewind offset).
 * 4. OK if any lag[i] <= allowedLag (Burrow: STALL/WARN only when lag was
 *    never zero anywhere in the window).
 * 5. STALL if every c[i] is equal (consumer alive but not moving, lag > 0).
 * 6. WARN if lag[i] >= lag[i-1] for every i (offsets move but lag never
 *    decreases: the consumer is falling behind or only keeping pace).
 * 7. OK otherwise.
 */
export function evaluateBurrowWindow(samples: readonly OffsetSample[], opts: BurrowOptions): BurrowEvaluation {
  const {now, windowMs} = opts
  const minSamples = opts.minSamples ?? DEFAULT_MIN_SAMPLES
  const allowedLag = BigInt(opts.allowedLag ?? 0)
  if (!Number.isFinite(now)) throw badInput('now must be epoch milliseconds; pass Date.now() from the caller')
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw badInput(`window ${windowMs}ms must be positive; use e.g. --window 10m`)
  if (!Number.isInteger(minSamples) || minSamples < 2) throw badInput(`minimum samples ${minSamples} must be a whole number >= 2; use e.g. 3`)
  if (!Number.isSafeInteger(opts.allowedLag ?? 0) || (opts.allowedLag ?? 0) < 0) {
    throw badInput(`allowed lag ${opts.allowedLag} must be a whole number >= 0; use e.g. --allowed-lag 0`)
  }
  for (let i = 1; i < samples.length; i++) {
    if (!(samples[i].at > samples[i - 1].at)) {
      throw badInput(`lag samples are not oldest first (sample ${i} at ${samples[i].at} <= ${samples[i - 1].at}); sort them by time or delete the state file`)
    }
  }

  const usable: {at: number; c: bigint; end: bigint; lag: bigint; commitAt: number | null}[] = []
  for (const s of samples) {
    const c = committedOffsetOrNull(s.committedOffset, 'committed offset')
    if (c === null) continue
    const end = logEndOffset(s.logEndOffset, 'log end offset')
    usable.push({at: s.at, c, end, lag: clampedLag(end, c), commitAt: s.commitAt ?? null})
  }
  const n = usable.length
  const complete = Math.min(1, n / minSamples)
  if (n === 0) {
    return {status: 'INCOMPLETE', reason: 'no sample has a committed offset', currentLag: null, samplesUsed: 0, complete, lastCommitAt: null}
  }
  const newest = usable[n - 1]
  const currentLag = offsetToNumber(newest.lag, 'lag')
  let runStart = n - 1
  while (runStart > 0 && usable[runStart - 1].c === newest.c) runStart--
  const lastCommitAt = newest.commitAt ?? usable[runStart].at
  const result = (status: BurrowStatus, reason: string): BurrowEvaluation => ({
    status,
    reason,
    currentLag,
    samplesUsed: n,
    complete,
    lastCommitAt,
  })

  if (n < minSamples) return result('INCOMPLETE', `only ${n} of ${minSamples} samples with a committed offset`)
  if (newest.lag <= allowedLag) return result('OK', `current lag ${newest.lag} is within allowed lag ${allowedLag}`)

  const sinceCommit = now - lastCommitAt
  const recentlyCaughtUp = usable.some((s) => s.end <= newest.c)
  if (sinceCommit > windowMs && !recentlyCaughtUp) {
    return result('STOP', `no commit for ${sinceCommit}ms (> window ${windowMs}ms) with lag ${newest.lag}`)
  }

  for (let i = 1; i < n; i++) {
    if (usable[i].c < usable[i - 1].c && newest.c < usable[i - 1].c) {
      return result('REWIND', `committed offset went back from ${usable[i - 1].c} to ${usable[i].c} and is still below it`)
    }
  }

  if (usable.some((s) => s.lag <= allowedLag)) return result('OK', 'lag reached the allowed lag within the window')

  if (usable.every((s) => s.c === newest.c)) {
    return result('STALL', `committed offset stuck at ${newest.c} across ${n} samples with lag ${newest.lag}`)
  }
  let neverDecreased = true
  for (let i = 1; i < n; i++) if (usable[i].lag < usable[i - 1].lag) neverDecreased = false
  if (neverDecreased) return result('WARN', `lag never decreased across ${n} samples (${usable[0].lag} -> ${newest.lag})`)
  return result('OK', 'consumer is moving and lag decreased within the window')
}

export function burrowSeverity(status: BurrowStatus): number {
  return BURROW_STATUSES.indexOf(status)
}

/** Group status = worst partition status (no partitions: INCOMPLETE, since nothing was judged). */
export function worstBurrowStatus(statuses: Iterable<BurrowStatus>): BurrowStatus {
  let worst: BurrowStatus | null = null
  for (const s of statuses) if (worst === null || burrowSeverity(s) > burrowSeverity(worst)) worst = s
  return worst ?? 'INCOMPLETE'
}

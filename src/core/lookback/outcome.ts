import {ExitCode} from '../errors.js'
import type {DayInterval} from './zoned-day.js'

export type LookbackStatus = 'ok' | 'ok_with_rejects' | 'incomplete' | 'partial' | 'interrupted'

export interface OutcomeInput {
  /** Days the source no longer fully covers (incompleteDaysForRetention). */
  incompleteDays: readonly string[]
  rejects: number
  failedUnits: number
  interrupted: boolean
}

/**
 * The run's exit code, most serious first:
 * - interrupted (signal; checkpoint saved)          → 130, resume with --resume;
 * - some units failed (checkpoint saved)            → 68 PARTIAL, resume with --resume;
 * - retention lost part of the window               → 68 PARTIAL with status
 *   'incomplete': the days it could compute were written, the report names the
 *   others, and cron sees a non-zero code. Never reported silently as complete
 *   (resuming cannot bring deleted records back; the days stay incomplete);
 * - rejected records                                → 0 with 'ok_with_rejects'
 *   (bad records are data problems, counted and sampled, not run failures);
 * - otherwise                                       → 0 'ok'.
 */
export function lookbackOutcome(input: OutcomeInput): {exit: number; status: LookbackStatus} {
  if (input.interrupted) return {exit: ExitCode.INTERRUPTED, status: 'interrupted'}
  if (input.failedUnits > 0) return {exit: ExitCode.PARTIAL, status: 'partial'}
  if (input.incompleteDays.length > 0) return {exit: ExitCode.PARTIAL, status: 'incomplete'}
  if (input.rejects > 0) return {exit: ExitCode.OK, status: 'ok_with_rejects'}
  return {exit: ExitCode.OK, status: 'ok'}
}

export interface PartitionRetention {
  partition: number
  /** Log start offset (decimal string); "0" means nothing was ever deleted. */
  logStartOffset: string
  /** Timestamp of the record at the log start; null when the partition is empty. */
  earliestTimestampMs: number | null
}

/**
 * Days of the window that the Kafka log no longer fully covers. A partition
 * whose log start is above 0 has lost its oldest records; if its earliest
 * remaining record is later than (day start − skew margin), records of that
 * day may be among the deleted ones, so the day is incomplete. The margin
 * allows for producer clocks (CreateTime) running ahead of event time.
 * A partition that was truncated and is now empty may have lost anything, so
 * every day counts as incomplete (conservative: a false alarm beats a silent
 * undercount).
 */
export function incompleteDaysForRetention(days: readonly DayInterval[], partitions: readonly PartitionRetention[], skewMarginMs = 0): string[] {
  let coveredFrom = -Infinity
  for (const p of partitions) {
    if (BigInt(p.logStartOffset) === 0n) continue
    coveredFrom = Math.max(coveredFrom, p.earliestTimestampMs === null ? Infinity : p.earliestTimestampMs)
  }
  return days.filter((d) => coveredFrom > d.startMs - skewMarginMs).map((d) => d.day)
}

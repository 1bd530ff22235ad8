import {badInput} from '../errors.js'
import {committedOffsetOrNull, logEndOffset, offsetToNumber, type OffsetValue} from './offsets.js'

/** What a probe measured for one partition of one group. */
export interface PartitionOffsetsInput {
  /** null (or Kafka's -1) when the group has never committed on this partition. */
  committedOffset: OffsetValue | null
  /** High watermark or last stable offset; which one is stated in the result's endOffsetKind. */
  logEndOffset: OffsetValue
  /**
   * Timestamp (ms) of the record AT the committed offset, i.e. the oldest
   * unconsumed record; null when not fetched; 'gone' when the fetch found it
   * deleted by retention or compaction.
   */
  committedRecordTimestamp: number | null | 'gone'
}

export interface PartitionLag {
  committedOffset: number | null
  logEndOffset: number
  /** Offsets between committed and end; null when there is no commit (never the log size). */
  lag: number | null
  /** Age of the oldest unconsumed record; 0 when caught up; null when unknown. */
  timeLagMs: number | null
  note?: string
}

export const NOTE_NO_COMMIT = 'no committed offset for this partition; lag is unknown, not the log size'
export const NOTE_RECORD_GONE = 'record at committed offset is gone (retention/compaction)'

/**
 * Lag of one partition at time `now`. Offset lag = logEnd - committed, clamped
 * to 0 with a note when the commit is beyond the end (truncation or a stale end
 * offset). Time lag = now - timestamp of the record at the committed offset.
 */
export function computePartitionLag(input: PartitionOffsetsInput, now: number): PartitionLag {
  if (!Number.isFinite(now)) throw badInput('now must be a finite epoch-milliseconds value; pass Date.now() from the caller')
  const c = input.committedOffset
  const e = input.logEndOffset
  // Exact numbers, as the protocol decoder hands them, go straight through: no BigInt per
  // partition (a probe computes 10,000+ of these). Other input is checked and made exact.
  if (typeof e === 'number' && Number.isSafeInteger(e) && e >= 0 && (c === null || c === undefined || (typeof c === 'number' && Number.isSafeInteger(c)))) {
    return lagOfExactNumbers(c === null || c === undefined || c < 0 ? null : c, e, input.committedRecordTimestamp, now)
  }
  const end = logEndOffset(e, 'log end offset')
  const committed = committedOffsetOrNull(c, 'committed offset')
  const committedNumber = committed === null ? null : offsetToNumber(committed, 'committed offset')
  return lagOfExactNumbers(committedNumber, offsetToNumber(end, 'log end offset'), input.committedRecordTimestamp, now)
}

function lagOfExactNumbers(committed: number | null, end: number, ts: number | null | 'gone', now: number): PartitionLag {
  const out: PartitionLag = {committedOffset: committed, logEndOffset: end, lag: null, timeLagMs: null}
  if (committed === null) {
    out.note = NOTE_NO_COMMIT
    return out
  }
  if (end < committed) {
    out.lag = 0
    out.note = `committed offset ${committed} is beyond log end ${end} (truncation or stale end offset); lag clamped to 0`
  } else out.lag = end - committed
  // A lag of 0 has a time lag of 0 and no note, so at most one of the two notes is set.
  const timeLag = timeLagOf(out.lag, ts, now)
  out.timeLagMs = timeLag.value
  if (timeLag.note) out.note = timeLag.note
  return out
}

function timeLagOf(lag: number, ts: number | null | 'gone', now: number): {value: number | null; note?: string} {
  // Caught up: nothing is waiting, whatever the last record's age.
  if (lag === 0) return {value: 0}
  if (ts === 'gone') return {value: null, note: NOTE_RECORD_GONE}
  if (ts === null) return {value: null, note: 'time lag not measured (timestamp of the record at the committed offset unavailable)'}
  if (!Number.isFinite(ts)) throw badInput(`record timestamp ${String(ts)} is not a number; pass epoch milliseconds, null or 'gone'`)
  const age = now - ts
  // A future CreateTime is producer clock skew; a zero here would claim "caught up".
  if (age < 0) return {value: null, note: `record timestamp is ${-age}ms in the future (producer clock skew?); time lag unknown`}
  return {value: age}
}

import {badInput} from '../errors.js'

/**
 * Kafka offsets are int64. Clients hand them to us as bigint or number; we do
 * arithmetic in bigint and only hand out numbers that are exact (< 2^53), so a
 * JSON consumer never sees a silently rounded offset.
 */
export type OffsetValue = bigint | number

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER)

/** Converts an offset to bigint, refusing fractions and numbers that already lost precision. */
export function offsetToBigInt(value: OffsetValue, what: string): bigint {
  if (typeof value === 'bigint') return value
  if (!Number.isSafeInteger(value)) {
    throw badInput(`${what} ${String(value)} is not an exact whole offset; pass offsets as bigint or as integers below 2^53`)
  }
  return BigInt(value)
}

/** Converts an exact bigint back to a number for output; refuses values a number cannot hold exactly. */
export function offsetToNumber(value: bigint, what: string): number {
  if (value > MAX_EXACT || value < -MAX_EXACT) {
    throw badInput(`${what} ${value} is beyond 2^53-1 and cannot be reported exactly; check the broker returned a real offset`)
  }
  return Number(value)
}

/**
 * A committed offset, or null when there is none. Kafka and kafkajs use -1
 * for "no commit", so any negative committed offset means the same thing.
 */
export function committedOffsetOrNull(value: OffsetValue | null | undefined, what: string): bigint | null {
  if (value === null || value === undefined) return null
  const offset = offsetToBigInt(value, what)
  return offset < 0n ? null : offset
}

/** A log-end (or last-stable) offset: must be present and non-negative. */
export function logEndOffset(value: OffsetValue, what: string): bigint {
  const offset = offsetToBigInt(value, what)
  if (offset < 0n) throw badInput(`${what} ${offset} is negative; pass the partition's high watermark or last stable offset`)
  return offset
}

/** Lag in offsets, floored at 0 (a commit can be observed after a stale end offset). */
export function clampedLag(logEnd: bigint, committed: bigint): bigint {
  const lag = logEnd - committed
  return lag < 0n ? 0n : lag
}

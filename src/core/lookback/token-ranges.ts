import {badInput} from '../errors.js'
import {printable} from '../units.js'

/** The Murmur3Partitioner token ring: signed 64-bit. */
export const MIN_TOKEN = -(2n ** 63n)
export const MAX_TOKEN = 2n ** 63n - 1n

/**
 * A contiguous slice of the ring with BOTH ends inclusive, so the scan is
 * `token(pk) >= start AND token(pk) <= end` and no wrap-around or exclusive
 * minimum special case is needed (unlike the driver's (start, end] ranges).
 */
export interface TokenRange {
  start: bigint
  end: bigint
}

export const MAX_TOKEN_RANGES = 65_536

/**
 * Splits the whole ring [-2^63, 2^63-1] into n contiguous ranges of equal size
 * (the first 2^64 mod n ranges one token larger), each token in exactly one.
 */
export function splitTokenRanges(n: number): TokenRange[] {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_TOKEN_RANGES) {
    throw badInput(`token range count must be a whole number from 1 to ${MAX_TOKEN_RANGES}, got ${printable(n)}`)
  }
  const ringSize = 2n ** 64n
  const count = BigInt(n)
  const base = ringSize / count
  const larger = ringSize % count
  const ranges: TokenRange[] = []
  let start = MIN_TOKEN
  for (let i = 0n; i < count; i++) {
    const size = base + (i < larger ? 1n : 0n)
    ranges.push({start, end: start + size - 1n})
    start += size
  }
  return ranges
}

/** JSON form: int64 tokens as decimal strings (JSON numbers lose precision past 2^53). */
export function tokenRangeToJSON(range: TokenRange): {start: string; end: string} {
  return {start: range.start.toString(), end: range.end.toString()}
}

export function tokenRangeFromJSON(value: unknown): TokenRange {
  const v = value as {start?: unknown; end?: unknown} | null
  const token = (x: unknown): bigint | null => (typeof x === 'string' && /^-?\d{1,19}$/.test(x) ? BigInt(x) : null)
  const start = v !== null && typeof v === 'object' ? token(v.start) : null
  const end = v !== null && typeof v === 'object' ? token(v.end) : null
  if (start === null || end === null || start < MIN_TOKEN || end > MAX_TOKEN || start > end) {
    throw badInput(`token range ${printable(JSON.stringify(value))} is not {start, end} with -2^63 <= start <= end <= 2^63-1 as decimal strings`)
  }
  return {start, end}
}

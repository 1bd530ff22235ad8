/**
 * Murmur3Partitioner token space: signed 64-bit integers held as bigint.
 * A token T owns the range (previous token, T]; the range that wraps past the
 * largest token belongs to the smallest one.
 */

export const MIN_TOKEN = -(1n << 63n)
export const MAX_TOKEN = (1n << 63n) - 1n
/** Number of distinct tokens: every width is measured against this. */
export const RING_SIZE = 1n << 64n

const TOKEN_TEXT = /^-?\d{1,20}$/

/** Parses a decimal token string, or returns undefined when it is not a valid Murmur3 token. */
export function tokenFromString(text: string): bigint | undefined {
  if (!TOKEN_TEXT.test(text)) return undefined
  const value = BigInt(text)
  return value < MIN_TOKEN || value > MAX_TOKEN ? undefined : value
}

/**
 * Width of the range (from, to] going clockwise. Equal ends mean the whole
 * ring, as Cassandra's LongToken.size does for a single-token ring.
 */
export function rangeWidth(from: bigint, to: bigint): bigint {
  const diff = (((to - from) % RING_SIZE) + RING_SIZE) % RING_SIZE
  return diff === 0n ? RING_SIZE : diff
}

/** A bigint amount of token space as a fraction of the ring (0..RF). */
export function ringFraction(width: bigint): number {
  return Number(width) / Number(RING_SIZE)
}

/** Maps any bigint onto the token range by wrapping modulo 2^64. */
export function wrapToken(value: bigint): bigint {
  const m = (((value - MIN_TOKEN) % RING_SIZE) + RING_SIZE) % RING_SIZE
  return m + MIN_TOKEN
}

/** Index of the first sorted token >= token (sorted.length when every token is smaller). */
export function lowerBound(sorted: readonly bigint[], token: bigint): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < token) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Index of the first sorted token >= token, or 0 when the token is past the last one (wrap). */
export function ownerIndex(sorted: readonly bigint[], token: bigint): number {
  const i = lowerBound(sorted, token)
  return i === sorted.length ? 0 : i
}

/**
 * `count` evenly spaced tokens starting at MIN_TOKEN + offset: the balanced
 * start ccm and the DataStax docs use for an empty ring.
 */
export function evenlySpacedTokens(count: number, offset = 0n): bigint[] {
  const step = RING_SIZE / BigInt(count)
  return Array.from({length: count}, (_, i) => wrapToken(MIN_TOKEN + offset + step * BigInt(i)))
}

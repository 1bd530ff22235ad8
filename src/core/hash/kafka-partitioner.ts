import {badInput} from '../errors.js'

/**
 * Kafka's default key → partition mapping, bit-for-bit as the Java client's
 * Utils.murmur2 (MurmurHash2, seed 0x9747b28c, signed 32-bit result) and
 * BuiltInPartitioner: toPositive(murmur2(key)) % numPartitions.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995

export function kafkaMurmur2(bytes: Uint8Array): number {
  const length = bytes.length
  let h = (SEED ^ length) | 0
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // The tail bytes, highest first, falling through like Java's switch.
  const rest = length & 3
  if (rest === 3) h ^= bytes[whole + 2] << 16
  if (rest >= 2) h ^= bytes[whole + 1] << 8
  if (rest >= 1) {
    h ^= bytes[whole]
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Utils.toPositive: clears the sign bit (not Math.abs, which fails on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

function partitionCount(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw badInput(`${what} must be a whole number of partitions from 1 to 1000000`)
  }
  return n
}

export function kafkaPartitionForKey(bytes: Uint8Array, numPartitions: number): number {
  return toPositive(kafkaMurmur2(bytes)) % partitionCount(numPartitions, 'numPartitions')
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

export interface PartitionRemap {
  from: number
  to: number
  keys: number
  moved: number
  /** Share of the given keys whose partition changes. */
  fraction: number
  /**
   * Expected share for uniformly hashed keys: a key stays iff h mod lcm(P,Q)
   * < min(P,Q), so 1 − min(P,Q)/lcm(P,Q) move (P/(P+1) for +1, ½ for doubling).
   */
  expected: number
  /** What a consistent scheme would move: |Q − P| / max(P, Q). */
  optimal: number
}

/** How many of these keys land on a different partition when P partitions become Q. */
export function partitionRemap(opts: {from: number; to: number; keys: readonly Uint8Array[]}): PartitionRemap {
  const from = partitionCount(opts.from, 'from (partitions before)')
  const to = partitionCount(opts.to, 'to (partitions after)')
  let moved = 0
  for (const key of opts.keys) {
    const h = toPositive(kafkaMurmur2(key))
    if (h % from !== h % to) moved++
  }
  const lcm = (from / gcd(from, to)) * to
  return {
    from,
    to,
    keys: opts.keys.length,
    moved,
    fraction: opts.keys.length === 0 ? 0 : moved / opts.keys.length,
    expected: 1 - Math.min(from, to) / lcm,
    optimal: Math.abs(to - from) / Math.max(from, to),
  }
}

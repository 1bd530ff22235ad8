import {murmur3x86128} from './murmur3-x86-128.js'

/** Index bits: 2^14 = 16,384 one-byte registers (16 KiB per sketch in memory). */
export const HLL_PRECISION = 14
const REGISTER_COUNT = 1 << HLL_PRECISION
/** Bits of the 64-bit hash left for the rank after the index. */
const RANK_BITS = 64 - HLL_PRECISION
/**
 * Relative standard error 1.04 / sqrt(2^14) ≈ 0.81 % at every cardinality
 * (with Ertl's estimator there is no bias hump between the small and large ranges).
 */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTER_COUNT)

/**
 * HyperLogLog over the first 64 bits of MurmurHash3 x86_128 of each key.
 * A register holds the largest rank (leading zeros + 1 of the 50 bits after
 * the 14 index bits) seen at its index; merging takes the register-wise
 * maximum, so it is commutative, associative and idempotent, and a merged
 * sketch equals the sketch of all keys added to one. Cardinality comes from
 * Ertl's improved raw estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017, algorithm 6), which is unbiased from the
 * linear-counting range (empty registers) to 2^64 without bias tables.
 */
export class HyperLogLog {
  readonly registers: Uint8Array

  constructor(registers?: Uint8Array) {
    if (registers !== undefined && registers.length !== REGISTER_COUNT) throw new RangeError(`a HyperLogLog has ${REGISTER_COUNT} registers`)
    this.registers = registers ?? new Uint8Array(REGISTER_COUNT)
  }

  add(key: string): void {
    const [high, low] = murmur3x86128(key)
    const index = high >>> (32 - HLL_PRECISION)
    const rank = rankOf(high, low)
    if (rank > this.registers[index]!) this.registers[index] = rank
  }

  merge(other: HyperLogLog): void {
    const mine = this.registers
    const theirs = other.registers
    for (let i = 0; i < REGISTER_COUNT; i++) if (theirs[i]! > mine[i]!) mine[i] = theirs[i]!
  }

  isEmpty(): boolean {
    return this.registers.every((r) => r === 0)
  }

  /** Estimated number of distinct keys added. */
  estimate(): number {
    const histogram = new Array<number>(RANK_BITS + 2).fill(0)
    for (const r of this.registers) histogram[r]!++
    return ertlEstimate(histogram, REGISTER_COUNT)
  }
}

/** The largest valid register value: all 50 rank bits zero. */
export const HLL_MAX_RANK = RANK_BITS + 1

/** Leading zeros + 1 of the 50 hash bits after the index (18 low bits of high, then 32 of low). */
function rankOf(high: number, low: number): number {
  const rest = (high << HLL_PRECISION) >>> 0
  if (rest !== 0) return Math.clz32(rest) + 1
  return 32 - HLL_PRECISION + (low === 0 ? 32 : Math.clz32(low)) + 1
}

/** Ertl's estimator from the register histogram C[0..q+1], q = RANK_BITS, m registers. */
function ertlEstimate(histogram: readonly number[], m: number): number {
  const q = RANK_BITS
  let z = m * tau(1 - histogram[q + 1]! / m)
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!)
  z += m * sigma(histogram[0]! / m)
  return (m * m) / (2 * Math.LN2 * z)
}

/** σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1); infinite for an all-empty sketch (the estimate is then 0). */
function sigma(x: number): number {
  if (x === 1) return Infinity
  let power = x
  let weight = 1
  let z = x
  for (;;) {
    power *= power
    const previous = z
    z += power * weight
    weight += weight
    if (z === previous) return z
  }
}

/** τ(x) = (1 - x - Σ_{k≥1} (1 - x^(2^-k))^2 2^-k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let root = x
  let weight = 1
  let z = 1 - x
  for (;;) {
    root = Math.sqrt(root)
    const previous = z
    weight *= 0.5
    z -= (1 - root) ** 2 * weight
    if (z === previous) return z / 3
  }
}

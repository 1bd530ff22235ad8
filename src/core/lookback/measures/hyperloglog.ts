import {murmur3x86128} from './murmur3-x86-128.js'

/** Index bits: 2^14 = 16,384 one-byte registers (16 KiB per dense sketch). */
export const HLL_PRECISION = 14
export const HLL_REGISTER_COUNT = 1 << HLL_PRECISION
const REGISTER_COUNT = HLL_REGISTER_COUNT
/** Bits of the 64-bit hash left for the rank after the index. */
const RANK_BITS = 64 - HLL_PRECISION
/**
 * Relative standard error 1.04 / sqrt(2^14) ≈ 0.81 % at every cardinality
 * (with Ertl's estimator there is no bias hump between the small and large ranges).
 */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTER_COUNT)

/**
 * Up to this many non-empty registers a sketch serializes them as index → rank
 * pairs, so the many small cells of a job stay small in a checkpoint; past it,
 * all 16,384 registers as bytes are smaller. The form follows from the
 * registers alone, so equal sketches are serialized identically.
 */
export const HLL_SPARSE_LIMIT = 2048

/**
 * In memory a Map entry costs some 40 to 80 bytes, so past this many non-empty
 * registers the 16 KiB of bytes are smaller than the Map (a job's cells, one
 * set per work unit, would otherwise hold up to 2,048 entries each).
 */
const MEMORY_SPARSE_LIMIT = 256

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
  private sparse: Map<number, number> | null = new Map()
  private dense: Uint8Array | null = null
  /** Non-empty registers of the dense form. */
  private denseSet = 0

  add(key: string): void {
    const [high, low] = murmur3x86128(key)
    this.raise(high >>> (32 - HLL_PRECISION), rankOf(high, low))
  }

  merge(other: HyperLogLog): void {
    if (other.sparse !== null) {
      for (const [index, rank] of other.sparse) this.raise(index, rank)
      return
    }
    const mine = this.densify()
    const theirs = other.dense!
    for (let i = 0; i < REGISTER_COUNT; i++) {
      if (theirs[i]! <= mine[i]!) continue
      if (mine[i] === 0) this.denseSet++
      mine[i] = theirs[i]!
    }
  }

  isEmpty(): boolean {
    return this.sparse !== null && this.sparse.size === 0
  }

  /** Non-empty registers as [index, rank] by index when at most HLL_SPARSE_LIMIT are set, else null. */
  sparsePairs(): [number, number][] | null {
    if (this.sparse !== null) return [...this.sparse.entries()].sort((a, b) => a[0] - b[0])
    if (this.denseSet > HLL_SPARSE_LIMIT) return null
    const pairs: [number, number][] = []
    for (let i = 0; i < REGISTER_COUNT; i++) if (this.dense![i] !== 0) pairs.push([i, this.dense![i]!])
    return pairs
  }

  /** All registers (a copy) when more than HLL_SPARSE_LIMIT are set, else null. */
  denseRegisters(): Uint8Array | null {
    return this.dense === null || this.denseSet <= HLL_SPARSE_LIMIT ? null : new Uint8Array(this.dense)
  }

  /** Estimated number of distinct keys added. */
  estimate(): number {
    const histogram = new Array<number>(RANK_BITS + 2).fill(0)
    if (this.dense !== null) for (const r of this.dense) histogram[r]!++
    else {
      histogram[0] = REGISTER_COUNT - this.sparse!.size
      for (const r of this.sparse!.values()) histogram[r]!++
    }
    return ertlEstimate(histogram, REGISTER_COUNT)
  }

  /** A sketch with these registers (ranks already validated); sparse or dense as add() would have left it. */
  static fromRegisters(registers: Uint8Array): HyperLogLog {
    if (registers.length !== REGISTER_COUNT) throw new RangeError(`a HyperLogLog has ${REGISTER_COUNT} registers`)
    const sketch = new HyperLogLog()
    for (let i = 0; i < REGISTER_COUNT; i++) if (registers[i] !== 0) sketch.raise(i, registers[i]!)
    return sketch
  }

  private raise(index: number, rank: number): void {
    if (this.dense !== null) {
      const current = this.dense[index]!
      if (rank <= current) return
      if (current === 0) this.denseSet++
      this.dense[index] = rank
      return
    }
    if (rank <= (this.sparse!.get(index) ?? 0)) return
    this.sparse!.set(index, rank)
    if (this.sparse!.size > MEMORY_SPARSE_LIMIT) this.densify()
  }

  private densify(): Uint8Array {
    if (this.dense === null) {
      this.dense = new Uint8Array(REGISTER_COUNT)
      for (const [index, rank] of this.sparse!) this.dense[index] = rank
      this.denseSet = this.sparse!.size
      this.sparse = null
    }
    return this.dense
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

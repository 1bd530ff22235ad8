/** The relative accuracy quantile() guarantees: the answer is within 1 % of the exact sample quantile. */
export const DDSKETCH_RELATIVE_ACCURACY = 0.01

/**
 * The mapping is built for a hair below 1 % so that rounding in log() and pow()
 * (a value on a bucket boundary can land one bucket over) never pushes the
 * error past the 1 % promised.
 */
const MAPPING_ACCURACY = DDSKETCH_RELATIVE_ACCURACY * (1 - 1e-7)
const GAMMA = (1 + MAPPING_ACCURACY) / (1 - MAPPING_ACCURACY)
const LOG_GAMMA = Math.log(GAMMA)

/** Bucket index of a positive magnitude: bucket i holds (γ^(i-1), γ^i]. */
export function bucketIndex(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LOG_GAMMA)
}

/** The indexes every finite non-zero magnitude maps into (subnormals included), about ±37,000. */
export const DDSKETCH_MIN_INDEX = bucketIndex(Number.MIN_VALUE)
export const DDSKETCH_MAX_INDEX = bucketIndex(Number.MAX_VALUE)

/** The value reported for bucket i, 2γ^i/(γ+1), within the accuracy of everything in the bucket. */
function bucketValue(index: number): number {
  return Math.min(Math.exp(index * LOG_GAMMA + Math.log(2 / (GAMMA + 1))), Number.MAX_VALUE)
}

/** Bucket counts as sorted [index, count] pairs, the serialized form. */
export type BucketPairs = [number, number][]

/**
 * DDSketch (Masson, Rim, Lee, "DDSketch: A Fast and Fully-Mergeable Quantile
 * Sketch with Relative-Error Guarantees", VLDB 2019) with the logarithmic
 * mapping and unbounded sparse stores: positive values by bucket, negative
 * values by the bucket of their magnitude, and a count of zeros. Counts are
 * integers and merging adds them, so merges are exact, commutative and
 * associative, and a merged sketch equals the single-pass sketch. Memory grows
 * with the log of the value range (about 116 buckets per factor of 10), never
 * with the number of values; no buckets are collapsed, so the guarantee holds
 * for every quantile.
 */
export class DDSketch {
  private readonly positive = new Map<number, number>()
  private readonly negative = new Map<number, number>()
  private zero = 0
  private n = 0

  /** Adds one finite value. */
  add(value: number): void {
    if (value === 0) this.zero++
    else bump(value > 0 ? this.positive : this.negative, bucketIndex(Math.abs(value)), 1)
    this.n++
  }

  merge(other: DDSketch): void {
    for (const [index, count] of other.positive) bump(this.positive, index, count)
    for (const [index, count] of other.negative) bump(this.negative, index, count)
    this.zero += other.zero
    this.n += other.n
  }

  get count(): number {
    return this.n
  }

  /**
   * The value at rank floor(q(n-1)) of the sorted values, within 1 %
   * (relative); null for an empty sketch. q in [0, 1].
   */
  quantile(q: number): number | null {
    if (this.n === 0) return null
    const rank = Math.floor(q * (this.n - 1))
    let seen = 0
    for (const [index, count] of sortedPairs(this.negative).reverse()) {
      seen += count
      if (seen > rank) return -bucketValue(index)
    }
    seen += this.zero
    if (seen > rank) return 0
    for (const [index, count] of sortedPairs(this.positive)) {
      seen += count
      if (seen > rank) return bucketValue(index)
    }
    throw new Error('DDSketch counts do not add up to its total')
  }

  toPairs(): {zero: number; positive: BucketPairs; negative: BucketPairs} {
    return {zero: this.zero, positive: sortedPairs(this.positive), negative: sortedPairs(this.negative)}
  }

  /** Rebuilds from toPairs(); the caller has validated indexes and counts. */
  static fromPairs(zero: number, positive: BucketPairs, negative: BucketPairs): DDSketch {
    const sketch = new DDSketch()
    sketch.zero = zero
    sketch.n = zero
    for (const [index, count] of positive) bump(sketch.positive, index, count)
    for (const [index, count] of negative) bump(sketch.negative, index, count)
    for (const [, count] of [...positive, ...negative]) sketch.n += count
    return sketch
  }
}

function bump(store: Map<number, number>, index: number, count: number): void {
  store.set(index, (store.get(index) ?? 0) + count)
}

function sortedPairs(store: Map<number, number>): BucketPairs {
  return [...store.entries()].sort((a, b) => a[0] - b[0])
}

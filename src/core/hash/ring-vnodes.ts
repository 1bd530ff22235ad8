import {hashPair} from './hash-functions.js'
import type {Placement, SchemeParams} from './scheme.js'

/** Sorted ring points: each node hashed to `vnodes` 32-bit positions (Karger et al.). */
export interface VnodeRing {
  points: Uint32Array
  owners: Int32Array
  /**
   * Lookup index on the top bits of a hash: `index[b]` is the first point at or
   * after b · 2^shift, and `index[2^bits]` is the point count, so a lookup only
   * searches the few points of one bucket (about 4 per bucket by construction).
   */
  index: Int32Array
  shift: number
}

/** Index bits for `n` points: about n/4 buckets, at least 2 so the shift stays below 32. */
function indexBits(n: number): number {
  return Math.min(24, Math.max(1, Math.ceil(Math.log2(Math.max(1, n))) - 2))
}

/** Node ids must be below this (2^21) to pack with a 32-bit position into a double. */
const ID_LIMIT = 2 ** 21

export function buildVnodeRing(nodeIds: readonly number[], params: Pick<SchemeParams, 'seed' | 'vnodes'>): VnodeRing {
  // (position, node id) pairs packed into one double (position · 2^21 + id, exact below 2^53) and
  // sorted as a typed array: ordered by position, then id (so equal positions stay deterministic),
  // without an object per point (10^7 points fit in 80 MB instead of exhausting the heap).
  const n = nodeIds.length * params.vnodes
  const packed = new Float64Array(n)
  let k = 0
  for (const id of nodeIds) {
    if (!(id >= 0 && id < ID_LIMIT)) throw new RangeError(`node id ${id} is outside 0..${ID_LIMIT - 1}`)
    for (let v = 0; v < params.vnodes; v++) packed[k++] = hashPair(id, v, params.seed ^ 0x5f3759df) * ID_LIMIT + id
  }
  packed.sort()
  const points = new Uint32Array(n)
  const owners = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const position = Math.floor(packed[i] / ID_LIMIT)
    points[i] = position
    owners[i] = packed[i] - position * ID_LIMIT
  }
  const bits = indexBits(points.length)
  const shift = 32 - bits
  const buckets = 2 ** bits
  const index = new Int32Array(buckets + 1)
  let j = 0
  for (let b = 0; b < buckets; b++) {
    const from = b * 2 ** shift
    while (j < points.length && points[j] < from) j++
    index[b] = j
  }
  index[buckets] = points.length
  return {points, owners, index, shift}
}

/** Index of the first point >= hash (an unsigned 32-bit value), wrapping to 0. */
export function successor(ring: VnodeRing, hash: number): number {
  const {points, index} = ring
  const b = hash >>> ring.shift
  // Only the hash's bucket can hold the answer; past its end the next bucket's first point is it.
  let lo = index[b]
  let hi = index[b + 1]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (points[mid] < hash) lo = mid + 1
    else hi = mid
  }
  return lo === points.length ? 0 : lo
}

/** Consistent hashing with virtual nodes: a key belongs to the next point clockwise. */
export function vnodeRingPlacement(nodeIds: readonly number[], params: SchemeParams): Placement {
  const ring = buildVnodeRing(nodeIds, params)
  return {
    // 4-byte position + 4-byte owner per point, plus the 4-byte bucket index.
    memoryBytes: ring.points.length * 8 + ring.index.length * 4,
    assign(keys) {
      const out = new Int32Array(keys.length)
      const owners = ring.owners
      for (let i = 0; i < keys.length; i++) out[i] = owners[successor(ring, keys[i])]
      return out
    },
  }
}

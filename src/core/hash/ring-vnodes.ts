import {hashPair} from './hash-functions.js'
import type {Placement, SchemeParams} from './scheme.js'

/** Sorted ring points: each node hashed to `vnodes` 32-bit positions (Karger et al.). */
export interface VnodeRing {
  points: Uint32Array
  owners: Int32Array
}

export function buildVnodeRing(nodeIds: readonly number[], params: Pick<SchemeParams, 'seed' | 'vnodes'>): VnodeRing {
  const entries: [number, number][] = []
  for (const id of nodeIds) for (let v = 0; v < params.vnodes; v++) entries.push([hashPair(id, v, params.seed ^ 0x5f3759df), id])
  // Equal positions (rare at 32 bits) are ordered by node id so the result stays deterministic.
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  return {points: Uint32Array.from(entries, (e) => e[0]), owners: Int32Array.from(entries, (e) => e[1])}
}

/** Index of the first point >= hash, wrapping to 0. */
export function successor(ring: VnodeRing, hash: number): number {
  let lo = 0
  let hi = ring.points.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ring.points[mid] < hash) lo = mid + 1
    else hi = mid
  }
  return lo === ring.points.length ? 0 : lo
}

/** Consistent hashing with virtual nodes: a key belongs to the next point clockwise. */
export function vnodeRingPlacement(nodeIds: readonly number[], params: SchemeParams): Placement {
  const ring = buildVnodeRing(nodeIds, params)
  return {
    // 4-byte position + 4-byte owner per point.
    memoryBytes: ring.points.length * 8,
    assign(keys) {
      const out = new Int32Array(keys.length)
      for (let i = 0; i < keys.length; i++) out[i] = ring.owners[successor(ring, keys[i])]
      return out
    },
  }
}

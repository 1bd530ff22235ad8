import {buildVnodeRing, successor} from './ring-vnodes.js'
import type {Placement, SchemeParams} from './scheme.js'

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam,
 * SODA 2018) over the vnode ring: keys arrive in order and each goes to the
 * first node clockwise whose load is below ceil(c · keys / nodes). Placement
 * depends on arrival order, so `assign` models one batch placed from empty.
 */
export function boundedLoadPlacement(nodeIds: readonly number[], params: SchemeParams): Placement {
  const ring = buildVnodeRing(nodeIds, params)
  // A loop, not Math.max(...nodeIds): spreading 100,000+ arguments overflows the stack.
  let maxId = 0
  for (const id of nodeIds) if (id > maxId) maxId = id
  return {
    // The ring (8 bytes per point and its 4-byte bucket index) plus one 4-byte load counter per node.
    memoryBytes: ring.points.length * 8 + ring.index.length * 4 + nodeIds.length * 4,
    assign(keys) {
      const cap = Math.ceil((params.loadFactor * keys.length) / Math.max(1, nodeIds.length))
      const load = new Int32Array(maxId + 1)
      const out = new Int32Array(keys.length)
      const n = ring.points.length
      const owners = ring.owners
      for (let i = 0; i < keys.length; i++) {
        let p = successor(ring, keys[i])
        while (load[owners[p]] >= cap) if (++p === n) p = 0
        const owner = owners[p]
        out[i] = owner
        load[owner]++
      }
      return out
    },
  }
}

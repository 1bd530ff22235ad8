import {fmix32, murmur3Word} from './hash-functions.js'
import type {Placement} from './scheme.js'

/**
 * Rendezvous / highest-random-weight hashing (Thaler & Ravishankar): every
 * node scores the key and the highest score wins (ties go to the lower id).
 * O(nodes) per lookup; adding a node only takes keys it now wins.
 */
export function rendezvousPlacement(nodeIds: readonly number[], seed: number): Placement {
  const nodeHash = Uint32Array.from(nodeIds, (id) => murmur3Word(id, seed ^ 0x2545f491))
  const ids = Int32Array.from(nodeIds)
  return {
    // One 4-byte id and one 4-byte precomputed node hash per node.
    memoryBytes: ids.length * 8,
    assign(keys) {
      const out = new Int32Array(keys.length)
      for (let i = 0; i < keys.length; i++) {
        let best = -1
        let bestId = -1
        for (let j = 0; j < ids.length; j++) {
          const score = fmix32(Math.imul(keys[i] ^ nodeHash[j], 0x9e3779b1) + nodeHash[j])
          if (score > best || (score === best && ids[j] < bestId)) {
            best = score
            bestId = ids[j]
          }
        }
        out[i] = bestId
      }
      return out
    },
  }
}

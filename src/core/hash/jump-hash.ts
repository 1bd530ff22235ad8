import {badInput} from '../errors.js'
import {lcgStep64} from './hash-functions.js'
import type {Placement} from './scheme.js'

// 2862933555777941757, the LCG multiplier of Lamping & Veach's paper, as 32-bit halves.
const MUL_HI = 0x27bb2ee6
const MUL_LO = 0x87b0b0fd

/**
 * Jump consistent hash (Lamping & Veach 2014): the bucket in [0, buckets) for
 * a 64-bit key given as two 32-bit halves. Each step draws the next bucket
 * where the key would jump; the last one below `buckets` is the answer.
 */
export function jumpHash(keyHi: number, keyLo: number, buckets: number): number {
  let hi = keyHi >>> 0
  let lo = keyLo >>> 0
  let b = -1
  let j = 0
  while (j < buckets) {
    b = j
    ;[hi, lo] = lcgStep64(hi, lo, MUL_HI, MUL_LO)
    // (key >>> 33) + 1 is the top 31 bits plus one.
    j = Math.floor((b + 1) * (2 ** 31 / ((hi >>> 1) + 1)))
  }
  return b
}

/**
 * Jump needs buckets numbered 0..n-1: node ids must be exactly that, so only
 * the highest-numbered nodes can be removed. Stateless: no lookup structure.
 */
export function jumpPlacement(nodeIds: readonly number[], seed: number): Placement {
  nodeIds.forEach((id, i) => {
    if (id !== i) throw badInput('jump hash needs nodes numbered 0..n-1; only the highest-numbered node can be removed')
  })
  const n = nodeIds.length
  return {
    memoryBytes: 0,
    assign(keys) {
      const out = new Int32Array(keys.length)
      // The high half is derived from the key hash so each key has a full 64-bit seed.
      for (let i = 0; i < keys.length; i++) out[i] = jumpHash(Math.imul(keys[i] ^ seed, 0x9e3779b1), keys[i], n)
      return out
    },
  }
}

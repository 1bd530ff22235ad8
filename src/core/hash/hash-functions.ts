/**
 * Small, fast, seeded hashes for simulations. All return unsigned 32-bit
 * integers and use only 32-bit integer arithmetic (Math.imul), so they are
 * deterministic across platforms.
 */

/** MurmurHash3's finaliser: a full-avalanche 32-bit mix. */
export function fmix32(x: number): number {
  let h = x | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** MurmurHash3 x86_32 of one little-endian 32-bit word under a seed. */
export function murmur3Word(word: number, seed: number): number {
  let k = Math.imul(word | 0, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  let h = (seed | 0) ^ k
  h = (h << 13) | (h >>> 19)
  h = (Math.imul(h, 5) + 0xe6546b64) | 0
  return fmix32(h ^ 4)
}

/** Hash of a pair, e.g. (node, vnode) or (node, key). */
export function hashPair(a: number, b: number, seed: number): number {
  return murmur3Word(b, murmur3Word(a, seed))
}

/**
 * Low and high 32-bit halves of (hi:lo) × (bh:bl) + 1 mod 2^64, the 64-bit
 * LCG step jump hash uses, done in 16-bit limbs to stay exact in doubles.
 */
export function lcgStep64(hi: number, lo: number, bh: number, bl: number): [number, number] {
  const a0 = lo & 0xffff
  const a1 = lo >>> 16
  const b0 = bl & 0xffff
  const b1 = bl >>> 16
  const p00 = a0 * b0
  const p01 = a0 * b1
  const p10 = a1 * b0
  const p11 = a1 * b1
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)
  let low = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0
  let high = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(lo, bh) + Math.imul(hi, bl)) >>> 0
  low = (low + 1) >>> 0
  if (low === 0) high = (high + 1) >>> 0
  return [high, low]
}

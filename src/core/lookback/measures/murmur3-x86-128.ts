/**
 * MurmurHash3 x86_128 (Austin Appleby's reference, MurmurHash3_x86_128) of a
 * string's UTF-8 bytes. Only 32-bit integer arithmetic (Math.imul), so it is
 * exact and deterministic without BigInt. The HyperLogLog takes its first 64
 * bits: a 32-bit hash collides too often at millions of distinct keys.
 * Lone UTF-16 surrogates encode as U+FFFD, so strings differing only in them
 * hash alike (an approximate count may miss such keys; exact distinct does not).
 */
import {fmix32} from '../../hash/hash-functions.js'

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

const utf8 = new TextEncoder()
/** Reused for every key (hashing is synchronous): no allocation per key but a view. */
let scratch = new Uint8Array(256)

/**
 * The UTF-8 bytes of `text` in the scratch buffer. ASCII (most keys) is copied by hand;
 * anything else goes through encodeInto, which writes what encode() would (U+FFFD for lone
 * surrogates). A UTF-16 code unit takes at most 3 UTF-8 bytes.
 */
function utf8Bytes(text: string): Uint8Array {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x80) return scratch.subarray(0, utf8.encodeInto(text, scratch).written)
    scratch[i] = c
  }
  return scratch.subarray(0, text.length)
}

/** The four 32-bit words h1..h4 of the 128-bit hash (the reference's output order). */
export function murmur3x86128(text: string, seed = 0): [number, number, number, number] {
  const bytes = utf8Bytes(text)
  const h = [seed | 0, seed | 0, seed | 0, seed | 0] as [number, number, number, number]
  const blocks = bytes.length >>> 4
  for (let i = 0; i < blocks; i++) mixBlock(h, bytes, i << 4)
  mixTail(h, bytes, blocks << 4)
  return finalize(h, bytes.length)
}

function word(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function mixK1(k: number): number {
  return Math.imul(rotl(Math.imul(k, C1), 15), C2)
}
function mixK2(k: number): number {
  return Math.imul(rotl(Math.imul(k, C2), 16), C3)
}
function mixK3(k: number): number {
  return Math.imul(rotl(Math.imul(k, C3), 17), C4)
}
function mixK4(k: number): number {
  return Math.imul(rotl(Math.imul(k, C4), 18), C1)
}

function mixBlock(h: [number, number, number, number], bytes: Uint8Array, at: number): void {
  h[0] ^= mixK1(word(bytes, at))
  h[0] = (Math.imul(rotl(h[0], 19) + h[1], 5) + 0x561ccd1b) | 0
  h[1] ^= mixK2(word(bytes, at + 4))
  h[1] = (Math.imul(rotl(h[1], 17) + h[2], 5) + 0x0bcaa747) | 0
  h[2] ^= mixK3(word(bytes, at + 8))
  h[2] = (Math.imul(rotl(h[2], 15) + h[3], 5) + 0x96cd1c35) | 0
  h[3] ^= mixK4(word(bytes, at + 12))
  h[3] = (Math.imul(rotl(h[3], 13) + h[0], 5) + 0x32ac3b17) | 0
}

/** The last 0..15 bytes, read as up to four partial little-endian words. */
function mixTail(h: [number, number, number, number], bytes: Uint8Array, at: number): void {
  const k = [0, 0, 0, 0]
  for (let i = at; i < bytes.length; i++) {
    const offset = i - at
    k[offset >>> 2]! |= bytes[i]! << ((offset & 3) << 3)
  }
  const rest = bytes.length - at
  if (rest > 12) h[3] ^= mixK4(k[3]!)
  if (rest > 8) h[2] ^= mixK3(k[2]!)
  if (rest > 4) h[1] ^= mixK2(k[1]!)
  if (rest > 0) h[0] ^= mixK1(k[0]!)
}

function finalize(h: [number, number, number, number], length: number): [number, number, number, number] {
  for (let i = 0; i < 4; i++) h[i] ^= length
  addAcross(h)
  for (let i = 0; i < 4; i++) h[i] = fmix32(h[i]!) | 0
  addAcross(h)
  return [h[0] >>> 0, h[1] >>> 0, h[2] >>> 0, h[3] >>> 0]
}

function addAcross(h: [number, number, number, number]): void {
  h[0] = (h[0] + h[1] + h[2] + h[3]) | 0
  h[1] = (h[1] + h[0]) | 0
  h[2] = (h[2] + h[0]) | 0
  h[3] = (h[3] + h[0]) | 0
}

import {describe, expect, it} from 'vitest'
import {murmur3x86128} from '../../../../src/core/lookback/measures/murmur3-x86-128.js'

/** The hash as the reference's 16 output bytes (h1..h4, each little-endian), in hex. */
function digestHex(text: string, seed: number): string {
  return murmur3x86128(text, seed)
    .map((h) => [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, h >>> 24].map((b) => b.toString(16).padStart(2, '0')).join(''))
    .join('')
}

describe('murmur3x86128', () => {
  // Expected digests from the Python mmh3 package (mmh3.hash_bytes(s.encode(), seed, x64arch=False)).
  it.each([
    ['', 0, '00000000000000000000000000000000'],
    ['', 42, 'b62c6dafba0cc895ba0cc895ba0cc895'],
    ['hello', 0, 'a044242bf7de91dbb631db9ab631db9a'],
    ['hello', 42, '019a4f9cf6043405959b6f88959b6f88'],
    ['The quick brown fox jumps over the lazy dog', 0, 'c383152f672ceeec6cf67b5d2c1de9e5'],
    ['The quick brown fox jumps over the lazy dog', 42, '199cc6b0c795fdb1bd46c704eccf4fb6'],
    ['héllo wörld ✓ 𝄞', 0, 'fb1bc7e9999c5ffd4e819bdbdb6cf772'],
    ['abcdefghijklmnop', 0, '2776d29f5612b990218bcee445ba93d1'],
    ['abcdefghijklmnopq', 42, '143ceab352e9b9eed28eac016e48bb7a'],
  ])('hashes %j (seed %i) as the reference does', (text, seed, hex) => {
    expect(digestHex(text, seed)).toBe(hex)
  })
})

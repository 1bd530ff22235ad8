import fc from 'fast-check'
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

describe('murmur3x86128 over any string', () => {
  // The hash is of the UTF-8 bytes TextEncoder gives (lone surrogates as U+FFFD), so a string
  // and its UTF-8 round trip hash alike, long or short, ASCII or not, whatever was hashed before.
  it('hashes a string as its UTF-8 round trip', () => {
    const roundTrip = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s))
    fc.assert(
      fc.property(fc.oneof(fc.string({unit: 'binary', maxLength: 400}), fc.string({maxLength: 1000})), fc.integer(), (s, seed) => {
        expect(murmur3x86128(s, seed)).toEqual(murmur3x86128(roundTrip(s), seed))
      }),
    )
  })

  it('does not depend on longer keys hashed before', () => {
    const alone = digestHex('hello', 0)
    murmur3x86128('x'.repeat(5000) + 'é'.repeat(3000))
    expect(digestHex('hello', 0)).toBe(alone)
    expect(digestHex('héllo wörld ✓ 𝄞', 0)).toBe('fb1bc7e9999c5ffd4e819bdbdb6cf772')
  })
})

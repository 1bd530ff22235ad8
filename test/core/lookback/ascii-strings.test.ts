import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {AsciiStrings} from '../../../src/core/lookback/ascii-strings.js'

const ascii = fc.array(fc.integer({min: 0x20, max: 0x7e}), {maxLength: 12})

describe('AsciiStrings', () => {
  it('always returns the text of the bytes asked for, also when keys collide in a tiny table', () => {
    fc.assert(
      fc.property(fc.array(ascii, {minLength: 1, maxLength: 40}), fc.integer({min: 1, max: 4}), (runs, bits) => {
        const strings = new AsciiStrings(bits)
        for (const run of [...runs, ...runs.reverse()]) {
          const buffer = new Uint8Array([0x7b, ...run, 0x7d])
          expect(strings.get(buffer, 1, 1 + run.length)).toBe(String.fromCharCode(...run))
        }
      }),
    )
  })

  it('hands back the same string for the same bytes, so Map and Set lookups reuse its hash', () => {
    const strings = new AsciiStrings()
    const first = strings.get(new TextEncoder().encode('"u1234"'), 1, 6)
    const again = strings.get(new TextEncoder().encode('x:u1234,'), 2, 7)
    expect(again).toBe('u1234')
    // Same object, not just an equal string: a fresh string would have to be hashed again.
    const identities = new Set<string>().add(first)
    expect(identities.has(again)).toBe(true)
    expect(Object.is(first, again)).toBe(true)
  })
})

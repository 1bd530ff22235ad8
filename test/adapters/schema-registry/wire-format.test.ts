import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {frame, readMessageIndexes, unframe, writeMessageIndexes} from '../../../src/adapters/schema-registry/wire-format.js'

describe('schema registry wire format', () => {
  it('frames a payload as magic 0x00, the id as a big-endian int32, then the payload (written out by hand)', () => {
    expect([...frame(258, Buffer.from([0xaa, 0xbb]))]).toEqual([0x00, 0x00, 0x00, 0x01, 0x02, 0xaa, 0xbb])
    expect([...frame(-1, Buffer.alloc(0))]).toEqual([0x00, 0xff, 0xff, 0xff, 0xff])
  })

  it('reads the header in place, inside a larger buffer', () => {
    const data = Buffer.from([0x99, 0x00, 0x00, 0x00, 0x00, 0x07, 0x01, 0x02, 0x99])
    expect(unframe(data, 1, 8)).toEqual({ok: true, schemaId: 7, payloadStart: 6})
  })

  it('refuses a wrong magic byte and a value shorter than the header', () => {
    const json = Buffer.from('{"a":1}')
    const bad = unframe(json, 0, json.length)
    expect(bad).toMatchObject({ok: false, reason: 'bad-magic'})
    expect(!bad.ok && bad.detail).toContain('0x7b')
    expect(unframe(Buffer.from([0, 0, 0, 1]), 0, 4)).toMatchObject({ok: false, reason: 'short'})
  })

  it('round-trips any id and payload', () => {
    fc.assert(
      fc.property(fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), fc.uint8Array({maxLength: 64}), (id, payload) => {
        const framed = frame(id, payload)
        const header = unframe(framed, 0, framed.length)
        expect(header).toEqual({ok: true, schemaId: id, payloadStart: 5})
        expect([...framed.subarray(5)]).toEqual([...payload])
      }),
    )
  })

  it('message indexes: the one-byte shorthand for [0], else a zig-zag count and zig-zag indexes', () => {
    expect([...writeMessageIndexes([0])]).toEqual([0x00])
    // [1] -> count 1 (zig-zag 2), index 1 (zig-zag 2); [0, 2] -> 4, 0, 4
    expect([...writeMessageIndexes([1])]).toEqual([0x02, 0x02])
    expect([...writeMessageIndexes([0, 2])]).toEqual([0x04, 0x00, 0x04])
    expect(readMessageIndexes(Buffer.from([0x00, 0x08]), 0, 2)).toEqual({ok: true, indexes: [0], next: 1})
    expect(readMessageIndexes(Buffer.from([0x04, 0x00, 0x04, 0x08]), 0, 4)).toEqual({ok: true, indexes: [0, 2], next: 3})
    expect(readMessageIndexes(Buffer.from([0x04, 0x00]), 0, 2)).toMatchObject({ok: false})
    expect(readMessageIndexes(Buffer.from([0x80]), 0, 1)).toMatchObject({ok: false})
  })

  it('message indexes round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({max: 100_000}), {minLength: 1, maxLength: 8}), (indexes) => {
        const bytes = writeMessageIndexes(indexes)
        const read = readMessageIndexes(bytes, 0, bytes.length)
        expect(read).toEqual({ok: true, indexes, next: bytes.length})
      }),
    )
  })
})

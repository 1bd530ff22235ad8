// The primitives every API file builds on: what Writer writes, Reader reads back, in the classic
// and the flexible (KIP-482) encodings, and the exact bytes of each primitive per Kafka's protocol guide.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer, assertInt32} from '../../../../src/adapters/kafka/protocol/writer.js'

const bytes = (w: Writer) => [...w.toBuffer()]

describe('Writer: the bytes of each primitive', () => {
  it('fixed-width integers are big-endian two\'s complement', () => {
    expect(bytes(new Writer(false).int8(-1).int16(0x0102).int32(-2))).toEqual([0xff, 0x01, 0x02, 0xff, 0xff, 0xff, 0xfe])
    expect(bytes(new Writer(false).int64(2 ** 40 + 5))).toEqual([0, 0, 1, 0, 0, 0, 0, 5])
  })

  it('unsigned varints use 7 bits per byte, low group first', () => {
    expect(bytes(new Writer(true).uvarint(0))).toEqual([0])
    expect(bytes(new Writer(true).uvarint(127))).toEqual([0x7f])
    expect(bytes(new Writer(true).uvarint(300))).toEqual([0xac, 0x02])
  })

  it('strings: INT16 length classic, length+1 as a varint flexible; null is -1 or 0', () => {
    expect(bytes(new Writer(false).string('ab'))).toEqual([0, 2, 0x61, 0x62])
    expect(bytes(new Writer(true).string('ab'))).toEqual([3, 0x61, 0x62])
    expect(bytes(new Writer(false).nullableString(null))).toEqual([0xff, 0xff])
    expect(bytes(new Writer(true).nullableString(null))).toEqual([0])
  })

  it('arrays: INT32 count classic, count+1 flexible; a null array is -1 or 0', () => {
    const each = (w: Writer, n: number) => void w.int8(n)
    expect(bytes(new Writer(false).array([7], each))).toEqual([0, 0, 0, 1, 7])
    expect(bytes(new Writer(true).array([7], each))).toEqual([2, 7])
    expect(bytes(new Writer(false).array(null, each))).toEqual([0xff, 0xff, 0xff, 0xff])
    expect(bytes(new Writer(true).array(null, each))).toEqual([0])
  })

  it('an empty tagged-field section is one zero byte, and nothing in classic versions', () => {
    expect(bytes(new Writer(true).tags())).toEqual([0])
    expect(bytes(new Writer(false).tags())).toEqual([])
  })

  it('refuses what the protocol cannot carry', () => {
    expect(() => new Writer(false).string('x'.repeat(0x8000))).toThrow(RangeError)
    expect(() => new Writer(false).uuid(Buffer.alloc(15))).toThrow(RangeError)
    expect(() => assertInt32(2 ** 31, 'partition')).toThrow(/partition/)
    expect(() => assertInt32(-1, 'partition')).toThrow(/non-negative/)
    expect(() => assertInt32(2 ** 31 - 1, 'partition')).not.toThrow()
  })
})

describe('Reader reads back what Writer wrote', () => {
  const value = fc.record({
    i8: fc.integer({min: -128, max: 127}),
    i16: fc.integer({min: -32768, max: 32767}),
    i32: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}),
    i64: fc.maxSafeInteger(),
    uv: fc.integer({min: 0, max: 2 ** 31 - 1}),
    s: fc.option(fc.string({maxLength: 40})),
    list: fc.option(fc.array(fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), {maxLength: 8})),
    b: fc.boolean(),
    raw: fc.uint8Array({maxLength: 20}),
  })

  it('every primitive, classic and flexible, in sequence', () => {
    fc.assert(
      fc.property(value, fc.boolean(), (v, flexible) => {
        const w = new Writer(flexible).int8(v.i8).int16(v.i16).int32(v.i32).int64(v.i64).uvarint(v.uv).nullableString(v.s)
        w.array(v.list, (w2, n) => void w2.int32(n)).bool(v.b).bytes(Buffer.from(v.raw)).tags()
        const r = new Reader(w.toBuffer(), flexible)
        expect([r.int8(), r.int16(), r.int32(), r.int64(), r.uvarint(), r.nullableString()]).toEqual([v.i8, v.i16, v.i32, v.i64, v.uv, v.s])
        expect(r.int32Array()).toEqual(v.list ?? [])
        expect(r.bool()).toBe(v.b)
        expect([...r.nullableBytes()!]).toEqual([...v.raw])
        r.tags()
        expect(() => r.int8()).toThrow(ProtocolDecodeError)
      }),
    )
  })

  it('skips unknown tagged fields by their size', () => {
    // 2 tags: tag 0 with 3 bytes, tag 5 with 1 byte, then an INT8 after the section
    const r = new Reader(Buffer.from([2, 0, 3, 9, 9, 9, 5, 1, 9, 42]), true)
    r.tags()
    expect(r.int8()).toBe(42)
  })

  it('rejects a truncated value, a garbage array length, an over-long varint and an unsafe INT64', () => {
    expect(() => new Reader(Buffer.from([0, 5, 0x61]), false).string()).toThrow(ProtocolDecodeError)
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff]), false).array((r) => r.int8())).toThrow(ProtocolDecodeError)
    expect(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), true).uvarint()).toThrow(ProtocolDecodeError)
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), false).int64()).toThrow(/does not fit/)
    expect(() => new Reader(Buffer.from([0xff, 0xff]), false).string()).toThrow(/null string/)
  })
})

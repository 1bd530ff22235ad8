import avro from 'avsc'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {compileAvro, decimalBytes, decimalText, decimalToNumber} from '../../../src/adapters/schema-registry/avro.js'

const ORDER = {
  type: 'record',
  name: 'Order',
  fields: [
    {name: 'ts', type: {type: 'long', logicalType: 'timestamp-micros'}},
    {name: 'at', type: {type: 'long', logicalType: 'timestamp-millis'}},
    {name: 'amount', type: {type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2}},
    {name: 'price', type: {type: 'fixed', name: 'Price', size: 8, logicalType: 'decimal', precision: 18, scale: 4}},
    {name: 'note', type: ['null', 'string'], default: null},
    {name: 'code', type: ['int', 'long', 'string']},
    {name: 'user', type: {type: 'record', name: 'User', fields: [{name: 'id', type: 'string'}, {name: 'tags', type: {type: 'array', items: ['null', 'int', 'long']}}]}},
  ],
}

/** A writer independent of fleetops's logical types: plain avsc with the raw underlying values. */
const writer = avro.Type.forSchema(ORDER as avro.Schema, {wrapUnions: 'auto'})
const fixed8 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(n)
  return b
}

describe('Avro records as plain objects', () => {
  it('decodes unions to their branch value, logical types to numbers, nested records to objects', () => {
    const bytes = writer.toBuffer({
      ts: 1_763_000_000_123_456,
      at: 1_763_000_000_123,
      amount: decimalBytes(-12345n),
      price: fixed8(98_765_4321n),
      note: 'hi',
      code: {long: 7},
      user: {id: 'u1', tags: [null, {int: 3}, {long: 4}]},
    })
    const decoded = compileAvro(JSON.stringify(ORDER)).decode(bytes, 0, bytes.length)
    expect(decoded.ok).toBe(true)
    const v = (decoded as {value: Record<string, unknown>}).value
    expect(v.ts).toBe(1_763_000_000_123.456)
    expect(v.at).toBe(1_763_000_000_123)
    expect(v.amount).toBe(-123.45)
    expect(v.price).toBe(98765.4321)
    expect(v.note).toBe('hi')
    expect(v.code).toBe(7)
    expect({...(v.user as object)}).toEqual({id: 'u1', tags: [null, 3, 4]})
  })

  it('a null union is null, and the decoded record is read at an offset inside a larger buffer', () => {
    const bytes = writer.toBuffer({ts: 0, at: 0, amount: decimalBytes(0n), price: fixed8(0n), note: null, code: {string: 'x'}, user: {id: 'u', tags: []}})
    const data = Buffer.concat([Buffer.from([1, 2, 3]), bytes, Buffer.from([9])])
    const decoded = compileAvro(JSON.stringify(ORDER)).decode(data, 3, 3 + bytes.length)
    expect(decoded).toMatchObject({ok: true, value: {note: null, code: 'x', amount: 0}})
  })

  it('a truncated or padded payload is undecodable, never a partial record', () => {
    const bytes = writer.toBuffer({ts: 1, at: 1, amount: decimalBytes(1n), price: fixed8(1n), note: null, code: {int: 1}, user: {id: 'u', tags: []}})
    const schema = compileAvro(JSON.stringify(ORDER))
    expect(schema.decode(bytes, 0, bytes.length - 1).ok).toBe(false)
    expect(schema.decode(Buffer.concat([bytes, Buffer.from([0])]), 0, bytes.length + 1).ok).toBe(false)
  })

  it('knows its dotted paths through nested records and nullable unions', () => {
    const schema = compileAvro(
      JSON.stringify({
        type: 'record',
        name: 'E',
        fields: [
          {name: 'a', type: 'long'},
          {name: 'ctx', type: ['null', {type: 'record', name: 'Ctx', fields: [{name: 'device', type: {type: 'record', name: 'D', fields: [{name: 'os', type: 'string'}]}}]}]},
        ],
      }),
    )
    expect(schema.hasPath(['a'])).toBe(true)
    expect(schema.hasPath(['ctx', 'device', 'os'])).toBe(true)
    expect(schema.hasPath(['ctx', 'device'])).toBe(true)
    expect(schema.hasPath(['ctx', 'os'])).toBe(false)
    expect(schema.hasPath(['b'])).toBe(false)
  })

  it('decimals: the number is the nearest double of the exact value, for any unscaled value and scale', () => {
    fc.assert(
      fc.property(fc.bigInt({min: -(2n ** 80n), max: 2n ** 80n}), fc.integer({min: 0, max: 12}), (unscaled, scale) => {
        const bytes = decimalBytes(unscaled)
        // minimal two's complement: the sign bit of the first byte is the sign
        expect((bytes[0]! & 0x80) !== 0).toBe(unscaled < 0n)
        const text = decimalText(unscaled, scale)
        expect(BigInt(text.replace('.', ''))).toBe(unscaled)
        expect(decimalToNumber(bytes, scale)).toBe(Number(text))
      }),
    )
  })
})

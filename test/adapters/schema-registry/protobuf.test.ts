import protobuf from 'protobufjs'
import {describe, expect, it} from 'vitest'

import {compileProtobuf} from '../../../src/adapters/schema-registry/protobuf.js'
import {writeMessageIndexes} from '../../../src/adapters/schema-registry/wire-format.js'

const PROTO = `syntax = "proto3";
package shop;
enum Kind { KIND_UNKNOWN = 0; KIND_BOOK = 1; }
message Order {
  string id = 1;
  int64 ts_ms = 2;
  Item item = 3;
  optional string coupon = 4;
  Kind kind = 5;
  message Item { string sku = 1; double price = 2; }
}
message Refund { string order_id = 1; int64 cents = 2; }
`

const root = protobuf.parse(PROTO, {keepCase: true}).root
const encode = (type: string, value: object): Uint8Array => {
  const t = root.lookupType(type)
  return t.encode(t.create(value)).finish()
}

describe('Protobuf records as plain objects', () => {
  const schema = compileProtobuf(PROTO)

  it('decodes the message the indexes name: fields by name, int64 as numbers, enums by name, absent fields absent', () => {
    const payload = Buffer.concat([writeMessageIndexes([0]), encode('shop.Order', {id: 'o1', ts_ms: 1_763_000_000_123, item: {sku: 'b', price: 9.5}, kind: 1})])
    const decoded = schema.decode(payload, 0, payload.length)
    expect(decoded).toEqual({ok: true, value: {id: 'o1', ts_ms: 1_763_000_000_123, item: {sku: 'b', price: 9.5}, kind: 'KIND_BOOK'}})
    const refund = Buffer.concat([writeMessageIndexes([1]), encode('shop.Refund', {order_id: 'o1', cents: 250})])
    expect(schema.decode(refund, 0, refund.length)).toEqual({ok: true, value: {order_id: 'o1', cents: 250}})
  })

  it('an optional field that is set is present; an index path naming no message is undecodable', () => {
    const payload = Buffer.concat([writeMessageIndexes([0]), encode('shop.Order', {id: 'o2', coupon: 'x'})])
    expect(schema.decode(payload, 0, payload.length)).toMatchObject({ok: true, value: {id: 'o2', coupon: 'x'}})
    const nowhere = Buffer.concat([writeMessageIndexes([5]), encode('shop.Refund', {order_id: 'o'})])
    expect(schema.decode(nowhere, 0, nowhere.length)).toMatchObject({ok: false})
    const garbage = Buffer.from([0x00, 0x0a, 0xff])
    expect(schema.decode(garbage, 0, garbage.length)).toMatchObject({ok: false})
  })

  it('knows the dotted paths of its first message', () => {
    expect(schema.hasPath(['item', 'sku'])).toBe(true)
    expect(schema.hasPath(['coupon'])).toBe(true)
    expect(schema.hasPath(['item', 'colour'])).toBe(false)
    expect(schema.hasPath(['id', 'x'])).toBe(false)
    expect(schema.hasPath(['order_id'])).toBe(false)
  })
})

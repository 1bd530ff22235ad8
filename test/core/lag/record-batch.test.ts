/**
 * The Fetch side of the time lag: finding the record at a committed offset in record-batch
 * bytes that the broker may have cut short, and the int64 fast paths of the protocol codec.
 * Pure byte handling, no broker (the integration tests read real batches).
 */
import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {firstRecordAtOrAfter} from '../../../src/adapters/kafka/protocol/record-batch.js'
import {Writer} from '../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../src/adapters/kafka/protocol/reader.js'

function zigzag(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1
  const out: number[] = []
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return out
}

/** An uncompressed magic-v2 batch of records with the given timestamp deltas and value sizes. */
function batch(baseOffset: number, baseTimestamp: number, records: {tsDelta: number; size: number}[], attributes = 0): Buffer {
  const body = records.flatMap((r, i) => {
    const inner = [0, ...zigzag(r.tsDelta), ...zigzag(i), ...zigzag(-1), ...zigzag(r.size), ...Array<number>(r.size).fill(120), ...zigzag(0)]
    return [...zigzag(inner.length), ...inner]
  })
  const header = Buffer.alloc(61)
  header.writeBigInt64BE(BigInt(baseOffset), 0)
  header.writeInt32BE(61 - 12 + body.length, 8)
  header.writeInt8(2, 16)
  header.writeInt16BE(attributes, 21)
  header.writeInt32BE(records.length - 1, 23)
  header.writeBigInt64BE(BigInt(baseTimestamp), 27)
  header.writeBigInt64BE(BigInt(baseTimestamp + Math.max(0, ...records.map((r) => r.tsDelta))), 35)
  header.writeInt32BE(records.length, 57)
  return Buffer.concat([header, Buffer.from(body)])
}

describe('firstRecordAtOrAfter', () => {
  it('reads the timestamp of the record at the offset from the batch header and its record delta', () => {
    const b = batch(100, 1_700_000_000_000, [{tsDelta: 0, size: 3}, {tsDelta: 5, size: 3}, {tsDelta: 9, size: 3}])
    expect(firstRecordAtOrAfter(b, 101)).toEqual({kind: 'found', offset: 101, timestamp: 1_700_000_000_005})
    expect(firstRecordAtOrAfter(b, 100)).toEqual({kind: 'found', offset: 100, timestamp: 1_700_000_000_000})
  })

  it('answers from a batch cut short after the wanted record header, and asks for the exact size otherwise', () => {
    const b = batch(0, 1000, [{tsDelta: 0, size: 50}, {tsDelta: 7, size: 50}, {tsDelta: 8, size: 50}])
    const cutAfterSecondHeader = b.subarray(0, 61 + 60 + 5)
    expect(firstRecordAtOrAfter(cutAfterSecondHeader, 1)).toEqual({kind: 'found', offset: 1, timestamp: 1007})
    expect(firstRecordAtOrAfter(b.subarray(0, 70), 2)).toEqual({kind: 'incomplete', needBytes: b.length})
    expect(firstRecordAtOrAfter(b.subarray(0, 30), 0)).toEqual({kind: 'incomplete', needBytes: b.length})
    expect(firstRecordAtOrAfter(Buffer.alloc(0), 0)).toEqual({kind: 'incomplete', needBytes: null})
  })

  it('skips control batches and uses the max timestamp under LogAppendTime', () => {
    const control = batch(10, 5000, [{tsDelta: 0, size: 1}], 0x20)
    const data = batch(11, 6000, [{tsDelta: 3, size: 1}, {tsDelta: 4, size: 1}], 0x08)
    expect(firstRecordAtOrAfter(Buffer.concat([control, data]), 10)).toEqual({kind: 'found', offset: 11, timestamp: 6004})
    expect(firstRecordAtOrAfter(control, 10)).toEqual({kind: 'none'})
  })

  test.prop([fc.array(fc.record({tsDelta: fc.nat(100_000), size: fc.nat(300)}), {minLength: 1, maxLength: 20}), fc.nat(), fc.nat(2000)], {numRuns: 100})(
    'on any cut of a batch: the exact record, or a request for the bytes that hold it',
    (records, pick, cut) => {
      const b = batch(1000, 1_600_000_000_000, records)
      const target = 1000 + (pick % records.length)
      const want = {kind: 'found', offset: target, timestamp: 1_600_000_000_000 + records[target - 1000]!.tsDelta}
      expect(firstRecordAtOrAfter(b, target)).toEqual(want)
      const r = firstRecordAtOrAfter(b.subarray(0, Math.min(cut, b.length)), target)
      if (r.kind === 'incomplete') expect(r.needBytes === null || r.needBytes === b.length).toBe(true)
      else expect(r).toEqual(want)
    },
  )
})

describe('int64 codec', () => {
  test.prop([fc.integer({min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER})], {numRuns: 200})('round-trips every safe integer like BigInt does', (v) => {
    const bytes = new Writer(false).int64(v).toBuffer()
    const ref = Buffer.alloc(8)
    ref.writeBigInt64BE(BigInt(v))
    expect(bytes.equals(ref)).toBe(true)
    expect(new Reader(ref, false).int64()).toBe(v)
  })

  it('refuses values a number cannot hold exactly', () => {
    for (const big of [2n ** 53n, -(2n ** 53n), 2n ** 62n]) {
      const b = Buffer.alloc(8)
      b.writeBigInt64BE(big)
      expect(() => new Reader(b, false).int64()).toThrow(/does not fit/)
    }
  })
})

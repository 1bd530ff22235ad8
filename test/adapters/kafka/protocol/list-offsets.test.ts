/**
 * ListOffsets v4-v9 (ListOffsetsRequest/Response.json). Request: ReplicaId, IsolationLevel,
 * Topics [Name, Partitions [PartitionIndex, CurrentLeaderEpoch, Timestamp]]; response:
 * ThrottleTimeMs, Topics [Name, Partitions [PartitionIndex, ErrorCode, Timestamp, Offset,
 * LeaderEpoch]]. Flexible from v6; v7-v9 only add special timestamps.
 */
import {describe, expect, test} from 'vitest'

import {
  CONSUMER_REPLICA_ID,
  DEBUGGING_REPLICA_ID,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  LIST_OFFSETS_KEY,
  LIST_OFFSETS_VERSIONS,
  listOffsetsRequest,
  type ListOffsetsPartitionResult,
} from '../../../../src/adapters/kafka/protocol/list-offsets.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const ALL = [4, 5, 6, 7, 8, 9]

const i32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]
const i64 = (n: number) => [...i32(Math.floor(n / 2 ** 32)), ...i32(n >>> 0)]

describe('ListOffsets request', () => {
  test('fleetops speaks v4-v9, API key 2; the special replica ids and timestamps', () => {
    expect(LIST_OFFSETS_VERSIONS).toEqual({min: 4, max: 9})
    expect(LIST_OFFSETS_KEY).toBe(2)
    expect([CONSUMER_REPLICA_ID, DEBUGGING_REPLICA_ID, LATEST_TIMESTAMP, EARLIEST_TIMESTAMP]).toEqual([-1, -2, -1, -2])
  })

  test.each([4, 5])('v%i (classic): int32 counts, int16 names, no tag sections', (v) => {
    const req = listOffsetsRequest(v, DEBUGGING_REPLICA_ID, [{topic: 'ab', partition: 1, timestamp: LATEST_TIMESTAMP}])
    expect(req).toMatchObject({apiKey: 2, apiName: 'ListOffsets', apiVersion: v, flexible: false})
    expect([...req.body]).toEqual([...i32(-2), 0, ...i32(1), 0, 2, 0x61, 0x62, ...i32(1), ...i32(1), ...i32(-1), ...i64(-1)])
  })

  test.each([6, 7, 8, 9])('v%i (flexible): compact counts and names, a tag section per struct', (v) => {
    const req = listOffsetsRequest(v, CONSUMER_REPLICA_ID, [{topic: 'ab', partition: 1, timestamp: 1_700_000_000_000}], 1)
    expect(req.flexible).toBe(true)
    expect([...req.body]).toEqual([...i32(-1), 1, 2, 3, 0x61, 0x62, 2, ...i32(1), ...i32(-1), ...i64(1_700_000_000_000), 0, 0, 0])
  })

  test.each(ALL)('v%i groups partitions under their topic, in first-seen order', (v) => {
    const req = listOffsetsRequest(v, -1, [
      {topic: 'x', partition: 0, timestamp: EARLIEST_TIMESTAMP},
      {topic: 'y', partition: 5, timestamp: LATEST_TIMESTAMP},
      {topic: 'x', partition: 2, timestamp: LATEST_TIMESTAMP},
    ])
    const w = new Writer(v >= 6)
    const count = (n: number) => (v >= 6 ? w.uvarint(n + 1) : w.int32(n))
    w.int32(-1).int8(0)
    count(2)
    w.string('x')
    count(2)
    w.int32(0).int32(-1).int64(-2).tags()
    w.int32(2).int32(-1).int64(-1).tags()
    w.tags().string('y')
    count(1)
    w.int32(5).int32(-1).int64(-1).tags()
    w.tags().tags()
    expect(req.body).toEqual(w.toBuffer())
  })
})

/** A partition result, as the decoder returns it and as the response carries it. */
type Row = ListOffsetsPartitionResult

function response(v: number, rows: Row[], unknownTag = false): Buffer {
  const w = new Writer(v >= 6)
  w.int32(11)
  const topics = [...new Set(rows.map((r) => r.topic))]
  w.array(topics, (w, t) => {
    w.string(t)
    w.array(rows.filter((r) => r.topic === t), (w, r) => {
      w.int32(r.partition).int16(r.errorCode).int64(r.timestamp).int64(r.offset).int32(r.leaderEpoch)
      if (unknownTag) w.uvarint(1).uvarint(3).uvarint(4).int32(77)
      else w.tags()
    })
    w.tags()
  })
  return w.tags().toBuffer()
}

describe('ListOffsets response', () => {
  const rows: Row[] = [
    {topic: 'x', partition: 0, errorCode: 0, timestamp: -1, offset: 4_503_599_627_370_000, leaderEpoch: 12},
    {topic: 'x', partition: 2, errorCode: 6, timestamp: -1, offset: -1, leaderEpoch: -1},
    {topic: 'y', partition: 5, errorCode: 0, timestamp: 1_700_000_000_123, offset: 42, leaderEpoch: 0},
  ]

  test.each(ALL)('v%i decodes each partition with its error code, timestamp, offset and leader epoch', (v) => {
    const {value, throttleTimeMs} = listOffsetsRequest(v, -1, []).decode(new Reader(response(v, rows), v >= 6))
    expect(throttleTimeMs).toBe(11)
    expect(value).toEqual(rows)
  })

  test.each([6, 9])('v%i skips unknown tagged fields', (v) => {
    const {value} = listOffsetsRequest(v, -1, []).decode(new Reader(response(v, rows, true), true))
    expect(value).toEqual(rows)
  })

  test('an offset past 2^53 is a ProtocolDecodeError, not a rounded number', () => {
    const w = new Writer(true)
    w.int32(0).array(['x'], (w, t) => w.string(t).array([0], (w) => w.int32(0).int16(0).int64(-1).int64(2n ** 60n).int32(0).tags()).tags()).tags()
    expect(() => listOffsetsRequest(9, -1, []).decode(new Reader(w.toBuffer(), true))).toThrow(ProtocolDecodeError)
  })

  test.each([5, 8])('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, rows)
    expect(() => listOffsetsRequest(v, -1, []).decode(new Reader(bytes.subarray(0, bytes.length - 5), v >= 6))).toThrow(ProtocolDecodeError)
  })
})

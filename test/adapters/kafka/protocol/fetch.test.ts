/**
 * Fetch v4-v12 (FetchRequest/Response.json), as a sessionless consumer. Request: ReplicaId,
 * MaxWaitMs, MinBytes, MaxBytes, IsolationLevel, SessionId + SessionEpoch (v7+), Topics
 * [Topic, Partitions [Partition, CurrentLeaderEpoch (v9+), FetchOffset, LastFetchedEpoch
 * (v12+), LogStartOffset (v5+), PartitionMaxBytes]], ForgottenTopicsData (v7+), RackId (v11+).
 * Response: ThrottleTimeMs, ErrorCode + SessionId (v7+), Responses [Topic, Partitions
 * [PartitionIndex, ErrorCode, HighWatermark, LastStableOffset, LogStartOffset (v5+),
 * AbortedTransactions (nullable), PreferredReadReplica (v11+), Records (nullable)]].
 */
import {describe, expect, test} from 'vitest'

import {FETCH_KEY, FETCH_VERSIONS, fetchRequest, type FetchPartitionQuery} from '../../../../src/adapters/kafka/protocol/fetch.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const ALL = [4, 5, 6, 7, 8, 9, 10, 11, 12]

const queries: FetchPartitionQuery[] = [
  {topic: 't', partition: 0, fetchOffset: 100, partitionMaxBytes: 1024},
  {topic: 'u', partition: 2, fetchOffset: 5_000_000_000, partitionMaxBytes: 2048},
  {topic: 't', partition: 3, fetchOffset: 0, partitionMaxBytes: 1024},
]

/** The request as the grammar lays it out, field by field. */
function expectedRequest(v: number, isolation: 0 | 1): Buffer {
  const flexible = v >= 12
  const w = new Writer(flexible)
  w.int32(-1).int32(0).int32(0).int32(65536).int8(isolation)
  if (v >= 7) w.int32(0).int32(-1)
  // topics in first-seen order, partitions grouped under their topic
  const compactOr32 = (n: number) => (flexible ? w.uvarint(n + 1) : w.int32(n))
  compactOr32(2)
  const partition = (p: number, offset: number, max: number) => {
    w.int32(p)
    if (v >= 9) w.int32(-1)
    w.int64(offset)
    if (v >= 12) w.int32(-1)
    if (v >= 5) w.int64(-1)
    w.int32(max)
    w.tags()
  }
  w.string('t')
  compactOr32(2)
  partition(0, 100, 1024)
  partition(3, 0, 1024)
  w.tags()
  w.string('u')
  compactOr32(1)
  partition(2, 5_000_000_000, 2048)
  w.tags()
  if (v >= 7) compactOr32(0)
  if (v >= 11) w.string('')
  w.tags()
  return w.toBuffer()
}

describe('Fetch request', () => {
  test('fleetops speaks v4-v12, API key 1, flexible at v12', () => {
    expect(FETCH_VERSIONS).toEqual({min: 4, max: 12})
    expect(FETCH_KEY).toBe(1)
  })

  test.each(ALL)('v%i lays out a sessionless consumer fetch as the grammar says', (v) => {
    const req = fetchRequest(v, queries, {maxBytes: 65536, isolationLevel: 1})
    expect(req).toMatchObject({apiKey: 1, apiName: 'Fetch', apiVersion: v, flexible: v >= 12})
    expect(req.body).toEqual(expectedRequest(v, 1))
    expect(fetchRequest(v, queries, {maxBytes: 65536, isolationLevel: 0}).body).toEqual(expectedRequest(v, 0))
  })

  test('v4 and v12 byte for byte, for one partition', () => {
    const one = [{topic: 'a', partition: 1, fetchOffset: 2, partitionMaxBytes: 3}]
    const i32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]
    const i64 = (n: number) => [...i32(Math.floor(n / 2 ** 32)), ...i32(n >>> 0)]
    expect([...fetchRequest(4, one, {maxBytes: 9, isolationLevel: 0}).body]).toEqual([
      ...i32(-1), ...i32(0), ...i32(0), ...i32(9), 0, // replica, wait, min, max, isolation
      ...i32(1), 0, 1, 0x61, ...i32(1), ...i32(1), ...i64(2), ...i32(3), // topics
    ])
    expect([...fetchRequest(12, one, {maxBytes: 9, isolationLevel: 1}).body]).toEqual([
      ...i32(-1), ...i32(0), ...i32(0), ...i32(9), 1, ...i32(0), ...i32(-1), // ..., session id, epoch
      2, 2, 0x61, 2, ...i32(1), ...i32(-1), ...i64(2), ...i32(-1), ...i64(-1), ...i32(3), 0, 0, // topics
      1, 1, 0, // forgotten topics (empty), rack id "", tags
    ])
  })
})

interface Part {
  partition: number
  errorCode: number
  hw: number
  lso: number
  logStart: number
  aborted: {producerId: number; firstOffset: number}[] | null
  records: Buffer | null
}

/** A Fetch response as a broker of this version encodes it. */
function response(v: number, topics: [string, Part[]][], errorCode = 0, withTags = false): Buffer {
  const flexible = v >= 12
  const w = new Writer(flexible)
  w.int32(3)
  if (v >= 7) w.int16(errorCode).int32(0)
  w.array(topics, (w, [topic, parts]) => {
    w.string(topic)
    w.array(parts, (w, p) => {
      w.int32(p.partition).int16(p.errorCode).int64(p.hw).int64(p.lso)
      if (v >= 5) w.int64(p.logStart)
      w.array(p.aborted, (w, a) => w.int64(a.producerId).int64(a.firstOffset).tags())
      if (v >= 11) w.int32(-1)
      if (p.records === null) {
        if (flexible) w.uvarint(0)
        else w.int32(-1)
      } else w.bytes(p.records)
      // v12: tag 1 CurrentLeader {LeaderId int32, LeaderEpoch int32, tags}, which the decoder skips
      if (withTags) w.uvarint(1).uvarint(1).uvarint(9).int32(2).int32(8).uvarint(0)
      else w.tags()
    })
    w.tags()
  })
  return w.tags().toBuffer()
}

describe('Fetch response', () => {
  const batch = Buffer.from('000000000000000a0000003c', 'hex')
  const topics: [string, Part[]][] = [
    [
      't',
      [
        {partition: 0, errorCode: 0, hw: 120, lso: 110, logStart: 7, aborted: [{producerId: 4000, firstOffset: 101}], records: batch},
        {partition: 3, errorCode: 1, hw: -1, lso: -1, logStart: -1, aborted: null, records: null},
      ],
    ],
    ['u', [{partition: 2, errorCode: 0, hw: 5_000_000_100, lso: 5_000_000_100, logStart: 0, aborted: [], records: Buffer.alloc(0)}]],
  ]

  test.each(ALL)('v%i decodes every partition, log start offset from v5', (v) => {
    const {value, throttleTimeMs} = fetchRequest(v, queries, {maxBytes: 1, isolationLevel: 1}).decode(new Reader(response(v, topics), v >= 12))
    expect(throttleTimeMs).toBe(3)
    expect(value.errorCode).toBe(0)
    expect(value.partitions).toEqual(
      topics.flatMap(([topic, parts]) =>
        parts.map((p) => ({
          topic,
          partition: p.partition,
          errorCode: p.errorCode,
          highWatermark: p.hw,
          lastStableOffset: p.lso,
          logStartOffset: v >= 5 ? p.logStart : -1,
          abortedTransactions: p.aborted,
          records: p.records,
        })),
      ),
    )
  })

  test.each([7, 12])('v%i reads the top-level error code', (v) => {
    const {value} = fetchRequest(v, queries, {maxBytes: 1, isolationLevel: 0}).decode(new Reader(response(v, [], 70), v >= 12))
    expect(value).toEqual({errorCode: 70, partitions: []})
  })

  test('v12 skips tagged fields in partitions (CurrentLeader)', () => {
    const {value} = fetchRequest(12, queries, {maxBytes: 1, isolationLevel: 0}).decode(new Reader(response(12, topics, 0, true), true))
    expect(value.partitions.map((p) => [p.topic, p.partition, p.records?.length ?? null])).toEqual([
      ['t', 0, batch.length],
      ['t', 3, null],
      ['u', 2, 0],
    ])
  })

  test.each([4, 11, 12])('v%i: records cut short are a ProtocolDecodeError', (v) => {
    const bytes = response(v, [topics[0]!])
    // drop the tail: the second partition and part of the first one's records
    const at = bytes.indexOf(batch) + 4
    expect(() => fetchRequest(v, queries, {maxBytes: 1, isolationLevel: 0}).decode(new Reader(bytes.subarray(0, at), v >= 12))).toThrow(ProtocolDecodeError)
  })
})

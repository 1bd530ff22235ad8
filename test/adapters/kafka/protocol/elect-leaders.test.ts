/**
 * ElectLeaders v1-v2 (ElectLeadersRequest/Response.json). Request: ElectionType int8 (v1+),
 * TopicPartitions (nullable) [Topic, Partitions []int32], TimeoutMs. Response:
 * ThrottleTimeMs, ErrorCode (v1+), ReplicaElectionResults [Topic, PartitionResult
 * [PartitionId, ErrorCode, ErrorMessage (nullable)]]. v2 is flexible.
 */
import {describe, expect, test} from 'vitest'

import {ELECT_LEADERS_KEY, ELECT_LEADERS_VERSIONS, ElectionType, electLeadersRequest} from '../../../../src/adapters/kafka/protocol/elect-leaders.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const i32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

describe('ElectLeaders request', () => {
  test('fleetops speaks v1-v2, API key 43; PREFERRED 0, UNCLEAN 1', () => {
    expect(ELECT_LEADERS_VERSIONS).toEqual({min: 1, max: 2})
    expect(ELECT_LEADERS_KEY).toBe(43)
    expect(ElectionType).toEqual({PREFERRED: 0, UNCLEAN: 1})
  })

  test('v1: election type, int32-counted topics with int32-counted partitions, timeout', () => {
    const req = electLeadersRequest(1, 'UNCLEAN', [{topic: 'ab', partitions: [2, 0]}], 30000)
    expect(req).toMatchObject({apiKey: 43, apiName: 'ElectLeaders', apiVersion: 1, flexible: false})
    expect([...req.body]).toEqual([1, ...i32(1), 0, 2, 0x61, 0x62, ...i32(2), ...i32(2), ...i32(0), ...i32(30000)])
    // null = every partition
    expect([...electLeadersRequest(1, 'PREFERRED', null, 60000).body]).toEqual([0, ...i32(-1), ...i32(60000)])
  })

  test('v2: compact arrays and strings, tag sections', () => {
    const req = electLeadersRequest(2, 'PREFERRED', [{topic: 'ab', partitions: [2, 0]}], 30000)
    expect(req.flexible).toBe(true)
    expect([...req.body]).toEqual([0, 2, 3, 0x61, 0x62, 3, ...i32(2), ...i32(0), 0, ...i32(30000), 0])
    expect([...electLeadersRequest(2, 'UNCLEAN', null, 1).body]).toEqual([1, 0, ...i32(1), 0])
  })
})

type Result = {topic: string; partition: number; errorCode: number; errorMessage: string | null}

function response(v: number, errorCode: number, rows: Result[], unknownTag = false): Buffer {
  const w = new Writer(v >= 2)
  w.int32(8).int16(errorCode)
  const topics = [...new Set(rows.map((r) => r.topic))]
  w.array(topics, (w, t) => {
    w.string(t)
    w.array(rows.filter((r) => r.topic === t), (w, r) => {
      w.int32(r.partition).int16(r.errorCode).nullableString(r.errorMessage)
      if (unknownTag) w.uvarint(1).uvarint(1).uvarint(0)
      else w.tags()
    })
    w.tags()
  })
  return w.tags().toBuffer()
}

describe('ElectLeaders response', () => {
  const rows: Result[] = [
    {topic: 'a', partition: 0, errorCode: 0, errorMessage: null},
    {topic: 'a', partition: 1, errorCode: 84, errorMessage: 'Leader election not needed for topic partition.'},
    {topic: 'b', partition: 4, errorCode: 83, errorMessage: 'No eligible leader'},
  ]

  test.each([1, 2])('v%i decodes the top-level error code and each partition result', (v) => {
    const {value, throttleTimeMs} = electLeadersRequest(v, 'PREFERRED', null, 1).decode(new Reader(response(v, 0, rows), v >= 2))
    expect(throttleTimeMs).toBe(8)
    expect(value).toEqual({errorCode: 0, partitions: rows})
  })

  test.each([1, 2])('v%i: a top-level CLUSTER_AUTHORIZATION_FAILED with no results', (v) => {
    const {value} = electLeadersRequest(v, 'PREFERRED', null, 1).decode(new Reader(response(v, 31, []), v >= 2))
    expect(value).toEqual({errorCode: 31, partitions: []})
  })

  test('v2 skips unknown tagged fields (an empty one too)', () => {
    const {value} = electLeadersRequest(2, 'PREFERRED', null, 1).decode(new Reader(response(2, 0, rows, true), true))
    expect(value.partitions).toEqual(rows)
  })

  test.each([1, 2])('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, 0, rows)
    expect(() => electLeadersRequest(v, 'PREFERRED', null, 1).decode(new Reader(bytes.subarray(0, bytes.length - 8), v >= 2))).toThrow(ProtocolDecodeError)
  })
})

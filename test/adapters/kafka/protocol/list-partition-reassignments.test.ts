/**
 * ListPartitionReassignments v0 (ListPartitionReassignmentsRequest/Response.json), flexible.
 * Request: TimeoutMs, Topics (nullable) [Name, PartitionIndexes []int32]. Response:
 * ThrottleTimeMs, ErrorCode, ErrorMessage (nullable), Topics [Name, Partitions
 * [PartitionIndex, Replicas, AddingReplicas, RemovingReplicas]].
 */
import {describe, expect, test} from 'vitest'

import {
  LIST_PARTITION_REASSIGNMENTS_KEY,
  LIST_PARTITION_REASSIGNMENTS_VERSIONS,
  listPartitionReassignmentsRequest,
} from '../../../../src/adapters/kafka/protocol/list-partition-reassignments.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const i32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

describe('ListPartitionReassignments request', () => {
  test('v0 only, API key 46, flexible', () => {
    expect(LIST_PARTITION_REASSIGNMENTS_VERSIONS).toEqual({min: 0, max: 0})
    expect(LIST_PARTITION_REASSIGNMENTS_KEY).toBe(46)
    expect(listPartitionReassignmentsRequest(0, 1, null)).toMatchObject({apiKey: 46, apiName: 'ListPartitionReassignments', apiVersion: 0, flexible: true})
  })

  test('timeout, then null topics (every reassignment) as uvarint 0, then tags', () => {
    expect([...listPartitionReassignmentsRequest(0, 30000, null).body]).toEqual([...i32(30000), 0, 0])
  })

  test('named topics: compact name, compact int32 array, a tag section per topic', () => {
    const req = listPartitionReassignmentsRequest(0, 5000, [
      {topic: 'ab', partitions: [1, 2]},
      {topic: 'c', partitions: []},
    ])
    expect([...req.body]).toEqual([...i32(5000), 3, 3, 0x61, 0x62, 3, ...i32(1), ...i32(2), 0, 2, 0x63, 1, 0, 0])
  })
})

interface Ongoing {
  topic: string
  partition: number
  replicas: number[]
  adding: number[]
  removing: number[]
}

function response(errorCode: number, message: string | null, rows: Ongoing[], unknownTag = false): Buffer {
  const w = new Writer(true)
  w.int32(1).int16(errorCode).nullableString(message)
  const topics = [...new Set(rows.map((r) => r.topic))]
  w.array(topics, (w, t) => {
    w.string(t)
    w.array(rows.filter((r) => r.topic === t), (w, r) => {
      w.int32(r.partition)
      for (const xs of [r.replicas, r.adding, r.removing]) w.array(xs, (w, x) => w.int32(x))
      w.tags()
    })
    w.tags()
  })
  if (unknownTag) w.uvarint(2).uvarint(0).uvarint(1).int8(0).uvarint(9).uvarint(4).int32(0)
  else w.tags()
  return w.toBuffer()
}

describe('ListPartitionReassignments response', () => {
  const rows: Ongoing[] = [
    {topic: 'a', partition: 0, replicas: [1, 2, 3, 4], adding: [4], removing: [1]},
    {topic: 'a', partition: 5, replicas: [2, 3], adding: [], removing: []},
    {topic: 'b', partition: 1, replicas: [3, 1], adding: [1], removing: []},
  ]

  test('decodes every ongoing reassignment with its replicas, adding and removing sets', () => {
    const {value, throttleTimeMs} = listPartitionReassignmentsRequest(0, 1, null).decode(new Reader(response(0, null, rows), true))
    expect(throttleTimeMs).toBe(1)
    expect(value).toEqual({errorCode: 0, errorMessage: null, reassignments: rows})
  })

  test('a top-level error and its message are returned as data', () => {
    const {value} = listPartitionReassignmentsRequest(0, 1, null).decode(new Reader(response(41, 'This is not the correct controller', []), true))
    expect(value).toEqual({errorCode: 41, errorMessage: 'This is not the correct controller', reassignments: []})
  })

  test('skips two unknown top-level tagged fields', () => {
    const {value} = listPartitionReassignmentsRequest(0, 1, null).decode(new Reader(response(0, null, rows, true), true))
    expect(value.reassignments).toEqual(rows)
  })

  test('a replica list cut short is a ProtocolDecodeError', () => {
    const bytes = response(0, null, rows)
    expect(() => listPartitionReassignmentsRequest(0, 1, null).decode(new Reader(bytes.subarray(0, bytes.length - 10), true))).toThrow(ProtocolDecodeError)
  })
})

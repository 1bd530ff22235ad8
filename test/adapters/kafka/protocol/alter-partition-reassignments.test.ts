import {describe, expect, test} from 'vitest'

import {
  ALTER_PARTITION_REASSIGNMENTS_VERSIONS,
  alterPartitionReassignmentsRequest,
} from '../../../../src/adapters/kafka/protocol/alter-partition-reassignments.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

interface Target {
  topic: string
  partitions: {partition: number; replicas: number[] | null}[]
}

/** Decodes a request body as a broker of this version reads it (flexible from v0). */
function readRequest(version: number, body: Buffer): {timeoutMs: number; allowRfChange: boolean | null; topics: Target[]} {
  const r = new Reader(body, true)
  const timeoutMs = r.int32()
  const allowRfChange = version >= 1 ? r.bool() : null
  const topics = r.array((r) => {
    const topic = r.string()
    const partitions = r.array((r) => {
      const partition = r.int32()
      const n = r.uvarint() // compact nullable array: 0 = null
      const replicas = n === 0 ? null : Array.from({length: n - 1}, () => r.int32())
      r.tags()
      return {partition, replicas}
    })
    r.tags()
    return {topic, partitions}
  })
  r.tags()
  expect(() => r.int8()).toThrow(/truncated/) // nothing left over
  return {timeoutMs, allowRfChange, topics}
}

/** A response as a broker of this version encodes it. */
function response(version: number, errorCode: number, partitions: {topic: string; partition: number; errorCode: number; errorMessage: string | null}[]): Buffer {
  const w = new Writer(true)
  w.int32(7)
  if (version >= 1) w.bool(true)
  w.int16(errorCode).nullableString(errorCode ? 'not the controller' : null)
  const topics = [...new Set(partitions.map((p) => p.topic))]
  w.array(topics, (w, t) => {
    w.string(t)
    w.array(partitions.filter((p) => p.topic === t), (w, p) => w.int32(p.partition).int16(p.errorCode).nullableString(p.errorMessage).tags())
    w.tags()
  })
  // an unknown tagged field the decoder skips
  return w.uvarint(1).uvarint(9).uvarint(2).int8(1).int8(2).toBuffer()
}

describe('AlterPartitionReassignments', () => {
  test('fleetops negotiates v0 only (a cancel needs nothing from v1)', () => {
    expect(ALTER_PARTITION_REASSIGNMENTS_VERSIONS).toEqual({min: 0, max: 0})
  })

  test('a cancel is a null replica list (compact: uvarint 0), grouped by topic; a target is a list', () => {
    const req = alterPartitionReassignmentsRequest(0, 30000, [
      {topic: 'a', partition: 0, replicas: null},
      {topic: 'b', partition: 3, replicas: null},
      {topic: 'a', partition: 2, replicas: [3, 1, 2]},
    ])
    expect(req).toMatchObject({apiKey: 45, apiName: 'AlterPartitionReassignments', apiVersion: 0, flexible: true})
    // timeout, topics: 2 entries (uvarint 3), "a" (uvarint 2 + 1 byte), partitions: 2 entries, 0, null replicas, tags, ...
    expect(req.body.subarray(0, 14)).toEqual(Buffer.from([0, 0, 0x75, 0x30, 3, 2, 0x61, 3, 0, 0, 0, 0, 0, 0]))
    expect(readRequest(0, req.body)).toEqual({
      timeoutMs: 30000,
      allowRfChange: null,
      topics: [
        {topic: 'a', partitions: [{partition: 0, replicas: null}, {partition: 2, replicas: [3, 1, 2]}]},
        {topic: 'b', partitions: [{partition: 3, replicas: null}]},
      ],
    })
  })

  test('v1 adds AllowReplicationFactorChange (true, the v0 behaviour) after the timeout', () => {
    const req = alterPartitionReassignmentsRequest(1, 5000, [{topic: 't', partition: 1, replicas: null}])
    expect(readRequest(1, req.body)).toEqual({timeoutMs: 5000, allowRfChange: true, topics: [{topic: 't', partitions: [{partition: 1, replicas: null}]}]})
  })

  test.each([0, 1])('v%i decodes the top-level and per-partition errors (NO_REASSIGNMENT_IN_PROGRESS is 85)', (version) => {
    const parts = [
      {topic: 'a', partition: 0, errorCode: 0, errorMessage: null},
      {topic: 'a', partition: 2, errorCode: 85, errorMessage: 'no reassignment in progress'},
      {topic: 'b', partition: 3, errorCode: 3, errorMessage: 'unknown topic'},
    ]
    const req = alterPartitionReassignmentsRequest(version, 30000, [])
    const ok = req.decode(new Reader(response(version, 0, parts), true))
    expect(ok).toEqual({throttleTimeMs: 7, value: {errorCode: 0, errorMessage: null, partitions: parts}})
    const refused = req.decode(new Reader(response(version, 41, []), true))
    expect(refused.value).toEqual({errorCode: 41, errorMessage: 'not the controller', partitions: []})
  })
})

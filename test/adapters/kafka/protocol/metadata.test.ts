/**
 * Metadata v4-v13 (MetadataRequest/Response.json; v13 adds the top-level ErrorCode after
 * ClusterAuthorizedOperations' slot). Request: Topics (nullable v1+; TopicId uuid v10+ before
 * Name), AllowAutoTopicCreation (v4+), IncludeClusterAuthorizedOperations (v8-10),
 * IncludeTopicAuthorizedOperations (v8+); flexible from v9.
 */
import {describe, expect, test} from 'vitest'

import {METADATA_KEY, METADATA_VERSIONS, metadataRequest} from '../../../../src/adapters/kafka/protocol/metadata.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const ALL = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]

const TOPIC_ID = Buffer.from('0123456789abcdeffedcba9876543210', 'hex')

describe('Metadata request', () => {
  test('fleetops speaks v4-v13, API key 3, flexible from v9', () => {
    expect(METADATA_VERSIONS).toEqual({min: 4, max: 13})
    expect(METADATA_KEY).toBe(3)
    for (const v of ALL) expect(metadataRequest(v, null)).toMatchObject({apiKey: 3, apiName: 'Metadata', apiVersion: v, flexible: v >= 9})
  })

  // Bytes per version for topics ["ab"], written out from the grammar.
  const name = [0x61, 0x62]
  const expectedNamed: Record<number, number[]> = {
    // int32 count 1, int16 len 2 "ab", allow_auto false
    4: [0, 0, 0, 1, 0, 2, ...name, 0],
    // v8: + include_cluster_authorized_operations, include_topic_authorized_operations
    8: [0, 0, 0, 1, 0, 2, ...name, 0, 0, 0],
    // v9: compact array (2 = 1 item), compact string (3 = 2 bytes), topic tags, 3 bools, tags
    9: [2, 3, ...name, 0, 0, 0, 0, 0],
    // v10: a zero topic id before the name
    10: [2, ...Array<number>(16).fill(0), 3, ...name, 0, 0, 0, 0, 0],
    // v11+: no include_cluster_authorized_operations
    11: [2, ...Array<number>(16).fill(0), 3, ...name, 0, 0, 0, 0],
  }
  const expectedAll: Record<number, number[]> = {
    4: [0xff, 0xff, 0xff, 0xff, 0], // null array = int32 -1
    8: [0xff, 0xff, 0xff, 0xff, 0, 0, 0],
    9: [0, 0, 0, 0, 0], // null compact array = uvarint 0
    10: [0, 0, 0, 0, 0],
    11: [0, 0, 0, 0],
  }
  const pick = (table: Record<number, number[]>, v: number) => table[v >= 11 ? 11 : v >= 10 ? 10 : v >= 9 ? 9 : v >= 8 ? 8 : 4]!

  test.each(ALL)('v%i names the topics and never auto-creates them', (v) => {
    expect([...metadataRequest(v, ['ab']).body]).toEqual(pick(expectedNamed, v))
  })

  test.each(ALL)('v%i: null asks for every topic', (v) => {
    expect([...metadataRequest(v, null).body]).toEqual(pick(expectedAll, v))
  })

  test('an empty list (brokers and controller only) is an empty array, not a null one', () => {
    expect([...metadataRequest(7, []).body]).toEqual([0, 0, 0, 0, 0])
    expect([...metadataRequest(12, []).body]).toEqual([1, 0, 0, 0])
  })
})

interface Part {
  errorCode: number
  partition: number
  leader: number
  epoch: number
  replicas: number[]
  isr: number[]
  offline: number[]
}

/** A Metadata response as a broker of this version encodes it. */
function response(version: number, opts: {topicErrorCode?: number; topErrorCode?: number; parts: Part[]; unknownTag?: boolean}): Buffer {
  const w = new Writer(version >= 9)
  const int32s = (w: Writer, xs: number[]) => w.array(xs, (w, x) => w.int32(x))
  w.int32(5) // throttle
  w.array(
    [
      {id: 1, host: 'b1', port: 9092, rack: 'r1'},
      {id: 2, host: 'b2', port: 9093, rack: null},
    ],
    (w, b) => w.int32(b.id).string(b.host).int32(b.port).nullableString(b.rack).tags(),
  )
  w.nullableString('cluster-x')
  w.int32(2) // controller
  w.array(['orders'], (w, t) => {
    w.int16(opts.topicErrorCode ?? 0).string(t)
    if (version >= 10) w.uuid(TOPIC_ID)
    w.bool(false)
    w.array(opts.parts, (w, p) => {
      w.int16(p.errorCode).int32(p.partition).int32(p.leader)
      if (version >= 7) w.int32(p.epoch)
      int32s(w, p.replicas)
      int32s(w, p.isr)
      if (version >= 5) int32s(w, p.offline)
      w.tags()
    })
    if (version >= 8) w.int32(-2147483648) // topic authorized operations
    if (opts.unknownTag && version >= 9) w.uvarint(1).uvarint(4).uvarint(1).int8(9)
    else w.tags()
  })
  if (version >= 8 && version <= 10) w.int32(-2147483648) // cluster authorized operations
  if (version >= 13) w.int16(opts.topErrorCode ?? 0)
  if (opts.unknownTag && version >= 9) w.uvarint(1).uvarint(0).uvarint(2).int16(0)
  else w.tags()
  return w.toBuffer()
}

describe('Metadata response', () => {
  const parts: Part[] = [
    {errorCode: 0, partition: 0, leader: 1, epoch: 4, replicas: [1, 2], isr: [1, 2], offline: []},
    // an offline partition: decoded, not thrown
    {errorCode: 5, partition: 1, leader: -1, epoch: 7, replicas: [2, 3], isr: [], offline: [2, 3]},
  ]
  const DECODED = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]

  test.each(DECODED)('v%i decodes brokers, cluster, controller, topics and partitions', (v) => {
    const {value, throttleTimeMs} = metadataRequest(v, null).decode(new Reader(response(v, {parts}), v >= 9))
    expect(throttleTimeMs).toBe(5)
    expect(value.brokers).toEqual([
      {nodeId: 1, host: 'b1', port: 9092, rack: 'r1'},
      {nodeId: 2, host: 'b2', port: 9093, rack: null},
    ])
    expect(value.clusterId).toBe('cluster-x')
    expect(value.controllerId).toBe(2)
    expect(value.errorCode).toBe(0)
    expect(value.topics).toEqual([
      {
        errorCode: 0,
        name: 'orders',
        topicId: v >= 10 ? TOPIC_ID.toString('hex') : null,
        isInternal: false,
        partitions: parts.map((p) => ({
          errorCode: p.errorCode,
          partition: p.partition,
          leaderId: p.leader,
          leaderEpoch: v >= 7 ? p.epoch : -1,
          replicas: p.replicas,
          isr: p.isr,
          // offline_replicas exists from v5 on
          offlineReplicas: v >= 5 ? p.offline : [],
        })),
      },
    ])
  })

  test.each([9, 10, 11, 12, 13])('v%i skips unknown tagged fields in topics and at the top level', (v) => {
    const {value} = metadataRequest(v, null).decode(new Reader(response(v, {parts, unknownTag: true}), true))
    expect(value.topics[0]!.partitions).toHaveLength(2)
    expect(value.controllerId).toBe(2)
  })

  test('a topic error code (UNKNOWN_TOPIC_OR_PARTITION) is returned as data', () => {
    const {value} = metadataRequest(12, ['orders']).decode(new Reader(response(12, {topicErrorCode: 3, parts: []}), true))
    expect(value.topics[0]).toMatchObject({errorCode: 3, name: 'orders', partitions: []})
  })

  test('v13 reads the top-level error code; v12 has none', () => {
    const v13 = metadataRequest(13, null).decode(new Reader(response(13, {topErrorCode: 29, parts}), true))
    expect(v13.value.errorCode).toBe(29)
    const v12 = metadataRequest(12, null).decode(new Reader(response(12, {parts}), true))
    expect(v12.value.errorCode).toBe(0)
  })

  test('a null cluster id and a null topic name decode as null', () => {
    const w = new Writer(true)
    w.int32(0).array([], () => {}).nullableString(null).int32(-1)
    w.array([null], (w, n) => w.int16(100).nullableString(n).uuid(TOPIC_ID).bool(false).array([], () => {}).int32(0).tags())
    w.int16(0).tags()
    const {value} = metadataRequest(13, null).decode(new Reader(w.toBuffer(), true))
    expect(value).toMatchObject({brokers: [], clusterId: null, controllerId: -1, topics: [{errorCode: 100, name: null, isInternal: false, partitions: []}]})
  })

  test.each([6, 12])('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, {parts})
    expect(() => metadataRequest(v, null).decode(new Reader(bytes.subarray(0, bytes.length - 6), v >= 9))).toThrow(ProtocolDecodeError)
  })
})

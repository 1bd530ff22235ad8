import {describe, expect, test} from 'vitest'

import {OFFSET_FETCH_VERSIONS, offsetFetchGroupsRequest, offsetFetchRequest} from '../../../../src/adapters/kafka/protocol/offset-fetch.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

const ID = '0123456789abcdef0123456789abcdef'
const OTHER = 'fedcba9876543210fedcba9876543210'

/** A v3-7 response: throttle, [topic [partition]], error. */
function oldResponse(version: number, topics: {name: string; parts: [number, number, number][]}[], error = 0): Buffer {
  const flexible = version >= 6
  const w = new Writer(flexible)
  w.int32(0)
  w.array(topics, (w, t) => {
    w.string(t.name)
    w.array(t.parts, (w, [p, o, e]) => {
      w.int32(p).int64(o)
      if (version >= 5) w.int32(7)
      w.nullableString('m').int16(e).tags()
    })
    w.tags()
  })
  w.int16(error).tags()
  return w.toBuffer()
}

/** A v8+ response for groups; topics named (v8-9) or by id (v10+). */
function groupsResponse(version: number, groups: {id: string; error: number; topics: {key: string; parts: [number, number, number][]}[]}[]): Buffer {
  const w = new Writer(true)
  w.int32(0)
  w.array(groups, (w, g) => {
    w.string(g.id)
    w.array(g.topics, (w, t) => {
      if (version >= 10) w.uuid(Buffer.from(t.key, 'hex'))
      else w.string(t.key)
      w.array(t.parts, (w, [p, o, e]) => {
        w.int32(p).int64(o).int32(-1).nullableString(null).int16(e).tags()
      })
      w.tags()
    })
    w.int16(g.error).tags()
  })
  w.tags()
  return w.toBuffer()
}

describe('OffsetFetch encodings', () => {
  test('versions 3 to 10 are ours', () => {
    expect(OFFSET_FETCH_VERSIONS).toEqual({min: 3, max: 10})
  })

  test.each([3, 4, 5, 6, 7])('v%i: one group by name, round trip', (version) => {
    const req = offsetFetchRequest(version, 'g', [{topic: 't', partitions: [0, 1]}])
    expect(req.apiVersion).toBe(version)
    expect(req.flexible).toBe(version >= 6)
    const r = new Reader(req.body, version >= 6)
    expect(r.string()).toBe('g')
    const topics = r.array((r) => ({topic: r.string(), parts: r.array((r) => r.int32()), _: r.tags()}))
    expect(topics.map((t) => [t.topic, t.parts])).toEqual([['t', [0, 1]]])
    if (version >= 7) expect(r.bool()).toBe(false)
    r.tags()
    const {value} = req.decode(new Reader(oldResponse(version, [{name: 't', parts: [[0, 42, 0], [1, -1, 0]]}]), version >= 6))
    expect(value).toEqual({
      errorCode: 0,
      partitions: [
        {topic: 't', partition: 0, offset: 42, metadata: 'm', errorCode: 0},
        {topic: 't', partition: 1, offset: -1, metadata: 'm', errorCode: 0},
      ],
    })
  })

  test('v7 with null topics asks for every committed partition', () => {
    // group "g" (2, 'g'), topics null (0), require_stable 0, tags 0
    expect([...offsetFetchRequest(7, 'g', null).body]).toEqual([2, 0x67, 0, 0, 0])
  })

  test('v9: one group as a batch of one, member id null and epoch -1, topics by name', () => {
    const req = offsetFetchRequest(9, 'g', [{topic: 't', partitions: [2]}])
    expect(req.apiVersion).toBe(9)
    expect(req.flexible).toBe(true)
    // groups (2), "g" (2,'g'), member_id null (0), epoch -1, topics [1] (2): "t" (2,'t'), partitions [2] (2, 0,0,0,2), tags; group tags; require_stable; tags
    expect([...req.body]).toEqual([2, 2, 0x67, 0, 0xff, 0xff, 0xff, 0xff, 2, 2, 0x74, 2, 0, 0, 0, 2, 0, 0, 0, 0])
    const {value} = req.decode(new Reader(groupsResponse(9, [{id: 'g', error: 0, topics: [{key: 't', parts: [[2, 10, 0]]}]}]), true))
    expect(value).toEqual({errorCode: 0, partitions: [{topic: 't', partition: 2, offset: 10, metadata: null, errorCode: 0}]})
  })

  test('v10: topics by id in the request, ids in the response mapped back to names', () => {
    const names = new Map([[ID, 'orders'], [OTHER, 'payments']])
    const req = offsetFetchRequest(10, 'g', [{topic: 'orders', topicId: ID, partitions: [0]}, {topic: 'payments', topicId: OTHER, partitions: [1]}], names)
    expect(req.apiVersion).toBe(10)
    const r = new Reader(req.body, true)
    const groups = r.array((r) => {
      const groupId = r.string()
      const memberId = r.nullableString()
      const epoch = r.int32()
      const topics = r.array((r) => {
        const id = r.uuid()
        const parts = r.array((r) => r.int32())
        r.tags()
        return {id, parts}
      })
      r.tags()
      return {groupId, memberId, epoch, topics}
    })
    expect(r.bool()).toBe(false)
    r.tags()
    expect(groups).toEqual([{groupId: 'g', memberId: null, epoch: -1, topics: [{id: ID, parts: [0]}, {id: OTHER, parts: [1]}]}])

    const body = groupsResponse(10, [{id: 'g', error: 0, topics: [{key: ID, parts: [[0, 5, 0]]}, {key: OTHER, parts: [[1, -1, 100]]}]}])
    const {value} = req.decode(new Reader(body, true))
    expect(value).toEqual({
      errorCode: 0,
      partitions: [
        {topic: 'orders', topicId: ID, partition: 0, offset: 5, metadata: null, errorCode: 0},
        {topic: 'payments', topicId: OTHER, partition: 1, offset: -1, metadata: null, errorCode: 100},
      ],
    })
  })

  test('v10: an id the caller did not name stays an id', () => {
    const req = offsetFetchRequest(10, 'g', [{topic: 'orders', topicId: ID, partitions: [0]}])
    const {value} = req.decode(new Reader(groupsResponse(10, [{id: 'g', error: 0, topics: [{key: OTHER, parts: [[0, 1, 0]]}]}]), true))
    expect(value.partitions[0]).toMatchObject({topic: OTHER, topicId: OTHER})
  })

  test('v10 refuses a topic without an id or with the all-zero id', () => {
    expect(() => offsetFetchRequest(10, 'g', [{topic: 't', partitions: [0]}])).toThrow(/id of topic "t"/)
    expect(() => offsetFetchRequest(10, 'g', [{topic: 't', topicId: '0'.repeat(32), partitions: [0]}])).toThrow(/id of topic "t"/)
  })

  test('v8 groups request stays as it was; v9 adds member fields per group', () => {
    expect([...offsetFetchGroupsRequest(['a']).body]).toEqual([2, 2, 0x61, 0, 0, 0, 0])
    expect([...offsetFetchGroupsRequest(['a'], 9).body]).toEqual([2, 2, 0x61, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])
    expect(() => offsetFetchGroupsRequest(['a'], 7)).toThrow(RangeError)
  })

  test('a group missing from a batched answer reads as no partitions', () => {
    const req = offsetFetchRequest(9, 'g', null)
    expect(req.decode(new Reader(groupsResponse(9, []), true)).value).toEqual({errorCode: 0, partitions: []})
  })
})

/**
 * DescribeGroups v1-v6 (DescribeGroupsRequest/Response.json; v6 from KIP-1043). Request:
 * Groups []string, IncludeAuthorizedOperations (v3+). Response: ThrottleTimeMs, Groups
 * [ErrorCode, ErrorMessage (nullable, v6+), GroupId, GroupState, ProtocolType, ProtocolData,
 * Members [MemberId, GroupInstanceId (nullable, v4+), ClientId, ClientHost, MemberMetadata,
 * MemberAssignment], AuthorizedOperations (v3+)]. Flexible from v5.
 */
import {describe, expect, test} from 'vitest'

import {DESCRIBE_GROUPS_KEY, DESCRIBE_GROUPS_VERSIONS, decodeConsumerAssignment, describeGroupsRequest} from '../../../../src/adapters/kafka/protocol/describe-groups.js'
import {ProtocolDecodeError, Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'

const ALL = [1, 2, 3, 4, 5, 6]

/** ConsumerProtocolAssignment v0: Version int16, AssignedPartitions [Topic string, Partitions []int32], UserData bytes. */
function assignment(topics: [string, number[]][]): Buffer {
  const w = new Writer(false)
  w.int16(0)
  w.array(topics, (w, [t, ps]) => w.string(t).array(ps, (w, p) => w.int32(p)))
  return w.int32(-1).toBuffer() // null user data
}

describe('DescribeGroups request', () => {
  test('fleetops speaks v1-v6, API key 15', () => {
    expect(DESCRIBE_GROUPS_VERSIONS).toEqual({min: 1, max: 6})
    expect(DESCRIBE_GROUPS_KEY).toBe(15)
  })

  test.each(ALL)('v%i: the group ids, then (v3+) include_authorized_operations false', (v) => {
    const req = describeGroupsRequest(v, ['g1', 'g2'])
    expect(req).toMatchObject({apiKey: 15, apiName: 'DescribeGroups', apiVersion: v, flexible: v >= 5})
    const groups = v >= 5 ? [3, 3, 0x67, 0x31, 3, 0x67, 0x32] : [0, 0, 0, 2, 0, 2, 0x67, 0x31, 0, 2, 0x67, 0x32]
    const tail = [...(v >= 3 ? [0] : []), ...(v >= 5 ? [0] : [])]
    expect([...req.body]).toEqual([...groups, ...tail])
  })
})

interface Member {
  id: string
  instance: string | null
  client: string
  host: string
  assignment: Buffer | null
}

function response(v: number, g: {errorCode: number; message: string | null; id: string; state: string; type: string; members: Member[]}): Buffer {
  const w = new Writer(v >= 5)
  w.int32(9)
  w.array([g], (w, g) => {
    w.int16(g.errorCode)
    if (v >= 6) w.nullableString(g.message)
    w.string(g.id).string(g.state).string(g.type).string(g.type === 'consumer' ? 'range' : '')
    w.array(g.members, (w, m) => {
      w.string(m.id)
      if (v >= 4) w.nullableString(m.instance)
      w.string(m.client).string(m.host)
      w.bytes(Buffer.from([0, 1, 2])) // member metadata (skipped)
      if (m.assignment === null) {
        if (v >= 5) w.uvarint(0)
        else w.int32(-1)
      } else w.bytes(m.assignment)
      w.tags()
    })
    if (v >= 3) w.int32(-2147483648)
    w.tags()
  })
  return w.tags().toBuffer()
}

describe('DescribeGroups response', () => {
  const members: Member[] = [
    {id: 'm-1', instance: 'static-1', client: 'c1', host: '/10.0.0.1', assignment: assignment([['t', [2, 0]], ['a', [1]]])},
    {id: 'm-2', instance: null, client: 'c2', host: '/10.0.0.2', assignment: null},
  ]

  test.each(ALL)('v%i decodes the group, its members and their decoded assignments', (v) => {
    const bytes = response(v, {errorCode: 0, message: null, id: 'g1', state: 'Stable', type: 'consumer', members})
    const {value, throttleTimeMs} = describeGroupsRequest(v, ['g1']).decode(new Reader(bytes, v >= 5))
    expect(throttleTimeMs).toBe(9)
    expect(value).toEqual([
      {
        errorCode: 0,
        groupId: 'g1',
        state: 'Stable',
        protocolType: 'consumer',
        members: [
          // sorted by topic, partitions ascending
          {memberId: 'm-1', clientId: 'c1', clientHost: '/10.0.0.1', assignments: [{topic: 'a', partitions: [1]}, {topic: 't', partitions: [0, 2]}]},
          {memberId: 'm-2', clientId: 'c2', clientHost: '/10.0.0.2', assignments: []},
        ],
      },
    ])
  })

  test('a non-consumer protocol type leaves the assignment undecoded', () => {
    const bytes = response(4, {errorCode: 0, message: null, id: 'c', state: 'Stable', type: 'connect', members: [members[0]!]})
    const {value} = describeGroupsRequest(4, ['c']).decode(new Reader(bytes, false))
    expect(value[0]!.members[0]!.assignments).toEqual([])
  })

  test('v6: GROUP_ID_NOT_FOUND with its message is returned as data', () => {
    const bytes = response(6, {errorCode: 69, message: 'Group g9 not found.', id: 'g9', state: 'Dead', type: '', members: []})
    const {value} = describeGroupsRequest(6, ['g9']).decode(new Reader(bytes, true))
    expect(value).toEqual([{errorCode: 69, groupId: 'g9', state: 'Dead', protocolType: '', members: []}])
  })

  test.each([3, 6])('v%i: a response cut short is a ProtocolDecodeError', (v) => {
    const bytes = response(v, {errorCode: 0, message: null, id: 'g1', state: 'Stable', type: 'consumer', members})
    expect(() => describeGroupsRequest(v, ['g1']).decode(new Reader(bytes.subarray(0, bytes.length - 4), v >= 5))).toThrow(ProtocolDecodeError)
  })
})

describe('decodeConsumerAssignment', () => {
  test('empty, null and undecodable assignments are []', () => {
    expect(decodeConsumerAssignment(null)).toEqual([])
    expect(decodeConsumerAssignment(Buffer.alloc(0))).toEqual([])
    expect(decodeConsumerAssignment(Buffer.from([0, 0, 0, 0, 0, 5, 0]))).toEqual([])
  })

  test('a v3 assignment with user data decodes the same way', () => {
    const w = new Writer(false)
    w.int16(3).array([['b', [4, 3]]] as [string, number[]][], (w, [t, ps]) => w.string(t).array(ps, (w, p) => w.int32(p)))
    w.bytes(Buffer.from('ud'))
    expect(decodeConsumerAssignment(w.toBuffer())).toEqual([{topic: 'b', partitions: [3, 4]}])
  })
})

import {describe, expect, test} from 'vitest'

import {
  describeShareGroupOffsetsBody,
  describeShareGroupOffsetsRequest,
  encodeDescribeShareGroupOffsets,
  type ShareGroupOffsets,
} from '../../../../src/adapters/kafka/protocol/describe-share-group-offsets.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

const ID = '0123456789abcdef0123456789abcdef'

const answer = (withLag: boolean): ShareGroupOffsets[] => [
  {
    groupId: 'queue',
    errorCode: 0,
    errorMessage: null,
    partitions: [
      {topicName: 'jobs', topicId: ID, partition: 0, startOffset: 40, leaderEpoch: 2, lag: withLag ? 5 : null, errorCode: 0, errorMessage: null},
      {topicName: 'jobs', topicId: ID, partition: 1, startOffset: -1, leaderEpoch: 2, lag: withLag ? -1 : null, errorCode: 0, errorMessage: null},
      {topicName: 'jobs', topicId: ID, partition: 2, startOffset: 0, leaderEpoch: 0, lag: withLag ? -1 : null, errorCode: 3, errorMessage: 'gone'},
    ],
  },
  {groupId: 'missing', errorCode: 69, errorMessage: 'Group missing not found.', partitions: []},
]

describe('DescribeShareGroupOffsets', () => {
  test('the request: per group its id and a null topic list (every partition), or named topics', () => {
    // groups: 1 entry; "q"; topics null (uvarint 0); group tags; request tags
    expect(describeShareGroupOffsetsBody([{groupId: 'q', topics: null}])).toEqual(Buffer.from([2, 2, 0x71, 0, 0, 0]))
    // topics: 1 entry; "t"; partitions [1]; topic tags
    expect(describeShareGroupOffsetsBody([{groupId: 'q', topics: [{topic: 't', partitions: [1]}]}])).toEqual(
      Buffer.from([2, 2, 0x71, 2, 2, 0x74, 2, 0, 0, 0, 1, 0, 0, 0]),
    )
    expect(describeShareGroupOffsetsRequest(1, ['q'])).toMatchObject({apiKey: 90, apiName: 'DescribeShareGroupOffsets', apiVersion: 1, flexible: true})
    expect(describeShareGroupOffsetsRequest(1, ['q']).body).toEqual(describeShareGroupOffsetsBody([{groupId: 'q', topics: null}]))
  })

  test('v0 round-trip (no lag) and v1 (lag per partition, 8 bytes more each)', () => {
    for (const version of [0, 1]) {
      const expected = answer(version >= 1)
      const {value, throttleTimeMs} = describeShareGroupOffsetsRequest(version, ['queue', 'missing']).decode(new Reader(encodeDescribeShareGroupOffsets(version, expected, 3), true))
      expect(throttleTimeMs).toBe(3)
      expect(value).toEqual(expected)
    }
    expect(encodeDescribeShareGroupOffsets(1, answer(true)).length - encodeDescribeShareGroupOffsets(0, answer(false)).length).toBe(3 * 8)
  })

  test('reading v1 bytes as v0 does not pass silently', () => {
    const bytes = encodeDescribeShareGroupOffsets(1, answer(true))
    expect(() => describeShareGroupOffsetsRequest(0, []).decode(new Reader(bytes, true))).toThrow()
  })
})

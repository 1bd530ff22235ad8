import {describe, expect, test} from 'vitest'

import {describeGroupIdsBody} from '../../../../src/adapters/kafka/protocol/consumer-group-describe.js'
import {encodeShareGroupDescribe, shareGroupDescribeRequest, type ShareGroupDescription} from '../../../../src/adapters/kafka/protocol/share-group-describe.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

const ID = 'ffeeddccbbaa99887766554433221100'

const groups: ShareGroupDescription[] = [
  {
    errorCode: 0,
    errorMessage: null,
    groupId: 'queue',
    groupState: 'Stable',
    groupEpoch: 3,
    assignmentEpoch: 3,
    assignorName: 'simple',
    members: [
      {memberId: 'a', rackId: null, memberEpoch: 3, clientId: 'share-1', clientHost: '/10.0.0.1', subscribedTopicNames: ['jobs'], assignment: [{topicId: ID, topicName: 'jobs', partitions: [0, 1, 2]}]},
      {memberId: 'b', rackId: 'r2', memberEpoch: 2, clientId: 'share-2', clientHost: '/10.0.0.2', subscribedTopicNames: ['jobs'], assignment: [{topicId: ID, topicName: 'jobs', partitions: [0, 1, 2]}]},
    ],
    authorizedOperations: -2147483648,
  },
  {errorCode: 69, errorMessage: 'Group other is not a share group.', groupId: 'other', groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [], authorizedOperations: -2147483648},
]

describe('ShareGroupDescribe', () => {
  test('the request is the group-describe body; v1 is the version 4.1+ brokers accept', () => {
    const req = shareGroupDescribeRequest(1, ['queue', 'other'])
    expect(req).toMatchObject({apiKey: 77, apiName: 'ShareGroupDescribe', apiVersion: 1, flexible: true})
    expect(req.body).toEqual(describeGroupIdsBody(['queue', 'other']))
  })

  test('round-trip: members sharing partitions, and a group of another type (GROUP_ID_NOT_FOUND)', () => {
    for (const version of [0, 1]) {
      const {value, throttleTimeMs} = shareGroupDescribeRequest(version, ['queue', 'other']).decode(new Reader(encodeShareGroupDescribe(groups, 9), true))
      expect(throttleTimeMs).toBe(9)
      expect(value).toEqual(groups)
    }
  })

  test('a truncated response is an error', () => {
    const bytes = encodeShareGroupDescribe(groups)
    expect(() => shareGroupDescribeRequest(1, []).decode(new Reader(bytes.subarray(0, 40), true))).toThrow()
  })
})

import {fc, test as propTest} from '@fast-check/vitest'
import {describe, expect, test} from 'vitest'

import {
  consumerGroupDescribeRequest,
  describeGroupIdsBody,
  encodeConsumerGroupDescribe,
  type AssignedTopic,
  type ConsumerGroupDescription,
} from '../../../../src/adapters/kafka/protocol/consumer-group-describe.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

const ID = '00112233445566778899aabbccddeeff'

const group = (memberType: number | null): ConsumerGroupDescription => ({
  errorCode: 0,
  errorMessage: null,
  groupId: 'orders',
  groupState: 'Stable',
  groupEpoch: 7,
  assignmentEpoch: 6,
  assignorName: 'uniform',
  members: [
    {
      memberId: 'm-1',
      instanceId: null,
      rackId: 'rack1',
      memberEpoch: 7,
      clientId: 'console-consumer',
      clientHost: '/127.0.0.1',
      subscribedTopicNames: ['orders'],
      subscribedTopicRegex: null,
      assignment: [{topicId: ID, topicName: 'orders', partitions: [0, 2]}],
      targetAssignment: [{topicId: ID, topicName: '', partitions: [0, 1, 2]}],
      memberType,
    },
  ],
  authorizedOperations: -2147483648,
})

describe('ConsumerGroupDescribe', () => {
  test('the request: compact group ids, include_authorized_operations false, tags', () => {
    // groups: 1 entry (uvarint 2), "ab" (uvarint 3 + 2 bytes); false; tags
    expect(describeGroupIdsBody(['ab'])).toEqual(Buffer.from([2, 3, 0x61, 0x62, 0, 0]))
    expect(consumerGroupDescribeRequest(1, ['ab'])).toMatchObject({apiKey: 69, apiName: 'ConsumerGroupDescribe', apiVersion: 1, flexible: true})
  })

  test('v0 and v1 round-trip; v1 carries the member type, v0 none', () => {
    for (const [version, memberType] of [
      [0, null],
      [1, 1],
    ] as const) {
      const bytes = encodeConsumerGroupDescribe(version, [group(memberType)], 5)
      const {value, throttleTimeMs} = consumerGroupDescribeRequest(version, ['orders']).decode(new Reader(bytes, true))
      expect(throttleTimeMs).toBe(5)
      expect(value).toEqual([group(memberType)])
    }
    // v1 is exactly one byte (member type) longer than v0 for one member.
    expect(encodeConsumerGroupDescribe(1, [group(1)]).length - encodeConsumerGroupDescribe(0, [group(null)]).length).toBe(1)
  })

  test('a truncated response is an error, not a short answer', () => {
    const bytes = encodeConsumerGroupDescribe(1, [group(1)])
    expect(() => consumerGroupDescribeRequest(1, ['orders']).decode(new Reader(bytes.subarray(0, bytes.length - 6), true))).toThrow()
  })

  const topicArb = fc.record({
    topicId: fc.uint8Array({minLength: 16, maxLength: 16}).map((b) => Buffer.from(b).toString('hex')),
    topicName: fc.string({maxLength: 12}),
    partitions: fc.uniqueArray(fc.nat(500), {maxLength: 6}).map((ps) => ps.sort((a, b) => a - b)),
  }) as fc.Arbitrary<AssignedTopic>
  const memberArb = fc.record({
    memberId: fc.string({maxLength: 20}),
    instanceId: fc.option(fc.string({maxLength: 8}), {nil: null}),
    rackId: fc.option(fc.string({maxLength: 8}), {nil: null}),
    memberEpoch: fc.integer({min: -1, max: 1 << 20}),
    clientId: fc.string({maxLength: 20}),
    clientHost: fc.string({maxLength: 20}),
    subscribedTopicNames: fc.array(fc.string({maxLength: 10}), {maxLength: 3}),
    subscribedTopicRegex: fc.option(fc.string({maxLength: 8}), {nil: null}),
    assignment: fc.array(topicArb, {maxLength: 3}),
    targetAssignment: fc.array(topicArb, {maxLength: 3}),
    memberType: fc.integer({min: -1, max: 1}),
  })
  const groupArb = fc.record({
    errorCode: fc.constantFrom(0, 69, 16),
    errorMessage: fc.option(fc.string({maxLength: 20}), {nil: null}),
    groupId: fc.string({maxLength: 20}),
    groupState: fc.constantFrom('Empty', 'Assigning', 'Reconciling', 'Stable', 'Dead', ''),
    groupEpoch: fc.integer({min: 0, max: 1 << 20}),
    assignmentEpoch: fc.integer({min: 0, max: 1 << 20}),
    assignorName: fc.constantFrom('uniform', 'range'),
    members: fc.array(memberArb, {maxLength: 4}),
    authorizedOperations: fc.integer(),
  })

  propTest.prop([fc.array(groupArb, {maxLength: 4})], {numRuns: 100})('every response decodes to what was encoded (v1)', (groups) => {
    const bytes = encodeConsumerGroupDescribe(1, groups)
    expect(consumerGroupDescribeRequest(1, []).decode(new Reader(bytes, true)).value).toEqual(groups)
  })
})

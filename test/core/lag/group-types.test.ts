import {describe, expect, test} from 'vitest'

import {
  groupTypeOf,
  nameTopicIdAssignment,
  shareStartOffsets,
  streamsTaskAssignment,
  unnamedTopicIds,
  unsupportedGroupApiNote,
  withShareBrokerLag,
} from '../../../src/core/lag/group-types.js'
import {computePartitionLag} from '../../../src/core/lag/partition-lag.js'

const A = 'aa'.repeat(16)
const B = 'bb'.repeat(16)
const C = 'cc'.repeat(16)

describe('group types', () => {
  test('ListGroups v5 types; anything else (or before v5) is unknown', () => {
    expect(['classic', 'consumer', 'share', 'streams', 'Consumer'].map((t) => groupTypeOf(t))).toEqual(['classic', 'consumer', 'share', 'streams', 'consumer'])
    expect([null, undefined, '', 'connect'].map((t) => groupTypeOf(t))).toEqual([null, null, null, null])
  })

  test('assignments keyed by topic id: the broker name, else Metadata, else unresolved; merged and sorted', () => {
    const topics = [
      {topicId: B, topicName: 'orders', partitions: [2, 0]},
      {topicId: A, topicName: '', partitions: [1]},
      {topicId: C, topicName: '', partitions: [0]},
      {topicId: B, topicName: 'orders', partitions: [1]},
    ]
    expect(unnamedTopicIds(topics)).toEqual([A, C])
    expect(nameTopicIdAssignment(topics, new Map([[A, 'audit']]))).toEqual({
      assignments: [
        {topic: 'audit', partitions: [1]},
        {topic: 'orders', partitions: [0, 1, 2]},
      ],
      unresolved: [C],
    })
  })

  test('streams tasks: partition p of each source and repartition-source topic of the subtopology', () => {
    const subtopologies = [
      {subtopologyId: '0', sourceTopics: ['lines', 'more-lines'], repartitionSourceTopics: []},
      {subtopologyId: '1', sourceTopics: [], repartitionSourceTopics: ['app-repartition']},
    ]
    expect(
      streamsTaskAssignment(subtopologies, [
        {subtopologyId: '0', partitions: [1, 0]},
        {subtopologyId: '1', partitions: [2]},
        {subtopologyId: '9', partitions: [0]},
      ]),
    ).toEqual({
      assignments: [
        {topic: 'app-repartition', partitions: [2]},
        {topic: 'lines', partitions: [0, 1]},
        {topic: 'more-lines', partitions: [0, 1]},
      ],
      unresolved: ['9'],
    })
    expect(streamsTaskAssignment(null, [{subtopologyId: '0', partitions: [0]}])).toEqual({assignments: [], unresolved: ['0']})
  })

  test('share-partition start offsets as committed offsets: -1 is none; errors named, not offsets', () => {
    expect(
      shareStartOffsets([
        {topicName: 'jobs', partition: 0, startOffset: 40, lag: 3, errorCode: 0},
        {topicName: 'jobs', partition: 1, startOffset: -1, lag: -1, errorCode: 0},
        {topicName: 'jobs', partition: 2, startOffset: 0, errorCode: 3, errorName: 'UNKNOWN_TOPIC_OR_PARTITION'},
      ]),
    ).toEqual({
      offsets: [
        {topic: 'jobs', partition: 0, offset: 40, brokerLag: 3},
        {topic: 'jobs', partition: 1, offset: null, brokerLag: null},
      ],
      errors: ['jobs-2: UNKNOWN_TOPIC_OR_PARTITION'],
    })
  })

  test("the broker's share lag replaces log end - start offset when known; 0 is caught up", () => {
    const now = 1_000_000
    const fromOffsets = computePartitionLag({committedOffset: 0, logEndOffset: 10, committedRecordTimestamp: now - 5000}, now)
    expect(fromOffsets).toMatchObject({lag: 10, timeLagMs: 5000})
    expect(withShareBrokerLag(fromOffsets, 0)).toEqual({committedOffset: 0, logEndOffset: 10, lag: 0, timeLagMs: 0})
    expect(withShareBrokerLag(fromOffsets, 4)).toEqual({committedOffset: 0, logEndOffset: 10, lag: 4, timeLagMs: 5000})
    expect(withShareBrokerLag(fromOffsets, null)).toBe(fromOffsets)
    expect(withShareBrokerLag(fromOffsets, -1)).toBe(fromOffsets)
    const none = computePartitionLag({committedOffset: null, logEndOffset: 10, committedRecordTimestamp: null}, now)
    expect(withShareBrokerLag(none, 0)).toBe(none)
  })

  test('a missing API is one line', () => {
    expect(unsupportedGroupApiNote('share', 'broker 1 does not support ShareGroupDescribe (API key 77)')).toBe(
      'share group: members not shown (broker 1 does not support ShareGroupDescribe (API key 77))',
    )
  })
})

import {describe, expect, test} from 'vitest'

import {groupTypeOf, nameTopicIdAssignment, shareStartOffsets, streamsTaskAssignment, unnamedTopicIds, unsupportedGroupApiNote} from '../../../src/core/lag/group-types.js'

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
        {topicName: 'jobs', partition: 0, startOffset: 40, errorCode: 0},
        {topicName: 'jobs', partition: 1, startOffset: -1, errorCode: 0},
        {topicName: 'jobs', partition: 2, startOffset: 0, errorCode: 3, errorName: 'UNKNOWN_TOPIC_OR_PARTITION'},
      ]),
    ).toEqual({
      offsets: [
        {topic: 'jobs', partition: 0, offset: 40},
        {topic: 'jobs', partition: 1, offset: null},
      ],
      errors: ['jobs-2: UNKNOWN_TOPIC_OR_PARTITION'],
    })
  })

  test('a missing API is one line', () => {
    expect(unsupportedGroupApiNote('share', 'broker 1 does not support ShareGroupDescribe (API key 77)')).toBe(
      'share group: members not shown (broker 1 does not support ShareGroupDescribe (API key 77))',
    )
  })
})

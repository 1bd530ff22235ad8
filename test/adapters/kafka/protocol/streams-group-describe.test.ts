import {describe, expect, test} from 'vitest'

import {describeGroupIdsBody} from '../../../../src/adapters/kafka/protocol/consumer-group-describe.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'
import {encodeStreamsGroupDescribe, streamsGroupDescribeRequest, type StreamsGroupDescription} from '../../../../src/adapters/kafka/protocol/streams-group-describe.js'

const none = {activeTasks: [], standbyTasks: [], warmupTasks: []}

const groups: StreamsGroupDescription[] = [
  {
    errorCode: 0,
    errorMessage: null,
    groupId: 'wordcount',
    groupState: 'Stable',
    groupEpoch: 4,
    assignmentEpoch: 4,
    topology: {
      epoch: 0,
      subtopologies: [
        {subtopologyId: '0', sourceTopics: ['lines'], repartitionSinkTopics: ['wordcount-repartition'], stateChangelogTopics: [], repartitionSourceTopics: []},
        {subtopologyId: '1', sourceTopics: [], repartitionSinkTopics: [], stateChangelogTopics: ['wordcount-store-changelog'], repartitionSourceTopics: ['wordcount-repartition']},
      ],
    },
    members: [
      {
        memberId: 'm1',
        memberEpoch: 4,
        instanceId: null,
        rackId: null,
        clientId: 'wordcount-StreamThread-1-consumer',
        clientHost: '/127.0.0.1',
        topologyEpoch: 0,
        processId: 'p-1',
        userEndpoint: {host: 'localhost', port: 50_000},
        assignment: {activeTasks: [{subtopologyId: '0', partitions: [0, 1]}, {subtopologyId: '1', partitions: [2]}], standbyTasks: [{subtopologyId: '1', partitions: [0]}], warmupTasks: []},
        targetAssignment: {activeTasks: [{subtopologyId: '0', partitions: [0, 1, 2]}], standbyTasks: [], warmupTasks: []},
        isClassic: false,
      },
    ],
    authorizedOperations: -2147483648,
  },
  {errorCode: 69, errorMessage: null, groupId: 'nope', groupState: '', groupEpoch: -1, assignmentEpoch: -1, topology: null, members: [], authorizedOperations: 0},
  {
    errorCode: 0,
    errorMessage: null,
    groupId: 'starting',
    groupState: 'NotReady',
    groupEpoch: 1,
    assignmentEpoch: 0,
    topology: {epoch: 0, subtopologies: null},
    members: [{memberId: 'm2', memberEpoch: 0, instanceId: 'i', rackId: 'r', clientId: 'c', clientHost: '/h', topologyEpoch: 0, processId: 'p', userEndpoint: null, assignment: none, targetAssignment: none, isClassic: true}],
    authorizedOperations: 0,
  },
]

describe('StreamsGroupDescribe', () => {
  test('the request is the group-describe body (v0)', () => {
    const req = streamsGroupDescribeRequest(0, ['wordcount'])
    expect(req).toMatchObject({apiKey: 89, apiName: 'StreamsGroupDescribe', apiVersion: 0, flexible: true})
    expect(req.body).toEqual(describeGroupIdsBody(['wordcount']))
  })

  test('round-trip: topology (null, with null subtopologies, full), tasks, endpoint (uint16 port above 32767), classic flag', () => {
    const {value, throttleTimeMs} = streamsGroupDescribeRequest(0, []).decode(new Reader(encodeStreamsGroupDescribe(groups, 1), true))
    expect(throttleTimeMs).toBe(1)
    expect(value).toEqual(groups)
  })

  test('a truncated response is an error', () => {
    const bytes = encodeStreamsGroupDescribe(groups)
    expect(() => streamsGroupDescribeRequest(0, []).decode(new Reader(bytes.subarray(0, bytes.length - 30), true))).toThrow()
  })
})

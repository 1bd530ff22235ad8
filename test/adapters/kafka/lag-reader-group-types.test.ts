import {describe, expect, test} from 'vitest'

import {KafkaLagReader} from '../../../src/adapters/kafka/lag-reader.js'

const ID = 'ab'.repeat(16)
const NO_CGD = 'broker 1 does not support ConsumerGroupDescribe (API key 69)'
const NO_SGD = 'broker 1 does not support ShareGroupDescribe (API key 77)'
const header = (groupId: string, errorCode = 0) => ({errorCode, errorMessage: null, groupId, groupState: errorCode ? '' : 'Stable', groupEpoch: 5, assignmentEpoch: 4, authorizedOperations: 0})

/** A KafkaLagReader over a fake protocol client: what each describe API answers (no sockets). */
function readerWith(protocol: Record<string, (...args: never[]) => Promise<unknown>>): KafkaLagReader {
  const reader = new KafkaLagReader({brokers: ['127.0.0.1:1'], connectTimeoutMs: 100, requestTimeoutMs: 100})
  ;(reader as unknown as {protocol: unknown}).protocol = protocol
  return reader
}

describe('KafkaLagReader.describeGroupsOfEveryType', () => {
  test('a broker without the type\'s describe API: the group stays, with the reason in one line', async () => {
    const reader = readerWith({
      describeGroups: async () => [],
      consumerGroupDescribe: async () => ({supported: false, reason: NO_CGD}),
      streamsGroupDescribe: async () => ({supported: true, apiVersion: 0, groups: []}),
      shareGroupDescribe: async () => ({supported: false, reason: NO_SGD}),
    })
    const [g] = await reader.describeGroupsOfEveryType(['orders'], new Map([['orders', 'consumer']]))
    expect(g).toEqual({
      group: 'orders',
      state: 'Dead',
      protocolType: '',
      members: [],
      type: 'consumer',
      groupEpoch: null,
      assignmentEpoch: null,
      notes: [`consumer group: members not shown (${NO_CGD})`],
    })
  })

  test('classic first; a group DescribeGroups does not know is found by its own API, topic ids named by Metadata', async () => {
    const asked: string[][] = []
    const reader = readerWith({
      describeGroups: async (ids: string[]) => {
        asked.push(ids)
        return ids.map((groupId) => ({groupId, state: groupId === 'classic' ? 'Stable' : 'Dead', protocolType: groupId === 'classic' ? 'consumer' : '', members: []}))
      },
      consumerGroupDescribe: async (ids: string[]) => ({
        supported: true,
        apiVersion: 1,
        groups: ids.map((id) =>
          id === 'kip848'
            ? {
                ...header(id),
                assignorName: 'uniform',
                members: [{memberId: 'm', instanceId: null, rackId: null, memberEpoch: 5, clientId: 'c', clientHost: '/10.1.1.1', subscribedTopicNames: [], subscribedTopicRegex: null, assignment: [{topicId: ID, topicName: '', partitions: [1, 0]}], targetAssignment: [], memberType: 1}],
              }
            : {...header(id, 69), assignorName: '', members: []},
        ),
      }),
      streamsGroupDescribe: async (ids: string[]) => ({supported: true, apiVersion: 0, groups: ids.map((id) => ({...header(id, 69), topology: null, members: []}))}),
      shareGroupDescribe: async () => ({supported: false, reason: NO_SGD}),
      metadata: async () => ({brokers: [{nodeId: 1}], topics: [{name: 'orders', topicId: ID, errorCode: 0, isInternal: false, partitions: []}]}),
    })
    const out = await reader.describeGroupsOfEveryType(['classic', 'kip848'])
    expect(asked).toEqual([['classic', 'kip848']])
    expect(out[0]).toMatchObject({group: 'classic', type: 'classic', state: 'Stable', notes: []})
    // Found by ConsumerGroupDescribe: no note about the share API this broker lacks.
    expect(out[1]).toEqual({
      group: 'kip848',
      state: 'Stable',
      protocolType: 'consumer',
      type: 'consumer',
      groupEpoch: 5,
      assignmentEpoch: 4,
      notes: [],
      members: [{memberId: 'm', clientId: 'c', host: '10.1.1.1', memberEpoch: 5, assignments: [{topic: 'orders', partitions: [0, 1]}]}],
    })
  })

  test('a broker with the share API but share groups off (UNSUPPORTED_VERSION per group, Kafka 4.1): the consumer group is still found, without a note', async () => {
    const reader = readerWith({
      describeGroups: async (ids: string[]) => ids.map((groupId) => ({groupId, state: 'Dead', protocolType: '', members: []})),
      consumerGroupDescribe: async (ids: string[]) => ({
        supported: true,
        apiVersion: 1,
        groups: ids.map((id) => (id === 'kip848' ? {...header(id), assignorName: 'uniform', members: []} : {...header(id, 69), assignorName: '', members: []})),
      }),
      streamsGroupDescribe: async (ids: string[]) => ({supported: true, apiVersion: 0, groups: ids.map((id) => ({...header(id, 69), topology: null, members: []}))}),
      shareGroupDescribe: async (ids: string[]) => ({supported: true, apiVersion: 0, groups: ids.map((id) => ({...header(id, 35), members: []}))}),
    })
    const [found, nowhere] = await reader.describeGroupsOfEveryType(['kip848', 'gone'])
    expect(found).toMatchObject({group: 'kip848', type: 'consumer', state: 'Stable', notes: []})
    // Found by no API: the share type is named as not enabled, in one line.
    expect(nowhere).toMatchObject({group: 'gone', type: null, state: 'Dead'})
    expect(nowhere.notes).toEqual([expect.stringMatching(/^share group: .*share groups are not enabled on this broker \(UNSUPPORTED_VERSION\)/)])
  })
})

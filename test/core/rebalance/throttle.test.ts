import {describe, expect, test} from 'vitest'
import {brokersDoneAfter, brokersInvolved, movesFromPlan, throttleConfigFor, type PartitionMove} from '../../../src/core/rebalance/index.js'

const move = (topic: string, partition: number, from: number[], to: number[]): PartitionMove => ({topic, partition, from, to})

describe('throttles', () => {
  test('leader throttles list the current replicas, follower throttles the new ones, rate on all of them', () => {
    const plan = throttleConfigFor([move('b', 3, [1, 2], [1, 4]), move('a', 0, [2, 3], [5, 6]), move('a', 1, [1, 2], [2, 1])])
    expect(plan.topics).toEqual([
      {topic: 'a', leaderReplicas: '0:2,0:3', followerReplicas: '0:5,0:6'},
      {topic: 'b', leaderReplicas: '3:1,3:2', followerReplicas: '3:4'},
    ])
    expect(plan.brokers).toEqual([1, 2, 3, 4, 5, 6])
  })

  test('a broker is done once none of the remaining moves needs it', () => {
    const done = [move('t', 0, [1, 2], [1, 3]), move('t', 1, [4, 5], [4, 6])]
    const remaining = [move('t', 2, [2, 7], [8, 7])]
    expect(brokersDoneAfter(done, remaining)).toEqual([1, 3, 4, 5, 6])
    expect(brokersDoneAfter(done, [])).toEqual([1, 2, 3, 4, 5, 6])
  })

  test('movesFromPlan pairs targets with originals', () => {
    const moves = movesFromPlan({
      reassignment: {version: 1, partitions: [{topic: 't', partition: 0, replicas: [2, 3]}]},
      original: {version: 1, partitions: [{topic: 't', partition: 0, replicas: [1, 2]}]},
    })
    expect(moves).toEqual([{topic: 't', partition: 0, from: [1, 2], to: [2, 3]}])
    expect(brokersInvolved(moves[0])).toEqual([1, 3])
  })
})

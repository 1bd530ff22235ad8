import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {classifyReplicaHealth} from '../../../src/core/lag/replica-health.js'
import {
  attachEligibleLeaderReplicas,
  brokersWithLiveness,
  judgeFollowerGaps,
  partitionReplicasOf,
  replicasByBroker,
} from '../../../src/core/lag/replica-probe.js'
import {partitionKey} from '../../../src/core/partition-index.js'

const part = (partition: number, replicas: number[], leader: number | null = replicas[0] ?? null) => ({partition, leader, replicas, isr: replicas, offlineReplicas: []})
const metadata = new Map([
  ['a', {partitions: [part(0, [1, 2]), part(1, [2, 3])]}],
  ['b', {partitions: [part(0, [3])]}],
])

describe('replica probe steps', () => {
  it('lists the partitions of the topics in order, with what their reassignments add and remove', () => {
    const reassigning = new Map([[partitionKey('a', 1), {adding: [4], removing: [3]}]])
    const partitions = partitionReplicasOf(['a', 'b'], metadata, reassigning)
    expect(partitions.map((p) => [p.topic, p.partition, p.addingReplicas, p.removingReplicas])).toEqual([
      ['a', 0, [], []],
      ['a', 1, [4], [3]],
      ['b', 0, [], []],
    ])
    expect(partitionReplicasOf(['b'], metadata, null)).toEqual([{topic: 'b', partition: 0, replicas: [3], isr: [3], leader: 3, offlineReplicas: [], addingReplicas: [], removingReplicas: []}])
  })

  it('asks each broker for exactly the replicas it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.nat(6), {minLength: 1, maxLength: 4}), {maxLength: 30}), (replicaSets) => {
        const partitions = replicaSets.map((replicas, i) => ({topic: 't', partition: i, replicas, isr: replicas, leader: replicas[0]!}))
        const byBroker = replicasByBroker(partitions)
        for (const [broker, tps] of byBroker) expect(tps.map((tp) => tp.partition)).toEqual(partitions.filter((p) => p.replicas.includes(broker)).map((p) => p.partition))
        expect([...byBroker.values()].reduce((n, l) => n + l.length, 0)).toBe(replicaSets.reduce((n, r) => n + r.length, 0))
      }),
    )
  })

  it('sets the ELR per partition and says when the cluster tracks none', () => {
    const partitions = partitionReplicasOf(['a'], metadata, null)
    expect(attachEligibleLeaderReplicas(partitions, new Map([[partitionKey('a', 0), {elr: [2], lastKnownElr: []}]]))).toEqual([])
    expect(partitions.map((p) => [p.elr, p.lastKnownElr])).toEqual([
      [[2], []],
      [null, null],
    ])
    expect(attachEligibleLeaderReplicas(partitions, new Map())).toEqual([expect.stringMatching(/^ELR not shown/)])
    expect(attachEligibleLeaderReplicas([], new Map())).toEqual([])
  })

  it('judges follower gaps against --warn-lag/--crit-lag, raising the partition state', () => {
    const judged = () => {
      const partitions = partitionReplicasOf(['b', 'a'], metadata, null)
      partitions[1]!.replicaLogEnds = [
        {broker: 1, logEndOffset: 1000},
        {broker: 2, logEndOffset: 900},
      ]
      return classifyReplicaHealth(partitions, {topicMinIsr: {}}).partitions
    }
    const none = judged()
    judgeFollowerGaps(none, {warnLag: null, critLag: null})
    expect(none.every((p) => p.state === 'OK')).toBe(true)
    const partitions = judged()
    judgeFollowerGaps(partitions, {warnLag: 50, critLag: 500})
    const a0 = partitions.find((p) => p.topic === 'a' && p.partition === 0)!
    expect(a0.state).toBe('WARNING')
    expect(a0.reasons).toContain('follower 2 gap 100 exceeds warn 50')
    expect(partitions.filter((p) => p !== a0).every((p) => p.state === 'OK')).toBe(true)
  })

  it('lists every broker with replicas or registered, by id, saying which are live', () => {
    expect(brokersWithLiveness([{broker: 3, replicas: 2, leaders: 1, missingFromIsr: 0}, {broker: 1, replicas: 1, leaders: 1, missingFromIsr: 0}], [1, 2])).toEqual([
      {broker: 1, replicas: 1, leaders: 1, missingFromIsr: 0, live: true},
      {broker: 2, replicas: 0, leaders: 0, missingFromIsr: 0, live: true},
      {broker: 3, replicas: 2, leaders: 1, missingFromIsr: 0, live: false},
    ])
  })
})

import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {
  addLowerBound,
  countLowerBound,
  parseClusterState,
  planRebalance,
  rackAwareBands,
  syntheticClusterState,
  type RebalanceOptions,
} from '../../../src/core/rebalance/index.js'
import {checkPlanShape, expectedCountBound, leaderCounts, partitionViolations, rackMap, replicaCounts, spread} from './helpers.js'
import {thrownFleetopsError} from '../../support/thrown-fleetops-error.js'

/** n brokers, every partition on the listed brokers. */
function cluster(brokers: Array<{id: number; rack?: string; alive?: boolean}>, partitions: number[][], size = 100) {
  return parseClusterState({
    brokers,
    partitions: partitions.map((replicas, i) => ({topic: 't', partition: i, replicas, size: size * (i + 1)})),
  })
}

describe('lower bounds', () => {
  test('count bound needs both sums: [10,10,10,0] takes 7 moves, not 6', () => {
    expect(countLowerBound([10, 10, 10, 0])).toBe(7)
    expect(countLowerBound([5, 5, 5])).toBe(0)
    expect(countLowerBound([])).toBe(0)
  })

  test('add bound: new brokers must reach ⌊R/n⌋, old surplus drains while they have room', () => {
    // R=30, n=4: new broker needs 7.
    expect(addLowerBound([10, 10, 10], [0])).toBe(7)
    // R=20, n=3, ⌈R/n⌉=7: the old 20 has 13 surplus but the new broker only has room for 7.
    expect(addLowerBound([20, 0], [0])).toBe(7)
  })

  test('rack bands cap a small rack at one replica per partition', () => {
    // 10 partitions RF 2 on racks of 1 and 4 brokers: the lone broker can hold at most 10.
    const bands = rackAwareBands([1, 4], 20, 10)
    expect(bands[0]).toEqual({lower: 10, upper: 10})
    expect(bands[1]).toEqual({lower: 2, upper: 3})
  })
})

describe('planRebalance examples', () => {
  test('the [10,10,10,0] cluster is balanced in exactly 7 moves, leaders too', () => {
    const parts = Array.from({length: 10}, () => [1, 2, 3])
    const state = cluster([{id: 1}, {id: 2}, {id: 3}, {id: 4}], parts)
    const plan = planRebalance(state)
    const after = checkPlanShape(state, plan)
    expect(plan.summary.moves).toBe(7)
    expect(replicaCounts(after, [1, 2, 3, 4]).sort()).toEqual([7, 7, 8, 8])
    expect(spread(leaderCounts(after, [1, 2, 3, 4]))).toBeLessThanOrEqual(1)
    expect(plan.summary.brokers.find((b) => b.id === 4)).toMatchObject({before: {replicas: 0}, after: {replicas: expect.any(Number)}})
  })

  test('a balanced cluster gives an empty plan, not an error', () => {
    const state = cluster([{id: 1}, {id: 2}], [[1, 2], [2, 1]])
    const plan = planRebalance(state)
    expect(plan.reassignment).toEqual({version: 1, partitions: []})
    expect(plan.original).toEqual({version: 1, partitions: []})
    expect(plan.summary.moves).toBe(0)
  })

  test('leaders are balanced by reordering replicas only', () => {
    const state = cluster([{id: 1}, {id: 2}], [[1, 2], [1, 2], [1, 2], [1, 2]])
    const plan = planRebalance(state)
    expect(plan.summary.moves).toBe(0)
    expect(plan.summary.leaderChanges).toBe(2)
    expect(plan.summary.leaderLowerBound).toBe(2)
    expect(plan.reassignment.partitions.map((p) => p.replicas)).toEqual([
      [2, 1],
      [2, 1],
    ])
  })

  test('fixes an existing rack violation and reports the cost', () => {
    const state = cluster(
      [
        {id: 1, rack: 'a'},
        {id: 2, rack: 'a'},
        {id: 3, rack: 'b'},
        {id: 4, rack: 'b'},
      ],
      [
        [1, 2],
        [3, 1],
        [4, 2],
        [3, 2],
      ],
    )
    const plan = planRebalance(state)
    const after = checkPlanShape(state, plan)
    expect(plan.summary.rackViolationsBefore).toBe(1)
    expect(plan.summary.rackViolationsAfter).toBe(0)
    expect(plan.summary.rackFixMoves).toBe(1)
    expect(after.partitions.every((p) => partitionViolations(p.replicas, rackMap(state)) === 0)).toBe(true)
  })

  test('unequal racks: says the plain bound is unreachable and gives the bound with racks', () => {
    // RF 2 over racks {1} and {2,3,4}: broker 1 must hold one replica of every partition.
    const parts = Array.from({length: 8}, (_, i) => [1, 2 + (i % 3)])
    const state = cluster([{id: 1, rack: 'a'}, {id: 2, rack: 'b'}, {id: 3, rack: 'b'}, {id: 4, rack: 'b'}], parts)
    const plan = planRebalance(state)
    expect(plan.summary.lowerBound).toBe(expectedCountBound(replicaCounts(state, [1, 2, 3, 4])))
    expect(plan.summary.lowerBoundWithRacks).toBe(0)
    expect(plan.summary.moves).toBe(0)
    expect(plan.summary.warnings.join('\n')).toMatch(/racks change the minimum/)
    // 8 on broker 1 and 3/3/2 on the others: no rack-clean placement does better, and the warning says so.
    expect(replicaCounts(checkPlanShape(state, plan), [1, 2, 3, 4])).toEqual([8, 3, 3, 2])
    expect(plan.summary.warnings.join('\n')).toMatch(/replica counts still differ by 6, the least any placement allows/)
  })

  test('brokers without a rack in a racked cluster are each their own rack, with a warning', () => {
    const state = cluster([{id: 1, rack: 'a'}, {id: 2}, {id: 3}], [[1, 2], [2, 3], [3, 1]])
    const plan = planRebalance(state)
    expect(plan.summary.rackAware).toBe(true)
    expect(plan.summary.warnings.join('\n')).toMatch(/brokers 2,3 have no rack/)
  })

  test('balanceBy size moves small partitions and narrows the byte gap', () => {
    const parts = [
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
      [3, 4],
    ]
    const state = cluster([{id: 1}, {id: 2}, {id: 3}, {id: 4}], parts, 1000)
    const plan = planRebalance(state, {balanceBy: 'size'})
    const after = checkPlanShape(state, plan)
    const bytes = (s: {partitions: ReadonlyArray<{replicas: readonly number[]; size?: number}>}) => [1, 2, 3, 4].map((id) => s.partitions.filter((p) => p.replicas.includes(id)).reduce((a, p) => a + (p.size ?? 0), 0))
    expect(spread(bytes(after))).toBeLessThan(spread(bytes(state)))
  })

  test('balanceBy size without any sizes falls back to counts and says so', () => {
    const state = parseClusterState({brokers: [{id: 1}, {id: 2}], partitions: [{topic: 't', partition: 0, replicas: [1]}, {topic: 't', partition: 1, replicas: [1]}]})
    const plan = planRebalance(state, {balanceBy: 'size'})
    expect(plan.summary.moves).toBe(1)
    expect(plan.summary.warnings.join('\n')).toMatch(/no partition has a size/)
  })

  test('remove mode pulls in filtered-out partitions that sit on removed brokers, and warns', () => {
    const state = parseClusterState({
      brokers: [{id: 1}, {id: 2}, {id: 3}],
      partitions: [
        {topic: 'keep', partition: 0, replicas: [3, 1]},
        {topic: 'other', partition: 0, replicas: [1, 2]},
      ],
    })
    const plan = planRebalance(state, {mode: 'remove', removeBrokers: [3], topics: /^other$/})
    expect(plan.reassignment.partitions.map((p) => p.topic)).toContain('keep')
    expect(plan.summary.warnings.join('\n')).toMatch(/1 partitions outside --topics/)
  })
})

describe('planRebalance safety validation', () => {
  const three = () => cluster([{id: 1}, {id: 2}, {id: 3, alive: false}], [[1, 2, 3]])

  const refusals: Array<[string, () => unknown, string, RegExp]> = [
    ['a dead broker in balance mode', () => planRebalance(three()), 'UNSAFE', /broker 3 is marked alive:false/],
    ['adding a dead broker', () => planRebalance(three(), {mode: 'add', addBrokers: [3]}), 'UNSAFE', /--add-brokers is marked alive:false/],
    ['adding an unknown broker', () => planRebalance(three(), {mode: 'add', addBrokers: [9]}), 'BAD_INPUT', /broker 9, which is not in the cluster state/],
    ['removing an unknown broker', () => planRebalance(three(), {mode: 'remove', removeBrokers: [9]}), 'BAD_INPUT', /broker 9/],
    ['add mode without brokers', () => planRebalance(three(), {mode: 'add'}), 'BAD_INPUT', /--add-brokers/],
    ['remove mode without brokers', () => planRebalance(three(), {mode: 'remove'}), 'BAD_INPUT', /--remove-brokers/],
    ['duplicate ids', () => planRebalance(three(), {mode: 'remove', removeBrokers: [3, 3]}), 'BAD_INPUT', /twice/],
    ['removing too many for RF', () => planRebalance(three(), {mode: 'remove', removeBrokers: [3, 2]}), 'UNSAFE', /only 1 brokers would remain/],
    ['removing every broker', () => planRebalance(three(), {mode: 'remove', removeBrokers: [1, 2, 3]}), 'UNSAFE', /every broker/],
    ['an unknown mode', () => planRebalance(three(), {mode: 'shuffle'} as unknown as RebalanceOptions), 'BAD_INPUT', /not one of balance, add, remove/],
    [
      'RF above the number of racks',
      () => planRebalance(cluster([{id: 1, rack: 'a'}, {id: 2, rack: 'a'}, {id: 3, rack: 'b'}], [[1, 2, 3]])),
      'UNSAFE',
      /span only 2 racks.*--ignore-racks/,
    ],
  ]
  test.each(refusals)('refuses %s', (_name, run, code, pattern) => {
    const err = thrownFleetopsError(run)
    expect(err.code).toBe(code)
    expect(err.exit).toBe(2)
    expect(err.message).toMatch(pattern)
  })

  test('ignoreRacks plans a cluster with fewer racks than RF and reports the violations', () => {
    const state = cluster([{id: 1, rack: 'a'}, {id: 2, rack: 'a'}, {id: 3, rack: 'b'}], [[1, 2, 3]])
    const plan = planRebalance(state, {ignoreRacks: true})
    expect(plan.summary.rackAware).toBe(false)
    expect(plan.summary.rackViolationsAfter).toBe(1)
  })

  test('a /g regex filter gives the same answer every time', () => {
    const state = cluster([{id: 1}, {id: 2}], [[1], [1], [1], [1]])
    const topics = /t/g
    const a = planRebalance(state, {topics})
    const b = planRebalance(state, {topics})
    expect(b).toEqual(a)
    expect(a.summary.moves).toBe(2)
  })
})

describe('large clusters', () => {
  test('100,000 partitions, RF 3, 100 brokers in 4 racks: a valid, minimal, rack-clean, idempotent plan', () => {
    const state = syntheticClusterState({brokers: 100, partitions: 100_000, rf: 3, racks: 4, seed: 42, skew: 0.3})
    const ids = state.brokers.map((b) => b.id)
    const plan = planRebalance(state)
    const after = checkPlanShape(state, plan)
    expect(plan.summary.moves).toBe(expectedCountBound(replicaCounts(state, ids)))
    expect(spread(replicaCounts(after, ids))).toBeLessThanOrEqual(1)
    expect(spread(leaderCounts(after, ids))).toBeLessThanOrEqual(1)
    expect(plan.summary.rackViolationsAfter).toBe(0)
    expect(planRebalance(parseClusterState(after)).reassignment.partitions).toHaveLength(0)
  })

  test('syntheticClusterState is deterministic per seed and rack-clean when racks >= RF', () => {
    const a = syntheticClusterState({brokers: 12, partitions: 500, rf: 3, racks: 3, seed: 5, skew: 0.5})
    expect(syntheticClusterState({brokers: 12, partitions: 500, rf: 3, racks: 3, seed: 5, skew: 0.5})).toEqual(a)
    expect(syntheticClusterState({brokers: 12, partitions: 500, rf: 3, racks: 3, seed: 6, skew: 0.5})).not.toEqual(a)
    const racks = rackMap(a)
    expect(a.partitions.every((p) => partitionViolations(p.replicas, racks) === 0)).toBe(true)
    expect(parseClusterState(JSON.parse(JSON.stringify(a)))).toEqual(a)
  })
})

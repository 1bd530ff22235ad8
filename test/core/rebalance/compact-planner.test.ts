import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {planCompact} from '../../../src/core/rebalance/compact-planner.js'
import {compactFromState, parseClusterState, planRebalanceGeneral, syntheticClusterState, type ClusterState} from '../../../src/core/rebalance/index.js'
import {balanceLeadersFlat} from '../../../src/core/rebalance/leaders-flat.js'
import {applyPlan, checkPlanShape, clusterArb, leaderCounts, partitionViolations, rackMap, replicaCounts, spread} from './helpers.js'

const RUNS = {numRuns: Number(process.env.PROP_RUNS ?? 150), ...(process.env.PROP_SEED ? {seed: Number(process.env.PROP_SEED)} : {})}

describe('planCompact: the count rebalance on columns', () => {
  test('a plan it returns is valid, moves exactly the bound, and agrees with the general path on every bound and leader spread', () => {
    fc.assert(
      fc.property(clusterArb, fc.boolean(), ({raw, rf, rackCount}, ignoreRacks) => {
        const state = parseClusterState(raw)
        const options = {ignoreRacks}
        const plan = planCompact(compactFromState(state), options)
        const racksLimit = rackCount > 0 && !ignoreRacks && rf > rackCount && state.partitions.length > 0
        // Without racks the greedy never gets stuck: the compact planner must not decline.
        if (rackCount === 0 || ignoreRacks) expect(plan).not.toBeNull()
        if (plan === null || racksLimit) return
        const after = checkPlanShape(state, plan)
        const ids = state.brokers.map((b) => b.id)
        expect(plan.summary.moves).toBe(plan.summary.lowerBound)
        expect(spread(replicaCounts(after, ids))).toBeLessThanOrEqual(1)
        const racks = rackMap(state)
        for (const p of after.partitions) if (!ignoreRacks && rackCount > 0) expect(partitionViolations(p.replicas, racks)).toBe(0)
        const reference = planRebalanceGeneral(state, options)
        const s = plan.summary
        const r = reference.summary
        // The general path may spend a move more where racks bind (seed 1851672144: 16 against a
        // bound of 15); the compact one plans to the bound, so it never moves more.
        expect(s.moves).toBeLessThanOrEqual(r.moves)
        for (const key of ['mode', 'balanceBy', 'rackAware', 'partitionsConsidered', 'lowerBound', 'lowerBoundWithRacks', 'leaderLowerBound', 'bytesLowerBound', 'rackViolationsBefore'] as const) {
          expect(s[key], key).toEqual(r[key])
        }
        expect(spread(leaderCounts(after, ids))).toBeLessThanOrEqual(spread(leaderCounts(applyPlan(state, reference), ids)))
        // With racks ignored, the two paths' different moves may leave different numbers of shared racks (reported, not planned for).
        if (!ignoreRacks || rackCount === 0) {
          expect(s.rackViolationsAfter).toBe(r.rackViolationsAfter)
          expect(s.warnings).toEqual(r.warnings)
        }
        // Planning again on the result changes nothing.
        const again = planCompact(compactFromState(parseClusterState(after)), options)
        expect(again?.summary.moves ?? 0).toBe(0)
        expect(again?.reassignment.partitions ?? []).toEqual([])
      }),
      RUNS,
    )
  })

  test('declines what it does not plan: other modes, bytes, dead brokers, rack violations', () => {
    const state: ClusterState = parseClusterState({
      brokers: [
        {id: 1, rack: 'a'},
        {id: 2, rack: 'a'},
        {id: 3, rack: 'b'},
      ],
      partitions: [
        {topic: 't', partition: 0, replicas: [1, 2], size: 5},
        {topic: 't', partition: 1, replicas: [1, 3], size: 5},
      ],
    })
    const cs = compactFromState(state)
    expect(planCompact(cs, {mode: 'remove', removeBrokers: [3]})).toBeNull()
    expect(planCompact(cs, {balanceBy: 'size'})).toBeNull()
    expect(planCompact(cs)).toBeNull()
    expect(planCompact(cs, {ignoreRacks: true})).not.toBeNull()
    const dead = compactFromState(parseClusterState({brokers: [{id: 1}, {id: 2, alive: false}], partitions: []}))
    expect(planCompact(dead)).toBeNull()
  })

  test('new empty brokers: moves equal the bound and leader changes stay within 1 % of the leader bound', () => {
    const state = syntheticClusterState({brokers: 200, partitions: 100_000, rf: 3, racks: 10, newBrokers: 20, seed: 7})
    const plan = planCompact(compactFromState(state))
    expect(plan).not.toBeNull()
    const s = plan!.summary
    expect(s.lowerBound).toBe(30_000)
    expect(s.moves).toBe(s.lowerBound)
    expect(s.leaderLowerBound).toBeGreaterThanOrEqual(10_000)
    expect(s.leaderChanges).toBeGreaterThanOrEqual(s.leaderLowerBound)
    expect(s.leaderChanges).toBeLessThanOrEqual(Math.floor(s.leaderLowerBound * 1.01))
    expect(s.rackViolationsAfter).toBe(0)
    const after = applyPlan(state, plan!)
    const ids = state.brokers.map((b) => b.id)
    expect(spread(replicaCounts(after, ids))).toBeLessThanOrEqual(1)
    expect(spread(leaderCounts(after, ids))).toBeLessThanOrEqual(1)
  })
})

/** Whether some choice of one leader per partition (among its replicas) puts every broker within [⌊P/n⌋, ⌈P/n⌉]. */
function balanceable(replicas: number[][], n: number): boolean {
  const lower = Math.floor(replicas.length / n)
  const upper = Math.ceil(replicas.length / n)
  const counts = new Array<number>(n).fill(0)
  const go = (p: number): boolean => {
    if (p === replicas.length) return counts.every((c) => c >= lower && c <= upper)
    for (const b of replicas[p]) {
      if (counts[b] >= upper) continue
      counts[b]++
      if (go(p + 1)) return true
      counts[b]--
    }
    return false
  }
  return go(0)
}

describe('balanceLeadersFlat', () => {
  const instance = fc.integer({min: 1, max: 5}).chain((n) =>
    fc.record({
      n: fc.constant(n),
      replicas: fc.array(fc.uniqueArray(fc.integer({min: 0, max: n - 1}), {minLength: 1, maxLength: n}), {maxLength: 9}),
    }),
  )

  test('keeps every replica set, and balances leaders whenever any choice of leaders is balanced', () => {
    fc.assert(
      fc.property(instance, ({n, replicas}) => {
        const start = new Int32Array(replicas.length + 1)
        replicas.forEach((r, p) => (start[p + 1] = start[p] + r.length))
        const reps = new Int32Array(start[replicas.length])
        replicas.forEach((r, p) => reps.set(r, start[p]))
        const parts = Int32Array.from(replicas.keys())
        balanceLeadersFlat(start, reps, parts, n, new Uint8Array(n).fill(1))
        const after = replicas.map((_, p) => Array.from(reps.subarray(start[p], start[p + 1])))
        after.forEach((r, p) => expect([...r].sort()).toEqual([...replicas[p]].sort()))
        if (balanceable(replicas, n)) {
          const counts = new Array<number>(n).fill(0)
          for (const r of after) counts[r[0]]++
          const lower = Math.floor(replicas.length / n)
          const upper = Math.ceil(replicas.length / n)
          for (const c of counts) {
            expect(c).toBeGreaterThanOrEqual(lower)
            expect(c).toBeLessThanOrEqual(upper)
          }
        }
      }),
      {numRuns: Number(process.env.PROP_RUNS ?? 400)},
    )
  })
})

import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {parseClusterState, planRebalance, type ClusterState, type RebalanceOptions} from '../../../src/core/rebalance/index.js'
import {
  applyPlan,
  byteCounts,
  checkPlanShape,
  clusterArb,
  expectedCountBound,
  improvingChain,
  leaderCounts,
  partitionViolations,
  rackCountBand,
  rackMap,
  replicaCounts,
  spread,
  type RawState,
} from './helpers.js'

const RUNS = {numRuns: Number(process.env.PROP_RUNS ?? 120)}

/** Plans, or returns the UNSAFE error when racks are fewer than the replication factor. */
function planOrUnsafe(state: ClusterState, options: RebalanceOptions, rf: number, racks: number) {
  if (racks > 0 && rf > racks && !options.ignoreRacks && state.partitions.length > 0) {
    expect(() => planRebalance(state, options)).toThrow(expect.objectContaining({code: 'UNSAFE', exit: 2}))
    return null
  }
  return planRebalance(state, options)
}

function expectIdempotent(after: RawState, options: RebalanceOptions): void {
  const again = planRebalance(parseClusterState(after), options)
  expect(again.reassignment.partitions).toEqual([])
  expect(again.summary.moves).toBe(0)
}

/** Brokers whose replica count lies outside their band, as "id:count∉[lower,upper]". */
function outsideBand(after: RawState, band: Map<number, [number, number]>, ids: number[]): string[] {
  const counts = replicaCounts(after, ids)
  return ids.flatMap((id, i) => {
    const [lower, upper] = band.get(id) as [number, number]
    return counts[i] < lower || counts[i] > upper ? [`${id}:${counts[i]}∉[${lower},${upper}]`] : []
  })
}

/** clusterArb with some partitions' replica lists cut short, so replication factors differ. */
const mixedRfArb = fc
  .tuple(clusterArb, fc.array(fc.integer({min: 0, max: 3}), {minLength: 60, maxLength: 60}))
  .map(([{raw, rackCount}, cuts]) => {
    const partitions = raw.partitions.map((p, i) => ({...p, replicas: p.replicas.slice(0, Math.max(1, p.replicas.length - cuts[i]))}))
    return {raw: {...raw, partitions}, widest: Math.max(0, ...partitions.map((p) => p.replicas.length)), rackCount}
  })

function reversed(raw: RawState): RawState {
  return {brokers: [...raw.brokers].reverse(), partitions: [...raw.partitions].reverse()}
}

/** No legal single move (rack-safe) goes from a broker to one holding 2+ fewer replicas. */
function noImprovingMoveLeft(after: RawState, ids: number[]): void {
  const racks = rackMap(after)
  const counts = new Map(ids.map((id, i) => [id, replicaCounts(after, ids)[i]]))
  for (const b of ids) {
    for (const d of ids) {
      if ((counts.get(b) as number) - (counts.get(d) as number) < 2) continue
      for (const p of after.partitions) {
        if (!p.replicas.includes(b) || p.replicas.includes(d)) continue
        const moved = p.replicas.map((x) => (x === b ? d : x))
        const worse = partitionViolations(moved, racks) > partitionViolations(p.replicas, racks)
        expect(worse, `partition ${p.topic}-${p.partition} could move ${b}→${d}`).toBe(true)
      }
    }
  }
}

describe('planRebalance balance mode (count)', () => {
  test('rack-unaware: moves equal the lower bound; replica and leader counts end within 1', () => {
    fc.assert(
      fc.property(clusterArb, ({raw}) => {
        const state = parseClusterState(raw)
        const ids = state.brokers.map((b) => b.id)
        const plan = planRebalance(state, {ignoreRacks: true})
        const after = checkPlanShape(state, plan)
        const bound = expectedCountBound(replicaCounts(state, ids))
        expect(plan.summary.lowerBound).toBe(bound)
        expect(plan.summary.moves).toBe(bound)
        expect(spread(replicaCounts(after, ids))).toBeLessThanOrEqual(1)
        expect(spread(leaderCounts(after, ids))).toBeLessThanOrEqual(1)
        expectIdempotent(after, {ignoreRacks: true})
      }),
      RUNS,
    )
  })

  test('rack-aware: no new violations, none left when racks >= RF, no improving move left', () => {
    fc.assert(
      fc.property(clusterArb, ({raw, rf, rackCount}) => {
        const state = parseClusterState(raw)
        const ids = state.brokers.map((b) => b.id)
        const plan = planOrUnsafe(state, {}, rf, rackCount)
        if (!plan) return
        const after = checkPlanShape(state, plan)
        const racks = rackMap(state)
        let before = 0
        state.partitions.forEach((p, i) => {
          const v0 = partitionViolations(p.replicas, racks)
          const v1 = partitionViolations(after.partitions[i].replicas, racks)
          before += v0
          expect(v1).toBeLessThanOrEqual(v0)
          if (rackCount > 0) expect(v1).toBe(0)
        })
        expect(plan.summary.rackViolationsBefore).toBe(before)
        expect(plan.summary.rackViolationsAfter).toBe(0)
        // Each violation needs its own move; count balancing without racks is exact.
        expect(plan.summary.moves).toBeGreaterThanOrEqual(before)
        if (rackCount === 0) expect(plan.summary.moves).toBe(expectedCountBound(replicaCounts(state, ids)))
        expect(plan.summary.moves).toBeGreaterThanOrEqual(plan.summary.rackFixMoves)
        noImprovingMoveLeft(after, ids)
        // Neither a move nor a chain of moves narrows a gap of 2+, so the counts are as even as racks allow;
        // with one replication factor for every partition that is the rack-aware band.
        expect(improvingChain(after, ids)).toBeNull()
        expect(outsideBand(after, rackCountBand(state), ids)).toEqual([])
        // Reaching the band takes at least the band's bound: a move lowers one count by 1 and raises one by 1.
        expect(plan.summary.moves).toBeGreaterThanOrEqual(plan.summary.lowerBoundWithRacks)
        expect(spread(leaderCounts(after, ids))).toBeLessThanOrEqual(1)
        expectIdempotent(after, {})
      }),
      RUNS,
    )
  })

  test('rack-aware, mixed replication factors: counts as even as racks allow; the band bound holds once counts reach the band', () => {
    fc.assert(
      fc.property(mixedRfArb, ({raw, widest, rackCount}) => {
        const state = parseClusterState(raw)
        const ids = state.brokers.map((b) => b.id)
        const plan = planOrUnsafe(state, {}, widest, rackCount)
        if (!plan) return
        const after = checkPlanShape(state, plan)
        expect(plan.summary.rackViolationsAfter).toBe(0)
        noImprovingMoveLeft(after, ids)
        expect(improvingChain(after, ids)).toBeNull()
        // With mixed replication factors the band can be out of reach (a rack may be unable to take its share
        // when too few partitions span enough racks); the bound is a bound on reaching the band.
        if (outsideBand(after, rackCountBand(state), ids).length === 0) {
          expect(plan.summary.moves).toBeGreaterThanOrEqual(plan.summary.lowerBoundWithRacks)
        }
        const gap = spread(replicaCounts(after, ids))
        if (gap > 1) expect(plan.summary.warnings.join('\n')).toContain(`replica counts still differ by ${gap}, the least any placement allows`)
        expectIdempotent(after, {})
      }),
      RUNS,
    )
  })

  test('rack-aware: a chain of moves escapes where no single move helps, and reaches 3 replicas everywhere', () => {
    // Found by fast-check. Single improving moves alone stop with broker 2 (rack r0) at 4 replicas and broker 5
    // (r1) at 2, and every partition left on 2 already has a replica in r1. Moving one of them 2 → 4 (same rack)
    // and a partition without an r1 replica 4 → 5 keeps broker 4 at 3; 21 replicas over 7 brokers is 3 each.
    const state = parseClusterState({
      brokers: [
        {id: 2, rack: 'r0'},
        {id: 0, rack: 'r1'},
        {id: 1, rack: 'r2'},
        {id: 3, rack: 'r3'},
        {id: 4, rack: 'r0'},
        {id: 5, rack: 'r1'},
        {id: 6, rack: 'r2'},
      ],
      partitions: [
        {topic: 't0', partition: 0, replicas: [2, 0, 1], size: 0},
        {topic: 't0', partition: 1, replicas: [2, 5, 0], size: 1},
        {topic: 't0', partition: 2, replicas: [2, 0, 1], size: 0},
        {topic: 't0', partition: 3, replicas: [6, 2, 0], size: 0},
        {topic: 't0', partition: 4, replicas: [2, 0, 1], size: 0},
        {topic: 't0', partition: 5, replicas: [2, 6, 0], size: 0},
        {topic: 't0', partition: 6, replicas: [2, 6, 0], size: 0},
      ],
    })
    const ids = [0, 1, 2, 3, 4, 5, 6]
    const plan = planRebalance(state)
    const after = checkPlanShape(state, plan)
    expect(replicaCounts(after, ids)).toEqual([3, 3, 3, 3, 3, 3, 3])
    expect(after.partitions.every((p) => partitionViolations(p.replicas, rackMap(state)) === 0)).toBe(true)
    expect(plan.summary.lowerBoundWithRacks).toBe(8)
    expect(plan.summary.moves).toBe(8)
    expect(plan.summary.warnings).toEqual([])
    expectIdempotent(after, {})
  })

  test('deterministic: same input, or the same cluster listed in another order, gives the same plan', () => {
    fc.assert(
      fc.property(clusterArb, fc.constantFrom<'count' | 'size'>('count', 'size'), ({raw, rf, rackCount}, balanceBy) => {
        const options: RebalanceOptions = {balanceBy, ignoreRacks: rackCount > 0 && rf > rackCount}
        const first = planRebalance(parseClusterState(raw), options)
        const second = planRebalance(parseClusterState(structuredClone(raw)), options)
        const shuffled = planRebalance(parseClusterState(reversed(raw)), options)
        expect(JSON.stringify(second)).toBe(JSON.stringify(first))
        expect(JSON.stringify(shuffled)).toBe(JSON.stringify(first))
      }),
      {numRuns: 60},
    )
  })

  test('topic filters: unselected partitions never move; selected ones are balanced among themselves', () => {
    fc.assert(
      fc.property(clusterArb, fc.integer({min: 0, max: 3}), ({raw}, topic) => {
        const state = parseClusterState(raw)
        const ids = state.brokers.map((b) => b.id)
        const options: RebalanceOptions = {ignoreRacks: true, excludeTopics: new RegExp(`^t${topic}$`)}
        const plan = planRebalance(state, options)
        const after = checkPlanShape(state, plan)
        for (const p of plan.reassignment.partitions) expect(p.topic).not.toBe(`t${topic}`)
        const selected = (s: RawState | ClusterState) => ({partitions: s.partitions.filter((p) => p.topic !== `t${topic}`)})
        expect(plan.summary.moves).toBe(expectedCountBound(replicaCounts(selected(state), ids)))
        expect(spread(replicaCounts(selected(after), ids))).toBeLessThanOrEqual(1)
        expectIdempotent(after, options)
      }),
      {numRuns: 60},
    )
  })
})

describe('planRebalance add mode', () => {
  const addArb = fc.tuple(clusterArb, fc.integer({min: 1, max: 3}))

  test('moves only onto the new brokers, fills them to ⌊R/n⌋ with the minimum number of moves', () => {
    fc.assert(
      fc.property(addArb, ([{raw, rf, rackCount}, extra]) => {
        const maxId = Math.max(...raw.brokers.map((b) => b.id))
        const added = Array.from({length: extra}, (_, i) => maxId + 1 + i)
        const withNew: RawState = {
          ...raw,
          brokers: [...raw.brokers, ...added.map((id, i) => ({id, ...(rackCount > 0 ? {rack: `r${i % rackCount}`} : {})}))],
        }
        const state = parseClusterState(withNew)
        const options: RebalanceOptions = {mode: 'add', addBrokers: added}
        const plan = planOrUnsafe(state, options, rf, rackCount)
        if (!plan) return
        const after = checkPlanShape(state, plan)
        const racks = rackMap(state)
        state.partitions.forEach((p, i) => {
          const now = after.partitions[i].replicas
          for (const b of now) if (!p.replicas.includes(b)) expect(added).toContain(b)
          for (const b of p.replicas) if (!now.includes(b)) expect(added).not.toContain(b)
          expect(partitionViolations(now, racks)).toBeLessThanOrEqual(partitionViolations(p.replicas, racks))
        })
        const ids = state.brokers.map((b) => b.id)
        const counts = replicaCounts(state, ids)
        const total = counts.reduce((a, b) => a + b, 0)
        const lo = Math.floor(total / ids.length)
        const hi = Math.ceil(total / ids.length)
        if (rackCount === 0) {
          // New brokers start empty: they need lo each; old surplus above hi also has to go to them.
          const need = added.length * lo
          const surplus = counts.slice(0, raw.brokers.length).reduce((a, c) => a + Math.max(0, c - hi), 0)
          expect(plan.summary.moves).toBe(Math.max(need, Math.min(surplus, added.length * hi)))
          for (const c of replicaCounts(after, added)) expect(c).toBeGreaterThanOrEqual(lo)
        }
        expectIdempotent(after, options)
      }),
      RUNS,
    )
  })
})

describe('planRebalance remove mode', () => {
  const removeArb = fc.tuple(clusterArb, fc.array(fc.boolean(), {minLength: 20, maxLength: 20}))

  test('empties the removed brokers, moving exactly their replicas and nothing else', () => {
    fc.assert(
      fc.property(removeArb, ([{raw, rf, rackCount}, flags]) => {
        const removed = raw.brokers.map((b) => b.id).filter((_, i) => flags[i])
        const kept = raw.brokers.filter((b) => !removed.includes(b.id))
        if (removed.length === 0) return
        const state = parseClusterState(raw)
        const options: RebalanceOptions = {mode: 'remove', removeBrokers: removed}
        const keptRacks = new Set(kept.map((b) => b.rack)).size
        const touchesRemoved = state.partitions.some((p) => p.replicas.some((b) => removed.includes(b)))
        if (kept.length === 0 || (kept.length < rf && touchesRemoved)) {
          expect(() => planRebalance(state, options)).toThrow(expect.objectContaining({code: 'UNSAFE'}))
          return
        }
        const plan = planOrUnsafe(state, options, state.partitions.length > 0 ? rf : 0, rackCount > 0 ? keptRacks : 0)
        if (!plan) return
        const after = checkPlanShape(state, plan)
        const onRemoved = replicaCounts(state, removed).reduce((a, b) => a + b, 0)
        expect(plan.summary.moves).toBe(onRemoved)
        expect(plan.summary.lowerBound).toBe(onRemoved)
        expect(replicaCounts(after, removed).every((c) => c === 0)).toBe(true)
        const racks = rackMap(state)
        state.partitions.forEach((p, i) => {
          const now = after.partitions[i].replicas
          for (const b of p.replicas) if (!now.includes(b)) expect(removed).toContain(b)
          for (const b of now) if (!p.replicas.includes(b)) expect(removed).not.toContain(b)
          expect(partitionViolations(now, racks)).toBeLessThanOrEqual(partitionViolations(p.replicas, racks))
        })
        expectIdempotent(after, options)
      }),
      RUNS,
    )
  })
})

describe('planRebalance balanceBy size', () => {
  test('never widens the byte gap, keeps counts in the documented band, keeps racks, is idempotent', () => {
    fc.assert(
      fc.property(clusterArb, ({raw, rf, rackCount}) => {
        const state = parseClusterState(raw)
        const ids = state.brokers.map((b) => b.id)
        const options: RebalanceOptions = {balanceBy: 'size', ignoreRacks: rackCount > 0 && rf > rackCount}
        const plan = planRebalance(state, options)
        const after = checkPlanShape(state, plan)
        const racks = rackMap(state)
        const violationsBefore = state.partitions.reduce((a, p) => a + partitionViolations(p.replicas, racks), 0)
        if (options.ignoreRacks || violationsBefore === 0) {
          // Every byte move goes from a heavier to a lighter broker and lands both inside the old pair's range.
          expect(spread(byteCounts(after, ids))).toBeLessThanOrEqual(spread(byteCounts(state, ids)))
        } else {
          // Rack repairs are mandatory and may widen the gap (see the witness below); they must all be made.
          const violationsAfter = after.partitions.reduce((a, p) => a + partitionViolations(p.replicas, racks), 0)
          expect(violationsAfter).toBe(0)
        }
        const counts = replicaCounts(state, ids)
        const total = counts.reduce((a, b) => a + b, 0)
        // Documented band: ⌊R/n⌋..⌈R/n⌉ widened by max(1, ⌈10% of R/n⌉).
        const slack = Math.max(1, Math.ceil((total / ids.length) * 0.1))
        const countsAfter = replicaCounts(after, ids)
        expect(Math.max(...countsAfter)).toBeLessThanOrEqual(Math.max(...counts, Math.ceil(total / ids.length) + slack))
        expect(Math.min(...countsAfter)).toBeGreaterThanOrEqual(Math.min(...counts, Math.floor(total / ids.length) - slack))
        if (!options.ignoreRacks) {
          state.partitions.forEach((p, i) => {
            expect(partitionViolations(after.partitions[i].replicas, racks)).toBeLessThanOrEqual(partitionViolations(p.replicas, racks))
          })
        }
        expectIdempotent(after, options)
      }),
      RUNS,
    )
    // Size-balanced plans of random clusters, each planned twice: about 20 s alone, over a
    // minute beside the other test files on a loaded 2-core runner; a limit, not a goal.
  }, 240_000)
})

test('balanceBy size: a mandatory rack repair may widen the byte gap, and the plan still repairs it', () => {
  // Rack b holds only broker 3, so it must carry every partition (21 bytes). Before, partition C sits twice
  // in rack a (a violation), so the gap is 20 - 11 = 9; any legal placement puts 21 on broker 3 and splits
  // 21 bytes over brokers 1 and 2, so the best legal gap is 21 - 10 = 11.
  const state = parseClusterState({
    brokers: [
      {id: 1, rack: 'a'},
      {id: 2, rack: 'a'},
      {id: 3, rack: 'b'},
    ],
    partitions: [
      {topic: 't', partition: 0, replicas: [1, 3], size: 10},
      {topic: 't', partition: 1, replicas: [2, 3], size: 10},
      {topic: 't', partition: 2, replicas: [1, 2], size: 1},
    ],
  })
  const plan = planRebalance(state, {balanceBy: 'size'})
  const after = checkPlanShape(state, plan)
  const racks = rackMap(state)
  expect(after.partitions.map((p) => partitionViolations(p.replicas, racks))).toEqual([0, 0, 0])
  expect(byteCounts(after, [1, 2, 3])[2]).toBe(21)
  expect(spread(byteCounts(after, [1, 2, 3]))).toBe(11)
})

test('planning never throws anything but a FleetopsError on valid states', () => {
  fc.assert(
    fc.property(clusterArb, fc.constantFrom<RebalanceOptions>({}, {balanceBy: 'size'}, {ignoreRacks: true}), ({raw}, options) => {
      try {
        planRebalance(parseClusterState(raw), options)
      } catch (err) {
        expect(err).toBeInstanceOf(FleetopsError)
      }
    }),
    {numRuns: 60},
  )
})

test('balanceBy size: a rack repair that empties a broker is followed by moves that restore the count band', () => {
  // Found by the property above (seed -1066077993): partition 2 sits twice in rack r0 (brokers 1 and 4),
  // and only broker 0 is in r3. Evicting broker 4 from it left broker 4 with no replica, below the band
  // ⌊12/5⌋ - 1 = 1, and the byte balancer saw nothing to do (every other partition is empty).
  const state = parseClusterState({
    brokers: [
      {id: 1, rack: 'r0'},
      {id: 2, rack: 'r1'},
      {id: 3, rack: 'r2'},
      {id: 0, rack: 'r3'},
      {id: 4, rack: 'r0'},
    ],
    partitions: [
      {topic: 't0', partition: 0, replicas: [1, 2, 3, 0], size: 0},
      {topic: 't0', partition: 1, replicas: [1, 2, 3, 0], size: 0},
      {topic: 't0', partition: 2, replicas: [1, 2, 3, 4], size: 1},
    ],
  })
  const plan = planRebalance(state, {balanceBy: 'size'})
  const after = checkPlanShape(state, plan)
  const racks = rackMap(state)
  expect(after.partitions.map((p) => partitionViolations(p.replicas, racks))).toEqual([0, 0, 0])
  expect(Math.min(...replicaCounts(after, [0, 1, 2, 3, 4]))).toBeGreaterThanOrEqual(1)
  expectIdempotent(after, {balanceBy: 'size'})
})

import {printable} from '../units.js'
import {compactFromState, stateFromCompact, type CompactClusterState} from './compact-state.js'
import {planCompact} from './compact-planner.js'
import {balanceLeaders} from './leaders.js'
import {addLowerBound, bandLowerBound, countLowerBound, rackAwareBands, removeLowerBound} from './lower-bound.js'
import {PlacementModel} from './model.js'
import {resolveOptions, unsafe, type RebalanceOptions, type ResolvedOptions} from './options.js'
import {brokerBalanceRows, planResult, type PartitionAssignment, type PlanResult} from './plan-types.js'
import {domainsById, partitionRackViolations, rackLayout} from './racks.js'
import {alwaysWanted, balanceBytes, balanceCounts, evacuate, fixRackViolations, type GreedyScope, type LoadMetric} from './replica-moves/index.js'
import {partitionLabel, type ClusterState, type PartitionState} from './state.js'

/** Byte balancing stops once every pair of brokers is within this share of the average. */
const BYTE_TOLERANCE = 0.01
/** Byte balancing may let replica counts drift this share of the average outside ⌊R/n⌋..⌈R/n⌉. */
const COUNT_SLACK = 0.1

/**
 * The partitions a plan may change. Filters select partitions and balance is computed over the
 * selected partitions only; the rest never move. In remove mode every partition with a replica on a
 * removed broker is selected too, because the brokers must end up empty (as Cruise Control does).
 */
function selectScope(state: ClusterState, opts: ResolvedOptions): {scope: PartitionState[]; pulledIn: number} {
  const scope: PartitionState[] = []
  let pulledIn = 0
  for (const p of state.partitions) {
    const selected = (!opts.topics || opts.topics.test(p.topic)) && !(opts.excludeTopics && opts.excludeTopics.test(p.topic))
    if (selected) scope.push(p)
    else if (opts.mode === 'remove' && p.replicas.some((b) => opts.removeBrokers.has(b))) {
      scope.push(p)
      pulledIn++
    }
  }
  return {scope, pulledIn}
}

function checkSafety(state: ClusterState, opts: ResolvedOptions, scope: readonly PartitionState[]): void {
  for (const b of state.brokers) {
    if (b.alive) continue
    if (opts.mode === 'add' && opts.addBrokers.has(b.id)) {
      throw unsafe(`broker ${b.id} in --add-brokers is marked alive:false; start it and re-read the cluster state before adding it`)
    }
    if (opts.mode === 'balance' || (opts.mode === 'remove' && !opts.removeBrokers.has(b.id))) {
      throw unsafe(
        `broker ${b.id} is marked alive:false and could receive replicas; bring it back, or empty it with --remove-brokers ${b.id}`,
      )
    }
  }
  if (opts.mode === 'remove') {
    const kept = state.brokers.length - opts.removeBrokers.size
    if (kept === 0) throw unsafe('--remove-brokers names every broker, leaving nowhere to put replicas; keep at least one broker')
    for (const p of scope) {
      if (p.replicas.length > kept && p.replicas.some((b) => opts.removeBrokers.has(b))) {
        throw unsafe(
          `partition ${printable(partitionLabel(p))} has ${p.replicas.length} replicas but only ${kept} brokers would remain; remove fewer brokers or lower its replication factor first`,
        )
      }
    }
  }
}

function spread(values: readonly number[]): number {
  if (values.length === 0) return 0
  // A loop, not Math.max(...values): spreading 100,000+ arguments overflows the stack.
  let max = values[0]
  let min = values[0]
  for (const v of values) {
    if (v > max) max = v
    if (v < min) min = v
  }
  return max - min
}

/**
 * Plans a minimal-movement rebalance. Pure and deterministic: the same state and options always
 * give the same plan, and planning again on the planned state gives an empty plan.
 *
 * Phases: (1) remove mode empties the removed brokers; (2) rack violations are fixed where a free
 * rack is reachable; (3) counts (or bytes) are evened out by single improving moves, and in a plain
 * rack-aware count rebalance by chains of moves where no single move helps (replica-moves/balance-counts.ts);
 * (4) preferred leaders are evened out by reordering replica lists, which moves no data.
 */
export function planRebalance(state: ClusterState, options: RebalanceOptions = {}): PlanResult {
  return planCompact(compactFromState(state), options) ?? planRebalanceGeneral(state, options)
}

/** planRebalance on a compact state (a state file read in columns): objects are built only if the general path runs. */
export function planRebalanceCompact(state: CompactClusterState, options: RebalanceOptions = {}): PlanResult {
  return planCompact(state, options) ?? planRebalanceGeneral(stateFromCompact(state), options)
}

/**
 * Every mode and option: the path planCompact (compact-planner.ts) declines to. Exported so that
 * tests can hold the compact planner's plans against it.
 */
export function planRebalanceGeneral(state: ClusterState, options: RebalanceOptions): PlanResult {
  const opts = resolveOptions(state, options)
  const {scope, pulledIn} = selectScope(state, opts)
  checkSafety(state, opts, scope)
  const warnings: string[] = []

  const brokers = state.brokers
  const n = brokers.length
  const indexOf = new Map(brokers.map((b, i) => [b.id, i]))
  const layout = rackLayout(brokers, opts.ignoreRacks)
  const isRemoved = brokers.map((b) => opts.removeBrokers.has(b.id))
  const isAdded = brokers.map((b) => opts.addBrokers.has(b.id))
  const all = brokers.map((_, i) => i)
  const kept = all.filter((i) => !isRemoved[i])

  if (layout.rackAware) {
    const racksLeft = new Set(kept.map((i) => layout.groupOf[i])).size
    const widest = scope.reduce((max, p) => (p.replicas.length > max.replicas.length ? p : max), scope[0])
    if (widest && widest.replicas.length > racksLeft) {
      throw unsafe(
        `partition ${printable(partitionLabel(widest))} has ${widest.replicas.length} replicas but the brokers span only ${racksLeft} racks, so a rack would hold two; add brokers in another rack, or plan with --ignore-racks`,
      )
    }
    if (layout.racklessInMixed.length > 0) {
      warnings.push(
        `brokers ${layout.racklessInMixed.join(',')} have no rack while others do; each is treated as its own rack (Kafka refuses this in rack-aware mode): set broker.rack on every broker`,
      )
    }
  }
  if (pulledIn > 0 && (opts.topics || opts.excludeTopics)) {
    warnings.push(`${pulledIn} partitions outside --topics/--exclude-topics still move because they have replicas on removed brokers`)
  }

  let metric: LoadMetric = opts.balanceBy
  if (metric === 'size') {
    const unknown = scope.filter((p) => p.size === undefined).length
    if (scope.length > 0 && scope.every((p) => !p.size)) {
      warnings.push('no partition has a size, so bytes cannot be balanced; balanced replica counts instead (re-read the state with sizes)')
      metric = 'count'
    } else if (unknown > 0) {
      warnings.push(`${unknown} partitions have no size and count as 0 bytes; re-read the state with sizes for a better plan`)
    }
  }

  const replicas = scope.map((p) => p.replicas.map((id) => indexOf.get(id) as number))
  const sizes = Float64Array.from(scope, (p) => p.size ?? 0)
  const m = new PlacementModel(n, replicas, sizes, layout.groupOf, layout.groupCount, layout.rackAware)

  // Receivers: brokers that may gain replicas and leadership and that count towards the averages.
  const receivers = opts.mode === 'add' ? all : kept
  const countsBefore = Array.from(m.count)
  const bytesBefore = Array.from(m.bytes)
  const totalReplicas = countsBefore.reduce((a, b) => a + b, 0)
  const totalBytes = bytesBefore.reduce((a, b) => a + b, 0)
  const avgCount = receivers.length > 0 ? totalReplicas / receivers.length : 0
  const avgBytes = receivers.length > 0 ? totalBytes / receivers.length : 0
  const lowCount = Math.floor(avgCount)
  const highCount = Math.ceil(avgCount)
  const toleranceBytes = Math.max(1, avgBytes * BYTE_TOLERANCE)

  // Lower bounds, from the state before any move.
  let lowerBound: number
  if (opts.mode === 'remove') lowerBound = removeLowerBound(all.filter((i) => isRemoved[i]).map((i) => countsBefore[i]))
  else if (opts.mode === 'add') {
    lowerBound = addLowerBound(
      all.filter((i) => !isAdded[i]).map((i) => countsBefore[i]),
      all.filter((i) => isAdded[i]).map((i) => countsBefore[i]),
    )
  } else lowerBound = countLowerBound(countsBefore)
  const violationsModelBefore = m.violations
  let lowerBoundWithRacks = lowerBound
  if (layout.rackAware && opts.mode === 'balance') {
    const groupSizes = new Array<number>(layout.groupCount).fill(0)
    for (const i of receivers) groupSizes[layout.groupOf[i]]++
    const bands = rackAwareBands(groupSizes, totalReplicas, scope.length)
    const bandLb = bandLowerBound(
      countsBefore,
      all.map((i) => bands[layout.groupOf[i]].lower),
      all.map((i) => bands[layout.groupOf[i]].upper),
    )
    lowerBoundWithRacks = Math.max(violationsModelBefore, bandLb)
  }
  if (lowerBoundWithRacks !== lowerBound) {
    warnings.push(
      `racks change the minimum: ${lowerBound} moves would balance counts, but with one replica per rack the bound is ${lowerBoundWithRacks} moves`,
    )
  }
  let bytesLowerBound: number
  if (opts.mode === 'remove') bytesLowerBound = all.filter((i) => isRemoved[i]).reduce((a, i) => a + bytesBefore[i], 0)
  else if (opts.mode === 'add') bytesLowerBound = all.filter((i) => isAdded[i]).reduce((a, i) => a + Math.max(0, avgBytes - bytesBefore[i]), 0)
  else bytesLowerBound = all.reduce((a, i) => a + Math.max(0, bytesBefore[i] - avgBytes), 0)

  // Phase 1: empty removed brokers.
  if (opts.mode === 'remove') {
    const {rackWorsened, unplaced} = evacuate(m, all.filter((i) => isRemoved[i]), kept, metric)
    if (rackWorsened > 0) warnings.push(`${rackWorsened} replicas leaving removed brokers had to share a rack with another replica`)
    if (unplaced > 0) warnings.push(`${unplaced} replicas found no broker to move to and stay on removed brokers`)
  }

  // Phase 2: fix existing rack violations with moves the mode allows.
  const canSource = new Uint8Array(n)
  const sources = opts.mode === 'add' ? all.filter((i) => !isAdded[i]) : opts.mode === 'remove' ? all.filter((i) => isRemoved[i]) : all
  for (const i of sources) canSource[i] = 1
  const dests = opts.mode === 'add' ? all.filter((i) => isAdded[i]) : kept
  const rackFixMoves = fixRackViolations(m, canSource, dests, metric)

  // Phase 3: even out counts or bytes.
  let countsAsEvenAsRacksAllow = false
  if (opts.mode !== 'remove') {
    const wants =
      opts.mode === 'balance'
        ? alwaysWanted
        : metric === 'count'
          ? // New brokers fill up to ⌊R/n⌋, and beyond it (never past ⌈R/n⌉) only to drain old brokers above ⌈R/n⌉.
            (b: number, d: number) => m.count[d] < lowCount || (m.count[b] > highCount && m.count[d] < highCount)
          : (b: number, d: number) =>
              m.bytes[d] < avgBytes - toleranceBytes || (m.bytes[b] > avgBytes + toleranceBytes && m.bytes[d] < avgBytes)
    const greedy: GreedyScope = {sources, dests, wants}
    if (metric === 'count') countsAsEvenAsRacksAllow = balanceCounts(m, greedy)
    else {
      const slack = Math.max(1, Math.ceil(avgCount * COUNT_SLACK))
      const finished = balanceBytes(m, greedy, {
        toleranceBytes,
        countLower: lowCount - slack,
        countUpper: highCount + slack,
        maxSteps: 4 * totalReplicas + 1000,
      })
      if (!finished) warnings.push('byte balancing stopped at its step limit; plan again after this one runs')
      // Rack repairs are mandatory and may leave a broker outside the count band, which byte balancing
      // only keeps: move replicas from brokers above it or to brokers below it until none is outside.
      if (rackFixMoves > 0) {
        const lower = lowCount - slack
        const upper = highCount + slack
        balanceCounts(m, {...greedy, wants: (b, d) => greedy.wants(b, d) && (m.count[b] > upper || m.count[d] < lower)})
      }
    }
  }

  // Phase 4: even out preferred leaders among live brokers that keep replicas.
  const leaderEligible = new Uint8Array(n)
  for (const i of all) if (!isRemoved[i] && brokers[i].alive) leaderEligible[i] = 1
  const leadersBefore = new Array<number>(n).fill(0)
  for (const p of scope) leadersBefore[indexOf.get(p.replicas[0]) as number]++
  balanceLeaders(m.replicas, n, leaderEligible)

  // Result.
  const targets: PartitionAssignment[] = []
  const originals: PartitionAssignment[] = []
  let moves = 0
  let bytesToMove = 0
  let leaderChanges = 0
  const after = m.replicas.map((reps) => reps.map((i) => brokers[i].id))
  scope.forEach((p, i) => {
    const target = after[i]
    const same = target.length === p.replicas.length && target.every((id, k) => id === p.replicas[k])
    if (same) return
    const added = target.filter((id) => !p.replicas.includes(id)).length
    moves += added
    bytesToMove += added * (p.size ?? 0)
    if (target[0] !== p.replicas[0]) leaderChanges++
    targets.push({topic: p.topic, partition: p.partition, replicas: target})
    originals.push({topic: p.topic, partition: p.partition, replicas: [...p.replicas]})
  })

  const domains = domainsById(state)
  let rackViolationsBefore = 0
  let rackViolationsAfter = 0
  scope.forEach((p, i) => {
    rackViolationsBefore += partitionRackViolations(p.replicas, domains)
    rackViolationsAfter += partitionRackViolations(after[i], domains)
  })
  if (!layout.rackAware && rackViolationsAfter > 0 && brokers.some((b) => b.rack !== null)) {
    warnings.push(`racks were ignored: ${rackViolationsAfter} replicas share a rack with another replica of their partition`)
  } else if (layout.rackAware && rackViolationsAfter > 0) {
    warnings.push(`${rackViolationsAfter} replicas still share a rack with another replica of their partition; no allowed move could fix them`)
  }

  const leaderEligibleList = all.filter((i) => leaderEligible[i])
  const leadersAfter = new Array<number>(n).fill(0)
  for (const reps of m.replicas) leadersAfter[reps[0]]++
  const leaderBand = (i: number, lowOrHigh: 'low' | 'high'): number => {
    if (isRemoved[i]) return 0
    if (!leaderEligible[i]) return leadersBefore[i]
    const avg = scope.length / leaderEligibleList.length
    return lowOrHigh === 'low' ? Math.floor(avg) : Math.ceil(avg)
  }
  const leaderLowerBound = bandLowerBound(
    leadersBefore,
    all.map((i) => leaderBand(i, 'low')),
    all.map((i) => leaderBand(i, 'high')),
  )
  const leaderSpread = spread(leaderEligibleList.map((i) => leadersAfter[i]))
  if (leaderSpread > 1) {
    warnings.push(`preferred-leader counts still differ by ${leaderSpread}: current replica placement allows no better spread without moving data`)
  }
  const countSpread = spread(receivers.map((i) => m.count[i]))
  if (opts.mode === 'balance' && metric === 'count' && countSpread > 1) {
    warnings.push(
      countsAsEvenAsRacksAllow
        ? `replica counts still differ by ${countSpread}, the least any placement allows that keeps each partition's replicas in distinct racks`
        : `replica counts still differ by ${countSpread}: no single rack-safe move narrows the gap`,
    )
  }
  if (opts.mode !== 'balance' && countSpread > 1 && metric === 'count') {
    warnings.push(
      `replica counts differ by ${countSpread} after ${opts.mode === 'add' ? 'adding' : 'removing'} brokers; plan a plain rebalance afterwards to even them out`,
    )
  }

  // The model's own tallies (integer byte sums are exact in any order).
  const brokerRows = brokerBalanceRows(brokers, (i) => (isRemoved[i] ? 'removed' : isAdded[i] ? 'added' : 'kept'), {
    countsBefore, leadersBefore, bytesBefore, countsAfter: m.count, leadersAfter, bytesAfter: m.bytes,
  })

  return planResult(targets, originals, {opts, rackAware: layout.rackAware, partitionsConsidered: scope.length}, {
    moves,
    bytesToMove,
    leaderChanges,
    lowerBound,
    lowerBoundWithRacks,
    leaderLowerBound,
    bytesLowerBound,
    rackFixMoves,
    rackViolationsBefore,
    rackViolationsAfter,
    brokers: brokerRows,
    warnings,
  })
}

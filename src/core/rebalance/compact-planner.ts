import {partitionCountOf, type CompactClusterState} from './compact-state.js'
import {balanceLeadersFlat} from './leaders-flat.js'
import {bandLowerBound, countLowerBound, rackAwareBands} from './lower-bound.js'
import {resolveOptions, type RebalanceOptions, type ResolvedOptions} from './options.js'
import {brokerBalanceRows, planResult, type PartitionAssignment, type PlanResult} from './plan-types.js'
import {domainsById, rackLayout, type RackLayout} from './racks.js'

/**
 * The planner for a plain count rebalance (the common case, and the one run on clusters of
 * millions of partitions), on the columns of a CompactClusterState: O(P·RF) set-up, O(1)
 * amortised work per move, no object per partition or replica.
 *
 * It declines (returns null, and planRebalance's general path runs) whenever it could disagree
 * with that path's guarantees: another mode or --balance-by size, a dead broker, existing rack
 * violations, racks that change the minimum, or a greedy that gets stuck or spends more moves
 * than the lower bound. So a plan it returns always moves exactly the lower bound, leaves every
 * replica count within ⌊R/n⌋..⌈R/n⌉, keeps every partition's replicas in distinct racks, and
 * evens out preferred leaders as the general path does.
 *
 * Moves: the most loaded broker gives one replica to the least loaded one it can legally reach
 * (one bucket queue by count, so each pick is O(brokers sharing a count)). Of the partitions on
 * the giver, small ones go first (buckets by powers of two of the size), and it gives a partition
 * it leads while it leads more than ⌈P/n⌉ and the taker fewer than ⌊P/n⌋, else one it follows:
 * the moves then carry leadership where it is short, and the leader pass after them has little
 * left to hand over (each hand-over is a leader change on top of the moves).
 */
export function planCompact(cs: CompactClusterState, options: RebalanceOptions = {}): PlanResult | null {
  const opts = resolveOptions({brokers: cs.brokers, partitions: []}, options)
  if (opts.mode !== 'balance' || opts.balanceBy !== 'count') return null
  if (cs.brokers.some((b) => !b.alive)) return null
  const layout = rackLayout(cs.brokers, opts.ignoreRacks)
  const scope = selectScope(cs, opts)
  const w = new Work(cs, layout, scope)
  if (layout.rackAware && w.violations() > 0) return null
  const lowerBound = countLowerBound(Array.from(w.countsBefore))
  let lowerBoundWithRacks = lowerBound
  if (layout.rackAware) {
    const groupSizes = new Array<number>(layout.groupCount).fill(0)
    for (let i = 0; i < w.n; i++) groupSizes[layout.groupOf[i]]++
    const bands = rackAwareBands(groupSizes, w.totalReplicas, scope.length)
    const all = Array.from({length: w.n}, (_, i) => i)
    lowerBoundWithRacks = bandLowerBound(
      Array.from(w.countsBefore),
      all.map((i) => bands[layout.groupOf[i]].lower),
      all.map((i) => bands[layout.groupOf[i]].upper),
    )
  }
  if (lowerBoundWithRacks !== lowerBound) return null
  if (!w.balanceCounts()) return null
  const eligible = new Uint8Array(w.n).fill(1)
  balanceLeadersFlat(cs.start, w.reps, scope, w.n, eligible)
  const plan = w.result(opts, layout, lowerBound)
  return plan.summary.moves === lowerBound ? plan : null
}

function selectScope(cs: CompactClusterState, opts: ResolvedOptions): Int32Array {
  const P = partitionCountOf(cs)
  if (!opts.topics && !opts.excludeTopics) {
    const all = new Int32Array(P)
    for (let p = 0; p < P; p++) all[p] = p
    return all
  }
  const selected = cs.topics.map((t) => (!opts.topics || opts.topics.test(t)) && !(opts.excludeTopics && opts.excludeTopics.test(t)))
  const out: number[] = []
  for (let p = 0; p < P; p++) if (selected[cs.topicOf[p]]) out.push(p)
  return Int32Array.from(out)
}

/** Size class for "small partitions first": 0 for none or 0 bytes, else 1 + ⌊log2 size⌋. */
function sizeClass(size: number): number {
  if (!(size > 0)) return 0
  // 1 + ⌊log2 size⌋ by counting bits while it fits 32 bits.
  if (size < 4294967296 && Number.isInteger(size)) return 32 - Math.clz32(size)
  return Math.min(63, 1 + Math.floor(Math.log2(size)))
}

class Work {
  readonly n: number
  readonly start: Int32Array
  /** Working copy of the replica lists (broker indices); `cs.replicas` keeps the original. */
  readonly reps: Int32Array
  readonly group: Int32Array
  readonly count: Int32Array
  readonly leaders: Int32Array
  readonly bytes: Float64Array
  readonly countsBefore: Int32Array
  readonly leadersBefore: Int32Array
  readonly bytesBefore: Float64Array
  readonly totalReplicas: number
  private readonly leaderLow: number
  private readonly leaderHigh: number
  /** Partitions each broker leads / follows, small first; cursors skip entries that went stale. */
  private readonly ledStart: Int32Array
  private readonly led: Int32Array
  private readonly ledAt: Int32Array
  private readonly folStart: Int32Array
  private readonly fol: Int32Array
  private readonly folAt: Int32Array

  constructor(
    private readonly cs: CompactClusterState,
    private readonly layout: RackLayout,
    private readonly scope: Int32Array,
  ) {
    const n = cs.brokers.length
    this.n = n
    this.start = cs.start
    this.reps = cs.replicas.slice()
    this.group = layout.groupOf
    this.count = new Int32Array(n)
    this.leaders = new Int32Array(n)
    this.bytes = new Float64Array(n)
    const {start, reps} = this
    // Scope in size-class order (a counting sort), so lists are small-first.
    const classOf = new Uint8Array(scope.length)
    const classCount = new Int32Array(65)
    for (let i = 0; i < scope.length; i++) classCount[(classOf[i] = sizeClass(cs.size[scope[i]])) + 1]++
    for (let c = 0; c < 64; c++) classCount[c + 1] += classCount[c]
    const order = new Int32Array(scope.length)
    for (let i = 0; i < scope.length; i++) order[classCount[classOf[i]]++] = scope[i]
    this.ledStart = new Int32Array(n + 1)
    this.folStart = new Int32Array(n + 1)
    let total = 0
    for (let i = 0; i < scope.length; i++) {
      const p = scope[i]
      const s = cs.size[p] > 0 ? cs.size[p] : 0
      this.ledStart[reps[start[p]] + 1]++
      this.leaders[reps[start[p]]]++
      for (let k = start[p]; k < start[p + 1]; k++) {
        const b = reps[k]
        if (k > start[p]) this.folStart[b + 1]++
        this.count[b]++
        this.bytes[b] += s
        total++
      }
    }
    this.totalReplicas = total
    for (let b = 0; b < n; b++) {
      this.ledStart[b + 1] += this.ledStart[b]
      this.folStart[b + 1] += this.folStart[b]
    }
    this.led = new Int32Array(scope.length)
    this.fol = new Int32Array(total - scope.length)
    this.ledAt = this.ledStart.slice(0, n)
    this.folAt = this.folStart.slice(0, n)
    for (let i = 0; i < order.length; i++) {
      const p = order[i]
      this.led[this.ledAt[reps[start[p]]]++] = p
      for (let k = start[p] + 1; k < start[p + 1]; k++) this.fol[this.folAt[reps[k]]++] = p
    }
    this.ledAt.set(this.ledStart.subarray(0, n))
    this.folAt.set(this.folStart.subarray(0, n))
    this.countsBefore = this.count.slice()
    this.leadersBefore = this.leaders.slice()
    this.bytesBefore = this.bytes.slice()
    this.groupCount = layout.groupCount
    const cursors = layout.rackAware && n * layout.groupCount <= 1 << 22 ? n * layout.groupCount : 0
    this.ledAtRack = new Int32Array(cursors)
    this.folAtRack = new Int32Array(cursors)
    this.leaderLow = Math.floor(scope.length / n)
    this.leaderHigh = Math.ceil(scope.length / n)
  }

  /** Excess replicas sharing a failure domain of the planner's layout, over the scope. */
  violations(): number {
    const {start, reps, group, scope} = this
    let v = 0
    for (let i = 0; i < scope.length; i++) {
      const p = scope[i]
      for (let k = start[p] + 1; k < start[p + 1]; k++) {
        for (let j = start[p]; j < k; j++) {
          if (group[reps[j]] === group[reps[k]]) {
            v++
            break
          }
        }
      }
    }
    return v
  }

  /** Greedy max → min until every pair of counts is within 1; false if it got stuck. */
  balanceCounts(): boolean {
    const q = new LinkedBuckets(this.count)
    const count = this.count
    for (;;) {
      const b = q.first(q.high)
      const cb = count[b]
      if (cb - q.low < 2) return true
      let moved = false
      for (let c = q.low; c <= cb - 2 && !moved; c++) {
        for (let d = q.first(c); d >= 0; d = q.after(d)) {
          if (this.moveOne(b, d)) {
            q.move(b, cb, cb - 1)
            q.move(d, c, c + 1)
            moved = true
            break
          }
        }
      }
      if (!moved) return false
    }
  }

  /** Moves one replica from b to d (a partition b leads or follows, as leadership needs); false if none may go. */
  private moveOne(b: number, d: number): boolean {
    const wantLead = this.leaders[b] > this.leaderHigh && this.leaders[d] < this.leaderLow
    let k = wantLead ? this.pick(b, d, true) : this.pick(b, d, false)
    if (k < 0) k = wantLead ? this.pick(b, d, false) : this.pick(b, d, true)
    if (k < 0) return false
    const p = this.partitionAtSlot
    const s = this.cs.size[p] > 0 ? this.cs.size[p] : 0
    this.reps[k] = d
    if (k === this.start[p]) {
      this.leaders[b]--
      this.leaders[d]++
    }
    this.count[b]--
    this.count[d]++
    this.bytes[b] -= s
    this.bytes[d] += s
    return true
  }

  private partitionAtSlot = -1
  private readonly groupCount: number
  /** Per (giver, rack) cursors for moves across racks (empty when brokers × racks is too large). */
  private readonly ledAtRack: Int32Array
  private readonly folAtRack: Int32Array

  /**
   * Slot of b's replica in the first partition on b's led (or followed) list that may move to d:
   * d does not hold it and, across racks, it has no replica in d's rack. -1 if none.
   */
  private pick(b: number, d: number, lead: boolean): number {
    const {start, reps, group} = this
    const list = lead ? this.led : this.fol
    const at = lead ? this.ledAt : this.folAt
    const end = (lead ? this.ledStart : this.folStart)[b + 1]
    const gd = group[d]
    const sameRack = !this.layout.rackAware || group[b] === gd
    let i = at[b]
    // Entries b no longer holds in that role are skipped for good.
    while (i < end && this.slotOf(list[i], b, lead) < 0) i++
    at[b] = i
    // Across racks, entries already found to use d's rack are skipped too (per giver and rack), so
    // a broker giving many replicas to another rack does not rescan them on every move. A partition
    // whose rack later frees up is then missed, which can only make the greedy pick another taker
    // or decline (the general path then plans), never make a move illegal.
    const rackCursors = sameRack || this.ledAtRack.length === 0 ? null : lead ? this.ledAtRack : this.folAtRack
    const key = b * this.groupCount + gd
    if (rackCursors !== null && rackCursors[key] > i) i = rackCursors[key]
    for (; i < end; i++) {
      const p = list[i]
      const slot = this.slotOf(p, b, lead)
      if (slot < 0) {
        if (rackCursors !== null) rackCursors[key] = i + 1
        continue
      }
      let ok = true
      for (let k = start[p]; k < start[p + 1]; k++) {
        const r = reps[k]
        if (r === d || (!sameRack && group[r] === gd)) {
          ok = false
          break
        }
      }
      if (ok) {
        this.partitionAtSlot = p
        return slot
      }
      // Across racks every refusal is about d's rack (d holds p only if p uses that rack).
      if (rackCursors !== null) rackCursors[key] = i + 1
    }
    return -1
  }

  /** Slot of b in p: the first slot when `lead`, else a later one; -1 when b holds p in the other role or not at all. */
  private slotOf(p: number, b: number, lead: boolean): number {
    const {start, reps} = this
    if (lead) return reps[start[p]] === b ? start[p] : -1
    for (let k = start[p] + 1; k < start[p + 1]; k++) if (reps[k] === b) return k
    return -1
  }

  result(opts: ResolvedOptions, layout: RackLayout, lowerBound: number): PlanResult {
    const {cs, start, reps, scope, n} = this
    const orig = cs.replicas
    const ids = cs.brokers.map((b) => b.id)
    const domain = realDomains(cs)
    const targets: PartitionAssignment[] = []
    const originals: PartitionAssignment[] = []
    let moves = 0
    let bytesToMove = 0
    let leaderChanges = 0
    let violationsBefore = 0
    let violationsAfter = 0
    const leadersAfter = new Int32Array(n)
    for (let i = 0; i < scope.length; i++) {
      const p = scope[i]
      const s = start[p]
      const e = start[p + 1]
      leadersAfter[reps[s]]++
      violationsBefore += domainExcess(orig, s, e, domain)
      violationsAfter += domainExcess(reps, s, e, domain)
      let same = true
      for (let k = s; k < e; k++) if (reps[k] !== orig[k]) same = false
      if (same) continue
      let added = 0
      for (let k = s; k < e; k++) {
        let had = false
        for (let j = s; j < e; j++) if (orig[j] === reps[k]) had = true
        if (!had) added++
      }
      moves += added
      bytesToMove += added * (cs.size[p] > 0 ? cs.size[p] : 0)
      if (reps[s] !== orig[s]) leaderChanges++
      const topic = cs.topics[cs.topicOf[p]]
      const partition = cs.partitionOf[p]
      const target: number[] = []
      const before: number[] = []
      for (let k = s; k < e; k++) {
        target.push(ids[reps[k]])
        before.push(ids[orig[k]])
      }
      targets.push({topic, partition, replicas: target})
      originals.push({topic, partition, replicas: before})
    }
    const warnings: string[] = []
    if (layout.rackAware && layout.racklessInMixed.length > 0) {
      warnings.push(
        `brokers ${layout.racklessInMixed.join(',')} have no rack while others do; each is treated as its own rack (Kafka refuses this in rack-aware mode): set broker.rack on every broker`,
      )
    }
    if (!layout.rackAware && violationsAfter > 0 && cs.brokers.some((b) => b.rack !== null)) {
      warnings.push(`racks were ignored: ${violationsAfter} replicas share a rack with another replica of their partition`)
    }
    const leaderSpread = spread(leadersAfter)
    if (leaderSpread > 1) {
      warnings.push(`preferred-leader counts still differ by ${leaderSpread}: current replica placement allows no better spread without moving data`)
    }
    const avg = n > 0 ? scope.length / n : 0
    const leaderLowerBound = bandLowerBound(
      Array.from(this.leadersBefore),
      new Array<number>(n).fill(Math.floor(avg)),
      new Array<number>(n).fill(Math.ceil(avg)),
    )
    let totalBytes = 0
    for (let i = 0; i < n; i++) totalBytes += this.bytesBefore[i]
    const avgBytes = n > 0 ? totalBytes / n : 0
    let bytesLowerBound = 0
    for (let i = 0; i < n; i++) bytesLowerBound += Math.max(0, this.bytesBefore[i] - avgBytes)
    const brokerRows = brokerBalanceRows(cs.brokers, () => 'kept', {
      countsBefore: this.countsBefore, leadersBefore: this.leadersBefore, bytesBefore: this.bytesBefore,
      countsAfter: this.count, leadersAfter, bytesAfter: this.bytes,
    })
    return planResult(targets, originals, {opts, rackAware: layout.rackAware, partitionsConsidered: scope.length}, {
      moves,
      bytesToMove,
      leaderChanges,
      lowerBound,
      lowerBoundWithRacks: lowerBound,
      leaderLowerBound,
      bytesLowerBound,
      rackFixMoves: 0,
      rackViolationsBefore: violationsBefore,
      rackViolationsAfter: violationsAfter,
      brokers: brokerRows,
      warnings,
    })
  }
}

/**
 * Brokers in doubly linked buckets by count (first in, first out within a bucket), with the
 * lowest and highest non-empty count: taking a broker from one count to the next is O(1).
 * Counts only fall from the top or rise from below, so they never pass the starting maximum.
 */
class LinkedBuckets {
  private readonly head: Int32Array
  private readonly tail: Int32Array
  private readonly next: Int32Array
  private readonly prev: Int32Array
  low = 0
  high = 0

  constructor(count: Int32Array) {
    let max = 0
    for (const c of count) if (c > max) max = c
    this.head = new Int32Array(max + 2).fill(-1)
    this.tail = new Int32Array(max + 2).fill(-1)
    this.next = new Int32Array(count.length).fill(-1)
    this.prev = new Int32Array(count.length).fill(-1)
    this.low = max
    for (let b = 0; b < count.length; b++) {
      this.append(b, count[b])
      if (count[b] < this.low) this.low = count[b]
    }
    this.high = max
  }

  /** First broker with count c, or -1. */
  first(c: number): number {
    return c >= 0 && c < this.head.length ? this.head[c] : -1
  }

  /** The broker after b in its bucket, or -1. */
  after(b: number): number {
    return this.next[b]
  }

  move(b: number, from: number, to: number): void {
    const {head, tail, next, prev} = this
    if (prev[b] >= 0) next[prev[b]] = next[b]
    else head[from] = next[b]
    if (next[b] >= 0) prev[next[b]] = prev[b]
    else tail[from] = prev[b]
    this.append(b, to)
    if (to < this.low) this.low = to
    if (to > this.high) this.high = to
    while (this.head[this.low] < 0 && this.low < this.high) this.low++
    while (this.head[this.high] < 0 && this.high > this.low) this.high--
  }

  private append(b: number, c: number): void {
    const {head, tail, next, prev} = this
    next[b] = -1
    prev[b] = tail[c]
    if (tail[c] >= 0) next[tail[c]] = b
    else head[c] = b
    tail[c] = b
  }
}

/** Failure domain per broker index from the actual racks (even when the plan ignores them); -1 for none. */
function realDomains(cs: CompactClusterState): Int32Array {
  const byId = domainsById({brokers: cs.brokers, partitions: []})
  const names = new Map<string, number>()
  return Int32Array.from(cs.brokers, (b) => {
    const name = byId.get(b.id)
    if (name === null || name === undefined) return -1
    let v = names.get(name)
    if (v === undefined) names.set(name, (v = names.size))
    return v
  })
}

/** partitionRackViolations on one flat replica list. */
function domainExcess(reps: Int32Array, s: number, e: number, domain: Int32Array): number {
  let excess = 0
  for (let k = s + 1; k < e; k++) {
    const g = domain[reps[k]]
    if (g < 0) continue
    for (let j = s; j < k; j++) {
      if (domain[reps[j]] === g) {
        excess++
        break
      }
    }
  }
  return excess
}

function spread(values: Int32Array): number {
  if (values.length === 0) return 0
  let max = values[0]
  let min = values[0]
  for (const v of values) {
    if (v > max) max = v
    if (v < min) min = v
  }
  return max - min
}

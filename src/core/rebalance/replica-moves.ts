import type {PlacementModel} from './model.js'

/** What "load" means when choosing sources and destinations. */
export type LoadMetric = 'count' | 'size'

function loads(m: PlacementModel, metric: LoadMetric): Float64Array {
  return metric === 'count' ? m.count : m.bytes
}

/** Lexicographic (load, count, index) order for picking the emptiest destination. */
function lighter(m: PlacementModel, load: Float64Array, a: number, b: number): boolean {
  if (load[a] !== load[b]) return load[a] < load[b]
  if (m.count[a] !== m.count[b]) return m.count[a] < m.count[b]
  return a < b
}

/**
 * Moves every replica off the removed brokers, each to the emptiest destination that keeps rack
 * spread (or, if none can, the one that hurts it least). Largest partitions first when balancing
 * bytes, so the big ones land on the emptiest brokers. Returns how many moves had to worsen racks
 * and how many replicas found no destination at all.
 */
export function evacuate(
  m: PlacementModel,
  removed: readonly number[],
  dests: readonly number[],
  metric: LoadMetric,
): {rackWorsened: number; unplaced: number} {
  const load = loads(m, metric)
  const isRemoved = new Uint8Array(m.brokerCount)
  for (const b of removed) isRemoved[b] = 1
  const order: number[] = []
  for (let p = 0; p < m.partitionCount; p++) if (m.replicas[p].some((b) => isRemoved[b])) order.push(p)
  if (metric === 'size') order.sort((a, b) => m.size[b] - m.size[a] || a - b)
  let rackWorsened = 0
  let unplaced = 0
  for (const p of order) {
    for (const from of [...m.replicas[p]]) {
      if (!isRemoved[from]) continue
      let best = -1
      let bestDelta = 0
      for (const d of dests) {
        if (m.holds(p, d)) continue
        const delta = m.violationDelta(p, from, d)
        if (best < 0 || delta < bestDelta || (delta === bestDelta && lighter(m, load, d, best))) {
          best = d
          bestDelta = delta
        }
      }
      if (best < 0) {
        unplaced++
        continue
      }
      if (bestDelta > 0) rackWorsened++
      m.move(p, from, best)
    }
  }
  return {rackWorsened, unplaced}
}

/**
 * Fixes rack violations: moves a duplicate replica (a follower first, then the most loaded
 * broker) to the emptiest allowed destination in a failure domain the partition does not use yet.
 * Returns the number of moves spent; partitions with no such destination are left as they are.
 */
export function fixRackViolations(
  m: PlacementModel,
  canSource: Uint8Array,
  dests: readonly number[],
  metric: LoadMetric,
): number {
  if (!m.rackAware || m.violations === 0) return 0
  const load = loads(m, metric)
  let fixes = 0
  for (let p = 0; p < m.partitionCount; p++) {
    while (m.excess(p) > 0) {
      const reps = m.replicas[p]
      let from = -1
      for (let i = 0; i < reps.length; i++) {
        const b = reps[i]
        if (!canSource[b] || m.inGroup(p, m.group(b)) < 2) continue
        if (from < 0) {
          from = b
          continue
        }
        const fromIsLeader = reps[0] === from
        const bIsLeader = i === 0
        if (fromIsLeader !== bIsLeader ? fromIsLeader : lighter(m, load, from, b)) from = b
      }
      let to = -1
      for (const d of dests) {
        if (m.inGroup(p, m.group(d)) !== 0) continue
        if (to < 0 || lighter(m, load, d, to)) to = d
      }
      if (from < 0 || to < 0) break
      m.move(p, from, to)
      fixes++
    }
  }
  return fixes
}

/** The `wants` of plain balancing: every improving pair is welcome. */
export const alwaysWanted = (): boolean => true

export interface GreedyScope {
  /** Brokers that may give replicas (index order). */
  readonly sources: readonly number[]
  /** Brokers that may receive replicas (index order). */
  readonly dests: readonly number[]
  /** Mode-specific condition on a (source, destination) pair, e.g. "the new broker is still short". */
  readonly wants: (from: number, to: number) => boolean
}

/**
 * Repeats "take the most loaded source that can still improve, move one replica to the least
 * loaded destination it can legally reach" until no source can. A source that finds nothing is
 * parked; parked sources are retried after any other move, so the loop stops exactly when no
 * legal improving move is left.
 */
function improveUntilStuck(
  m: PlacementModel,
  scope: GreedyScope,
  metric: LoadMetric,
  tryFrom: (b: number, stillFirst: () => boolean) => boolean,
  maxSteps: number,
): boolean {
  const load = loads(m, metric)
  const parked = new Uint8Array(m.brokerCount)
  let movedSinceReset = false
  let steps = 0
  for (;;) {
    let b = -1
    let runnerUp = -1
    for (const s of scope.sources) {
      if (parked[s]) continue
      if (b < 0 || load[s] > load[b]) {
        runnerUp = b
        b = s
      } else if (runnerUp < 0 || load[s] > load[runnerUp]) runnerUp = s
    }
    if (b < 0) {
      if (!movedSinceReset) return true
      parked.fill(0)
      movedSinceReset = false
      continue
    }
    if (steps >= maxSteps) return false
    // True while b would still be picked first, so tryFrom may keep moving from it.
    const source = b
    const rival = runnerUp
    const stillFirst = (): boolean => rival < 0 || load[source] > load[rival] || (load[source] === load[rival] && source < rival)
    if (tryFrom(b, stillFirst)) {
      movedSinceReset = true
      steps++
    } else parked[b] = 1
  }
}

/**
 * Lightest destination per failure domain whose load is at most `maxLoad` and that passes
 * `accept` (null: all do), lightest first. `second[g]` receives the runner-up of each domain.
 */
function destinationsByGroup(
  m: PlacementModel,
  scope: GreedyScope,
  load: Float64Array,
  from: number,
  maxLoad: number,
  accept: ((d: number) => boolean) | null,
  best: Int32Array,
  second: Int32Array,
): number[] {
  best.fill(-1)
  second.fill(-1)
  const groupOf = m.groupOf
  const count = m.count
  const dests = scope.dests
  for (let i = 0; i < dests.length; i++) {
    const d = dests[i]
    const ld = load[d]
    if (ld > maxLoad || d === from || (accept !== null && !accept(d))) continue
    const g = groupOf[d]
    const cur = best[g]
    if (cur < 0 || ld < load[cur] || (ld === load[cur] && (count[d] < count[cur] || (count[d] === count[cur] && d < cur)))) {
      second[g] = cur
      best[g] = d
    } else {
      const sec = second[g]
      if (sec < 0 || lighter(m, load, d, sec)) second[g] = d
    }
  }
  const out: number[] = []
  for (let g = 0; g < best.length; g++) if (best[g] >= 0) out.push(best[g])
  if (out.length > 1) out.sort((a, b) => (lighter(m, load, a, b) ? -1 : 1))
  return out
}

/**
 * Bucket queue of destinations by replica count, one per failure domain: the lightest and
 * runner-up destination of each domain come from the lowest non-empty buckets instead of a scan
 * of every broker, so a move costs O(domains + brokers sharing a count) rather than O(brokers).
 * Ties break on the lower index, exactly like `lighter` does for counts, so plans are unchanged.
 */
class CountBuckets {
  /** buckets[g]: count -> broker indices with that count, ascending. */
  private readonly buckets: Map<number, number[]>[]
  private readonly minCount: Float64Array
  private readonly isDest: Uint8Array

  constructor(
    private readonly m: PlacementModel,
    dests: readonly number[],
  ) {
    this.buckets = Array.from({length: m.groupCount}, () => new Map<number, number[]>())
    this.minCount = new Float64Array(m.groupCount).fill(Number.POSITIVE_INFINITY)
    this.isDest = new Uint8Array(m.brokerCount)
    for (const d of [...dests].sort((a, b) => a - b)) {
      this.isDest[d] = 1
      this.insert(d, m.count[d])
    }
  }

  private insert(d: number, c: number): void {
    const g = this.m.groupOf[d]
    let list = this.buckets[g].get(c)
    if (list === undefined) this.buckets[g].set(c, (list = []))
    let at = list.length
    while (at > 0 && list[at - 1] > d) at--
    list.splice(at, 0, d)
    if (c < this.minCount[g]) this.minCount[g] = c
  }

  private remove(d: number, c: number): void {
    const g = this.m.groupOf[d]
    const list = this.buckets[g].get(c) as number[]
    list.splice(list.indexOf(d), 1)
    if (list.length === 0) {
      this.buckets[g].delete(c)
      if (c === this.minCount[g]) {
        let next = Number.POSITIVE_INFINITY
        for (const k of this.buckets[g].keys()) if (k < next) next = k
        this.minCount[g] = next
      }
    }
  }

  /** Call after m.move(p, from, to): counts already changed by one each. */
  moved(from: number, to: number): void {
    if (this.isDest[from]) {
      this.remove(from, this.m.count[from] + 1)
      this.insert(from, this.m.count[from])
    }
    if (this.isDest[to]) {
      this.remove(to, this.m.count[to] - 1)
      this.insert(to, this.m.count[to])
    }
  }

  /** Same contract as destinationsByGroup with load = count and no accept filter. */
  lightestPerGroup(from: number, maxLoad: number, best: Int32Array, second: Int32Array): number[] {
    best.fill(-1)
    second.fill(-1)
    const out: number[] = []
    for (let g = 0; g < this.buckets.length; g++) {
      const map = this.buckets[g]
      if (map.size === 0) continue
      let found = 0
      for (let c = this.minCount[g]; c <= maxLoad && found < 2 && Number.isFinite(c); c++) {
        const list = map.get(c)
        if (list === undefined) continue
        for (let i = 0; i < list.length && found < 2; i++) {
          const d = list[i]
          if (d === from) continue
          if (found === 0) best[g] = d
          else second[g] = d
          found++
        }
      }
      if (best[g] >= 0) out.push(best[g])
    }
    if (out.length > 1) out.sort((a, b) => this.m.count[a] - this.m.count[b] || a - b)
    return out
  }
}

/** True when no partition on `from` can possibly go to group of `to` (saves a full scan). */
function crossRackHopeless(m: PlacementModel, from: number, to: number): boolean {
  return m.rackAware && m.violations === 0 && m.group(from) !== m.group(to) && m.lacking(from, m.group(to)) === 0
}

/**
 * Count balancing: moves only while source and destination differ by 2 or more. Without rack
 * constraints the source is the global maximum and the destination the global minimum, which
 * reaches the exact lower bound (each move cuts the surplus above ⌈R/n⌉ or the deficit below ⌊R/n⌋).
 */
export function balanceCounts(m: PlacementModel, scope: GreedyScope): boolean {
  const best = new Int32Array(m.groupCount)
  const second = new Int32Array(m.groupCount)
  // Plain balancing (every pair wanted) uses the bucket queue; the add/remove filters keep the scan.
  const buckets = scope.wants === alwaysWanted ? new CountBuckets(m, scope.dests) : null
  const tryFrom = (b: number, stillFirst: () => boolean): boolean => {
    const wants = scope.wants === alwaysWanted ? null : (d: number): boolean => scope.wants(b, d)
    const accept = (d: number): boolean => m.count[d] <= m.count[b] - 2 && (wants === null || wants(d))
    const order =
      buckets !== null
        ? buckets.lightestPerGroup(b, m.count[b] - 2, best, second)
        : destinationsByGroup(m, scope, m.count, b, m.count[b] - 2, wants, best, second)
    for (let k = 0; k < order.length; k++) {
      const d = order[k]
      if (crossRackHopeless(m, b, d)) continue
      const valid = (q: number): boolean => m.canMove(q, b, d)
      let p = m.findHeld(b, valid)
      if (p < 0) continue
      // Keep moving b → d while the greedy would choose exactly this pair again (same result, no rescans).
      const inGroup = second[m.group(d)]
      const next = k + 1 < order.length ? order[k + 1] : -1
      const rival = inGroup < 0 ? next : next < 0 || lighter(m, m.count, inGroup, next) ? inGroup : next
      do {
        m.move(p, b, d)
        buckets?.moved(b, d)
      } while (
        stillFirst() &&
        accept(d) &&
        (rival < 0 || lighter(m, m.count, d, rival)) &&
        (p = m.findHeld(b, valid)) >= 0
      )
      return true
    }
    return false
  }
  return improveUntilStuck(m, scope, 'count', tryFrom, Number.MAX_SAFE_INTEGER)
}

export interface ByteBalanceLimits {
  /** Pairs closer than this many bytes are left alone. */
  readonly toleranceBytes: number
  /** Replica counts may drift at most this far outside ⌊R/n⌋..⌈R/n⌉ (unless a move narrows the gap). */
  readonly countLower: number
  readonly countUpper: number
  readonly maxSteps: number
}

/**
 * Byte balancing: from the fullest source to the emptiest reachable destination, move the largest
 * partition no bigger than half the gap (best fit), else the smallest one that still narrows the
 * gap. Every move lowers Σ bytes², so the loop ends; returns false if it hit maxSteps first.
 */
export function balanceBytes(m: PlacementModel, scope: GreedyScope, limits: ByteBalanceLimits): boolean {
  const countOk = (b: number, d: number): boolean =>
    m.count[b] - m.count[d] >= 2 || (m.count[d] + 1 <= limits.countUpper && m.count[b] - 1 >= limits.countLower)
  const best = new Int32Array(m.groupCount)
  const second = new Int32Array(m.groupCount)
  const tryFrom = (b: number): boolean => {
    const bb = m.bytes[b]
    const accept = (d: number): boolean => m.bytes[d] < bb - limits.toleranceBytes && countOk(b, d) && scope.wants(b, d)
    for (const d of destinationsByGroup(m, scope, m.bytes, b, bb - limits.toleranceBytes, accept, best, second)) {
      if (crossRackHopeless(m, b, d)) continue
      const gap = bb - m.bytes[d]
      const p = m.bestFit(b, gap / 2, gap - limits.toleranceBytes, (q) => m.canMove(q, b, d))
      if (p >= 0) {
        m.move(p, b, d)
        return true
      }
    }
    return false
  }
  return improveUntilStuck(m, scope, 'size', tryFrom, limits.maxSteps)
}

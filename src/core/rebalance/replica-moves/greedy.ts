import {CountBucketQueue} from '../count-buckets.js'
import type {PlacementModel} from '../model.js'

/**
 * What the replica-move strategies share: load orders, the greedy loop (improveUntilStuck) with
 * its source orders, and the per-rack choice of destinations.
 */

/** What "load" means when choosing sources and destinations. */
export type LoadMetric = 'count' | 'size'

export function loads(m: PlacementModel, metric: LoadMetric): Float64Array {
  return metric === 'count' ? m.count : m.bytes
}

/** Lexicographic (load, count, index) order for picking the emptiest destination. */
export function lighter(m: PlacementModel, load: Float64Array, a: number, b: number): boolean {
  if (load[a] !== load[b]) return load[a] < load[b]
  if (m.count[a] !== m.count[b]) return m.count[a] < m.count[b]
  return a < b
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
 * The unparked sources of improveUntilStuck in the order it tries them: heaviest first, lower
 * index on ties (sources are listed in index order).
 */
export interface SourceOrder {
  /** Fills `pair` with the first source and the one after it (-1 where there is none). */
  firstTwo(pair: Int32Array): void
  park(b: number): void
  unparkAll(): void
}

/** SourceOrder by a scan of every source: right for any load, O(sources) per pick. */
export class ScannedSources implements SourceOrder {
  private readonly parked: Uint8Array

  constructor(
    private readonly sources: readonly number[],
    private readonly load: Float64Array,
    brokerCount: number,
  ) {
    this.parked = new Uint8Array(brokerCount)
  }

  firstTwo(pair: Int32Array): void {
    const load = this.load
    let b = -1
    let runnerUp = -1
    for (const s of this.sources) {
      if (this.parked[s]) continue
      if (b < 0 || load[s] > load[b]) {
        runnerUp = b
        b = s
      } else if (runnerUp < 0 || load[s] > load[runnerUp]) runnerUp = s
    }
    pair[0] = b
    pair[1] = runnerUp
  }

  park(b: number): void {
    this.parked[b] = 1
  }

  unparkAll(): void {
    this.parked.fill(0)
  }
}

/**
 * SourceOrder for replica counts, from a bucket queue: O(sources sharing a count) per pick. Every
 * move must be reported through `moved`, since counts are its keys.
 */
export class SourcesByCount implements SourceOrder {
  private readonly queue = new CountBucketQueue()
  private readonly isSource: Uint8Array
  private readonly parked: Uint8Array

  constructor(
    private readonly m: PlacementModel,
    private readonly sources: readonly number[],
  ) {
    this.isSource = new Uint8Array(m.brokerCount)
    this.parked = new Uint8Array(m.brokerCount)
    for (const s of sources) {
      this.isSource[s] = 1
      this.queue.insert(s, m.count[s])
    }
  }

  firstTwo(pair: Int32Array): void {
    const q = this.queue
    pair[0] = -1
    pair[1] = -1
    let k = 0
    for (let c = q.high; c >= q.low && k < 2; c--) {
      const list = q.at(c)
      for (let i = 0; i < list.length && k < 2; i++) pair[k++] = list[i]
    }
  }

  park(b: number): void {
    this.queue.remove(b, this.m.count[b])
    this.parked[b] = 1
  }

  unparkAll(): void {
    for (const s of this.sources) {
      if (!this.parked[s]) continue
      this.parked[s] = 0
      this.queue.insert(s, this.m.count[s])
    }
  }

  /** Call after m.move(p, from, to): counts already changed by one each. */
  moved(from: number, to: number): void {
    if (this.isSource[from] && !this.parked[from]) this.queue.change(from, this.m.count[from] + 1, this.m.count[from])
    if (this.isSource[to] && !this.parked[to]) this.queue.change(to, this.m.count[to] - 1, this.m.count[to])
  }
}

/**
 * Repeats "take the most loaded source that can still improve, move one replica to the least
 * loaded destination it can legally reach" until no source can. A source that finds nothing is
 * parked; parked sources are retried after any other move, so the loop stops exactly when no
 * legal improving move is left.
 */
export function improveUntilStuck(
  m: PlacementModel,
  metric: LoadMetric,
  order: SourceOrder,
  tryFrom: (b: number, stillFirst: () => boolean) => boolean,
  maxSteps: number,
): boolean {
  const load = loads(m, metric)
  const pair = new Int32Array(2)
  order.unparkAll()
  let movedSinceReset = false
  let steps = 0
  for (;;) {
    order.firstTwo(pair)
    const b = pair[0]
    const runnerUp = pair[1]
    if (b < 0) {
      if (!movedSinceReset) return true
      order.unparkAll()
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
    } else order.park(b)
  }
}

/**
 * Lightest destination per failure domain whose load is at most `maxLoad` and that passes
 * `accept` (null: all do), lightest first. `second[g]` receives the runner-up of each domain.
 */
export function destinationsByGroup(
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

/** True when no partition on `from` can possibly go to group of `to` (saves a full scan). */
export function crossRackHopeless(m: PlacementModel, from: number, to: number): boolean {
  return m.rackAware && m.violations === 0 && m.group(from) !== m.group(to) && m.lacking(from, m.group(to)) === 0
}

import {CountBucketQueue} from '../count-buckets.js'
import type {PlacementModel} from '../model.js'
import {alwaysWanted, crossRackHopeless, destinationsByGroup, improveUntilStuck, lighter, SourcesByCount, type GreedyScope} from './greedy.js'

/**
 * Bucket queue of destinations by replica count, one per failure domain: the lightest and
 * runner-up destination of each domain come from the lowest non-empty buckets instead of a scan
 * of every broker, so a move costs O(domains + brokers sharing a count) rather than O(brokers).
 * Ties break on the lower index, exactly like `lighter` does for counts, so plans are unchanged.
 */
class CountBuckets {
  /** One bucket queue of destinations per failure domain. */
  private readonly buckets: CountBucketQueue[]
  private readonly isDest: Uint8Array

  constructor(
    private readonly m: PlacementModel,
    dests: readonly number[],
  ) {
    this.buckets = Array.from({length: m.groupCount}, () => new CountBucketQueue())
    this.isDest = new Uint8Array(m.brokerCount)
    for (const d of dests) {
      this.isDest[d] = 1
      this.buckets[m.groupOf[d]].insert(d, m.count[d])
    }
  }

  /** Call after m.move(p, from, to): counts already changed by one each. */
  moved(from: number, to: number): void {
    const {count, groupOf} = this.m
    if (this.isDest[from]) this.buckets[groupOf[from]].change(from, count[from] + 1, count[from])
    if (this.isDest[to]) this.buckets[groupOf[to]].change(to, count[to] - 1, count[to])
  }

  /** Same contract as destinationsByGroup with load = count and no accept filter. */
  lightestPerGroup(from: number, maxLoad: number, best: Int32Array, second: Int32Array): number[] {
    best.fill(-1)
    second.fill(-1)
    const out: number[] = []
    for (let g = 0; g < this.buckets.length; g++) {
      const queue = this.buckets[g]
      const last = Math.min(maxLoad, queue.high)
      let found = 0
      for (let c = queue.low; c <= last && found < 2; c++) {
        const list = queue.at(c)
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

/**
 * Augmenting chains for count balancing. When no single legal move narrows a gap of 2 or more,
 * a chain b → x₁ → … → d may: every hop moves one replica legally (rack spread never worse, no
 * broker holding a partition twice), so each broker in between gains one replica and loses one,
 * b loses one and d gains one.
 *
 * This is exact, not a heuristic. With one replica per rack per partition, placements are the
 * integral flows of source → partition (capacity RF) → (partition, rack) (capacity 1) → broker,
 * and replica counts are the flows into the brokers. A chain is an augmenting path of that
 * network's residual graph, and a count vector admits no chain from any broker to one holding 2
 * or more fewer replicas exactly when it minimises Σ count², which (the count vectors form an
 * M-convex set) also minimises the largest count and maximises the smallest. So once neither a
 * move nor a chain is left, no rack-clean placement of these partitions has a smaller spread.
 *
 * Search: a broker-level BFS finds which brokers a source can reach (in a rack-clean placement
 * x → y is legal for some replica iff y shares x's rack and x holds anything, or x holds a
 * partition with no replica in y's rack: O(1) per pair of broker and rack). The chain is then
 * realised along the BFS path with one distinct partition per hop (distinct partitions make the
 * hops independent, so each is legal whatever order they run in); in the rare case that fails, a
 * BFS over the flow network itself (partitions and (partition, rack) pairs as nodes, so its
 * paths are simple and always realisable) finds one. Sources are tried heaviest first; brokers a
 * heavier source reaches without finding a light enough target cannot help a lighter source and
 * are skipped, so one search costs O(brokers × racks) plus the chain itself.
 */
class CountChains {
  private readonly isSource: Uint8Array
  private readonly isDest: Uint8Array
  /** Destination brokers per rack, ascending. */
  private readonly byGroup: number[][]
  private readonly sources: number[]
  private readonly parent: Int32Array
  private readonly parentPart: Int32Array
  private readonly dist: Int32Array
  private readonly seen: Int32Array
  private readonly exhausted: Int32Array
  private readonly groupDone: Int32Array
  private partSeen: Int32Array | null = null
  private stamp = 0
  private round = 0

  constructor(
    private readonly m: PlacementModel,
    scope: GreedyScope,
  ) {
    const n = m.brokerCount
    this.isSource = new Uint8Array(n)
    this.isDest = new Uint8Array(n)
    for (const b of scope.sources) this.isSource[b] = 1
    for (const d of scope.dests) this.isDest[d] = 1
    this.sources = [...scope.sources]
    this.byGroup = Array.from({length: m.groupCount}, () => [] as number[])
    for (let d = 0; d < n; d++) if (this.isDest[d]) this.byGroup[m.groupOf[d]].push(d)
    this.parent = new Int32Array(n)
    this.parentPart = new Int32Array(n)
    this.dist = new Int32Array(n)
    this.seen = new Int32Array(n)
    this.exhausted = new Int32Array(n)
    this.groupDone = new Int32Array(m.groupCount)
  }

  /** The search needs a rack-clean placement (the flow model above assumes one replica per rack). */
  applies(): boolean {
    return this.m.rackAware && this.m.violations === 0
  }

  /** Applies one chain that narrows a gap of 2 or more, calling `moved` after each hop; false if none exists. */
  augment(moved: (from: number, to: number) => void): boolean {
    const m = this.m
    const count = m.count
    let lightest = Number.POSITIVE_INFINITY
    for (const group of this.byGroup) for (const d of group) if (count[d] < lightest) lightest = count[d]
    const order = this.sources.filter((b) => count[b] - lightest >= 2)
    if (order.length === 0) return false
    order.sort((a, b) => count[b] - count[a] || a - b)
    this.round++
    for (const b of order) {
      if (this.exhausted[b] === this.round) continue
      const reached = this.reach(b)
      let target = -1
      for (const y of reached) if (this.isDest[y] && count[y] <= count[b] - 2 && this.better(y, target)) target = y
      if (target < 0) {
        // Nothing b reaches is light enough for b, so nothing is for any source no heavier than b.
        for (const y of reached) this.exhausted[y] = this.round
        this.exhausted[b] = this.round
        continue
      }
      const hops = this.alongPath(b, target) ?? this.throughNetwork(b)
      if (hops === null) continue
      for (let i = 0; i < hops.length; i += 3) {
        const p = hops[i]
        const from = hops[i + 1]
        const to = hops[i + 2]
        if (!m.canMove(p, from, to)) throw new Error(`internal: chain hop of partition ${p} from ${from} to ${to} is not legal`)
        m.move(p, from, to)
        moved(from, to)
      }
      return true
    }
    return false
  }

  /** Target order: nearest (fewest hops, so fewest extra moves), then lightest, then lowest index. */
  private better(y: number, target: number): boolean {
    if (target < 0) return true
    if (this.dist[y] !== this.dist[target]) return this.dist[y] < this.dist[target]
    return lighter(this.m, this.m.count, y, target)
  }

  /** Broker-level BFS from b (rack-clean placement): brokers reached, in BFS order, with parent and dist set. */
  private reach(b: number): number[] {
    const m = this.m
    const stamp = ++this.stamp
    const queue = [b]
    this.seen[b] = stamp
    this.dist[b] = 0
    this.parent[b] = -1
    for (let head = 0; head < queue.length; head++) {
      const x = queue[head]
      if (x !== b && !this.isSource[x]) continue
      const gx = m.groupOf[x]
      for (let g = 0; g < this.byGroup.length; g++) {
        if (this.groupDone[g] === stamp) continue
        if (g === gx ? m.count[x] === 0 : m.lacking(x, g) === 0) continue
        // Every broker of g can take some replica of x, so the whole rack is reached at once.
        for (const y of this.byGroup[g]) {
          if (this.seen[y] === stamp || this.exhausted[y] === this.round) continue
          this.seen[y] = stamp
          this.parent[y] = x
          this.dist[y] = this.dist[x] + 1
          queue.push(y)
        }
        this.groupDone[g] = stamp
      }
    }
    queue.shift()
    return queue
  }

  /** The BFS path to `target` with one distinct partition per hop, as [p, from, to]*; null if that fails. */
  private alongPath(b: number, target: number): number[] | null {
    const path: number[] = []
    for (let y = target; y !== b; y = this.parent[y]) path.push(y)
    path.push(b)
    path.reverse()
    const used: number[] = []
    const hops: number[] = []
    for (let i = 0; i + 1 < path.length; i++) {
      const from = path[i]
      const to = path[i + 1]
      const p = this.m.findHeld(from, (q) => !used.includes(q) && this.m.canMove(q, from, to))
      if (p < 0) return null
      used.push(p)
      hops.push(p, from, to)
    }
    return hops
  }

  /**
   * BFS over the flow network from b: broker x reaches (p, rack of x) for each p it holds, and
   * from there the other brokers of that rack and the node p, which reaches (p, g) and so the
   * brokers of every rack g that p does not use. Each (p, used rack) node is entered only from
   * the broker holding it and each (p, unused rack) only from p, so tracking p is enough. Returns
   * the hops to the best target reached (see `better`), or null.
   */
  private throughNetwork(b: number): number[] | null {
    const m = this.m
    const count = m.count
    if (this.partSeen === null) this.partSeen = new Int32Array(m.partitionCount)
    const partSeen = this.partSeen
    const stamp = ++this.stamp
    const queue = [b]
    this.seen[b] = stamp
    this.dist[b] = 0
    let target = -1
    const enter = (g: number, x: number, p: number): void => {
      if (this.groupDone[g] === stamp) return
      let all = true
      for (const y of this.byGroup[g]) {
        if (this.seen[y] === stamp) continue
        if (m.holds(p, y)) {
          all = false
          continue
        }
        this.seen[y] = stamp
        this.parent[y] = x
        this.parentPart[y] = p
        this.dist[y] = this.dist[x] + 1
        queue.push(y)
        if (count[y] <= count[b] - 2 && this.better(y, target)) target = y
      }
      if (all) this.groupDone[g] = stamp
    }
    for (let head = 0; head < queue.length; head++) {
      const x = queue[head]
      if (target >= 0 && this.dist[x] >= this.dist[target]) break
      if (x !== b && !this.isSource[x]) continue
      m.forEachHeld(x, (p) => {
        enter(m.groupOf[x], x, p)
        if (partSeen[p] === stamp) return
        partSeen[p] = stamp
        for (let g = 0; g < this.byGroup.length; g++) if (m.inGroup(p, g) === 0) enter(g, x, p)
      })
    }
    if (target < 0) return null
    const hops: number[] = []
    for (let y = target; y !== b; y = this.parent[y]) hops.push(this.parentPart[y], this.parent[y], y)
    // Reverse hop order (each hop is three numbers).
    const out: number[] = []
    for (let i = hops.length - 3; i >= 0; i -= 3) out.push(hops[i], hops[i + 1], hops[i + 2])
    return out
  }
}

/**
 * Count balancing: moves only while source and destination differ by 2 or more. Without rack
 * constraints the source is the global maximum and the destination the global minimum, which
 * reaches the exact lower bound (each move cuts the surplus above ⌈R/n⌉ or the deficit below ⌊R/n⌋).
 * With racks the greedy can get stuck with no single legal move narrowing a gap; in plain
 * balancing augmenting chains (CountChains) then take over until none is left either.
 *
 * Returns true when the result is as even as the racks allow (no rack-clean placement of these
 * partitions has a smaller spread of counts), false when that is not known.
 */
export function balanceCounts(m: PlacementModel, scope: GreedyScope): boolean {
  const best = new Int32Array(m.groupCount)
  const second = new Int32Array(m.groupCount)
  // Plain balancing (every pair wanted) uses the bucket queue; the add/remove filters keep the scan.
  const buckets = scope.wants === alwaysWanted ? new CountBuckets(m, scope.dests) : null
  const sources = new SourcesByCount(m, scope.sources)
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
        sources.moved(b, d)
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
  const moved = (from: number, to: number): void => {
    buckets?.moved(from, to)
    sources.moved(from, to)
  }
  const chains = scope.wants === alwaysWanted ? new CountChains(m, scope) : null
  for (;;) {
    improveUntilStuck(m, 'count', sources, tryFrom, Number.MAX_SAFE_INTEGER)
    // Add mode (a filter on pairs) gets no chains, so nothing is known about its optimum.
    if (chains === null) return false
    // Without racks, the greedy alone ends within 1 of even.
    if (!m.rackAware) return true
    // Violations left (never in balance mode, which repairs them all first): the flow model does not hold.
    if (!chains.applies()) return false
    if (!chains.augment(moved)) return true
  }
}

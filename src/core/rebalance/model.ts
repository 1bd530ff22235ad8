/**
 * Mutable working copy of the replica placement the planner edits. Brokers and partitions are
 * dense indices; every structure is updated incrementally so one move costs O(RF² + log held),
 * never a scan of the cluster.
 */
export class PlacementModel {
  readonly brokerCount: number
  readonly partitionCount: number
  /** Broker indices per partition; index 0 is the preferred leader. */
  readonly replicas: number[][]
  readonly size: Float64Array
  /** Replicas per broker (a Float64Array like bytes, so load loops stay monomorphic). */
  readonly count: Float64Array
  readonly bytes: Float64Array
  readonly groupOf: Int32Array
  readonly groupCount: number
  readonly rackAware: boolean
  /** Sum over partitions of excess replicas per failure domain. */
  violations = 0
  /** Replica moves applied so far (a replica moved twice counts twice). */
  steps = 0

  /**
   * Partitions on each broker, sorted by (size, index) so scans meet the cheapest moves first.
   * `main` starts with the initial placement and is never spliced: a partition leaving is only
   * counted dead (and compacted away in bulk), which keeps hot brokers with tens of thousands of
   * replicas cheap. Partitions arriving go to the small sorted `extra` list, unless they return
   * to an entry still present in `main`.
   */
  private readonly main: number[][]
  private readonly extra: number[][]
  private readonly dead: Int32Array
  /** Entries of main before this index are all dead. */
  private readonly front: Int32Array
  /** has[b*K+g]: partitions on broker b with at least one replica in group g. */
  private readonly has: Int32Array

  constructor(
    brokerCount: number,
    replicas: number[][],
    size: Float64Array,
    groupOf: Int32Array,
    groupCount: number,
    rackAware: boolean,
  ) {
    this.brokerCount = brokerCount
    this.partitionCount = replicas.length
    this.replicas = replicas
    this.size = size
    // Rack-unaware planning uses one group, so group lookups need no branch.
    this.groupOf = rackAware ? groupOf : new Int32Array(brokerCount)
    this.groupCount = rackAware ? groupCount : 1
    this.rackAware = rackAware
    this.count = new Float64Array(brokerCount)
    this.bytes = new Float64Array(brokerCount)
    this.main = Array.from({length: brokerCount}, () => [] as number[])
    this.extra = Array.from({length: brokerCount}, () => [] as number[])
    this.dead = new Int32Array(brokerCount)
    this.front = new Int32Array(brokerCount)
    this.has = new Int32Array(rackAware ? brokerCount * groupCount : 0)
    const order = new Int32Array(replicas.length)
    for (let p = 0; p < order.length; p++) order[p] = p
    order.sort((a, b) => this.compare(a, b))
    for (const p of order) {
      for (const b of replicas[p]) {
        this.count[b]++
        this.bytes[b] += size[p]
        this.main[b].push(p)
      }
      if (rackAware) {
        this.violations += this.excess(p)
        for (const b of replicas[p]) this.addContribution(p, b)
      }
    }
  }

  group(b: number): number {
    return this.groupOf[b]
  }

  holds(p: number, b: number): boolean {
    return this.replicas[p].includes(b)
  }

  /** Replicas of p in group g. */
  inGroup(p: number, g: number): number {
    let k = 0
    for (const b of this.replicas[p]) if (this.group(b) === g) k++
    return k
  }

  excess(p: number): number {
    if (!this.rackAware) return 0
    const reps = this.replicas[p]
    let extra = 0
    for (let i = 0; i < reps.length; i++) {
      for (let j = 0; j < i; j++) {
        if (this.groupOf[reps[j]] === this.groupOf[reps[i]]) {
          extra++
          break
        }
      }
    }
    return extra
  }

  /** Change in p's rack violations if its replica on `from` moved to `to`. */
  violationDelta(p: number, from: number, to: number): number {
    const x = this.group(from)
    const y = this.group(to)
    if (x === y) return 0
    return (this.inGroup(p, y) >= 1 ? 1 : 0) - (this.inGroup(p, x) >= 2 ? 1 : 0)
  }

  /** A move is allowed when the target lacks the partition and rack spread does not get worse. */
  canMove(p: number, from: number, to: number): boolean {
    return !this.holds(p, to) && this.violationDelta(p, from, to) <= 0
  }

  /** Partitions on broker b that have no replica in group g (cheap test before scanning). */
  lacking(b: number, g: number): number {
    return this.rackAware ? this.count[b] - this.has[b * this.groupCount + g] : 0
  }

  /** First partition on b, smallest first, that passes `accept`; -1 if none. */
  findHeld(b: number, accept: (p: number) => boolean): number {
    const main = this.main[b]
    while (this.front[b] < main.length && !this.holds(main[this.front[b]], b)) this.front[b]++
    for (let i = this.front[b]; i < main.length; i++) {
      const p = main[i]
      if (this.holds(p, b) && accept(p)) return p
    }
    for (const p of this.extra[b]) if (accept(p)) return p
    return -1
  }

  /** Calls `visit` for every partition on broker b, in the order findHeld meets them. */
  forEachHeld(b: number, visit: (p: number) => void): void {
    const main = this.main[b]
    for (let i = this.front[b]; i < main.length; i++) if (this.holds(main[i], b)) visit(main[i])
    for (const p of this.extra[b]) visit(p)
  }

  /**
   * Best fit for byte balancing: the largest partition on b with 0 < size <= half that passes
   * `accept`, else the smallest with half < size < limit; -1 if none.
   */
  bestFit(b: number, half: number, limit: number, accept: (p: number) => boolean): number {
    let best = -1
    for (const list of [this.main[b], this.extra[b]]) {
      for (let i = this.firstAbove(list, half) - 1; i >= 0; i--) {
        const p = list[i]
        if (this.size[p] <= 0 || (best >= 0 && this.compare(p, best) < 0)) break
        if (this.holds(p, b) && accept(p)) {
          best = p
          break
        }
      }
    }
    if (best >= 0) return best
    for (const list of [this.main[b], this.extra[b]]) {
      for (let i = this.firstAbove(list, half); i < list.length; i++) {
        const p = list[i]
        if (this.size[p] >= limit || (best >= 0 && this.compare(p, best) > 0)) break
        if (this.holds(p, b) && accept(p)) {
          best = p
          break
        }
      }
    }
    return best
  }

  /** Moves p's replica from broker `from` to broker `to`, keeping its position in the list. */
  move(p: number, from: number, to: number): void {
    const reps = this.replicas[p]
    const at = reps.indexOf(from)
    if (at < 0 || reps.includes(to)) throw new Error(`internal: bad move of partition ${p} from ${from} to ${to}`)
    if (this.rackAware) {
      this.violations += this.violationDelta(p, from, to)
      this.removeContribution(p, from)
      const x = this.groupOf[from]
      const y = this.groupOf[to]
      if (x !== y) {
        const K = this.groupCount
        const xGoes = this.inGroup(p, x) === 1
        const yComes = this.inGroup(p, y) === 0
        for (const w of reps) {
          if (w === from) continue
          if (xGoes) this.has[w * K + x]--
          if (yComes) this.has[w * K + y]++
        }
      }
    }
    reps[at] = to
    if (this.rackAware) this.addContribution(p, to)
    const s = this.size[p]
    this.count[from]--
    this.count[to]++
    this.bytes[from] -= s
    this.bytes[to] += s
    this.leave(p, from)
    this.arrive(p, to)
    this.steps++
  }

  private compare(a: number, b: number): number {
    return this.size[a] - this.size[b] || a - b
  }

  /** Index of p in a held list, or where it would be inserted. */
  private search(list: readonly number[], p: number): number {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.compare(list[mid], p) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Position of the first entry with size > s. */
  private firstAbove(list: readonly number[], s: number): number {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.size[list[mid]] <= s) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Bookkeeping after p left b (replicas already updated). */
  private leave(p: number, b: number): void {
    const main = this.main[b]
    const at = this.search(main, p)
    if (at < main.length && main[at] === p) {
      this.dead[b]++
      // Compact in bulk once dead entries are a noticeable share: amortised O(1) per move.
      if (this.dead[b] > 64 && this.dead[b] * 8 > main.length) {
        this.main[b] = main.filter((q) => this.holds(q, b))
        this.dead[b] = 0
        this.front[b] = 0
      }
    } else {
      const extra = this.extra[b]
      extra.splice(this.search(extra, p), 1)
    }
  }

  /** Bookkeeping after p arrived on b (replicas already updated). */
  private arrive(p: number, b: number): void {
    const main = this.main[b]
    const at = this.search(main, p)
    if (at < main.length && main[at] === p) {
      this.dead[b]--
      if (at < this.front[b]) this.front[b] = at
    } else {
      const extra = this.extra[b]
      extra.splice(this.search(extra, p), 0, p)
    }
  }

  /** Applies `delta` to has[b][g] once for every group p uses (no allocation: RF is tiny). */
  private contribute(p: number, b: number, delta: number): void {
    const reps = this.replicas[p]
    const K = this.groupCount
    for (let i = 0; i < reps.length; i++) {
      const g = this.groupOf[reps[i]]
      let first = true
      for (let j = 0; j < i; j++) if (this.groupOf[reps[j]] === g) first = false
      if (first) this.has[b * K + g] += delta
    }
  }

  private addContribution(p: number, b: number): void {
    this.contribute(p, b, 1)
  }

  private removeContribution(p: number, b: number): void {
    this.contribute(p, b, -1)
  }
}

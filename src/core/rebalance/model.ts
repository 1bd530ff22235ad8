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
   * `main` starts with the initial placement and is never spliced: a partition leaving is marked
   * dead in place as ~p (so telling live from dead entries needs no look at the partition's
   * replicas, which sit all over the heap) and compacted away in bulk, which keeps hot brokers with
   * tens of thousands of replicas cheap. Partitions arriving go to the small sorted `extra` list,
   * unless they return to their dead entry in `main`.
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
    for (const p of orderBySize(size)) {
      for (const b of replicas[p]) {
        this.count[b]++
        this.bytes[b] += size[p]
        this.main[b].push(p)
      }
    }
    // Index order: these sums do not depend on order, and memory is read sequentially.
    if (rackAware) {
      for (let p = 0; p < replicas.length; p++) {
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
    let i = this.front[b]
    while (i < main.length && main[i] < 0) i++
    this.front[b] = i
    for (; i < main.length; i++) {
      const p = main[i]
      if (p >= 0 && accept(p)) return p
    }
    for (const p of this.extra[b]) if (accept(p)) return p
    return -1
  }

  /** Calls `visit` for every partition on broker b, in the order findHeld meets them. */
  forEachHeld(b: number, visit: (p: number) => void): void {
    const main = this.main[b]
    for (let i = this.front[b]; i < main.length; i++) if (main[i] >= 0) visit(main[i])
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
        const v = list[i]
        const p = v < 0 ? ~v : v
        if (this.size[p] <= 0 || (best >= 0 && this.compare(p, best) < 0)) break
        if (v >= 0 && accept(p)) {
          best = p
          break
        }
      }
    }
    if (best >= 0) return best
    for (const list of [this.main[b], this.extra[b]]) {
      for (let i = this.firstAbove(list, half); i < list.length; i++) {
        const v = list[i]
        const p = v < 0 ? ~v : v
        if (this.size[p] >= limit || (best >= 0 && this.compare(p, best) > 0)) break
        if (v >= 0 && accept(p)) {
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

  /** Index of p (live or dead) in a held list, or where it would be inserted. */
  private search(list: readonly number[], p: number): number {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const v = list[mid]
      if (this.compare(v < 0 ? ~v : v, p) < 0) lo = mid + 1
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
      const v = list[mid]
      if (this.size[v < 0 ? ~v : v] <= s) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Bookkeeping after p left b (replicas already updated). */
  private leave(p: number, b: number): void {
    const main = this.main[b]
    const at = this.search(main, p)
    if (at < main.length && main[at] === p) {
      main[at] = ~p
      this.dead[b]++
      // Compact in bulk once dead entries are a noticeable share: amortised O(1) per move.
      if (this.dead[b] > 64 && this.dead[b] * 8 > main.length) {
        this.main[b] = main.filter((v) => v >= 0)
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
    if (at < main.length && main[at] === ~p) {
      main[at] = p
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

/**
 * Partition indices by (size, index), with one native numeric sort instead of a comparator (a
 * comparator sort of 100,000 indices cost a tenth of a large plan): the key size * 2^bits + index
 * is an exact integer when sizes are small enough, else the size's rank among all sizes stands in.
 */
function orderBySize(size: Float64Array): Int32Array {
  const n = size.length
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)))
  let exact = true
  for (let p = 0; p < n && exact; p++) exact = Number.isInteger(size[p]) && size[p] >= 0 && size[p] < Number.MAX_SAFE_INTEGER / scale - 1
  const keys = new Float64Array(n)
  if (exact) for (let p = 0; p < n; p++) keys[p] = size[p] * scale + p
  else {
    const sorted = Float64Array.from(size).sort()
    for (let p = 0; p < n; p++) {
      const s = size[p]
      let lo = 0
      let hi = n
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (sorted[mid] < s) lo = mid + 1
        else hi = mid
      }
      keys[p] = lo * scale + p
    }
  }
  keys.sort()
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = keys[i] % scale
  return order
}

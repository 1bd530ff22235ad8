import {rangeWidth, ringFraction, RING_SIZE, wrapToken} from './tokens.js'

/**
 * Token allocation for a ring where every range has exactly one replica in the
 * ring being balanced: a DC at RF 1, or one rack when racks == RF (then each
 * rack holds one full copy and a node's effective share is its primary share
 * of its rack's ring). Cassandra uses its NoReplicationTokenAllocator here.
 *
 * The new node takes its ideal share 1/(units+1) by "water-filling": the most
 * loaded units give up what they hold above a common level, chosen as high as
 * the token budget allows. Each donation is carved from the donor's largest
 * ranges in proportion to their size, so token sizes stay even for later
 * growth. Existing tokens never move.
 */

/** Never hand over more than this share of one range: the donor keeps a usable piece. */
const MAX_TAKE = 0.9

const total = (plan: readonly Donation[]) => plan.reduce((a, d) => a + d.amount, 0)

interface Donation {
  unit: number
  amount: number
  ranges: number
}

export class SingleReplicaRing {
  /** Sorted tokens of this allocation ring and the unit (node id) holding each. */
  private readonly tokens: bigint[] = []
  private readonly owners: number[] = []
  /** Exact widths, so a plan does not depend on how it was split into batches. */
  private readonly share = new Map<number, bigint>()
  private readonly unitTokens = new Map<number, bigint[]>()

  constructor(units: ReadonlyMap<number, readonly bigint[]>) {
    const pairs: [bigint, number][] = []
    for (const [unit, toks] of units) for (const t of toks) pairs.push([t, unit])
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    for (const [t, u] of pairs) {
      this.tokens.push(t)
      this.owners.push(u)
    }
    for (const [u, toks] of units) {
      this.share.set(u, 0n)
      this.unitTokens.set(u, [...toks])
    }
    const n = this.tokens.length
    for (let i = 0; i < n; i++) {
      const w = rangeWidth(this.tokens[(i + n - 1) % n], this.tokens[i])
      this.share.set(this.owners[i], this.share.get(this.owners[i])! + w)
    }
  }

  get isEmpty(): boolean {
    return this.tokens.length === 0
  }

  /** Unit shares of this ring (fractions summing to 1). */
  shares(): Map<number, number> {
    return new Map([...this.share].map(([u, w]) => [u, ringFraction(w)]))
  }

  private position(token: bigint): number {
    let lo = 0
    let hi = this.tokens.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.tokens[mid] < token) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Ranges (start, end] held by a unit, largest first. */
  private rangesOf(unit: number): {start: bigint; end: bigint; width: bigint}[] {
    const n = this.tokens.length
    const out = (this.unitTokens.get(unit) ?? []).map((end) => {
      const start = this.tokens[(this.position(end) + n - 1) % n]
      return {start, end, width: rangeWidth(start, end)}
    })
    // Ties broken by position so the order never depends on insertion history.
    return out.sort((a, b) => (a.width > b.width ? -1 : a.width < b.width ? 1 : a.end < b.end ? -1 : 1))
  }

  /**
   * What each unit can give down to `level` when tokens go, one at a time, to
   * whichever unit gains most from one more range (largest ranges first). The
   * gains per unit only shrink, so this greedy is the best use of the budget.
   */
  private donationsAt(
    level: number,
    units: readonly [number, number][],
    widths: ReadonlyMap<number, number[]>,
    budget: number,
  ): Donation[] {
    const state = units
      .filter(([, s]) => s > level)
      .map(([u, s]) => ({unit: u, want: s - level, cap: 0, ranges: 0, w: widths.get(u)!}))
    const gain = (x: (typeof state)[number]) =>
      x.ranges < x.w.length ? Math.min(x.want, x.cap + x.w[x.ranges] * MAX_TAKE) - Math.min(x.want, x.cap) : 0
    for (let t = 0; t < budget; t++) {
      let best: (typeof state)[number] | undefined
      let bestGain = 0
      for (const x of state) {
        const g = gain(x)
        if (g > bestGain) {
          best = x
          bestGain = g
        }
      }
      if (!best) break
      best.cap += best.w[best.ranges] * MAX_TAKE
      best.ranges++
    }
    return state.filter((x) => x.ranges > 0).map((x) => ({unit: x.unit, amount: Math.min(x.want, x.cap), ranges: x.ranges}))
  }

  /**
   * Chooses `count` tokens for a new unit, adds them to this ring and returns
   * them. `taken` holds every token of the cluster; chosen tokens are added to it.
   */
  allocate(unit: number, count: number, taken: Set<bigint>): bigint[] {
    const units = [...this.shares().entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])
    const ideal = 1 / (units.length + 1)
    const rangeCache = new Map<number, {start: bigint; end: bigint; width: bigint}[]>()
    const ranges = (u: number) => {
      let r = rangeCache.get(u)
      if (!r) rangeCache.set(u, (r = this.rangesOf(u).filter((x) => x.width >= 2n)))
      return r
    }

    // Highest common level the donors can be brought down to with `count` tokens.
    // A budget of `count` tokens reaches at most `count` donors; the best lie among the most loaded.
    const candidates = units.slice(0, 2 * count)
    const widths = new Map<number, number[]>()
    for (const [u] of candidates) widths.set(u, ranges(u).map((r) => ringFraction(r.width)))
    let low = 0
    let high = units.length > 0 ? units[0][1] : 0
    let plan = this.donationsAt(low, candidates, widths, count)
    if (total(plan) >= ideal) {
      for (let iter = 0; iter < 40; iter++) {
        const mid = (low + high) / 2
        if (total(this.donationsAt(mid, candidates, widths, count)) >= ideal) low = mid
        else high = mid
      }
      plan = this.donationsAt(low, candidates, widths, count)
    }
    // Scale to exactly the ideal (or keep everything available when even level 0 falls short).
    const scale = Math.min(1, ideal / Math.max(total(plan), Number.MIN_VALUE))
    for (const d of plan) d.amount *= scale

    // Spread spare tokens over the largest per-token donations, keeping token sizes even.
    let spare = count - plan.reduce((a, x) => a + x.ranges, 0)
    while (spare > 0) {
      let best: Donation | undefined
      for (const d of plan) {
        if (d.ranges < ranges(d.unit).length && (!best || d.amount / d.ranges > best.amount / best.ranges)) best = d
      }
      if (!best) break
      best.ranges++
      spare--
    }

    const chosen: bigint[] = []
    for (const d of plan) {
      const use = ranges(d.unit).slice(0, d.ranges)
      const total = use.reduce((a, r) => a + ringFraction(r.width), 0)
      for (const r of use) {
        const fraction = (d.amount * ringFraction(r.width)) / total
        let take = BigInt(Math.floor(fraction * Number(RING_SIZE)))
        if (take < 1n) take = 1n
        if (take > r.width - 1n) take = r.width - 1n
        const token = freeToken(r.start + take, r.end, taken)
        if (token !== undefined) chosen.push(token)
      }
    }
    for (const t of chosen) this.insert(t, unit)
    // Tokens left over split the newcomer's own ranges: they change nobody's share.
    while (chosen.length < count) {
      const own = this.isEmpty ? [] : this.rangesOf(unit).filter((r) => r.width >= 2n)
      const r = own[0]
      const token = r
        ? freeToken(r.start + r.width / 2n, r.end, taken)
        : freeToken(wrapToken(BigInt(chosen.length) * (RING_SIZE / BigInt(count))), undefined, taken)
      if (token === undefined) break
      chosen.push(token)
      this.insert(token, unit)
    }
    for (const t of chosen) taken.add(t)
    return chosen.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** Adds a token (held by `unit`) and moves the share it takes from the range's holder. */
  insert(token: bigint, unit: number): void {
    const n = this.tokens.length
    if (!this.share.has(unit)) this.share.set(unit, 0n)
    if (!this.unitTokens.has(unit)) this.unitTokens.set(unit, [])
    this.unitTokens.get(unit)!.push(token)
    if (n === 0) {
      this.tokens.push(token)
      this.owners.push(unit)
      this.share.set(unit, RING_SIZE)
      return
    }
    const pos = this.position(token)
    const next = pos % n
    const start = this.tokens[(pos + n - 1) % n]
    const taken = rangeWidth(start, token)
    const donor = this.owners[next]
    this.share.set(donor, this.share.get(donor)! - taken)
    this.share.set(unit, this.share.get(unit)! + taken)
    this.tokens.splice(pos, 0, token)
    this.owners.splice(pos, 0, unit)
  }
}

/** The first token at or after `token` (wrapping) not yet used, stopping before `end`. */
export function freeToken(token: bigint, end: bigint | undefined, taken: ReadonlySet<bigint>): bigint | undefined {
  let t = wrapToken(token)
  for (let i = 0; i < 1000; i++) {
    if (!taken.has(t) && t !== end) return t
    if (t === end) return undefined
    t = wrapToken(t + 1n)
  }
  return undefined
}

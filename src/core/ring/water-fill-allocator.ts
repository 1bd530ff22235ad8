import {MAX_TOKEN, MIN_TOKEN, rangeWidth, RING_SIZE, ringFraction, wrapToken} from './tokens.js'

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
 *
 * The ring is kept as explicit ranges per unit (each unit's splittable ranges
 * sorted, widest first), updated in place when a token splits one, so planning
 * a node costs one pass over the units plus work on the 2·tokens most loaded
 * ones, not passes over every token of the ring. Decisions use doubles derived
 * from exact bigint widths, with exact tie-breaks, so a plan never depends on
 * how it was split into batches.
 */

/**
 * Never hand over more than this share of one range: the donor keeps a piece.
 * Small rings (fewer than SMALL_RING units per token) keep a tenth, which
 * balanced the 6-96-node rings best. In larger rings a donor is cut about once
 * every units/tokens steps, when its largest range is often not much wider than
 * the share it must give; a 0.9 cap then leaves it above the water level and
 * pushes everyone else lower (max/mean 1.072 at 1,000 nodes, 16 tokens, RF 3,
 * 3 racks, against 1.034 with 0.97, close to the 1 + 1/(2·tokens) a ring that
 * grows by one unit per step can keep with `tokens` donors a step).
 */
const MAX_TAKE_SMALL = 0.9
const MAX_TAKE_LARGE = 0.97
const SMALL_RING = 2
/** Bisection steps for the water level: 2^-40 of the largest share. */
const LEVEL_STEPS = 40

/** The range (start, end] of the allocation ring, held by the unit owning `end`. */
interface Range {
  start: bigint
  end: bigint
  width: bigint
  /** `width` as a fraction of the ring. */
  f: number
}

interface Unit {
  id: number
  /** Exact width held, and the same as a fraction of the ring. */
  share: bigint
  fraction: number
  ranges: Range[]
  /** Ranges of width >= 2 largest first (ties by end token) and their fractions; undefined when stale. */
  sorted?: Range[]
  widths?: Float64Array
}

// Doubles decide unless they tie; exact widths, then positions, break ties, so the order never depends on history.
const byWidthDesc = (a: Range, b: Range) =>
  a.f !== b.f ? b.f - a.f : a.width > b.width ? -1 : a.width < b.width ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0

export class SingleReplicaRing {
  private readonly units = new Map<number, Unit>()
  private tokenCount = 0

  constructor(units: ReadonlyMap<number, readonly bigint[]>) {
    const pairs: [bigint, number][] = []
    for (const [id, toks] of units) {
      this.unitOf(id)
      for (const t of toks) pairs.push([t, id])
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const n = pairs.length
    for (let i = 0; i < n; i++) {
      const start = pairs[(i + n - 1) % n][0]
      const [end, id] = pairs[i]
      const width = rangeWidth(start, end)
      const unit = this.unitOf(id)
      unit.ranges.push({start, end, width, f: ringFraction(width)})
      unit.share += width
    }
    for (const unit of this.units.values()) unit.fraction = ringFraction(unit.share)
    this.tokenCount = n
  }

  get isEmpty(): boolean {
    return this.tokenCount === 0
  }

  /** Unit shares of this ring (fractions summing to 1). */
  shares(): Map<number, number> {
    return new Map([...this.units].map(([id, u]) => [id, u.fraction]))
  }

  private unitOf(id: number): Unit {
    let unit = this.units.get(id)
    if (!unit) this.units.set(id, (unit = {id, share: 0n, fraction: 0, ranges: []}))
    return unit
  }

  /** A unit's splittable ranges, largest first, cached until the unit changes. */
  private sortedRanges(unit: Unit): Range[] {
    if (!unit.sorted) {
      const sorted: Range[] = []
      for (const r of unit.ranges) if (r.width >= 2n) sorted.push(r)
      sorted.sort(byWidthDesc)
      const widths = new Float64Array(sorted.length)
      for (let i = 0; i < sorted.length; i++) widths[i] = sorted[i].f
      unit.sorted = sorted
      unit.widths = widths
    }
    return unit.sorted
  }

  /** The `m` most loaded units, most loaded first (ties by id), in one pass. */
  private mostLoaded(m: number): Unit[] {
    const top: Unit[] = []
    if (m <= 0) return top
    const before = (a: Unit, b: Unit) => a.fraction > b.fraction || (a.fraction === b.fraction && a.id < b.id)
    for (const u of this.units.values()) {
      if (top.length === m && !before(u, top[m - 1])) continue
      let i = top.length === m ? m - 1 : top.length
      while (i > 0 && before(u, top[i - 1])) {
        top[i] = top[i - 1]
        i--
      }
      top[i] = u
    }
    return top
  }

  /**
   * Chooses `count` tokens for a new unit, adds them to this ring and returns
   * them. `taken` holds every token of the cluster; chosen tokens are added to it.
   */
  allocate(unit: number, count: number, taken: Set<bigint>): bigint[] {
    const ideal = 1 / (this.units.size + 1)
    const maxTake = this.units.size < SMALL_RING * count ? MAX_TAKE_SMALL : MAX_TAKE_LARGE
    // A budget of `count` tokens reaches at most `count` donors; the best lie among the most loaded.
    const candidates = this.mostLoaded(Math.min(this.units.size, 2 * count))
    const m = candidates.length
    const shares = new Float64Array(m)
    const widths: Float64Array[] = []
    for (let c = 0; c < m; c++) {
      shares[c] = candidates[c].fraction
      this.sortedRanges(candidates[c])
      widths.push(candidates[c].widths!)
    }
    const want = new Float64Array(m)
    const cap = new Float64Array(m)
    const used = new Int32Array(m)
    // The token assignments found at the two ends of the level bracket.
    const usedLow = new Int32Array(m)
    const usedHigh = new Int32Array(m)

    /**
     * What each candidate can give down to `level` when tokens go, one at a
     * time, to whichever unit gains most from one more range (largest ranges
     * first). The gains per unit only shrink, so this greedy is the best use
     * of the budget. Fills want/cap/used and returns the total.
     */
    const donationsAt = (level: number): number => {
      for (let c = 0; c < m; c++) {
        want[c] = shares[c] > level ? shares[c] - level : 0
        cap[c] = 0
        used[c] = 0
      }
      for (let t = 0; t < count; t++) {
        let best = -1
        let bestGain = 0
        for (let c = 0; c < m; c++) {
          const w = widths[c]
          const r = used[c]
          if (want[c] <= 0 || r >= w.length) continue
          const before = cap[c] < want[c] ? cap[c] : want[c]
          const grown = cap[c] + w[r] * maxTake
          const g = (grown < want[c] ? grown : want[c]) - before
          if (g > bestGain) {
            best = c
            bestGain = g
          }
        }
        if (best < 0) break
        cap[best] += widths[best][used[best]] * maxTake
        used[best]++
      }
      return donated(level)
    }
    /** Total given down to `level` with the current assignment (used/cap) kept. */
    const donated = (level: number): number => {
      let sum = 0
      for (let c = 0; c < m; c++) {
        if (used[c] === 0) continue
        want[c] = shares[c] > level ? shares[c] - level : 0
        sum += cap[c] < want[c] ? cap[c] : want[c]
      }
      return sum
    }
    const same = (a: Int32Array, b: Int32Array) => {
      for (let c = 0; c < m; c++) if (a[c] !== b[c]) return false
      return true
    }

    // Highest common level the donors can be brought down to with `count` tokens: bisection, re-running the
    // greedy only until both ends of the bracket agree on which ranges to use; from then on the total is
    // piecewise linear in the level and is evaluated with that assignment kept.
    let low = 0
    let high = m > 0 ? shares[0] : 0
    if (donationsAt(low) >= ideal) {
      usedLow.set(used)
      donationsAt(high)
      usedHigh.set(used)
      let locked = same(usedLow, usedHigh)
      for (let iter = 0; iter < LEVEL_STEPS; iter++) {
        const mid = (low + high) / 2
        const enough = (locked ? donated(mid) : donationsAt(mid)) >= ideal
        if (enough) low = mid
        else high = mid
        if (!locked) {
          // Once locked, used/cap hold the assignment both ends share.
          if (enough) usedLow.set(used)
          else usedHigh.set(used)
          locked = same(usedLow, usedHigh)
        }
      }
      if (locked) donated(low)
      else donationsAt(low)
    }
    const amount = new Float64Array(m)
    let total = 0
    let spare = count
    for (let c = 0; c < m; c++) {
      if (used[c] > 0) amount[c] = cap[c] < want[c] ? cap[c] : want[c]
      total += amount[c]
      spare -= used[c]
    }
    // Scale to exactly the ideal (or keep everything available when even level 0 falls short).
    const scale = Math.min(1, ideal / Math.max(total, Number.MIN_VALUE))
    for (let c = 0; c < m; c++) amount[c] *= scale

    // Spread spare tokens over the largest per-token donations, keeping token sizes even.
    while (spare > 0) {
      let best = -1
      for (let c = 0; c < m; c++) {
        if (used[c] > 0 && used[c] < widths[c].length && (best < 0 || amount[c] / used[c] > amount[best] / used[best])) best = c
      }
      if (best < 0) break
      used[best]++
      spare--
    }

    const newcomer = this.unitOf(unit)
    const chosen: bigint[] = []
    for (let c = 0; c < m; c++) {
      if (used[c] === 0) continue
      const donor = candidates[c]
      const use = donor.sorted!.slice(0, used[c])
      const w = donor.widths!
      let sum = 0
      for (let i = 0; i < use.length; i++) sum += w[i]
      for (let i = 0; i < use.length; i++) {
        const r = use[i]
        let take = BigInt(Math.floor(((amount[c] * w[i]) / sum) * 2 ** 64))
        if (take < 1n) take = 1n
        if (take > r.width - 1n) take = r.width - 1n
        const token = freeToken(r.start + take, r.end, taken)
        if (token === undefined) continue
        this.split(r, donor, newcomer, token)
        chosen.push(token)
        taken.add(token)
      }
    }
    // Tokens left over split the newcomer's own ranges: they change nobody's share.
    while (chosen.length < count) {
      const r = this.isEmpty ? undefined : this.sortedRanges(newcomer)[0]
      const token = r
        ? freeToken(r.start + r.width / 2n, r.end, taken)
        : freeToken(wrapToken(BigInt(chosen.length) * (RING_SIZE / BigInt(count))), undefined, taken)
      if (token === undefined) break
      if (r) this.split(r, newcomer, newcomer, token)
      else this.insertIntoEmpty(token, newcomer)
      chosen.push(token)
      taken.add(token)
    }
    return chosen.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** `token` (strictly inside `range`, held by `donor`) goes to `to`: it takes (start, token]. */
  private split(range: Range, donor: Unit, to: Unit, token: bigint): void {
    const width = rangeWidth(range.start, token)
    to.ranges.push({start: range.start, end: token, width, f: ringFraction(width)})
    range.start = token
    range.width -= width
    range.f = ringFraction(range.width)
    donor.share -= width
    to.share += width
    donor.fraction = ringFraction(donor.share)
    to.fraction = ringFraction(to.share)
    to.sorted = undefined
    if (donor !== to) this.shrunk(donor, range)
    this.tokenCount++
  }

  /** Moves a range that got narrower down its unit's sorted list (or out of it), instead of re-sorting. */
  private shrunk(unit: Unit, range: Range): void {
    const sorted = unit.sorted
    if (!sorted) return
    let i = sorted.indexOf(range)
    if (i < 0) {
      unit.sorted = undefined
      return
    }
    if (range.width < 2n) {
      sorted.splice(i, 1)
    } else {
      while (i + 1 < sorted.length && byWidthDesc(sorted[i + 1], range) < 0) {
        sorted[i] = sorted[i + 1]
        i++
      }
      sorted[i] = range
    }
    // A fresh array: a caller may still be reading the previous one.
    const widths = new Float64Array(sorted.length)
    for (let k = 0; k < sorted.length; k++) widths[k] = sorted[k].f
    unit.widths = widths
  }

  /** The first token of an empty ring: its unit holds the whole ring. */
  private insertIntoEmpty(token: bigint, to: Unit): void {
    if (this.tokenCount === 0) {
      to.ranges.push({start: token, end: token, width: RING_SIZE, f: 1})
      to.share = RING_SIZE
      to.fraction = 1
      to.sorted = undefined
      this.tokenCount = 1
      return
    }
    // Not reached: callers split existing ranges once the ring has a token.
    throw new Error('insertIntoEmpty on a non-empty ring')
  }
}

/** The first token at or after `token` (wrapping) not yet used, stopping before `end`. */
export function freeToken(token: bigint, end: bigint | undefined, taken: ReadonlySet<bigint>): bigint | undefined {
  // Callers stay within one turn of the ring: one subtraction wraps (wrapToken's modulo is the general case).
  let t = token > MAX_TOKEN ? token - RING_SIZE : token
  if (t === end) return undefined
  if (t >= MIN_TOKEN && t <= MAX_TOKEN && !taken.has(t)) return t
  t = wrapToken(t)
  for (let i = 0; i < 1000; i++) {
    if (!taken.has(t) && t !== end) return t
    if (t === end) return undefined
    t = wrapToken(t + 1n)
  }
  return undefined
}

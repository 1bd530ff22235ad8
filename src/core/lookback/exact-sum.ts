/**
 * Exact floating-point summation (Shewchuk's algorithm, as in Python's
 * math.fsum). The running sum is kept as a short list of non-overlapping
 * partials whose exact total is the exact sum of every input, and value()
 * rounds that total once. The result is therefore the correctly rounded sum,
 * identical whatever the order of inputs or how they were split across
 * partial sums that are later merged; a naive or Kahan sum is not.
 *
 * Inputs must be finite; callers bound their magnitude so the sum cannot
 * overflow (see MAX_ABS_VALUE).
 */
export class ExactSum {
  private partials: number[] = []

  add(input: number): void {
    // Indexed loop and a plain swap: this runs once per event, and a destructuring swap
    // doubled its cost.
    const partials = this.partials
    let x = input
    let kept = 0
    for (let i = 0; i < partials.length; i++) {
      let y = partials[i]!
      if (Math.abs(x) < Math.abs(y)) {
        const t = x
        x = y
        y = t
      }
      const hi = x + y
      const lo = y - (hi - x)
      if (lo !== 0) partials[kept++] = lo
      x = hi
    }
    partials.length = kept
    partials.push(x)
  }

  /** Adds another exact sum without losing exactness. */
  merge(other: ExactSum): void {
    for (const partial of other.partials) this.add(partial)
  }

  /** The correctly rounded (half-even) total; +0 for an empty sum. */
  value(): number {
    const p = this.partials
    let n = p.length
    if (n === 0) return 0
    let hi = p[--n]
    let lo = 0
    while (n > 0) {
      const x = hi
      const y = p[--n]
      hi = x + y
      lo = y - (hi - x)
      if (lo !== 0) break
    }
    // Round half-even across more than two partials: if the remaining partials
    // push the same way as lo, the tie is not a tie.
    if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
      const y = lo * 2
      const x = hi + y
      if (y === x - hi) hi = x
    }
    return hi + 0 // normalises -0
  }

  /** The partials, for checkpoints (JSON numbers round-trip exactly). */
  toPartials(): number[] {
    return [...this.partials]
  }

  static fromPartials(partials: readonly number[]): ExactSum {
    const sum = new ExactSum()
    for (const partial of partials) sum.add(partial)
    return sum
  }
}

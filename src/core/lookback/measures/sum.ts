import {corrupt} from '../day-aggregator.js'
import {ExactSum} from '../exact-sum.js'
import {canonicalPartials, sumFromPartials} from './canonical-sum.js'
import type {Measure} from './measure.js'

/**
 * Exact sum (Shewchuk partials, correctly rounded once), so it does not depend
 * on event order or on how events were split. State: canonical partials, [] for none.
 */
export class SumMeasure implements Measure<number> {
  readonly kind = 'sum'
  private sum = new ExactSum()
  private n = 0

  add(value: number): void {
    this.sum.add(value)
    this.n++
  }

  merge(other: SumMeasure): void {
    this.sum.merge(other.sum)
    this.n += other.n
  }

  /** Null when no value was added; a sum of values that cancel is 0. */
  result(): number | null {
    return this.n === 0 ? null : this.sum.value()
  }

  toJSON(): {count: number; sum: number[]} {
    return {count: this.n, sum: canonicalPartials(this.sum)}
  }

  static fromJSON(state: unknown, where: string): SumMeasure {
    const {count, sum} = readCountAndSum(state, where)
    const measure = new SumMeasure()
    measure.n = count
    measure.sum = sum
    return measure
  }
}

/** Reads {count, sum} (shared by sum and avg): a count, canonical partials, and no sum without values. */
export function readCountAndSum(state: unknown, where: string): {count: number; sum: ExactSum} {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw corrupt(where)
  const {count, sum, ...rest} = state as {count?: unknown; sum?: unknown}
  const partials = sumFromPartials(sum)
  if (Object.keys(rest).length > 0 || typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || partials === null) throw corrupt(where)
  if (count === 0 && (sum as number[]).length > 0) throw corrupt(where)
  return {count, sum: partials}
}

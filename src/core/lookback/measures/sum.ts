import type {ExactDecimal} from '../decimal.js'
import {CountedSum} from './counted-sum.js'
import type {Measure} from './measure.js'

/** Exact sum (Shewchuk partials, correctly rounded once), so it does not depend on event order or on how events were split. */
export class SumMeasure extends CountedSum implements Measure<number | ExactDecimal> {
  readonly kind = 'sum'

  /** Null when no value was added; a sum of values that cancel is 0. */
  result(): number | null {
    return this.n === 0 ? null : this.total()
  }

  static fromJSON(state: unknown, where: string): SumMeasure {
    return new SumMeasure().load(state, where)
  }
}

import type {ExactDecimal} from '../decimal.js'
import {CountedSum} from './counted-sum.js'
import type {Measure} from './measure.js'

/** Mean as exact sum / count: the only rounding is in the final division. */
export class AvgMeasure extends CountedSum implements Measure<number | ExactDecimal> {
  readonly kind = 'avg'

  result(): number | null {
    return this.n === 0 ? null : this.total() / this.n
  }

  static fromJSON(state: unknown, where: string): AvgMeasure {
    return new AvgMeasure().load(state, where)
  }
}

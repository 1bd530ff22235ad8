import {ExactSum} from '../exact-sum.js'
import {canonicalPartials} from './canonical-sum.js'
import type {Measure} from './measure.js'
import {readCountAndSum} from './sum.js'

/**
 * Mean as exact sum / count: the state is the pair, never a running mean, so
 * merging is exact and order-free. The only rounding is the final division.
 * State: {count, sum: canonical partials}.
 */
export class AvgMeasure implements Measure<number> {
  readonly kind = 'avg'
  private sum = new ExactSum()
  private n = 0

  add(value: number): void {
    this.sum.add(value)
    this.n++
  }

  merge(other: AvgMeasure): void {
    this.sum.merge(other.sum)
    this.n += other.n
  }

  result(): number | null {
    return this.n === 0 ? null : this.sum.value() / this.n
  }

  toJSON(): {count: number; sum: number[]} {
    return {count: this.n, sum: canonicalPartials(this.sum)}
  }

  static fromJSON(state: unknown, where: string): AvgMeasure {
    const {count, sum} = readCountAndSum(state, where)
    const measure = new AvgMeasure()
    measure.n = count
    measure.sum = sum
    return measure
  }
}

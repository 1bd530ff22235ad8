import {corrupt, isCount} from '../day-aggregator.js'
import type {Measure} from './measure.js'

/** Number of present values (or of events, for a count without a field). State: the count. */
export class CountMeasure implements Measure<number | string> {
  readonly kind = 'count'
  private n = 0

  add(_value: number | string): void {
    this.n++
  }

  merge(other: CountMeasure): void {
    this.n += other.n
  }

  result(): number {
    return this.n
  }

  toJSON(): number {
    return this.n
  }

  static fromJSON(state: unknown, where: string): CountMeasure {
    if (!isCount(state)) throw corrupt(where)
    const measure = new CountMeasure()
    measure.n = state
    return measure
  }
}

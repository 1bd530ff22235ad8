import {corrupt} from '../day-aggregator.js'
import {isFiniteNumber, type Measure} from './measure.js'

/**
 * Smallest (min) or largest (max) value. -0 is stored as 0 because JSON writes
 * -0 as 0; otherwise a checkpointed min could differ from the same min kept in
 * memory. State: the value, or null before any value.
 */
export class ExtremeMeasure implements Measure<number> {
  private value: number | null = null

  constructor(readonly kind: 'min' | 'max') {}

  add(value: number): void {
    const v = value + 0
    if (this.value === null) this.value = v
    else this.value = this.kind === 'min' ? Math.min(this.value, v) : Math.max(this.value, v)
  }

  /** Merges an extreme of the same kind. */
  merge(other: ExtremeMeasure): void {
    if (other.value !== null) this.add(other.value)
  }

  result(): number | null {
    return this.value
  }

  toJSON(): number | null {
    return this.value
  }

  static fromJSON(kind: 'min' | 'max', state: unknown, where: string): ExtremeMeasure {
    if (state !== null && !isFiniteNumber(state)) throw corrupt(where)
    const measure = new ExtremeMeasure(kind)
    measure.value = state === null ? null : state + 0
    return measure
  }
}

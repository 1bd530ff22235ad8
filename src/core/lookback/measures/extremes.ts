import {corrupt} from '../day-aggregator.js'
import {isFiniteNumber, type Measure} from './measure.js'

/**
 * Smallest or largest value. -0 is stored as 0 because JSON writes -0 as 0;
 * otherwise a checkpointed min could differ from the same min kept in memory.
 * State: the value, or null before any value.
 */
abstract class Extreme implements Measure<number> {
  abstract readonly kind: 'min' | 'max'
  protected value: number | null = null

  protected abstract pick(a: number, b: number): number

  add(value: number): void {
    const v = value + 0
    this.value = this.value === null ? v : this.pick(this.value, v)
  }

  merge(other: this): void {
    if (other.value !== null) this.add(other.value)
  }

  result(): number | null {
    return this.value
  }

  toJSON(): number | null {
    return this.value
  }

  protected load(state: unknown, where: string): this {
    if (state !== null && !isFiniteNumber(state)) throw corrupt(where)
    this.value = state === null ? null : state + 0
    return this
  }
}

export class MinMeasure extends Extreme {
  readonly kind = 'min'
  protected pick(a: number, b: number): number {
    return Math.min(a, b)
  }

  static fromJSON(state: unknown, where: string): MinMeasure {
    return new MinMeasure().load(state, where)
  }
}

export class MaxMeasure extends Extreme {
  readonly kind = 'max'
  protected pick(a: number, b: number): number {
    return Math.max(a, b)
  }

  static fromJSON(state: unknown, where: string): MaxMeasure {
    return new MaxMeasure().load(state, where)
  }
}

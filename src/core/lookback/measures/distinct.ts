import {corrupt} from '../day-aggregator.js'
import type {Measure} from './measure.js'

/**
 * Exact distinct count: keeps every key, so memory grows with the cardinality
 * (approx_distinct bounds it). State: the keys, strictly ascending (UTF-16 order).
 */
export class DistinctMeasure implements Measure<string> {
  readonly kind = 'distinct'
  private readonly keys = new Set<string>()

  add(value: string): void {
    this.keys.add(value)
  }

  merge(other: DistinctMeasure): void {
    for (const key of other.keys) this.keys.add(key)
  }

  result(): number | null {
    return this.keys.size === 0 ? null : this.keys.size
  }

  toJSON(): string[] {
    return [...this.keys].sort()
  }

  static fromJSON(state: unknown, where: string): DistinctMeasure {
    if (!Array.isArray(state) || !state.every((k) => typeof k === 'string')) throw corrupt(where)
    for (let i = 1; i < state.length; i++) if (!((state[i - 1] as string) < (state[i] as string))) throw corrupt(where)
    const measure = new DistinctMeasure()
    for (const key of state as string[]) measure.keys.add(key)
    return measure
  }
}

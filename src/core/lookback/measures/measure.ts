import type {ExactDecimal} from '../decimal.js'

/**
 * A measure is one mergeable aggregate of one field over the events of a cell.
 * Its state must merge commutatively and associatively and round-trip through
 * JSON exactly, because look-back checkpoints serialize it and work units and
 * `--share-work` instances merge it; a rerun must converge on the same rows.
 */

export type MeasureKind = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'distinct' | 'approx_distinct' | 'quantile'

export const MEASURE_KINDS: readonly MeasureKind[] = ['count', 'sum', 'min', 'max', 'avg', 'distinct', 'approx_distinct', 'quantile']

export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue}

export interface Measure<V extends number | string | ExactDecimal = number | string | ExactDecimal> {
  readonly kind: MeasureKind
  /** Folds one present value in (callers skip missing fields). */
  add(value: V): void
  /** Folds another state of the same kind (and quantile) in; the other is left as it was. */
  merge(other: this): void
  /** The aggregate; null when no value was added, except count, which is 0. */
  result(): number | null
  /** JSON-safe state; equal states serialize identically (canonical form). */
  toJSON(): JsonValue
}

/** Which value type a kind takes, for routing a field's value to it. */
export function inputType(kind: MeasureKind): 'number' | 'string' | 'any' {
  if (kind === 'count') return 'any'
  return kind === 'distinct' || kind === 'approx_distinct' ? 'string' : 'number'
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x)
}

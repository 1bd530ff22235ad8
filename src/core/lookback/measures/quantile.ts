import {corrupt, isCount} from '../day-aggregator.js'
import {DDSKETCH_MAX_INDEX, DDSKETCH_MIN_INDEX, DDSKETCH_RELATIVE_ACCURACY, DDSketch, type BucketPairs} from './ddsketch.js'
import type {Measure} from './measure.js'

export type QuantileState = {
  accuracy: number
  zero: number
  positive: BucketPairs
  negative: BucketPairs
}

/**
 * The q-quantile of the values (q in (0, 1)), within 1 % relative error, from
 * a DDSketch. The state does not depend on q, so every quantile of a field
 * could share one; the accuracy is in the state so that a checkpoint of a
 * sketch built for another accuracy is rejected rather than merged.
 */
export class QuantileMeasure implements Measure<number> {
  readonly kind = 'quantile'

  constructor(
    readonly q: number,
    private readonly sketch = new DDSketch(),
  ) {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile q must be in (0, 1), not ${q}`)
  }

  add(value: number): void {
    this.sketch.add(value)
  }

  merge(other: QuantileMeasure): void {
    this.sketch.merge(other.sketch)
  }

  result(): number | null {
    return this.sketch.quantile(this.q)
  }

  toJSON(): QuantileState {
    return sketchState(this.sketch)
  }

  static fromJSON(q: number, state: unknown, where: string): QuantileMeasure {
    return new QuantileMeasure(q, sketchFromState(state, where))
  }
}

/** A DDSketch from its QuantileState, validated (the same accuracy, in-range buckets, integer counts). */
export function sketchFromState(state: unknown, where: string): DDSketch {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw corrupt(where)
  const {accuracy, zero, positive, negative, ...rest} = state as Partial<Record<keyof QuantileState, unknown>>
  if (accuracy !== DDSKETCH_RELATIVE_ACCURACY || !isCount(zero) || Object.keys(rest).length > 0) throw corrupt(where)
  if (!areBucketPairs(positive) || !areBucketPairs(negative)) throw corrupt(where)
  const sketch = DDSketch.fromPairs(zero, positive, negative)
  if (!Number.isSafeInteger(sketch.count)) throw corrupt(where)
  return sketch
}

/** A DDSketch's QuantileState. */
export function sketchState(sketch: DDSketch): QuantileState {
  return {accuracy: DDSKETCH_RELATIVE_ACCURACY, ...sketch.toPairs()}
}

/** Strictly ascending in-range bucket indexes with positive integer counts. */
function areBucketPairs(pairs: unknown): pairs is BucketPairs {
  if (!Array.isArray(pairs)) return false
  let previous = -Infinity
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return false
    const [index, count] = pair as unknown[]
    if (!Number.isInteger(index) || (index as number) <= previous || (index as number) < DDSKETCH_MIN_INDEX || (index as number) > DDSKETCH_MAX_INDEX) return false
    if (!isCount(count) || count === 0) return false
    previous = index as number
  }
  return true
}

import {badInput} from '../../errors.js'
import {ApproxDistinctMeasure} from './approx-distinct.js'
import {AvgMeasure} from './avg.js'
import {CountMeasure} from './count.js'
import {DistinctMeasure} from './distinct.js'
import {MaxMeasure, MinMeasure} from './extremes.js'
import {MEASURE_KINDS, type Measure, type MeasureKind} from './measure.js'
import {QuantileMeasure} from './quantile.js'
import {SumMeasure} from './sum.js'

/**
 * One output column: `name` is the column, `field` the event field it reads
 * (null only for count, which then counts events), `q` the quantile's rank.
 */
export interface MeasureSpec {
  name: string
  kind: MeasureKind
  field: string | null
  q?: number
}

/** Checks a job's measure list; throws BAD_INPUT naming the first problem. */
export function checkMeasureSpecs(specs: readonly MeasureSpec[]): void {
  const names = new Set<string>()
  for (const spec of specs) {
    if (typeof spec.name !== 'string' || spec.name === '') throw badInput('a measure needs a non-empty name')
    if (names.has(spec.name)) throw badInput(`measure name "${spec.name}" is used twice; each measure is one output column`)
    names.add(spec.name)
    if (!MEASURE_KINDS.includes(spec.kind)) throw badInput(`measure "${spec.name}": kind must be one of ${MEASURE_KINDS.join(', ')}`)
    const fieldOk = typeof spec.field === 'string' ? spec.field !== '' : spec.field === null && spec.kind === 'count'
    if (!fieldOk) throw badInput(`measure "${spec.name}": needs a field${spec.kind === 'count' ? ' (or null to count events)' : ''}`)
    if (spec.kind === 'quantile' ? !(typeof spec.q === 'number' && spec.q > 0 && spec.q < 1) : spec.q !== undefined) {
      throw badInput(`measure "${spec.name}": ${spec.kind === 'quantile' ? 'q must be a number between 0 and 1 (exclusive)' : 'q applies only to quantile'}`)
    }
  }
}

/** An empty measure for the spec. */
export function createMeasure(spec: MeasureSpec): Measure {
  switch (spec.kind) {
    case 'count':
      return new CountMeasure()
    case 'sum':
      return new SumMeasure()
    case 'min':
      return new MinMeasure()
    case 'max':
      return new MaxMeasure()
    case 'avg':
      return new AvgMeasure()
    case 'distinct':
      return new DistinctMeasure()
    case 'approx_distinct':
      return new ApproxDistinctMeasure()
    case 'quantile':
      return new QuantileMeasure(spec.q!)
  }
}

/** A measure from its toJSON() state; throws the malformed-checkpoint error (naming `where`) for anything else. */
export function measureFromJSON(spec: MeasureSpec, state: unknown, where: string): Measure {
  switch (spec.kind) {
    case 'count':
      return CountMeasure.fromJSON(state, where)
    case 'sum':
      return SumMeasure.fromJSON(state, where)
    case 'min':
      return MinMeasure.fromJSON(state, where)
    case 'max':
      return MaxMeasure.fromJSON(state, where)
    case 'avg':
      return AvgMeasure.fromJSON(state, where)
    case 'distinct':
      return DistinctMeasure.fromJSON(state, where)
    case 'approx_distinct':
      return ApproxDistinctMeasure.fromJSON(state, where)
    case 'quantile':
      return QuantileMeasure.fromJSON(spec.q!, state, where)
  }
}

import {badInput} from '../../errors.js'
import {ApproxDistinctMeasure} from './approx-distinct.js'
import {AvgMeasure} from './avg.js'
import {CountMeasure} from './count.js'
import {DistinctMeasure} from './distinct.js'
import {ExtremeMeasure} from './extremes.js'
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

interface MeasureFactory {
  create(spec: MeasureSpec): Measure
  fromJSON(spec: MeasureSpec, state: unknown, where: string): Measure
}

/** How to make each kind, empty or from its checkpoint state. */
const FACTORIES: Record<MeasureKind, MeasureFactory> = {
  count: {create: () => new CountMeasure(), fromJSON: (_, state, where) => CountMeasure.fromJSON(state, where)},
  sum: {create: () => new SumMeasure(), fromJSON: (_, state, where) => SumMeasure.fromJSON(state, where)},
  min: {create: () => new ExtremeMeasure('min'), fromJSON: (_, state, where) => ExtremeMeasure.fromJSON('min', state, where)},
  max: {create: () => new ExtremeMeasure('max'), fromJSON: (_, state, where) => ExtremeMeasure.fromJSON('max', state, where)},
  avg: {create: () => new AvgMeasure(), fromJSON: (_, state, where) => AvgMeasure.fromJSON(state, where)},
  distinct: {create: () => new DistinctMeasure(), fromJSON: (_, state, where) => DistinctMeasure.fromJSON(state, where)},
  approx_distinct: {create: () => new ApproxDistinctMeasure(), fromJSON: (_, state, where) => ApproxDistinctMeasure.fromJSON(state, where)},
  quantile: {create: (spec) => new QuantileMeasure(spec.q!), fromJSON: (spec, state, where) => QuantileMeasure.fromJSON(spec.q!, state, where)},
}

/** An empty measure for a checked spec. */
export function createMeasure(spec: MeasureSpec): Measure {
  return FACTORIES[spec.kind].create(spec)
}

/** A measure from its toJSON() state; throws the malformed-checkpoint error (naming `where`) for anything else. */
export function measureFromJSON(spec: MeasureSpec, state: unknown, where: string): Measure {
  return FACTORIES[spec.kind].fromJSON(spec, state, where)
}

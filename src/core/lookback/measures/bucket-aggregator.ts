import {ExactDecimal} from '../decimal.js'
import {badInput, FleetopsError} from '../../errors.js'
import {corrupt, isCount} from '../day-aggregator.js'
import {WindowedAggregation} from '../windowed-aggregation.js'
import {inputType, isFiniteNumber, type JsonValue, type Measure} from './measure.js'
import {checkMeasureSpecs, createMeasure, measureFromJSON, type MeasureSpec} from './measure-spec.js'

/** A cell's dimension values in the job's dimension order; null is a missing field, distinct from "" or "null". */
export type DimensionValues = readonly (string | null)[]

/** An event's value for a measure's field: null when the field is missing. */
export type FieldLookup = (field: string) => number | string | ExactDecimal | null

export interface AggregatorShape {
  dimensions: readonly string[]
  measures: readonly MeasureSpec[]
}

export interface BucketRow {
  bucket: string
  dims: (string | null)[]
  events: number
  late: number
  /** Each measure's result() by measure name. */
  measures: Record<string, number | null>
}

/** One cell in a checkpoint: [bucket, dims, events, late, one state per measure in spec order]. */
export type CellState = [string, (string | null)[], number, number, JsonValue[]]

/** Versioned checkpoint form; cells sorted by bucket, then dims (see compareDims). */
export interface BucketAggregationState {
  v: 2
  dimensions: string[]
  measures: MeasureSpec[]
  before: number
  after: number
  cells: CellState[]
}

interface Cell {
  dims: (string | null)[]
  events: number
  late: number
  measures: Measure[]
}

/** Cells by dimension value, one level per dimension (Map keys keep null, "" and "null" apart); the last level holds the cell. */
type CellIndex = Map<string | null, CellIndex | Cell>

/** One bucket's cells: in a list to iterate, and in an index looked up per event without building a key string. */
interface BucketCells {
  list: Cell[]
  index: CellIndex
}

/**
 * Per (bucket, dimension values): event and late counts and every measure of
 * the job. Every part merges commutatively and associatively, so the rows do
 * not depend on event order or on how events were split across work units,
 * instances and checkpoints. Cells are found through a per-bucket index by dimension
 * value, position by position: it keeps null, "" and "null" apart, cannot collide across
 * positions, and builds no key per event (the dimension values come from AsciiStrings, so
 * each Map lookup reuses the string's cached hash).
 */
export class BucketAggregator extends WindowedAggregation {
  private readonly buckets = new Map<string, BucketCells>()

  constructor(readonly shape: AggregatorShape) {
    super()
    checkMeasureSpecs(shape.measures)
  }

  /**
   * Adds one event. Values must already be the measure's type (numbers must be
   * finite); the event extraction rejects anything else, so a mismatch here is BAD_INPUT.
   */
  add(bucket: string, dims: DimensionValues, values: FieldLookup, late = false): void {
    if (dims.length !== this.shape.dimensions.length) throw badInput(`an event has ${dims.length} dimension values; the job has ${this.shape.dimensions.length} dimensions`)
    const cell = this.cell(bucket, dims)
    cell.events++
    if (late) cell.late++
    // A plain loop: this runs for every event and measure (a forEach closure per event shows in profiles).
    const specs = this.shape.measures
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!
      if (spec.field === null) {
        cell.measures[i]!.add(1)
        continue
      }
      const value = values(spec.field)
      if (value !== null) cell.measures[i]!.add(checkedValue(spec, value))
    }
  }

  protected *cellEventCounts(): Iterable<number> {
    for (const cells of this.buckets.values()) for (const cell of cells.list) yield cell.events
  }

  merge(other: BucketAggregator): void {
    if (other === this) throw new FleetopsError('INTERNAL', 'cannot merge an aggregation into itself')
    if (shapeKey(other.shape) !== shapeKey(this.shape)) {
      throw new FleetopsError('INTERNAL', 'cannot merge aggregations of different jobs (dimensions or measures differ)')
    }
    this.mergeOutOfWindow(other)
    for (const [bucket, cells] of other.buckets) {
      for (const theirs of cells.list) {
        const mine = this.cell(bucket, theirs.dims)
        mine.events += theirs.events
        mine.late += theirs.late
        mine.measures.forEach((measure, i) => measure.merge(theirs.measures[i]!))
      }
    }
  }

  /** Result rows, ordered by bucket, then dimension values. */
  rows(): BucketRow[] {
    return this.sortedCells().map(([bucket, cell]) => {
      const measures: Record<string, number | null> = Object.create(null) as Record<string, number | null>
      this.shape.measures.forEach((spec, i) => (measures[spec.name] = cell.measures[i]!.result()))
      return {bucket, dims: [...cell.dims], events: cell.events, late: cell.late, measures}
    })
  }

  toState(): BucketAggregationState {
    const cells = this.sortedCells().map(([bucket, cell]): CellState => [bucket, [...cell.dims], cell.events, cell.late, cell.measures.map((m) => m.toJSON())])
    return {
      v: 2,
      dimensions: [...this.shape.dimensions],
      measures: this.shape.measures.map((spec) => ({...spec})),
      before: this.before,
      after: this.after,
      cells,
    }
  }

  /** Rebuilds from toState() output (e.g. read back from a checkpoint file), validating all of it. */
  static fromState(state: unknown): BucketAggregator {
    const s = readHeader(state)
    const aggregator = new BucketAggregator({dimensions: s.dimensions, measures: s.measures})
    aggregator.before = s.before
    aggregator.after = s.after
    let previous: [string, DimensionValues] | null = null
    s.cells.forEach((entry, n) => {
      const [bucket, dims, events, late, states] = readCellHeader(entry, n, s)
      if (previous !== null && compareCells(previous, [bucket, dims]) >= 0) throw corrupt(`cell ${n}: out of order or repeated`)
      previous = [bucket, dims]
      const cell = aggregator.cell(bucket, dims)
      cell.events = events
      cell.late = late
      cell.measures = s.measures.map((spec, i) => measureFromJSON(spec, states[i], `cell ${n} measure ${spec.name}`))
    })
    return aggregator
  }

  private sortedCells(): [string, Cell][] {
    const out: [string, Cell][] = []
    for (const bucket of [...this.buckets.keys()].sort()) {
      const cells = [...this.buckets.get(bucket)!.list].sort((a, b) => compareDims(a.dims, b.dims))
      for (const cell of cells) out.push([bucket, cell])
    }
    return out
  }

  private cell(bucket: string, dims: DimensionValues): Cell {
    let cells = this.buckets.get(bucket)
    if (cells === undefined) {
      cells = {list: [], index: new Map()}
      this.buckets.set(bucket, cells)
    }
    if (dims.length === 0) return cells.list[0] ?? this.newCell(cells, dims)
    let level = cells.index
    const last = dims.length - 1
    for (let i = 0; i < last; i++) {
      let next = level.get(dims[i]!) as CellIndex | undefined
      if (next === undefined) {
        next = new Map()
        level.set(dims[i]!, next)
      }
      level = next
    }
    let cell = level.get(dims[last]!) as Cell | undefined
    if (cell === undefined) {
      cell = this.newCell(cells, dims)
      level.set(dims[last]!, cell)
    }
    return cell
  }

  private newCell(cells: BucketCells, dims: DimensionValues): Cell {
    const cell: Cell = {dims: [...dims], events: 0, late: 0, measures: this.shape.measures.map((spec) => createMeasure(spec))}
    cells.list.push(cell)
    return cell
  }
}

/** Orders dimension tuples position by position: null (missing) first, then strings by UTF-16 code units. */
export function compareDims(a: DimensionValues, b: DimensionValues): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!
    const y = b[i]!
    if (x === y) continue
    if (x === null) return -1
    if (y === null) return 1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

function compareCells(a: [string, DimensionValues], b: [string, DimensionValues]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1
  return compareDims(a[1], b[1])
}

function checkedValue(spec: MeasureSpec, value: number | string | ExactDecimal): number | string | ExactDecimal {
  // An exact decimal stays exact for the sums; every other kind reads its nearest number.
  if (value instanceof ExactDecimal) return spec.kind === 'sum' || spec.kind === 'avg' ? value : value.toNumber()
  const wanted = inputType(spec.kind)
  if (wanted === 'any' || (wanted === 'string' ? typeof value === 'string' : isFiniteNumber(value))) return value
  throw badInput(`measure "${spec.name}" (${spec.kind}) takes ${wanted === 'string' ? 'strings' : 'finite numbers'}; field "${spec.field}" is ${JSON.stringify(value)}`)
}

function shapeKey(shape: AggregatorShape): string {
  return JSON.stringify([shape.dimensions, shape.measures.map((m) => [m.name, m.kind, m.field, m.q ?? null])])
}

function readHeader(state: unknown): BucketAggregationState {
  const s = state as Partial<BucketAggregationState> | null
  if (s === null || typeof s !== 'object' || s.v !== 2 || !isCount(s.before) || !isCount(s.after) || !Array.isArray(s.cells)) throw corrupt('header')
  if (!Array.isArray(s.dimensions) || !s.dimensions.every((d) => typeof d === 'string')) throw corrupt('header: dimensions')
  if (!Array.isArray(s.measures) || !s.measures.every(isSpecShaped)) throw corrupt('header: measures')
  try {
    checkMeasureSpecs(s.measures)
  } catch {
    throw corrupt('header: measures')
  }
  return s as BucketAggregationState
}

function isSpecShaped(x: unknown): x is MeasureSpec {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false
  const allowed = new Set(['name', 'kind', 'field', 'q'])
  return Object.keys(x).every((k) => allowed.has(k))
}

function readCellHeader(entry: unknown, n: number, s: BucketAggregationState): CellState {
  if (!Array.isArray(entry) || entry.length !== 5) throw corrupt(`cell ${n}`)
  const [bucket, dims, events, late, states] = entry as unknown[]
  if (typeof bucket !== 'string' || !isCount(events) || !isCount(late) || late > events) throw corrupt(`cell ${n}`)
  if (!Array.isArray(dims) || dims.length !== s.dimensions.length || !dims.every((d) => d === null || typeof d === 'string')) throw corrupt(`cell ${n}: dims`)
  if (!Array.isArray(states) || states.length !== s.measures.length) throw corrupt(`cell ${n}: measures`)
  return entry as CellState
}

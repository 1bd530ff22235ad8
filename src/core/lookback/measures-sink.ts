import {FleetopsError} from '../errors.js'
import {printable} from '../units.js'
import type {BucketRow} from './measures/bucket-aggregator.js'
import type {SinkLayout} from './sink-layout.js'
import {ABSENT_DIMENSION_TEXT} from './sink-layout.js'

/**
 * One row of a measures sink table (see sinkLayout), without job and updated_at: `bucket` is
 * the day 'YYYY-MM-DD' or the hour's start instant as ISO-8601 UTC; `dims` are the dimension
 * column values in job order; `values` has every measure column and late_events.
 */
export interface MeasuresSinkRow {
  bucket: string
  dims: string[]
  values: Record<string, number | null>
}

/** The value columns of a layout, in sink order: the measures, then late_events. */
export function valueColumns(layout: SinkLayout): string[] {
  return [...layout.measures.map((m) => m.column), 'late_events']
}

/** The aggregator's rows as sink rows (a missing dimension is already '' from extraction). */
export function measuresSinkRows(rows: readonly BucketRow[], layout: SinkLayout): MeasuresSinkRow[] {
  return rows.map((r) => {
    const values: Record<string, number | null> = {}
    for (const m of layout.measures) values[m.column] = r.measures[m.measure.name] ?? null
    values.late_events = r.late
    return {bucket: r.bucket, dims: r.dims.map((d) => d ?? ABSENT_DIMENSION_TEXT), values}
  })
}

export interface MeasuresRowChange {
  bucket: string
  /** Dimension column -> value. */
  dimensions: Record<string, string>
  kind: 'added' | 'changed' | 'removed'
  /** The value columns that differ ([] for added and removed rows). */
  columns: string[]
  before: Record<string, number | null> | null
  after: Record<string, number | null> | null
}

export interface MeasuresDiff {
  /** Ordered by bucket, then dimension values; unchanged rows are only counted. */
  changes: MeasuresRowChange[]
  unchanged: number
}

/**
 * Compares the sink rows read before writing with the recomputed rows, keyed by bucket and
 * dimension values. Values compare exactly (Object.is): every measure state is canonical, so
 * recomputing the same events gives bit-identical values and any difference is real.
 */
export function diffMeasuresRows(layout: SinkLayout, before: readonly MeasuresSinkRow[], after: readonly MeasuresSinkRow[]): MeasuresDiff {
  const columns = valueColumns(layout)
  const old = indexRows(before, 'before')
  const next = indexRows(after, 'after')
  const dimensions = (row: MeasuresSinkRow): Record<string, string> => Object.fromEntries(layout.clustering.map((c, i) => [c, row.dims[i] ?? '']))
  const pick = (row: MeasuresSinkRow): Record<string, number | null> => Object.fromEntries(columns.map((c) => [c, row.values[c] ?? null]))
  const changes: MeasuresRowChange[] = []
  let unchanged = 0
  for (const [key, row] of next) {
    const previous = old.get(key)
    if (previous === undefined) {
      changes.push({bucket: row.bucket, dimensions: dimensions(row), kind: 'added', columns: [], before: null, after: pick(row)})
      continue
    }
    const changed = columns.filter((c) => !Object.is(previous.values[c] ?? null, row.values[c] ?? null))
    if (changed.length === 0) unchanged++
    else changes.push({bucket: row.bucket, dimensions: dimensions(row), kind: 'changed', columns: changed, before: pick(previous), after: pick(row)})
  }
  for (const [key, row] of old) {
    if (!next.has(key)) changes.push({bucket: row.bucket, dimensions: dimensions(row), kind: 'removed', columns: [], before: pick(row), after: null})
  }
  const sortKey = (c: MeasuresRowChange): string => JSON.stringify([c.bucket, ...layout.clustering.map((col) => c.dimensions[col])])
  changes.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
  return {changes, unchanged}
}

function indexRows(rows: readonly MeasuresSinkRow[], side: string): Map<string, MeasuresSinkRow> {
  const index = new Map<string, MeasuresSinkRow>()
  for (const row of rows) {
    const key = JSON.stringify([row.bucket, row.dims])
    if (index.has(key)) throw new FleetopsError('INTERNAL', `sink rows (${side}) contain the key (${row.bucket}, ${printable(row.dims.join(', '))}) twice`)
    index.set(key, row)
  }
  return index
}

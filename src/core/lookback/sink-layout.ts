import {badInput, type FleetopsError} from '../errors.js'
import {cqlIdentifier} from '../identifiers.js'
import {printable} from '../units.js'
import {keyText, type KeyText} from './extract-event.js'
import type {FieldPath} from './field-path.js'
import type {MeasureKind, MeasureSpec, MeasuresJobSpec} from './job-spec.js'

/**
 * The sink table of a measures job:
 *
 *   PRIMARY KEY ((job, <bucket>), <dimension columns in job order>)
 *
 * `job` keeps several jobs in one table apart, as in the legacy sink; the
 * bucket column is `day` (CQL date) for daily jobs and `hour` (CQL timestamp,
 * the bucket's start instant) for hourly ones, so one partition is one job's
 * bucket and a rerun rewrites whole partitions.
 *
 * Null dimensions: primary-key columns cannot be null in Cassandra, so a
 * dimension that is missing or JSON null in an event is stored as the empty
 * string ''. An event whose dimension is the string '' lands in the same row:
 * readers cannot tell "absent" from "empty", and that is the documented
 * meaning of '' in a dimension column. Numbers and booleans are stored as
 * their text (42 and "42" are one group, as for the legacy group_key).
 */
export type SinkColumnType = 'text' | 'bigint' | 'double' | 'date' | 'timestamp'

export interface SinkColumn {
  name: string
  type: SinkColumnType
}

export interface SinkLayout {
  keyspace: string
  table: string
  bucketColumn: 'day' | 'hour'
  /** ['job', bucketColumn]. */
  partitionKey: string[]
  /** The dimension columns, in job order. */
  clustering: string[]
  /** Every column: key columns first, then measures, then late_events and updated_at. */
  columns: SinkColumn[]
  dimensions: Array<{column: string; field: FieldPath}>
  measures: Array<{column: string; measure: MeasureSpec}>
}

/** Written by the job itself; a dimension or measure may not take these names. */
export const RESERVED_SINK_COLUMNS = ['job', 'day', 'hour', 'late_events', 'updated_at'] as const

/**
 * CQL reserved keywords (Cassandra 3.x-5.x): unquoted, they cannot name a
 * column, and we never quote identifiers.
 */
const CQL_RESERVED_WORDS = new Set(
  (
    'add allow alter and apply asc authorize batch begin by columnfamily create default delete desc describe drop entries ' +
    'execute from full grant if in index infinity insert into is keyspace limit materialized mbean mbeans modify nan ' +
    'norecursive not null of on or order primary rename replace revoke schema select set table to token truncate ' +
    'unlogged unset update use using view where with'
  ).split(' '),
)

/** What a dimension value is stored as when the event has no value for it (see the module comment). */
export const ABSENT_DIMENSION_TEXT = ''

const MEASURE_COLUMN_TYPE: Record<MeasureKind, SinkColumnType> = {
  count: 'bigint',
  distinct: 'bigint',
  sum: 'double',
  min: 'double',
  max: 'double',
  avg: 'double',
  approx_distinct: 'double',
  quantile: 'double',
}

/** `device.os` -> `device_os`, lower case (Cassandra's spelling of an unquoted name). */
export function dimensionColumnName(field: FieldPath): string {
  return cqlIdentifier(field.path.replaceAll('.', '_'), `dimension "${field.path}" as a column name`)
}

/**
 * The table layout of a measures job. Refuses (bad input) a column name that
 * is reserved, a CQL keyword, or taken twice (two dimension paths such as
 * `a.b` and `a_b`, a measure named like a dimension column, or two measures
 * differing only in case).
 */
export function sinkLayout(job: MeasuresJobSpec): SinkLayout {
  const bucketColumn = job.granularity === 'hour' ? 'hour' : 'day'
  const taken = new Map<string, string>(RESERVED_SINK_COLUMNS.map((c) => [c, `a column the job writes itself (${RESERVED_SINK_COLUMNS.join(', ')})`]))
  const claim = (column: string, owner: string): void => {
    if (CQL_RESERVED_WORDS.has(column)) throw badInput(`${owner} would be column "${column}", a CQL reserved word; rename it`)
    const holder = taken.get(column)
    if (holder !== undefined) throw badInput(`${owner} would be column "${column}", which is already ${holder}; rename it`)
    taken.set(column, owner)
  }
  const dimensions = job.dimensions.map((field) => {
    const column = dimensionColumnName(field)
    claim(column, `dimension "${field.path}"`)
    return {column, field}
  })
  const measures = job.measures.map((measure) => {
    claim(measure.name, `measure "${measure.name}"`)
    return {column: measure.name, measure}
  })
  const columns: SinkColumn[] = [
    {name: 'job', type: 'text'},
    {name: bucketColumn, type: bucketColumn === 'day' ? 'date' : 'timestamp'},
    ...dimensions.map((d): SinkColumn => ({name: d.column, type: 'text'})),
    ...measures.map((m): SinkColumn => ({name: m.column, type: MEASURE_COLUMN_TYPE[m.measure.kind]})),
    {name: 'late_events', type: 'bigint'},
    {name: 'updated_at', type: 'timestamp'},
  ]
  return {
    keyspace: job.sink.keyspace,
    table: job.sink.table,
    bucketColumn,
    partitionKey: ['job', bucketColumn],
    clustering: dimensions.map((d) => d.column),
    columns,
    dimensions,
    measures,
  }
}

/** CREATE TABLE IF NOT EXISTS for the layout; every name has passed cqlIdentifier. */
export function createTableStatement(layout: SinkLayout): string {
  const name = (n: string): string => cqlIdentifier(n, 'sink column')
  const columns = layout.columns.map((c) => `${name(c.name)} ${c.type}`).join(', ')
  const key = [`(${layout.partitionKey.map(name).join(', ')})`, ...layout.clustering.map(name)].join(', ')
  const table = `${cqlIdentifier(layout.keyspace, 'sink.keyspace')}.${cqlIdentifier(layout.table, 'sink.table')}`
  return `CREATE TABLE IF NOT EXISTS ${table} (${columns}, PRIMARY KEY (${key}))`
}

/** A column of an existing table, as system_schema.columns describes it. */
export interface ExistingColumn {
  name: string
  type: string
  /** When known: 'partition_key', 'clustering', 'regular' or 'static'. */
  kind?: string
  /** Position within the partition key or clustering columns (0-based), when known. */
  position?: number
}

/** CQL spells some types two ways. */
const TYPE_ALIASES: Record<string, string> = {varchar: 'text'}

function normalType(type: string): string {
  const t = type.trim().toLowerCase()
  return TYPE_ALIASES[t] ?? t
}

/** The key columns of the existing table, in key order, when its columns say their kind. */
function existingKey(columns: readonly ExistingColumn[], kind: string): string[] {
  return columns
    .filter((c) => c.kind === kind)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((c) => c.name)
}

/**
 * Whether an existing table can take the layout's rows: every column present
 * with its type and, when the columns carry their kind, the same partition key
 * and clustering columns in order. Extra regular columns are fine (left null).
 * Returns the bad-input error to throw, or null when the table fits.
 */
export function checkSinkFits(layout: SinkLayout, existingColumns: readonly ExistingColumn[]): FleetopsError | null {
  const table = `${layout.keyspace}.${layout.table}`
  const byName = new Map(existingColumns.map((c) => [c.name.toLowerCase(), c]))
  for (const column of layout.columns) {
    const existing = byName.get(column.name)
    if (existing === undefined) {
      return badInput(`sink table ${table} has no column "${column.name}" (${column.type}); use a new sink table or ALTER TABLE ${table} ADD ${column.name} ${column.type}`)
    }
    if (normalType(existing.type) !== column.type) {
      return badInput(`sink table ${table} column "${column.name}" is ${printable(existing.type, 40)}, the job needs ${column.type}; use a new sink table`)
    }
  }
  if (existingColumns.some((c) => c.kind !== undefined)) {
    const want = `((${layout.partitionKey.join(', ')})${layout.clustering.map((c) => `, ${c}`).join('')})`
    const partition = existingKey(existingColumns, 'partition_key').map((c) => c.toLowerCase())
    const clustering = existingKey(existingColumns, 'clustering').map((c) => c.toLowerCase())
    if (partition.join() !== layout.partitionKey.join() || clustering.join() !== layout.clustering.join()) {
      const have = `((${partition.join(', ')})${clustering.map((c) => `, ${printable(c, 48)}`).join('')})`
      return badInput(`sink table ${table} has PRIMARY KEY ${printable(have, 200)}, the job needs ${want}; use a new sink table`)
    }
  }
  return null
}

/**
 * The text stored for a dimension value: missing or null -> '' (see the
 * module comment); otherwise the legacy group-key text (strings as-is, numbers
 * and booleans as text, objects, arrays and over-long text refused).
 */
export function dimensionText(value: unknown): KeyText {
  return keyText(value, false) ?? {ok: true, text: ABSENT_DIMENSION_TEXT}
}

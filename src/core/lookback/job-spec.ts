import {badInput} from '../errors.js'
import {cqlIdentifier, kafkaTopicName} from '../identifiers.js'
import {printable} from '../units.js'
import {type FieldPath, parseFieldPath} from './field-path.js'
import {sinkLayout} from './sink-layout.js'
import {compileWhere, type FieldPathParser, type WhereCondition} from './where.js'
import {MAX_WINDOW_DAYS} from './window.js'
import {checkTimeZone} from './zoned-day.js'

/**
 * A validated look-back job in the legacy form (one groupBy, distinct and
 * value field, daily buckets; see validateJob for the file format).
 */
export interface JobSpec {
  /** Never set: an absent shape is the legacy form (its objects stay exactly as before the measures form). */
  shape?: undefined
  name: string
  source: KafkaSource | CassandraSource
  windowDays: number
  timezone: string
  groupBy: FieldPath | null
  distinct: FieldPath | null
  value: FieldPath | null
  sink: {keyspace: string; table: string}
}

export type Granularity = 'day' | 'hour'
export const GRANULARITIES: readonly Granularity[] = ['day', 'hour']

export type MeasureKind = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'distinct' | 'approx_distinct' | 'quantile'
export const MEASURE_KINDS: readonly MeasureKind[] = ['count', 'sum', 'min', 'max', 'avg', 'distinct', 'approx_distinct', 'quantile']

/** One measure: a sink column named `name` computed per bucket and dimension values. */
export interface MeasureSpec {
  /** Lower case, a safe CQL identifier. */
  name: string
  kind: MeasureKind
  /** null only for count. */
  field: FieldPath | null
  /** Only for quantile: in (0, 1). */
  q?: number
}

/** A validated look-back job in the measures form (where, dimensions, measures, day or hour buckets). */
export interface MeasuresJobSpec {
  shape: 'measures'
  name: string
  source: KafkaSource | CassandraSource
  windowDays: number
  timezone: string
  granularity: Granularity
  /** All must hold; events failing one are counted as filtered. */
  where: WhereCondition[]
  /** Zero or more; each a plain field path. */
  dimensions: FieldPath[]
  /** At least one. */
  measures: MeasureSpec[]
  sink: {keyspace: string; table: string}
}

/** Either job form; `shape === 'measures'` tells them apart. */
export type LookbackJobSpec = JobSpec | MeasuresJobSpec

export interface KafkaSource {
  kind: 'kafka'
  topic: string
  /** null: use the Kafka record timestamp as event time. */
  eventTimeField: FieldPath | null
  /**
   * How record values are encoded: JSON text (absent = json), or Avro / Protobuf in the Schema
   * Registry wire format, decoded with the writer's schema fetched from the registry by id.
   */
  format?: KafkaFormat
}

export type KafkaFormat = 'json' | 'avro' | 'protobuf'
export const KAFKA_FORMATS: readonly KafkaFormat[] = ['json', 'avro', 'protobuf']

/** A time-bucketed table, PRIMARY KEY ((dayColumn, bucketColumn), timeColumn, ...). */
export interface CassandraSource {
  kind: 'cassandra'
  keyspace: string
  table: string
  dayColumn: string
  bucketColumn: string
  buckets: number
  timeColumn: string
}

type Obj = Record<string, unknown>

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function requireObject(value: unknown, what: string, allowed: readonly string[], required: readonly string[]): Obj {
  if (!isObject(value)) throw badInput(`${what} must be a mapping with ${allowed.join(', ')}`)
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw badInput(`${what} has unknown field "${printable(key)}"; allowed fields: ${allowed.join(', ')}`)
    }
  }
  for (const key of required) {
    if (value[key] === undefined || value[key] === null) throw badInput(`${what} is missing required field "${key}"`)
  }
  return value
}

const JOB_NAME = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Parses a window such as `3d`, `2w` or `72h` into whole days (1..366). Hours
 * are accepted only as a whole number of days: the job recomputes whole local
 * days, and silently rounding `36h` would recompute a day the user did not ask for.
 */
export function parseWindowDays(value: unknown, what = 'window'): number {
  const text = typeof value === 'string' ? value.trim() : ''
  const m = /^([0-9]{1,6})([dhw])$/.exec(text)
  if (m === null) {
    throw badInput(`${what} "${printable(value)}" is not a day window; use a number of days such as 3d (also 2w, or 72h for whole days)`)
  }
  const n = Number(m[1])
  const unit = m[2]
  if (unit === 'h' && n % 24 !== 0) throw badInput(`${what} "${text}" is not a whole number of days; use e.g. ${Math.max(1, Math.round(n / 24))}d`)
  const days = unit === 'd' ? n : unit === 'w' ? n * 7 : n / 24
  if (days < 1 || days > MAX_WINDOW_DAYS) throw badInput(`${what} "${text}" must be between 1d and ${MAX_WINDOW_DAYS}d`)
  return days
}

function optionalField(value: unknown, what: string, cassandra: boolean): FieldPath | null {
  if (value === undefined || value === null) return null
  return fieldParser(cassandra)(value, what)
}

/** A Cassandra source hands over row columns, which are plain CQL names; Kafka events take any field path. */
function fieldParser(cassandra: boolean): FieldPathParser {
  return cassandra ? (value, what) => parseFieldPath(cqlIdentifier(value, what), what) : parseFieldPath
}

const LEGACY_FIELDS = ['groupBy', 'distinct', 'value'] as const
const MEASURES_FIELDS = ['granularity', 'where', 'dimensions', 'measures'] as const
const JOB_FIELDS = ['name', 'source', 'window', 'timezone', ...LEGACY_FIELDS, 'sink', ...MEASURES_FIELDS] as const
const KAFKA_FIELDS = ['topic', 'eventTimeField', 'format'] as const
const CASSANDRA_FIELDS = ['keyspace', 'table', 'dayColumn', 'bucketColumn', 'buckets', 'timeColumn'] as const

/** Bounds that keep one sink row and one aggregation cell small. */
export const MAX_DIMENSIONS = 16
export const MAX_MEASURES = 64

/**
 * Validates a parsed job file in the legacy form. Unknown fields are refused
 * (a misspelt `groupby` must not silently aggregate everything into one row).
 * A file in the measures form is refused with a pointer to it: callers that
 * run both forms use validateLookbackJob.
 *
 * Format: name; source.kafka {topic, eventTimeField?} or source.cassandra
 * {keyspace, table, dayColumn, bucketColumn, buckets, timeColumn}; window;
 * timezone (default UTC); groupBy?, distinct?, value?; sink {keyspace, table}.
 */
export function validateJob(value: unknown): JobSpec {
  const job = validateLookbackJob(value)
  if (job.shape === 'measures') {
    throw badInput(`job "${job.name}" uses the measures form (measures, dimensions, where, granularity), which this command cannot run; use groupBy, distinct and value`)
  }
  return job
}

/**
 * Validates a parsed job file in either form: legacy (groupBy, distinct,
 * value) or measures (granularity?, where?, dimensions?, measures). Using a
 * field of each form is refused, naming both.
 */
export function validateLookbackJob(value: unknown): LookbackJobSpec {
  const job = requireObject(value, 'job', JOB_FIELDS, ['name', 'source', 'window', 'sink'])
  if (typeof job.name !== 'string' || !JOB_NAME.test(job.name)) {
    throw badInput(`job name "${printable(job.name)}" must be 1-64 letters, digits, "_" or "-"`)
  }
  const present = (key: string): boolean => job[key] !== undefined && job[key] !== null
  const legacy = LEGACY_FIELDS.find(present)
  const measures = MEASURES_FIELDS.find(present)
  if (legacy !== undefined && measures !== undefined) {
    throw badInput(`job mixes the legacy field "${legacy}" with the measures field "${measures}"; use either groupBy/distinct/value or measures (with dimensions, where, granularity)`)
  }
  const source = validateSource(job.source)
  const sinkObj = requireObject(job.sink, 'sink', ['keyspace', 'table'], ['keyspace', 'table'])
  const common = {
    name: job.name,
    source,
    windowDays: parseWindowDays(job.window),
    timezone: job.timezone === undefined || job.timezone === null ? 'UTC' : checkTimeZone(job.timezone),
  }
  // A function so sink names are checked after the fields, in the order validateJob always reported errors.
  const sink = (): JobSpec['sink'] => ({keyspace: cqlIdentifier(sinkObj.keyspace, 'sink.keyspace'), table: cqlIdentifier(sinkObj.table, 'sink.table')})
  const cassandra = source.kind === 'cassandra'
  if (measures !== undefined) return validateMeasuresForm(job, common, sink, fieldParser(cassandra))
  return {
    ...common,
    groupBy: optionalField(job.groupBy, 'groupBy', cassandra),
    distinct: optionalField(job.distinct, 'distinct', cassandra),
    value: optionalField(job.value, 'value', cassandra),
    sink: sink(),
  }
}

function validateSource(value: unknown): KafkaSource | CassandraSource {
  const sourceObj = requireObject(value, 'source', ['kafka', 'cassandra'], [])
  const hasKafka = sourceObj.kafka !== undefined && sourceObj.kafka !== null
  const hasCassandra = sourceObj.cassandra !== undefined && sourceObj.cassandra !== null
  if (hasKafka === hasCassandra) throw badInput('source must have exactly one of "kafka" or "cassandra"')
  if (hasKafka) {
    const kafka = requireObject(sourceObj.kafka, 'source.kafka', KAFKA_FIELDS, ['topic'])
    const source: KafkaSource = {
      kind: 'kafka',
      topic: kafkaTopicName(kafka.topic, 'source.kafka.topic'),
      eventTimeField: optionalField(kafka.eventTimeField, 'source.kafka.eventTimeField', false),
    }
    if (kafka.format !== undefined && kafka.format !== null) {
      if (!KAFKA_FORMATS.includes(kafka.format as KafkaFormat)) {
        throw badInput(`source.kafka.format "${printable(kafka.format)}" is not one of ${KAFKA_FORMATS.join(', ')}`)
      }
      if (kafka.format !== 'json') source.format = kafka.format as KafkaFormat
    }
    return source
  }
  const c = requireObject(sourceObj.cassandra, 'source.cassandra', CASSANDRA_FIELDS, CASSANDRA_FIELDS)
  if (typeof c.buckets !== 'number' || !Number.isInteger(c.buckets) || c.buckets < 1 || c.buckets > 1024) {
    throw badInput(`source.cassandra.buckets must be a whole number from 1 to 1024, got ${printable(c.buckets)}`)
  }
  return {
    kind: 'cassandra',
    keyspace: cqlIdentifier(c.keyspace, 'source.cassandra.keyspace'),
    table: cqlIdentifier(c.table, 'source.cassandra.table'),
    dayColumn: cqlIdentifier(c.dayColumn, 'source.cassandra.dayColumn'),
    bucketColumn: cqlIdentifier(c.bucketColumn, 'source.cassandra.bucketColumn'),
    buckets: c.buckets,
    timeColumn: cqlIdentifier(c.timeColumn, 'source.cassandra.timeColumn'),
  }
}

type CommonFields = Pick<MeasuresJobSpec, 'name' | 'source' | 'windowDays' | 'timezone'>

function validateMeasuresForm(job: Obj, common: CommonFields, sink: () => MeasuresJobSpec['sink'], parseField: FieldPathParser): MeasuresJobSpec {
  if (job.measures === undefined || job.measures === null) {
    throw badInput('job has dimensions, where or granularity but no measures; add e.g. measures: {events: count}')
  }
  const spec: MeasuresJobSpec = {
    shape: 'measures',
    ...common,
    granularity: validateGranularity(job.granularity),
    where: compileWhere(job.where, parseField),
    dimensions: validateDimensions(job.dimensions, parseField),
    measures: validateMeasures(job.measures, parseField),
    sink: sink(),
  }
  sinkLayout(spec) // refuses column names that collide or are not CQL-safe, now rather than at the first write
  return spec
}

function validateGranularity(value: unknown): Granularity {
  if (value === undefined || value === null) return 'day'
  if (!GRANULARITIES.includes(value as Granularity)) {
    throw badInput(`granularity "${printable(value)}" is not known; use one of ${GRANULARITIES.join(', ')}`)
  }
  return value as Granularity
}

function validateDimensions(value: unknown, parseField: FieldPathParser): FieldPath[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.length > MAX_DIMENSIONS) {
    throw badInput(`dimensions must be a list of up to ${MAX_DIMENSIONS} field paths, e.g. dimensions: [country, device.os]`)
  }
  const dimensions = value.map((item, i) => parseField(item, `dimensions[${i}]`))
  dimensions.forEach((d, i) => {
    if (dimensions.findIndex((other) => other.path === d.path) !== i) throw badInput(`dimensions lists "${d.path}" twice; list each field once`)
  })
  return dimensions
}

function validateMeasures(value: unknown, parseField: FieldPathParser): MeasureSpec[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badInput('measures must be a mapping of name to measure, e.g. measures: {orders: count, revenue: {sum: amount}}')
  }
  const entries = Object.entries(value as Obj)
  if (entries.length === 0 || entries.length > MAX_MEASURES) throw badInput(`measures must have 1 to ${MAX_MEASURES} entries`)
  return entries.map(([name, definition]) => validateMeasure(name, definition, parseField))
}

const KINDS_TEXT = MEASURE_KINDS.join(', ')

/** One `name: count` or `name: {kind: field}` (plus `q` for quantile). */
function validateMeasure(rawName: string, definition: unknown, parseField: FieldPathParser): MeasureSpec {
  const name = cqlIdentifier(rawName, 'measure name')
  const what = `measures.${name}`
  if (typeof definition === 'string') {
    if (definition === 'count') return {name, kind: 'count', field: null}
    if (MEASURE_KINDS.includes(definition as MeasureKind)) {
      throw badInput(`${what}: ${definition} needs a field; write ${name}: {${definition}: <field>}`)
    }
    throw badInput(`${what}: unknown measure kind "${printable(definition, 40)}"; allowed: ${KINDS_TEXT}`)
  }
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw badInput(`${what} must be count or a mapping such as {sum: amount}`)
  }
  const keys = Object.keys(definition)
  const kinds = keys.filter((k) => k !== 'q')
  const unknown = kinds.find((k) => !MEASURE_KINDS.includes(k as MeasureKind))
  if (unknown !== undefined) throw badInput(`${what}: unknown measure kind "${printable(unknown, 40)}"; allowed: ${KINDS_TEXT}`)
  if (kinds.length !== 1) throw badInput(`${what} must have exactly one measure kind (one of ${KINDS_TEXT}), got ${kinds.length}`)
  const kind = kinds[0] as MeasureKind
  if (kind === 'count') throw badInput(`${what}: count takes no field; write ${name}: count`)
  const field = parseField((definition as Obj)[kind], `${what}.${kind}`)
  if (kind !== 'quantile') {
    if (keys.includes('q')) throw badInput(`${what}: q is only for quantile; remove it`)
    return {name, kind, field}
  }
  const q = (definition as Obj).q
  if (q === undefined || q === null) throw badInput(`${what}: quantile needs q, e.g. ${name}: {quantile: ${field.path}, q: 0.95}`)
  if (typeof q !== 'number' || !(q > 0 && q < 1)) {
    throw badInput(`${what}.q "${printable(q)}" must be a number strictly between 0 and 1, e.g. q: 0.95`)
  }
  return {name, kind, field, q}
}

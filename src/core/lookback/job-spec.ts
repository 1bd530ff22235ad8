import {badInput} from '../errors.js'
import {cqlIdentifier, kafkaTopicName} from '../identifiers.js'
import {printable} from '../units.js'
import {type FieldPath, parseFieldPath} from './field-path.js'
import {MAX_WINDOW_DAYS} from './window.js'
import {checkTimeZone} from './zoned-day.js'

/** A validated look-back job (see validateJob for the file format). */
export interface JobSpec {
  name: string
  source: KafkaSource | CassandraSource
  windowDays: number
  timezone: string
  groupBy: FieldPath | null
  distinct: FieldPath | null
  value: FieldPath | null
  sink: {keyspace: string; table: string}
}

export interface KafkaSource {
  kind: 'kafka'
  topic: string
  /** null: use the Kafka record timestamp as event time. */
  eventTimeField: FieldPath | null
}

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
  // A Cassandra source hands over row columns, which are plain CQL names.
  if (cassandra) return parseFieldPath(cqlIdentifier(value, what), what)
  return parseFieldPath(value, what)
}

const JOB_FIELDS = ['name', 'source', 'window', 'timezone', 'groupBy', 'distinct', 'value', 'sink'] as const
const KAFKA_FIELDS = ['topic', 'eventTimeField'] as const
const CASSANDRA_FIELDS = ['keyspace', 'table', 'dayColumn', 'bucketColumn', 'buckets', 'timeColumn'] as const

/**
 * Validates a parsed job file. Unknown fields are refused (a misspelt
 * `groupby` must not silently aggregate everything into one row).
 *
 * Format: name; source.kafka {topic, eventTimeField?} or source.cassandra
 * {keyspace, table, dayColumn, bucketColumn, buckets, timeColumn}; window;
 * timezone (default UTC); groupBy?, distinct?, value?; sink {keyspace, table}.
 */
export function validateJob(value: unknown): JobSpec {
  const job = requireObject(value, 'job', JOB_FIELDS, ['name', 'source', 'window', 'sink'])
  if (typeof job.name !== 'string' || !JOB_NAME.test(job.name)) {
    throw badInput(`job name "${printable(job.name)}" must be 1-64 letters, digits, "_" or "-"`)
  }
  const sourceObj = requireObject(job.source, 'source', ['kafka', 'cassandra'], [])
  const hasKafka = sourceObj.kafka !== undefined && sourceObj.kafka !== null
  const hasCassandra = sourceObj.cassandra !== undefined && sourceObj.cassandra !== null
  if (hasKafka === hasCassandra) throw badInput('source must have exactly one of "kafka" or "cassandra"')
  let source: KafkaSource | CassandraSource
  if (hasKafka) {
    const kafka = requireObject(sourceObj.kafka, 'source.kafka', KAFKA_FIELDS, ['topic'])
    source = {
      kind: 'kafka',
      topic: kafkaTopicName(kafka.topic, 'source.kafka.topic'),
      eventTimeField: optionalField(kafka.eventTimeField, 'source.kafka.eventTimeField', false),
    }
  } else {
    const c = requireObject(sourceObj.cassandra, 'source.cassandra', CASSANDRA_FIELDS, CASSANDRA_FIELDS)
    if (typeof c.buckets !== 'number' || !Number.isInteger(c.buckets) || c.buckets < 1 || c.buckets > 1024) {
      throw badInput(`source.cassandra.buckets must be a whole number from 1 to 1024, got ${printable(c.buckets)}`)
    }
    source = {
      kind: 'cassandra',
      keyspace: cqlIdentifier(c.keyspace, 'source.cassandra.keyspace'),
      table: cqlIdentifier(c.table, 'source.cassandra.table'),
      dayColumn: cqlIdentifier(c.dayColumn, 'source.cassandra.dayColumn'),
      bucketColumn: cqlIdentifier(c.bucketColumn, 'source.cassandra.bucketColumn'),
      buckets: c.buckets,
      timeColumn: cqlIdentifier(c.timeColumn, 'source.cassandra.timeColumn'),
    }
  }
  const cassandra = source.kind === 'cassandra'
  const sink = requireObject(job.sink, 'sink', ['keyspace', 'table'], ['keyspace', 'table'])
  return {
    name: job.name,
    source,
    windowDays: parseWindowDays(job.window),
    timezone: job.timezone === undefined || job.timezone === null ? 'UTC' : checkTimeZone(job.timezone),
    groupBy: optionalField(job.groupBy, 'groupBy', cassandra),
    distinct: optionalField(job.distinct, 'distinct', cassandra),
    value: optionalField(job.value, 'value', cassandra),
    sink: {keyspace: cqlIdentifier(sink.keyspace, 'sink.keyspace'), table: cqlIdentifier(sink.table, 'sink.table')},
  }
}

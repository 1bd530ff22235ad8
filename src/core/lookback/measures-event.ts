import {type ExactDecimal, exactDecimalAt} from './decimal.js'
import {parseEventTime} from './event-time.js'
import {keyText, MAX_ABS_VALUE, parseRecordObject} from './extract-event.js'
import {type FieldPath, readField} from './field-path.js'
import type {MeasureSpec as JobMeasureSpec, MeasuresJobSpec} from './job-spec.js'
import {inputType} from './measures/measure.js'
import type {FieldLookup} from './measures/bucket-aggregator.js'
import type {MeasureSpec as AggregatorMeasureSpec} from './measures/measure-spec.js'
import type {RejectReason} from './rejects.js'
import {dimensionText} from './sink-layout.js'
import {whereHoldsBy} from './where.js'
import {JsonFieldReader} from './json-fields.js'
import {hourBucketStartMs, hourBucketsOfDays} from './zoned-hour.js'
import type {Day} from './zoned-day.js'

/** What aggregation needs from one record of a measures job. */
export interface MeasuresEvent {
  eventMs: number
  /** Sink text of each dimension, in job order (dimensionText: absent is ''). */
  dims: string[]
  /** Looks a measure's value up by its aggregator field key (see aggregatorMeasures). */
  values: FieldLookup
}

/**
 * One record: an event, a record the job's `where` leaves out (counted as filtered, not an
 * error: a shared topic carries other events too), or a reject.
 */
export type MeasuresExtractResult =
  | {kind: 'event'; event: MeasuresEvent}
  | {kind: 'filtered'}
  | {kind: 'reject'; reason: RejectReason; detail: string}

/**
 * The one seam between the job's measures (FieldPath fields) and the aggregator's (string
 * keys). A field read as text (distinct, approx_distinct) gets the key `text:<path>` and one
 * read as a number the plain path, so a job may both sum and count-distinct one field without
 * the two readings colliding (":" cannot occur in a field path).
 */
export function aggregatorMeasures(measures: readonly JobMeasureSpec[]): AggregatorMeasureSpec[] {
  return measures.map((m) => {
    const spec: AggregatorMeasureSpec = {name: m.name, kind: m.kind, field: m.field === null ? null : fieldKey(m.kind, m.field)}
    if (m.q !== undefined) spec.q = m.q
    return spec
  })
}

function fieldKey(kind: JobMeasureSpec['kind'], field: FieldPath): string {
  return inputType(kind) === 'string' ? `text:${field.path}` : field.path
}

/** The aggregator's dimension names (the field paths, in job order). */
export function aggregatorDimensions(job: MeasuresJobSpec): string[] {
  return job.dimensions.map((d) => d.path)
}

/**
 * Turns one record into a measures event (never throws). Order: JSON, then `where` (a record
 * the job does not want is filtered even when it lacks the event time), then event time,
 * dimensions and measure values. Like the legacy form, a missing measure field is skipped
 * (SQL SUM/COUNT DISTINCT); a present one of the wrong type rejects the record.
 */
export function extractMeasuresEvent(record: Uint8Array | string | Record<string, unknown> | null, recordTimestampMs: number, job: MeasuresJobSpec): MeasuresExtractResult {
  if (record === null || record === undefined) return reject('empty-record', 'record has no value (tombstone)')
  if (record instanceof Uint8Array) {
    // The fast path reads the job's fields from the bytes; it declines (null) for anything
    // it cannot answer exactly as JSON.parse would, and the general path below decides.
    const plan = fieldPlanOf(job)
    const read = plan.reader.read(record)
    if (read !== null) return fromFields((field) => read[plan.slot.get(field.path)!], null, recordTimestampMs, job)
  }
  const parsed = parseRecordObject(record)
  if (!parsed.ok) return reject(parsed.reason, parsed.detail)
  const event = parsed.value
  return fromFields((field) => readField(event, field), event, recordTimestampMs, job)
}

/** The job's field paths, each with its slot in a JsonFieldReader (built once per job). */
interface FieldPlan {
  reader: JsonFieldReader
  slot: Map<string, number>
}

const fieldPlans = new WeakMap<MeasuresJobSpec, FieldPlan>()

function fieldPlanOf(job: MeasuresJobSpec): FieldPlan {
  let plan = fieldPlans.get(job)
  if (plan === undefined) {
    const time = eventTimeField(job)
    const fields = [...job.where.map((c) => c.field), ...(time === null ? [] : [time]), ...job.dimensions, ...job.measures.flatMap((m) => (m.field === null ? [] : [m.field]))]
    const paths = [...new Set(fields.map((f) => f.path))]
    plan = {reader: new JsonFieldReader(paths), slot: new Map(paths.map((p, i) => [p, i]))}
    fieldPlans.set(job, plan)
  }
  return plan
}

/**
 * The rest of extractMeasuresEvent, over a way to read a field (from the fast path's values or
 * the parsed record); `event` is the parsed record when there is one (exact decimals live there).
 */
function fromFields(get: (field: FieldPath) => unknown, event: Record<string, unknown> | null, recordTimestampMs: number, job: MeasuresJobSpec): MeasuresExtractResult {
  if (!whereHoldsBy(job.where, get)) return {kind: 'filtered'}

  const timeField = eventTimeField(job)
  const time = parseEventTime(timeField === null ? recordTimestampMs : get(timeField))
  if (!time.ok) return reject('bad-time', timeField === null ? `record timestamp: ${time.reason}` : `${timeField.path}: ${time.reason}`)

  const dims: string[] = []
  for (const field of job.dimensions) {
    const text = dimensionText(get(field))
    if (!text.ok) return reject('bad-group', `${field.path}: ${text.reason}`)
    dims.push(text.text)
  }

  const values = new Map<string, number | string | ExactDecimal>()
  for (const measure of job.measures) {
    if (measure.field === null) continue
    const key = fieldKey(measure.kind, measure.field)
    if (values.has(key)) continue
    const raw = get(measure.field)
    if (raw === undefined || raw === null) continue
    const value = inputType(measure.kind) === 'string' ? textValue(raw) : numberValue(raw)
    if (typeof value === 'object') return reject(inputType(measure.kind) === 'string' ? 'bad-distinct' : 'bad-value', `${measure.field.path}: ${value.reason}`)
    // A decoder that read an exact decimal (Avro) kept it: sum and avg add it exactly.
    values.set(key, typeof value === 'number' && event !== null ? (exactDecimalAt(event, measure.field) ?? value) : value)
  }
  return {kind: 'event', event: {eventMs: time.ms, dims, values: (key) => values.get(key) ?? null}}
}

/** A distinct key: strings as they are, numbers and booleans as their text (as dimension values are). */
function textValue(raw: unknown): string | {reason: string} {
  const key = keyText(raw, false)
  if (key === null) return {reason: 'missing'}
  return key.ok ? key.text : {reason: key.reason}
}

function numberValue(raw: unknown): number | {reason: string} {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return {reason: 'not a number'}
  if (Math.abs(raw) > MAX_ABS_VALUE) return {reason: `magnitude above ${MAX_ABS_VALUE}`}
  return raw === 0 ? 0 : raw // -0 and 0 must aggregate identically
}

function reject(reason: RejectReason, detail: string): {kind: 'reject'; reason: RejectReason; detail: string} {
  return {kind: 'reject', reason, detail}
}

function eventTimeField(job: MeasuresJobSpec): FieldPath | null {
  if (job.source.kind === 'kafka') return job.source.eventTimeField
  return {path: job.source.timeColumn, segments: [job.source.timeColumn]}
}

/**
 * The bucket key of an event in local day `day`: the day itself ('YYYY-MM-DD') for daily
 * jobs, the start instant of its local hour as ISO-8601 UTC for hourly ones (so the two
 * 01:00 hours of a DST end are two buckets, and keys sort in time order).
 */
export function bucketKeyOf(job: Pick<MeasuresJobSpec, 'granularity' | 'timezone'>, eventMs: number, day: Day): string {
  return job.granularity === 'day' ? day : new Date(hourBucketStartMs(eventMs, job.timezone)).toISOString()
}

/** Every bucket key of the given local days, oldest first (what a run recomputes for them). */
export function bucketKeysOfDays(job: Pick<MeasuresJobSpec, 'granularity' | 'timezone'>, days: readonly Day[]): string[] {
  if (job.granularity === 'day') return [...days]
  return hourBucketsOfDays(days, job.timezone).map((b) => new Date(b.startMs).toISOString())
}

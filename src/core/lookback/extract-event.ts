import {printable} from '../units.js'
import {type FieldPath, readField} from './field-path.js'
import type {JobSpec} from './job-spec.js'
import type {RejectReason} from './rejects.js'
import {parseEventTime} from './event-time.js'
import {JsonFieldReader} from './json-fields.js'

/** What aggregation needs from one record. */
export interface LookbackEvent {
  eventMs: number
  /** '' when the job has no groupBy. */
  group: string
  /** Canonical text of the distinct field (type-tagged: "42" the number vs "\"42\"" the string); null when absent. */
  distinct: string | null
  value: number | null
}

export type ExtractResult = {ok: true; event: LookbackEvent} | {ok: false; reason: RejectReason; detail: string}

/** Group keys and distinct keys longer than this are refused: they would bloat sink rows and memory. */
export const MAX_KEY_CHARS = 1024
/** Values beyond ±1e250 are refused so the exact sum can never overflow to Infinity. */
export const MAX_ABS_VALUE = 1e250

const utf8 = new TextDecoder('utf-8', {fatal: true})

/**
 * Turns one source record into an event, or says why not (never throws; the
 * caller counts rejects). `record` is the Kafka value (bytes or text) or, for
 * a Cassandra source, the row as an object. `recordTimestampMs` is the event
 * time when the job has no event-time field (Kafka record timestamp).
 *
 * Missing distinct/value fields are not errors: like SQL COUNT(DISTINCT x) and
 * SUM(x), the event is counted and the absent field is skipped. A present
 * field of the wrong type is a reject.
 */
export function extractEvent(record: Uint8Array | string | Record<string, unknown> | null, recordTimestampMs: number, job: JobSpec): ExtractResult {
  if (record === null || record === undefined) return reject('empty-record', 'record has no value (tombstone)')
  if (record instanceof Uint8Array) return extractEventFromBytes(record, 0, record.length, recordTimestampMs, job)
  return extractParsed(record, recordTimestampMs, job, fieldsOf(job))
}

/**
 * extractEvent of the record value held in bytes [start, end) of `data` (a fetched batch),
 * without a Buffer view per record: the fast path reads the bytes in place.
 */
export function extractEventFromBytes(data: Uint8Array, start: number, end: number, recordTimestampMs: number, job: JobSpec): ExtractResult {
  const fields = fieldsOf(job)
  const reader = fields.topLevel
  if (reader !== null) {
    const values = reader.read(data, start, end)
    if (values !== null) {
      const slots = fields.slots
      const d = slots[2]
      return fromFieldValues(values[slots[0]], values[slots[1]], values[d], values[slots[3]], recordTimestampMs, job, fields.time, reader.quotedText(d))
    }
  }
  return extractParsed(start === 0 && end === data.length ? data : data.subarray(start, end), recordTimestampMs, job, fields)
}

/** The general path: decode and JSON.parse (or take the Cassandra row), then read the fields. */
function extractParsed(record: Uint8Array | string | Record<string, unknown>, recordTimestampMs: number, job: JobSpec, fields: JobFields): ExtractResult {
  const object = parseRecordObject(record)
  if (!object.ok) return object
  const parsed = object.value
  const read = (f: FieldPath | null): unknown => (f === null ? undefined : readField(parsed, f))
  return fromFieldValues(read(fields.time), read(job.groupBy), read(job.distinct), read(job.value), recordTimestampMs, job, fields.time)
}

/** A record value (bytes, text or a Cassandra row) as a JSON object, or the reject saying why not. */
export function parseRecordObject(record: Uint8Array | string | Record<string, unknown>): {ok: true; value: Record<string, unknown>} | {ok: false; reason: RejectReason; detail: string} {
  let parsed: unknown = record
  if (typeof record === 'string' || record instanceof Uint8Array) {
    let text: string
    try {
      text = typeof record === 'string' ? record : utf8.decode(record)
    } catch {
      return {ok: false, reason: 'malformed-utf8', detail: 'record value is not valid UTF-8'}
    }
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      return {ok: false, reason: 'malformed-json', detail: `record value is not JSON: ${printable((error as Error).message, 60)}`}
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {ok: false, reason: 'not-an-object', detail: 'record value is not a JSON object'}
  }
  return {ok: true, value: parsed as Record<string, unknown>}
}

/** The job's four fields: where each comes from, and their names when all are top-level. */
interface JobFields {
  time: FieldPath | null
  /** Reads the distinct names of [time, groupBy, distinct, value] when none is nested, else null (no fast path). */
  topLevel: JsonFieldReader | null
  /** Where each of [time, groupBy, distinct, value] is in what topLevel reads (two fields may name one key). */
  slots: [number, number, number, number]
}

const jobFields = new WeakMap<JobSpec, JobFields>()

function fieldsOf(job: JobSpec): JobFields {
  let f = jobFields.get(job)
  if (f === undefined) {
    const time = eventTimeField(job)
    const paths = [time, job.groupBy, job.distinct, job.value]
    // An unused field gets a name no field path can have (paths start with a letter or "_").
    const names = paths.map((p, i) => (p === null ? `0unused${i}` : p.path))
    const unique = [...new Set(names)]
    const slots = names.map((n) => unique.indexOf(n)) as [number, number, number, number]
    f = {time, topLevel: paths.every((p) => p === null || p.segments.length === 1) ? new JsonFieldReader(unique) : null, slots}
    jobFields.set(job, f)
  }
  return f
}

/** The rest of extractEvent, from the raw values of the four fields (undefined = absent). */
function fromFieldValues(
  timeRaw: unknown,
  groupRaw: unknown,
  distinctRaw: unknown,
  valueRaw: unknown,
  recordTimestampMs: number,
  job: JobSpec,
  timeField: FieldPath | null,
  /** The fast path's JSON text of a string distinct value (= JSON.stringify of it), else null. */
  distinctQuoted: string | null = null,
): ExtractResult {
  const time = parseEventTime(timeField === null ? recordTimestampMs : timeRaw)
  if (!time.ok) return reject('bad-time', timeField === null ? `record timestamp: ${time.reason}` : `${timeField.path}: ${time.reason}`)

  let group = ''
  if (job.groupBy !== null) {
    const key = keyText(groupRaw, false)
    if (key === null) return reject('bad-group', `${job.groupBy.path}: missing or null`)
    if (!key.ok) return reject('bad-group', `${job.groupBy.path}: ${key.reason}`)
    group = key.text
  }

  let distinct: string | null = null
  if (job.distinct !== null) {
    const key = keyText(distinctRaw, true, distinctQuoted)
    if (key !== null && !key.ok) return reject('bad-distinct', `${job.distinct.path}: ${key.reason}`)
    distinct = key === null ? null : key.text
  }

  let value: number | null = null
  if (job.value !== null) {
    if (valueRaw !== undefined && valueRaw !== null) {
      const n = typeof valueRaw === 'bigint' && Number.isSafeInteger(Number(valueRaw)) ? Number(valueRaw) : valueRaw
      if (typeof n !== 'number' || !Number.isFinite(n)) return reject('bad-value', `${job.value.path}: not a number`)
      if (Math.abs(n) > MAX_ABS_VALUE) return reject('bad-value', `${job.value.path}: magnitude above ${MAX_ABS_VALUE}`)
      value = n === 0 ? 0 : n // -0 and 0 must aggregate identically
    }
  }
  return {ok: true, event: {eventMs: time.ms, group, distinct, value}}
}

function reject(reason: RejectReason, detail: string): ExtractResult {
  return {ok: false, reason, detail}
}

function eventTimeField(job: JobSpec): FieldPath | null {
  if (job.source.kind === 'kafka') return job.source.eventTimeField
  return {path: job.source.timeColumn, segments: [job.source.timeColumn]}
}

export type KeyText = {ok: true; text: string} | {ok: false; reason: string}

/**
 * Canonical text for a group or distinct key; null when absent. Group keys are
 * stored as text in the sink, so 42 and "42" are the same group; distinct keys
 * keep the type apart (JSON-style quoting) so a user id 42 and "42" stay distinct.
 */
export function keyText(value: unknown, typed: boolean, quoted: string | null = null): KeyText | null {
  if (value === undefined || value === null) return null
  let text: string
  if (typeof value === 'string') text = typed ? (quoted ?? JSON.stringify(value)) : value
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return {ok: false, reason: 'not a finite number'}
    text = String(value === 0 ? 0 : value)
  } else if (typeof value === 'bigint') text = String(value)
  else if (typeof value === 'boolean') text = String(value)
  else return {ok: false, reason: `is ${Array.isArray(value) ? 'an array' : 'an object'}, expected a string, number or boolean`}
  if (text.length > MAX_KEY_CHARS) return {ok: false, reason: `longer than ${MAX_KEY_CHARS} characters`}
  return {ok: true, text}
}

import avro from 'avsc'

import {ExactDecimal, decimalText, settleDecimals} from '../../core/lookback/decimal.js'
import type {CompiledSchema, DecodeOutcome} from './compiled-schema.js'

export {decimalText} from '../../core/lookback/decimal.js'

/**
 * Avro records (the payload after the registry header) as plain objects, decoded with the
 * writer's schema, so the look-back job language reads them like JSON events:
 * - unions and nullable fields are the branch's value (null for null), never {"type": value};
 * - timestamp-millis stays epoch milliseconds; timestamp-micros becomes epoch milliseconds
 *   (a number, fraction kept), so either can be the event time;
 * - decimal (bytes or fixed) becomes the JS number nearest its exact decimal value, and the
 *   exact value is kept beside it (core/lookback/decimal.ts) so sum and avg add it exactly;
 * - longs are numbers (avsc refuses those past 2^53 rather than round them);
 * - nested records are objects, reached through dotted paths.
 */

type AvroType = avro.Type

class TimestampMicros extends avro.types.LogicalType {
  override _fromValue(value: unknown): unknown {
    return typeof value === 'number' ? value / 1000 : value
  }
  override _toValue(value: unknown): unknown {
    return typeof value === 'number' ? Math.round(value * 1000) : value
  }
  override _resolve(type: AvroType): ((x: unknown) => unknown) | undefined {
    return avro.Type.isType(type, 'long') ? (x) => x : undefined
  }
}

class DecimalNumber extends avro.types.LogicalType {
  private readonly scale: number
  constructor(schema: {scale?: number}, opts?: unknown) {
    super(schema as never, opts as never)
    this.scale = schema.scale ?? 0
  }
  override _fromValue(value: unknown): unknown {
    return value instanceof Uint8Array ? new ExactDecimal(unscaledOf(value), this.scale) : value
  }
  override _toValue(value: unknown): unknown {
    if (value instanceof ExactDecimal) return decimalBytes(value.unscaled * 10n ** BigInt(this.scale - value.scale))
    return typeof value === 'number' ? numberToDecimalBytes(value, this.scale) : value
  }
  override _resolve(type: AvroType): ((x: unknown) => unknown) | undefined {
    return avro.Type.isType(type, 'bytes', 'fixed') ? (x) => x : undefined
  }
}

const logicalTypes = {'timestamp-micros': TimestampMicros, decimal: DecimalNumber} as unknown as Record<string, new (schema: avro.Schema, opts?: unknown) => avro.types.LogicalType>

/** The exact value of a big-endian two's complement unscaled integer over 10^scale, as the nearest number. */
export function decimalToNumber(bytes: Uint8Array, scale: number): number {
  return Number(decimalText(unscaledOf(bytes), scale))
}

/** A big-endian two's complement integer. */
function unscaledOf(bytes: Uint8Array): bigint {
  let unscaled = 0n
  for (const b of bytes) unscaled = (unscaled << 8n) | BigInt(b)
  if (bytes.length > 0 && bytes[0]! & 0x80) unscaled -= 1n << BigInt(bytes.length * 8)
  return unscaled
}

/** The bytes of a decimal (two's complement, big-endian, minimal length): for producers and tests. */
export function decimalBytes(unscaled: bigint): Buffer {
  const out: number[] = []
  let v = unscaled
  do {
    out.unshift(Number(v & 0xffn))
    v >>= 8n
  } while (!((v === 0n && (out[0]! & 0x80) === 0) || (v === -1n && (out[0]! & 0x80) !== 0)))
  return Buffer.from(out)
}

function numberToDecimalBytes(value: number, scale: number): Buffer {
  return decimalBytes(BigInt(Math.round(value * 10 ** scale)))
}

/** The type of a writer's schema text, with fleetops's logical types. */
export function avroType(schemaText: string): AvroType {
  return avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema, {logicalTypes, wrapUnions: 'auto'})
}

export function compileAvro(schemaText: string): CompiledSchema {
  const type = avroType(schemaText)
  const unwrap = unwrapper(type)
  const paths = fieldPaths(type)
  // Only a schema with a decimal somewhere needs the walk that settles them.
  const hasDecimals = schemaText.includes('"decimal"')
  return {
    decode(data: Uint8Array, start: number, end: number): DecodeOutcome {
      let value: unknown
      try {
        value = type.fromBuffer(Buffer.from(data.buffer, data.byteOffset + start, end - start))
      } catch (error) {
        return {ok: false, detail: `not an Avro record of its schema: ${(error as Error).message.slice(0, 80)}`}
      }
      if (unwrap !== null) value = unwrap(value)
      if (hasDecimals) value = settleDecimals(value)
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return {ok: false, detail: 'the Avro schema is not a record'}
      return {ok: true, value: value as Record<string, unknown>}
    },
    hasPath: (segments) => paths.has(segments.join('.')),
  }
}

type Unwrap = (value: unknown) => unknown

/**
 * A function that replaces every wrapped union ({"branch": value}) in a decoded value by its
 * branch value, or null when the type has no wrapped union (decoded values are then used as
 * they are: the common case costs nothing).
 */
function unwrapper(type: AvroType): Unwrap | null {
  const t = type as AvroType & {typeName: string}
  if (avro.Type.isType(type, 'union:wrapped')) {
    const branches = new Map<string, Unwrap | null>()
    for (const branch of (type as unknown as {types: AvroType[]}).types) branches.set(branch.branchName!, unwrapper(branch))
    return (v) => {
      if (v === null || typeof v !== 'object') return v
      const key = Object.keys(v)[0]!
      const inner = (v as Record<string, unknown>)[key]
      const f = branches.get(key)
      return f ? f(inner) : inner
    }
  }
  if (avro.Type.isType(type, 'union:unwrapped')) {
    const fs = (type as unknown as {types: AvroType[]}).types.map(unwrapper)
    if (fs.every((f) => f === null)) return null
    // An unwrapped union's branches have distinct JS shapes; only records and maps can hold unions.
    return (v) => fs.reduce<unknown>((acc, f) => (f === null ? acc : f(acc)), v)
  }
  if (t.typeName === 'record' || t.typeName === 'error') {
    const fields = (type as unknown as {fields: {name: string; type: AvroType}[]}).fields.map((f) => [f.name, unwrapper(f.type)] as const).filter(([, f]) => f !== null)
    if (fields.length === 0) return null
    return (v) => {
      if (v === null || typeof v !== 'object') return v
      const o = v as Record<string, unknown>
      for (const [name, f] of fields) o[name] = f!(o[name])
      return o
    }
  }
  if (t.typeName === 'array' || t.typeName === 'map') {
    const f = unwrapper(t.typeName === 'array' ? (type as unknown as {itemsType: AvroType}).itemsType : (type as unknown as {valuesType: AvroType}).valuesType)
    if (f === null) return null
    return t.typeName === 'array'
      ? (v) => (Array.isArray(v) ? v.map(f) : v)
      : (v) => {
          if (v === null || typeof v !== 'object') return v
          for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = f((v as Record<string, unknown>)[k])
          return v
        }
  }
  return null
}

/** Every dotted path through records (and through union branches that are records). */
function fieldPaths(type: AvroType, prefix = '', out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 32) return out
  const t = type as AvroType & {typeName: string}
  if (t.typeName.startsWith('union')) {
    for (const branch of (type as unknown as {types: AvroType[]}).types) fieldPaths(branch, prefix, out, depth + 1)
  } else if (t.typeName === 'record' || t.typeName === 'error') {
    for (const f of (type as unknown as {fields: {name: string; type: AvroType}[]}).fields) {
      const path = prefix === '' ? f.name : `${prefix}.${f.name}`
      out.add(path)
      fieldPaths(f.type, path, out, depth + 1)
    }
  } else if (t.typeName.startsWith('logical:')) {
    fieldPaths((type as unknown as {underlyingType: AvroType}).underlyingType, prefix, out, depth + 1)
  }
  return out
}

/**
 * Any Avro datum (a key is often a plain string or long) as display text: JSON, with bytes as
 * hex and wrapped unions unwrapped; null when the payload does not decode with the schema.
 */
export function avroDisplayText(schemaText: string, data: Uint8Array, start: number, end: number): string | null {
  const type = avroType(schemaText)
  let value: unknown
  try {
    value = type.fromBuffer(Buffer.from(data.buffer, data.byteOffset + start, end - start))
  } catch {
    return null
  }
  const unwrap = unwrapper(type)
  return JSON.stringify(settleDecimals(unwrap === null ? value : unwrap(value)), (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString()
    if (v !== null && typeof v === 'object' && (v as {type?: string}).type === 'Buffer') return `0x${Buffer.from((v as {data: number[]}).data).toString('hex')}`
    return v
  })
}

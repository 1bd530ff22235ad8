import type {CompiledSchema} from '../../adapters/schema-registry/compiled-schema.js'
import type {RegisteredSchema, SchemaType, SubjectVersion} from '../../adapters/schema-registry/client.js'
import {unframe} from '../../adapters/schema-registry/wire-format.js'
import {badInput} from '../../core/errors.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import {jobFieldPaths} from '../../core/lookback/job-fields.js'
import type {KafkaFormat, LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {RejectReason} from '../../core/lookback/rejects.js'
import type {RecordSink} from './record-sink.js'

/** The registry calls a look-back run makes (SchemaRegistryClient's own methods). */
export interface SchemaSource {
  schemaById(id: number): Promise<RegisteredSchema | null>
  latest(subject: string): Promise<SubjectVersion | null>
}

/** Turns a registry schema into a decoder (avsc or protobufjs, loaded by the factory). */
export type SchemaCompiler = (schema: RegisteredSchema) => CompiledSchema

type Decoded = {ok: true; value: Record<string, unknown>} | {ok: false; reason: RejectReason; detail: string} | {pending: number}

const registryType: Record<Exclude<KafkaFormat, 'json'>, SchemaType> = {avro: 'AVRO', protobuf: 'PROTOBUF'}

/**
 * Decodes Schema Registry framed record values with the writer's schema, fetched by id once per
 * run. Decoding is synchronous (it runs inside the fetch loop); a record whose schema id is not
 * loaded yet is "pending": the caller keeps it and calls load() at the end of the chunk.
 */
export class RegistryDecoder {
  private readonly schemas = new Map<number, CompiledSchema | {unusable: RejectReason; detail: string}>()

  constructor(
    private readonly registry: SchemaSource,
    private readonly format: Exclude<KafkaFormat, 'json'>,
    private readonly compile: SchemaCompiler,
  ) {}

  decode(data: Uint8Array, start: number, end: number): Decoded {
    const header = unframe(data, start, end)
    if (!header.ok) return {ok: false, reason: 'bad-magic-byte', detail: header.detail}
    const schema = this.schemas.get(header.schemaId)
    if (schema === undefined) return {pending: header.schemaId}
    if ('unusable' in schema) return {ok: false, reason: schema.unusable, detail: schema.detail}
    const decoded = schema.decode(data, header.payloadStart, end)
    return decoded.ok ? decoded : {ok: false, reason: 'undecodable-record', detail: `schema id ${header.schemaId}: ${decoded.detail}`}
  }

  /** Fetches the schemas of these ids (an id the registry lacks becomes a reject, not an error). */
  async load(ids: Iterable<number>): Promise<void> {
    for (const id of new Set(ids)) {
      if (this.schemas.has(id)) continue
      const schema = await this.registry.schemaById(id)
      this.schemas.set(id, schema === null ? {unusable: 'unknown-schema-id', detail: `schema id ${id} is not in the schema registry`} : this.compileOrReject(schema))
    }
  }

  private compileOrReject(schema: RegisteredSchema): CompiledSchema | {unusable: RejectReason; detail: string} {
    if (schema.schemaType !== registryType[this.format]) {
      return {unusable: 'undecodable-record', detail: `schema id ${schema.id} is ${schema.schemaType}, but the job reads ${this.format}`}
    }
    try {
      return this.compile(schema)
    } catch (error) {
      return {unusable: 'undecodable-record', detail: `schema id ${schema.id} does not compile: ${(error as Error).message.slice(0, 80)}`}
    }
  }

  /**
   * Refuses (exit 2, before anything is written) a job that names a field the latest schema of
   * the topic's value subject (`<topic>-value`) does not have.
   */
  async checkJobFields(job: LookbackJobSpec, topic: string): Promise<void> {
    const subject = `${topic}-value`
    const latest = await this.registry.latest(subject)
    if (latest === null) throw badInput(`the schema registry has no subject ${subject}; register the topic's value schema or fix source.kafka.topic`)
    if (latest.schemaType !== registryType[this.format]) {
      throw badInput(`subject ${subject} holds ${latest.schemaType} schemas but source.kafka.format is ${this.format}`)
    }
    const schema = this.compile(latest)
    for (const {setting, field} of jobFieldPaths(job)) {
      if (!schema.hasPath(field.segments)) {
        throw badInput(`${setting} names field ${field.path}, which the latest schema of ${subject} (version ${latest.version}, id ${latest.id}) does not have`)
      }
    }
    this.schemas.set(latest.id, schema)
  }
}

interface PendingRecord {
  bytes: Uint8Array
  schemaId: number
  timestampMs: number
  seen: boolean
  ref: EventRef
}

/**
 * The decoding step between the fetch loop and a unit's record sink: decoded records go to the
 * sink at once, records of a schema not yet fetched wait (copied) until flush(), which the
 * reader calls at the end of every chunk, before the chunk's checkpoint.
 */
export class DecodingFeed {
  private pending: PendingRecord[] = []

  constructor(
    private readonly decoder: RegistryDecoder,
    private readonly sink: RecordSink,
  ) {}

  add(data: Uint8Array, start: number, stop: number, timestampMs: number, seen: boolean, ref: () => EventRef): void {
    if (start < 0) return this.sink.addBytes(data, start, stop, timestampMs, seen, ref)
    const decoded = this.decoder.decode(data, start, stop)
    if ('pending' in decoded) {
      this.pending.push({bytes: new Uint8Array(data.subarray(start, stop)), schemaId: decoded.pending, timestampMs, seen, ref: ref()})
    } else this.deliver(decoded, timestampMs, seen, ref)
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return
    const records = this.pending
    this.pending = []
    await this.decoder.load(records.map((r) => r.schemaId))
    for (const r of records) {
      const decoded = this.decoder.decode(r.bytes, 0, r.bytes.length)
      if ('pending' in decoded) throw new Error(`schema id ${r.schemaId} was loaded but is still unknown`)
      this.deliver(decoded, r.timestampMs, r.seen, () => r.ref)
    }
  }

  private deliver(decoded: Exclude<Decoded, {pending: number}>, timestampMs: number, seen: boolean, ref: () => EventRef): void {
    if (decoded.ok) this.sink.addRow(decoded.value, timestampMs, seen, ref)
    else this.sink.addReject(decoded.reason, decoded.detail, timestampMs, seen, ref)
  }
}

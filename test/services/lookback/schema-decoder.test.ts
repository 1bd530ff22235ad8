import avro from 'avsc'
import {describe, expect, it} from 'vitest'

import type {RegisteredSchema, SubjectVersion} from '../../../src/adapters/schema-registry/client.js'
import {compileSchema} from '../../../src/adapters/schema-registry/open-decoder.js'
import {frame} from '../../../src/adapters/schema-registry/wire-format.js'
import type {EventRef} from '../../../src/core/lookback/event-ref.js'
import {validateLookbackJob} from '../../../src/core/lookback/job-spec.js'
import type {RejectReason} from '../../../src/core/lookback/rejects.js'
import type {RecordSink} from '../../../src/services/lookback/record-sink.js'
import {DecodingFeed, RegistryDecoder, type SchemaSource} from '../../../src/services/lookback/schema-decoder.js'

const V1 = {type: 'record', name: 'E', fields: [{name: 'ts', type: 'long'}, {name: 'user', type: 'string'}]}
const V2 = {type: 'record', name: 'E', fields: [{name: 'ts', type: 'long'}, {name: 'user', type: 'string'}, {name: 'country', type: ['null', 'string'], default: null}]}

/** The registry as fleetops's own SchemaSource interface, in memory, counting its calls. */
class MemorySchemas implements SchemaSource {
  calls = 0
  constructor(private readonly byId: Map<number, RegisteredSchema>, private readonly subjects: Map<string, SubjectVersion>) {}
  async schemaById(id: number): Promise<RegisteredSchema | null> {
    this.calls++
    return this.byId.get(id) ?? null
  }
  async latest(subject: string): Promise<SubjectVersion | null> {
    return this.subjects.get(subject) ?? null
  }
}

function registry(): MemorySchemas {
  const v1: RegisteredSchema = {id: 11, schemaType: 'AVRO', schema: JSON.stringify(V1)}
  const v2: RegisteredSchema = {id: 12, schemaType: 'AVRO', schema: JSON.stringify(V2)}
  const proto: RegisteredSchema = {id: 13, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { int64 ts = 1; }\n'}
  return new MemorySchemas(new Map([[11, v1], [12, v2], [13, proto]]), new Map([['orders-value', {...v2, subject: 'orders-value', version: 2}]]))
}

class CollectingSink {
  rows: Record<string, unknown>[] = []
  rejects: {reason: RejectReason; detail: string; ref: EventRef}[] = []
  asSink(): RecordSink {
    return {
      acc: undefined as never,
      addBytes: () => {
        throw new Error('bytes are not expected here')
      },
      addRow: (row) => void this.rows.push({...row}),
      addReject: (reason, detail, _ts, _seen, ref) => void this.rejects.push({reason, detail, ref: ref()}),
    }
  }
}

const ref = (offset: number): (() => EventRef) => () => ({kind: 'kafka', topic: 'orders', partition: 0, offset: String(offset)})

const job = (dimensions: string) =>
  validateLookbackJob({
    name: 'j',
    source: {kafka: {topic: 'orders', eventTimeField: 'ts', format: 'avro'}},
    window: '1d',
    dimensions: dimensions.split(','),
    measures: {n: 'count'},
    sink: {keyspace: 'k', table: 't'},
  })

describe('RegistryDecoder and DecodingFeed', () => {
  it('two schema versions in one chunk: each record decoded with its writer schema, each schema fetched once', async () => {
    const schemas = registry()
    const decoder = new RegistryDecoder(schemas, 'avro', compileSchema)
    const sink = new CollectingSink()
    const feed = new DecodingFeed(decoder, sink.asSink())
    const v1 = avro.Type.forSchema(V1 as avro.Schema)
    const v2 = avro.Type.forSchema(V2 as avro.Schema)
    const records = [frame(11, v1.toBuffer({ts: 1, user: 'a'})), frame(12, v2.toBuffer({ts: 2, user: 'b', country: 'de'})), frame(11, v1.toBuffer({ts: 3, user: 'c'}))]
    const again = Buffer.from(records[1]!)
    records.forEach((r, i) => feed.add(r, 0, r.length, 1000, false, ref(i)))
    expect(sink.rows).toEqual([]) // nothing loaded yet: the records wait for the chunk's end
    for (const r of records) r.fill(0xee) // the fetch buffer is reused: waiting records were copied
    await feed.flush()
    expect(sink.rows).toEqual([{ts: 1, user: 'a'}, {ts: 2, user: 'b', country: 'de'}, {ts: 3, user: 'c'}])
    expect(schemas.calls).toBe(2)
    // the next chunk decodes at once, with no registry call
    feed.add(again, 0, again.length, 1000, false, ref(3))
    expect(sink.rows).toHaveLength(4)
    await feed.flush()
    expect(schemas.calls).toBe(2)
  })

  it('bad magic byte, unknown id, undecodable payload and a schema of the other type are rejects with their offsets', async () => {
    const decoder = new RegistryDecoder(registry(), 'avro', compileSchema)
    const sink = new CollectingSink()
    const feed = new DecodingFeed(decoder, sink.asSink())
    const inputs = [Buffer.from('{"ts":1}'), frame(99, Buffer.from([2])), frame(11, Buffer.from([0xff])), frame(13, Buffer.from([8, 1]))]
    inputs.forEach((r, i) => feed.add(r, 0, r.length, 1000, false, ref(40 + i)))
    await feed.flush()
    expect(sink.rows).toEqual([])
    expect(sink.rejects.map((r) => [r.reason, r.ref.kind === 'kafka' ? r.ref.offset : ''])).toEqual([
      ['bad-magic-byte', '40'],
      ['unknown-schema-id', '41'],
      ['undecodable-record', '42'],
      ['undecodable-record', '43'],
    ])
    expect(sink.rejects[1]!.detail).toContain('schema id 99')
    expect(sink.rejects[3]!.detail).toContain('PROTOBUF')
  })

  it('job fields are checked against the latest schema of <topic>-value', async () => {
    const decoder = new RegistryDecoder(registry(), 'avro', compileSchema)
    await expect(decoder.checkJobFields(job('country'), 'orders')).resolves.toBeUndefined()
    await expect(decoder.checkJobFields(job('city'), 'orders')).rejects.toThrow('dimensions names field city, which the latest schema of orders-value (version 2, id 12) does not have')
    await expect(decoder.checkJobFields(job('country'), 'payments')).rejects.toThrow('the schema registry has no subject payments-value')
    const proto = new RegistryDecoder(registry(), 'protobuf', compileSchema)
    await expect(proto.checkJobFields(job('country'), 'orders')).rejects.toThrow('subject orders-value holds AVRO schemas but source.kafka.format is protobuf')
  })

  it('the job language accepts format json, avro and protobuf only', () => {
    expect(job('country').source).toMatchObject({kind: 'kafka', format: 'avro'})
    const base = {name: 'j', window: '1d', measures: {n: 'count'}, sink: {keyspace: 'k', table: 't'}}
    expect(validateLookbackJob({...base, source: {kafka: {topic: 'o', format: 'json'}}}).source).not.toHaveProperty('format')
    expect(() => validateLookbackJob({...base, source: {kafka: {topic: 'o', format: 'thrift'}}})).toThrow('source.kafka.format "thrift" is not one of json, avro, protobuf')
  })
})

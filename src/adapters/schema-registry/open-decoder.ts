import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import {RegistryDecoder} from '../../services/lookback/schema-decoder.js'
import {compileAvro} from './avro.js'
import {type RegisteredSchema, SchemaRegistryClient, type SchemaRegistryConnection} from './client.js'
import type {CompiledSchema} from './compiled-schema.js'
import {compileProtobuf} from './protobuf.js'

/** Compiles a registry schema with avsc or protobufjs by its type. */
export function compileSchema(schema: RegisteredSchema): CompiledSchema {
  if (schema.schemaType === 'AVRO') return compileAvro(schema.schema)
  if (schema.schemaType === 'PROTOBUF') return compileProtobuf(schema.schema)
  throw new Error(`${schema.schemaType} schemas are not decoded by fleetops`)
}

/** The run's decoder, after checking the job's fields against the latest schema of `<topic>-value`. */
export async function openRegistryDecoder(conn: SchemaRegistryConnection, format: 'avro' | 'protobuf', job: LookbackJobSpec, topic: string): Promise<RegistryDecoder> {
  const decoder = new RegistryDecoder(new SchemaRegistryClient(conn), format, compileSchema)
  await decoder.checkJobFields(job, topic)
  return decoder
}

import type {SchemaRegistryConnection} from '../../adapters/schema-registry/client.js'
import {kafkaMurmur2, toPositive} from '../../core/hash/kafka-partitioner.js'
import {printable} from '../../core/units.js'

/** One sampled key as people read it, with the partitions its serialized bytes hash to. */
export interface KeyExample {
  /** The Avro-decoded key (JSON) when a schema registry is set and the key is framed, else its text or hex. */
  key: string
  /** "avro (schema id N)", "text" or "hex". */
  shownAs: string
  from: number
  to: number
}

/**
 * The first `max` sampled keys for display. Kafka's partitioner hashes the serialized key bytes
 * (registry header included), so the partitions shown are those of the bytes, decoded or not.
 */
export async function keyExamples(keys: readonly Uint8Array[], from: number, to: number, registry: SchemaRegistryConnection | null, max = 5): Promise<KeyExample[]> {
  const picked = keys.slice(0, max)
  const decode = registry === null ? null : await avroKeyDecoder(registry)
  const out: KeyExample[] = []
  for (const key of picked) {
    const h = toPositive(kafkaMurmur2(key))
    const decoded = decode === null ? null : await decode(key)
    out.push({...(decoded ?? plainKey(key)), from: h % from, to: h % to})
  }
  return out
}

function plainKey(key: Uint8Array): {key: string; shownAs: string} {
  const text = Buffer.from(key).toString('utf8')
  const readable = /^[\x20-\x7e]*$/.test(text)
  return readable ? {key: printable(text, 120), shownAs: 'text'} : {key: `0x${Buffer.from(key).subarray(0, 60).toString('hex')}`, shownAs: 'hex'}
}

/** Decodes framed Avro keys with their writer schema (fetched by id, cached); null for other keys. */
async function avroKeyDecoder(conn: SchemaRegistryConnection): Promise<(key: Uint8Array) => Promise<{key: string; shownAs: string} | null>> {
  const {SchemaRegistryClient} = await import('../../adapters/schema-registry/client.js')
  const {unframe} = await import('../../adapters/schema-registry/wire-format.js')
  const {avroDisplayText} = await import('../../adapters/schema-registry/avro.js')
  const client = new SchemaRegistryClient(conn)
  const schemas = new Map<number, string | null>()
  return async (key) => {
    const header = unframe(key, 0, key.length)
    if (!header.ok) return null
    if (!schemas.has(header.schemaId)) {
      const schema = await client.schemaById(header.schemaId)
      schemas.set(header.schemaId, schema !== null && schema.schemaType === 'AVRO' ? schema.schema : null)
    }
    const schema = schemas.get(header.schemaId)!
    const text = schema === null ? null : avroDisplayText(schema, key, header.payloadStart, key.length)
    return text === null ? null : {key: printable(text, 200), shownAs: `avro (schema id ${header.schemaId})`}
  }
}

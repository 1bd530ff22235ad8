/**
 * DescribeConfigs (API key 32), decoded without judging it: per-resource error codes are
 * returned. kafkajs's admin.describeConfigs first refreshes the metadata of every topic,
 * which throws as soon as one partition is offline; this request needs no metadata.
 *
 * Versions 1-4: Kafka 4.x removed v0 (KIP-896); v1 adds include_synonyms and
 * config_source, v3 config_type and documentation, v4 is flexible.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v4: compact encodings, and TAG_BUFFER ends every struct.
 *   DescribeConfigs Request (Version: 1-4) => [resources] include_synonyms include_documentation(v3+) TAG_BUFFER
 *     resources => resource_type resource_name [configuration_keys] TAG_BUFFER
 *   DescribeConfigs Response (Version: 1-4) => throttle_time_ms [results] TAG_BUFFER
 *     results => error_code error_message resource_type resource_name [configs] TAG_BUFFER
 *       configs => name value read_only config_source is_sensitive [synonyms] config_type(v3+) documentation(v3+) TAG_BUFFER
 *         synonyms => name value source TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const DESCRIBE_CONFIGS_KEY = 32
export const DESCRIBE_CONFIGS_VERSIONS: VersionRange = {min: 1, max: 4}

export interface DescribeConfigsResource {
  /** A ConfigResourceType code (incremental-alter-configs.ts). */
  type: number
  name: string
  /** null = every config of the resource. */
  keys: string[] | null
}

export interface DescribeConfigsResult {
  errorCode: number
  errorMessage: string | null
  type: number
  name: string
  configs: {name: string; value: string | null; readOnly: boolean; source: number; sensitive: boolean}[]
}

export function describeConfigsRequest(version: number, resources: DescribeConfigsResource[]): RawRequest<DescribeConfigsResult[]> {
  const flexible = version >= 4
  const w = new Writer(flexible)
  w.array(resources, (w, r) => {
    w.int8(r.type)
    w.string(r.name)
    w.array(r.keys, (w, k) => w.string(k))
    w.tags()
  })
  w.bool(false) // include_synonyms
  if (version >= 3) w.bool(false) // include_documentation
  w.tags()
  return {
    apiKey: DESCRIBE_CONFIGS_KEY,
    apiName: 'DescribeConfigs',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const results = r.array((r): DescribeConfigsResult => {
        const errorCode = r.int16()
        const errorMessage = r.nullableString()
        const type = r.int8()
        const name = r.string()
        const configs = r.array((r) => {
          const cname = r.string()
          const value = r.nullableString()
          const readOnly = r.bool()
          const source = r.int8()
          const sensitive = r.bool()
          r.array((r) => {
            r.string()
            r.nullableString()
            r.int8()
            r.tags()
          })
          if (version >= 3) {
            r.int8() // config_type
            r.nullableString() // documentation
          }
          r.tags()
          return {name: cname, value, readOnly, source, sensitive}
        })
        r.tags()
        return {errorCode, errorMessage, type, name, configs}
      })
      r.tags()
      return {value: results, throttleTimeMs}
    },
  }
}

/**
 * IncrementalAlterConfigs (API key 44, KIP-339): SET / DELETE / APPEND / SUBTRACT of
 * individual config entries, leaving every other dynamic config on the resource as it is.
 * (kafkajs only has the legacy AlterConfigs, which REPLACES a resource's whole dynamic
 * config set: never use it for throttles.)
 *
 * Versions 0-1 (both exist in Kafka 3.9 and 4.x); v1 is the flexible encoding of v0.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v1: compact encodings, and TAG_BUFFER ends every struct.
 *   IncrementalAlterConfigs Request (Version: 0-1) => [resources] validate_only TAG_BUFFER
 *     resources => resource_type resource_name [configs] TAG_BUFFER
 *       configs => name config_operation value TAG_BUFFER
 *   IncrementalAlterConfigs Response (Version: 0-1) => throttle_time_ms [responses] TAG_BUFFER
 *     responses => error_code error_message resource_type resource_name TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const INCREMENTAL_ALTER_CONFIGS_KEY = 44
export const INCREMENTAL_ALTER_CONFIGS_VERSIONS: VersionRange = {min: 0, max: 1}

/** org.apache.kafka.common.config.ConfigResource.Type */
export const ConfigResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const
export type ConfigResourceTypeName = keyof typeof ConfigResourceType

/** AlterConfigOp.OpType */
export const ConfigOperation = {
  SET: 0,
  DELETE: 1,
  APPEND: 2,
  SUBTRACT: 3,
} as const
export type ConfigOperationName = keyof typeof ConfigOperation

export interface ConfigEntryChange {
  name: string
  op: ConfigOperationName
  /** Required for SET/APPEND/SUBTRACT (APPEND/SUBTRACT: comma-separated list items); ignored for DELETE. */
  value?: string | null
}

export interface ConfigResourceChange {
  type: ConfigResourceTypeName
  /** Topic name, broker id as a string ("1"), or "" for the cluster-wide broker default. */
  name: string
  configs: ConfigEntryChange[]
}

export interface AlterConfigsResourceResult {
  resourceType: number
  resourceName: string
  errorCode: number
  errorMessage: string | null
}

export function incrementalAlterConfigsRequest(
  version: number,
  resources: ConfigResourceChange[],
  validateOnly: boolean,
): RawRequest<AlterConfigsResourceResult[]> {
  const flexible = version >= 1
  const w = new Writer(flexible)
  w.array(resources, (w, res) => {
    w.int8(ConfigResourceType[res.type])
    w.string(res.name)
    w.array(res.configs, (w, c) => {
      w.string(c.name)
      w.int8(ConfigOperation[c.op])
      w.nullableString(c.op === 'DELETE' ? null : (c.value ?? null))
      w.tags()
    })
    w.tags()
  })
  w.bool(validateOnly)
  w.tags()
  return {
    apiKey: INCREMENTAL_ALTER_CONFIGS_KEY,
    apiName: 'IncrementalAlterConfigs',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const value = r.array((r): AlterConfigsResourceResult => {
        const errorCode = r.int16()
        const errorMessage = r.nullableString()
        const resourceType = r.int8()
        const resourceName = r.string()
        r.tags()
        return {resourceType, resourceName, errorCode, errorMessage}
      })
      r.tags()
      return {value, throttleTimeMs}
    },
  }
}

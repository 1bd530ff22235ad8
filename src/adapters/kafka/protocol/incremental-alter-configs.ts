/**
 * IncrementalAlterConfigs (API key 44, KIP-339): SET / DELETE / APPEND / SUBTRACT of
 * individual config entries, leaving every other dynamic config on the resource as it is.
 * (kafkajs only has the legacy AlterConfigs, which REPLACES a resource's whole dynamic
 * config set: never use it for throttles.)
 *
 * Versions 0-1 (both exist in Kafka 3.9 and 4.x); v1 is the flexible encoding of v0.
 */
import type {RawRequest} from './transport.js'
import {Writer, type Reader, type VersionRange} from './shared.js'

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

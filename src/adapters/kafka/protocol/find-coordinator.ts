/**
 * FindCoordinator (API key 10) for a consumer group: which broker coordinates it. Asking
 * does not join the group. v1-v2 (Kafka 4.0 dropped v0), v3 is flexible; v4+ (Kafka 3.0+)
 * batch several keys in a different shape: findGroupCoordinatorsRequest asks for a whole
 * page of groups at once (a fleet sweep), findGroupCoordinatorRequest for one group.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v3: compact encodings and a TAG_BUFFER.
 *   FindCoordinator Request (Version: 1-3) => key key_type TAG_BUFFER
 *   FindCoordinator Response (Version: 1-3) => throttle_time_ms error_code error_message node_id host port TAG_BUFFER
 *   FindCoordinator Request (Version: 4-6) => key_type [coordinator_keys] TAG_BUFFER
 *   FindCoordinator Response (Version: 4-6) => throttle_time_ms [coordinators] TAG_BUFFER
 *     coordinators => key node_id host port error_code error_message TAG_BUFFER
 * (v5 and v6 differ from v4 only in the error codes and key types a broker may use.)
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const FIND_COORDINATOR_KEY = 10
export const FIND_COORDINATOR_VERSIONS: VersionRange = {min: 1, max: 3}
const GROUP_KEY_TYPE = 0

export interface FindCoordinatorResponse {
  errorCode: number
  errorMessage: string | null
  nodeId: number
  host: string
  port: number
}

export function findGroupCoordinatorRequest(version: number, groupId: string): RawRequest<FindCoordinatorResponse> {
  const flexible = version >= 3
  return {
    apiKey: FIND_COORDINATOR_KEY,
    apiName: 'FindCoordinator',
    apiVersion: version,
    flexible,
    body: new Writer(flexible).string(groupId).int8(GROUP_KEY_TYPE).tags().toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = r.int16()
      const errorMessage = r.nullableString()
      const nodeId = r.int32()
      const host = r.string()
      const port = r.int32()
      r.tags()
      return {value: {errorCode, errorMessage, nodeId, host, port}, throttleTimeMs}
    },
  }
}

/** The batched versions (several keys per request). */
export const FIND_COORDINATORS_VERSIONS: VersionRange = {min: 4, max: 6}

export interface FoundCoordinator extends FindCoordinatorResponse {
  key: string
}

/** FindCoordinator v4-v6 for several groups at once; each answer names its key. */
export function findGroupCoordinatorsRequest(version: number, groupIds: readonly string[]): RawRequest<FoundCoordinator[]> {
  if (version < FIND_COORDINATORS_VERSIONS.min) throw new RangeError(`FindCoordinator batches keys from v4, not v${version}`)
  const w = new Writer(true).int8(GROUP_KEY_TYPE)
  w.array(groupIds, (w, g) => w.string(g))
  return {
    apiKey: FIND_COORDINATOR_KEY,
    apiName: 'FindCoordinator',
    apiVersion: version,
    flexible: true,
    body: w.tags().toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const coordinators = r.array((r): FoundCoordinator => {
        const key = r.string()
        const nodeId = r.int32()
        const host = r.string()
        const port = r.int32()
        const errorCode = r.int16()
        const errorMessage = r.nullableString()
        r.tags()
        return {key, nodeId, host, port, errorCode, errorMessage}
      })
      r.tags()
      return {value: coordinators, throttleTimeMs}
    },
  }
}

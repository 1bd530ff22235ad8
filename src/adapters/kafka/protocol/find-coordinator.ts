/**
 * FindCoordinator (API key 10) for a consumer group: which broker coordinates it. Asking
 * does not join the group. v1-v2 (Kafka 4.0 dropped v0), v3 is flexible; v4+ batch several
 * keys in a different shape, which one group at a time does not need.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v3: compact encodings and a TAG_BUFFER.
 *   FindCoordinator Request (Version: 1-3) => key key_type TAG_BUFFER
 *   FindCoordinator Response (Version: 1-3) => throttle_time_ms error_code error_message node_id host port TAG_BUFFER
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

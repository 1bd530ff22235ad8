/**
 * ListGroups (API key 16): the groups one broker coordinates. v1-v2, v3 is flexible; v4
 * adds a state filter and each group's state, v5 (Kafka 3.8+) a type filter and each group's
 * type (classic, consumer, share, streams). The filters are sent empty: every group.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v3: compact encodings, and TAG_BUFFER ends every struct.
 *   ListGroups Request (Version: 1-5) => [states_filter](v4+) [types_filter](v5+) TAG_BUFFER
 *   ListGroups Response (Version: 1-5) => throttle_time_ms error_code [groups] TAG_BUFFER
 *     groups => group_id protocol_type group_state(v4+) group_type(v5+) TAG_BUFFER
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const LIST_GROUPS_KEY = 16
export const LIST_GROUPS_VERSIONS: VersionRange = {min: 1, max: 5}

export interface ListGroupsResponse {
  errorCode: number
  groups: ListedGroup[]
}

export interface ListedGroup {
  groupId: string
  protocolType: string
  /** v4+: e.g. Stable, Empty, Assigning, Reconciling (KIP-848 groups); null before v4. */
  groupState: string | null
  /** v5+: classic, consumer, share or streams; null before v5. */
  groupType: string | null
}

export function listGroupsRequest(version: number): RawRequest<ListGroupsResponse> {
  const flexible = version >= 3
  return {
    apiKey: LIST_GROUPS_KEY,
    apiName: 'ListGroups',
    apiVersion: version,
    flexible,
    body: listGroupsBody(version),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = r.int16()
      const groups = r.array((r) => {
        const groupId = r.string()
        const protocolType = r.string()
        const groupState = version >= 4 ? r.string() : null
        const groupType = version >= 5 ? r.string() : null
        r.tags()
        return {groupId, protocolType, groupState, groupType}
      })
      r.tags()
      return {value: {errorCode, groups}, throttleTimeMs}
    },
  }
}

function listGroupsBody(version: number): Buffer {
  const w = new Writer(version >= 3)
  if (version >= 4) w.array([] as string[], (w, x) => w.string(x)) // states_filter: all
  if (version >= 5) w.array([] as string[], (w, x) => w.string(x)) // types_filter: all
  return w.tags().toBuffer()
}

/**
 * ListGroups (API key 16): the groups one broker coordinates. v1-v2, v3 is flexible; v4+
 * add state and type filters, which listing every group does not need.
 */
import {Writer, type Reader, type VersionRange} from './shared.js'
import type {RawRequest} from './transport.js'

export const LIST_GROUPS_KEY = 16
export const LIST_GROUPS_VERSIONS: VersionRange = {min: 1, max: 3}

export interface ListGroupsResponse {
  errorCode: number
  groups: {groupId: string; protocolType: string}[]
}

export function listGroupsRequest(version: number): RawRequest<ListGroupsResponse> {
  const flexible = version >= 3
  return {
    apiKey: LIST_GROUPS_KEY,
    apiName: 'ListGroups',
    apiVersion: version,
    flexible,
    body: new Writer(flexible).tags().toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = r.int16()
      const groups = r.array((r) => {
        const groupId = r.string()
        const protocolType = r.string()
        r.tags()
        return {groupId, protocolType}
      })
      r.tags()
      return {value: {errorCode, groups}, throttleTimeMs}
    },
  }
}

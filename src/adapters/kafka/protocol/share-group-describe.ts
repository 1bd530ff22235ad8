/**
 * ShareGroupDescribe (API key 77, KIP-932): state, epochs and members of share groups
 * (queues: members share partitions and acknowledge records one by one). Read-only; sent to
 * each group's coordinator. Flexible from v0. v0 was the preview (Kafka 4.0); v1 (Kafka 4.1+,
 * share groups GA) has the same layout, and 4.1+ brokers accept v1 only. A group of another
 * type answers GROUP_ID_NOT_FOUND.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   ShareGroupDescribe Request (Version: 0-1) => [group_ids] include_authorized_operations TAG_BUFFER
 *   ShareGroupDescribe Response (Version: 0-1) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => error_code error_message group_id group_state group_epoch assignment_epoch assignor_name [members] authorized_operations TAG_BUFFER
 *       members => member_id rack_id member_epoch client_id client_host [subscribed_topic_names] assignment TAG_BUFFER
 *         assignment => [topic_partitions] TAG_BUFFER
 *           topic_partitions => topic_id topic_name [partitions] TAG_BUFFER
 *
 * Every struct and array entry ends with its tagged-field section.
 */
import {
  describeGroupsOfTypeRequest,
  readAssignment,
  readDescribedGroups,
  writeAssignment,
  writeDescribedGroups,
  type AssignedTopic,
  type DescribedGroupHeader,
} from './consumer-group-describe.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const SHARE_GROUP_DESCRIBE_KEY = 77
export const SHARE_GROUP_DESCRIBE_VERSIONS: VersionRange = {min: 0, max: 1}

export interface ShareGroupMember {
  memberId: string
  rackId: string | null
  memberEpoch: number
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  assignment: AssignedTopic[]
}

export interface ShareGroupDescription extends DescribedGroupHeader {
  assignorName: string
  members: ShareGroupMember[]
  authorizedOperations: number
}

export function decodeShareGroupDescribe(r: Reader): {throttleTimeMs: number; groups: ShareGroupDescription[]} {
  return readDescribedGroups<ShareGroupDescription>(r, (r) => {
    const assignorName = r.string()
    const members = r.array((r): ShareGroupMember => {
      const memberId = r.string()
      const rackId = r.nullableString()
      const memberEpoch = r.int32()
      const clientId = r.string()
      const clientHost = r.string()
      const subscribedTopicNames = r.array((r) => r.string())
      const assignment = readAssignment(r)
      r.tags()
      return {memberId, rackId, memberEpoch, clientId, clientHost, subscribedTopicNames, assignment}
    })
    return {assignorName, members}
  })
}

/** The response as a broker encodes it (the inverse of decodeShareGroupDescribe; tests and fakes). */
export function encodeShareGroupDescribe(groups: readonly ShareGroupDescription[], throttleTimeMs = 0): Buffer {
  return writeDescribedGroups(groups, throttleTimeMs, (w, g) => {
    w.string(g.assignorName)
    w.array(g.members, (w, m) => {
      w.string(m.memberId).nullableString(m.rackId).int32(m.memberEpoch).string(m.clientId).string(m.clientHost)
      w.array(m.subscribedTopicNames, (w, t) => w.string(t))
      writeAssignment(w, m.assignment)
      w.tags()
    })
  })
}

export function shareGroupDescribeRequest(version: number, groupIds: readonly string[]): RawRequest<ShareGroupDescription[]> {
  return describeGroupsOfTypeRequest(SHARE_GROUP_DESCRIBE_KEY, 'ShareGroupDescribe', version, groupIds, decodeShareGroupDescribe)
}

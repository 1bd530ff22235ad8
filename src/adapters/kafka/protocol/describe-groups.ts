/**
 * DescribeGroups (API key 15): state, protocol type and members of consumer groups, from
 * their coordinator. Read-only: it does not join the group. v1-v4 (Kafka 4.0 dropped v0),
 * v3 adds authorized operations (not asked for), v4 each member's group.instance.id, v5 is
 * flexible, v6 (Kafka 4.0+) adds a per-group error message and answers GROUP_ID_NOT_FOUND for
 * a group that does not exist or is not a classic group (KIP-848 consumer, share and streams
 * groups), where v1-v5 answer state "Dead". The caller treats both alike: not a classic group,
 * ask the group's own describe API (ConsumerGroupDescribe, ShareGroupDescribe,
 * StreamsGroupDescribe).
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v5: compact encodings, and TAG_BUFFER ends every struct.
 *   DescribeGroups Request (Version: 1-6) => [groups] include_authorized_operations(v3+) TAG_BUFFER
 *   DescribeGroups Response (Version: 1-6) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => error_code error_message(v6+) group_id group_state protocol_type protocol_data [members] authorized_operations(v3+) TAG_BUFFER
 *       members => member_id group_instance_id(v4+) client_id client_host member_metadata member_assignment TAG_BUFFER
 */
import {Writer} from './writer.js'
import {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {InternalGroupDescription, RawRequest} from './transport.js'

export const DESCRIBE_GROUPS_KEY = 15
export const DESCRIBE_GROUPS_VERSIONS: VersionRange = {min: 1, max: 6}

export interface DescribedGroup extends InternalGroupDescription {
  errorCode: number
}

export function describeGroupsRequest(version: number, groupIds: string[]): RawRequest<DescribedGroup[]> {
  const flexible = version >= 5
  const w = new Writer(flexible)
  w.array(groupIds, (w, id) => w.string(id))
  if (version >= 3) w.bool(false) // include_authorized_operations
  w.tags()
  return {
    apiKey: DESCRIBE_GROUPS_KEY,
    apiName: 'DescribeGroups',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const groups = r.array((r): DescribedGroup => {
        const errorCode = r.int16()
        if (version >= 6) r.nullableString() // error_message
        const groupId = r.string()
        const state = r.string()
        const protocolType = r.string()
        r.string() // protocol_data: the assignor's name
        const members = r.array((r) => {
          const memberId = r.string()
          if (version >= 4) r.nullableString() // group_instance_id
          const clientId = r.string()
          const clientHost = r.string()
          r.nullableBytes() // member_metadata: the subscription
          const assignment = r.nullableBytes()
          r.tags()
          return {memberId, clientId, clientHost, assignments: protocolType === 'consumer' ? decodeConsumerAssignment(assignment) : []}
        })
        if (version >= 3) r.int32() // authorized_operations
        r.tags()
        return {errorCode, groupId, state, protocolType, members}
      })
      r.tags()
      return {value: groups, throttleTimeMs}
    },
  }
}

/**
 * The consumer protocol's assignment (ConsumerProtocolAssignment v0-v3, all one layout for
 * what we read): version, then topics with their partitions, then user data. Sorted by
 * topic and partition; [] when empty or undecodable (a member between rebalances).
 */
export function decodeConsumerAssignment(buffer: Buffer | null): {topic: string; partitions: number[]}[] {
  if (!buffer || buffer.length === 0) return []
  try {
    const r = new Reader(buffer, false)
    r.int16() // version
    const topics = r.array((r) => ({topic: r.string(), partitions: r.int32Array().sort((a, b) => a - b)}))
    return topics.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
  } catch {
    return []
  }
}

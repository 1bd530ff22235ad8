/**
 * ConsumerGroupDescribe (API key 69, KIP-848): state, epochs and members of groups on the
 * "consumer" rebalance protocol (`group.protocol=consumer`), which the classic DescribeGroups
 * does not know (v1-v5 answer "Dead", v6 GROUP_ID_NOT_FOUND). Read-only; sent to each group's
 * coordinator. Flexible from v0; v1 (Kafka 4.1+) adds each member's type. A classic group
 * asked here answers GROUP_ID_NOT_FOUND.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   ConsumerGroupDescribe Request (Version: 0-1) => [group_ids] include_authorized_operations TAG_BUFFER
 *   ConsumerGroupDescribe Response (Version: 0-1) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => error_code error_message group_id group_state group_epoch assignment_epoch assignor_name [members] authorized_operations TAG_BUFFER
 *       members => member_id instance_id rack_id member_epoch client_id client_host [subscribed_topic_names] subscribed_topic_regex assignment target_assignment member_type(v1+) TAG_BUFFER
 *         assignment => [topic_partitions] TAG_BUFFER
 *           topic_partitions => topic_id topic_name [partitions] TAG_BUFFER
 *         target_assignment => (as assignment)
 * member_type (v1+): -1 unknown, 0 classic, 1 consumer.
 *
 * Every struct and array entry ends with its tagged-field section. Assignments are keyed by
 * topic id; the broker fills in the name too, but leaves it empty for a topic it no longer
 * knows, so callers map ids back to names with Metadata.
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const CONSUMER_GROUP_DESCRIBE_KEY = 69
export const CONSUMER_GROUP_DESCRIBE_VERSIONS: VersionRange = {min: 0, max: 1}

/** One topic of a member's assignment: the id always, the name when the broker knows it. */
export interface AssignedTopic {
  /** 32 hex digits. */
  topicId: string
  /** '' when the broker did not name the topic. */
  topicName: string
  partitions: number[]
}

export interface ConsumerGroupMember {
  memberId: string
  instanceId: string | null
  rackId: string | null
  memberEpoch: number
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  subscribedTopicRegex: string | null
  assignment: AssignedTopic[]
  targetAssignment: AssignedTopic[]
  /** v1+: -1 unknown, 0 classic (a classic client in a consumer group), 1 consumer; null before v1. */
  memberType: number | null
}

export interface ConsumerGroupDescription extends DescribedGroupHeader {
  assignorName: string
  members: ConsumerGroupMember[]
  authorizedOperations: number
}

/** The request body shared by the KIP-848-style describe APIs: group ids, no authorized operations. */
export function describeGroupIdsBody(groupIds: readonly string[]): Buffer {
  const w = new Writer(true)
  w.array(groupIds, (w, id) => w.string(id))
  w.bool(false) // IncludeAuthorizedOperations
  return w.tags().toBuffer()
}

/** The fields every KIP-848-style described group starts with (consumer, share, streams). */
export interface DescribedGroupHeader {
  errorCode: number
  errorMessage: string | null
  groupId: string
  groupState: string
  groupEpoch: number
  assignmentEpoch: number
}

export function readGroupHeader(r: Reader): DescribedGroupHeader {
  const errorCode = r.int16()
  const errorMessage = r.nullableString()
  const groupId = r.string()
  const groupState = r.string()
  const groupEpoch = r.int32()
  const assignmentEpoch = r.int32()
  return {errorCode, errorMessage, groupId, groupState, groupEpoch, assignmentEpoch}
}

export function writeGroupHeader(w: Writer, g: DescribedGroupHeader): Writer {
  return w.int16(g.errorCode).nullableString(g.errorMessage).string(g.groupId).string(g.groupState).int32(g.groupEpoch).int32(g.assignmentEpoch)
}

/**
 * A whole describe response: ThrottleTimeMs, then the groups (each read by `group`, which
 * reads up to AuthorizedOperations; its tags are read here), then the response's tags.
 */
export function readDescribedGroups<T>(r: Reader, group: (r: Reader, header: DescribedGroupHeader) => Omit<T, keyof DescribedGroupHeader | 'authorizedOperations'>): {throttleTimeMs: number; groups: T[]} {
  const throttleTimeMs = r.int32()
  const groups = r.array((r) => {
    const header = readGroupHeader(r)
    const rest = group(r, header)
    const authorizedOperations = r.int32()
    r.tags()
    return {...header, ...rest, authorizedOperations} as T
  })
  r.tags()
  return {throttleTimeMs, groups}
}

/** The inverse of readDescribedGroups: `group` writes what follows the header, up to AuthorizedOperations. */
export function writeDescribedGroups<T extends DescribedGroupHeader & {authorizedOperations: number}>(groups: readonly T[], throttleTimeMs: number, group: (w: Writer, g: T) => void): Buffer {
  const w = new Writer(true)
  w.int32(throttleTimeMs)
  w.array(groups, (w, g) => {
    writeGroupHeader(w, g)
    group(w, g)
    w.int32(g.authorizedOperations).tags()
  })
  return w.tags().toBuffer()
}

/** A KIP-848-style describe request (body: group ids) and its decoder. */
export function describeGroupsOfTypeRequest<T>(
  apiKey: number,
  apiName: string,
  version: number,
  groupIds: readonly string[],
  decode: (r: Reader) => {throttleTimeMs: number; groups: T[]},
): RawRequest<T[]> {
  return {
    apiKey,
    apiName,
    apiVersion: version,
    flexible: true,
    body: describeGroupIdsBody(groupIds),
    decode: (r: Reader) => {
      const {throttleTimeMs, groups} = decode(r)
      return {value: groups, throttleTimeMs}
    },
  }
}

/** An Assignment struct: topic id, name and partitions per topic (then the struct's tags). */
export function readAssignment(r: Reader): AssignedTopic[] {
  const topics = r.array((r): AssignedTopic => {
    const topicId = r.uuid()
    const topicName = r.string()
    const partitions = r.int32Array().sort((a, b) => a - b)
    r.tags()
    return {topicId, topicName, partitions}
  })
  r.tags()
  return topics
}

export function writeAssignment(w: Writer, topics: readonly AssignedTopic[]): Writer {
  w.array(topics, (w, t) => w.uuid(Buffer.from(t.topicId, 'hex')).string(t.topicName).array(t.partitions, (w, p) => w.int32(p)).tags())
  return w.tags()
}

export function decodeConsumerGroupDescribe(r: Reader, version: number): {throttleTimeMs: number; groups: ConsumerGroupDescription[]} {
  return readDescribedGroups<ConsumerGroupDescription>(r, (r) => {
    const assignorName = r.string()
    const members = r.array((r): ConsumerGroupMember => {
      const memberId = r.string()
      const instanceId = r.nullableString()
      const rackId = r.nullableString()
      const memberEpoch = r.int32()
      const clientId = r.string()
      const clientHost = r.string()
      const subscribedTopicNames = r.array((r) => r.string())
      const subscribedTopicRegex = r.nullableString()
      const assignment = readAssignment(r)
      const targetAssignment = readAssignment(r)
      const memberType = version >= 1 ? r.int8() : null
      r.tags()
      return {memberId, instanceId, rackId, memberEpoch, clientId, clientHost, subscribedTopicNames, subscribedTopicRegex, assignment, targetAssignment, memberType}
    })
    return {assignorName, members}
  })
}

/** The response as a broker encodes it (the inverse of decodeConsumerGroupDescribe; tests and fakes). */
export function encodeConsumerGroupDescribe(version: number, groups: readonly ConsumerGroupDescription[], throttleTimeMs = 0): Buffer {
  return writeDescribedGroups(groups, throttleTimeMs, (w, g) => {
    w.string(g.assignorName)
    w.array(g.members, (w, m) => {
      w.string(m.memberId).nullableString(m.instanceId).nullableString(m.rackId).int32(m.memberEpoch).string(m.clientId).string(m.clientHost)
      w.array(m.subscribedTopicNames, (w, t) => w.string(t)).nullableString(m.subscribedTopicRegex)
      writeAssignment(w, m.assignment)
      writeAssignment(w, m.targetAssignment)
      if (version >= 1) w.int8(m.memberType ?? -1)
      w.tags()
    })
  })
}

export function consumerGroupDescribeRequest(version: number, groupIds: readonly string[]): RawRequest<ConsumerGroupDescription[]> {
  return describeGroupsOfTypeRequest(CONSUMER_GROUP_DESCRIBE_KEY, 'ConsumerGroupDescribe', version, groupIds, (r) => decodeConsumerGroupDescribe(r, version))
}

/**
 * OffsetFetch (API key 9): a consumer group's committed offsets, read from the group
 * coordinator. Read-only: it neither joins the group nor commits (unlike kafkajs's
 * admin.fetchOffsets({resolveOffsets: true}), which WRITES offsets).
 *
 * A null topic list asks for every partition the group has committed on (v2+); kafkajs
 * always sends a list, so it cannot do this. Versions 3-7 exist in Kafka 3.9 and 4.x;
 * v5 adds committed_leader_epoch, v6 is flexible, v7 adds require_stable (false: we want
 * what is committed now, even with pending transactions). v8 batches groups, v9 adds
 * member id/epoch (KIP-848; null and -1: we are not a member), v10 names topics by id only
 * (Kafka 4.x). For one group fleetops sends v8+ as a batch of one.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v6: compact encodings, and TAG_BUFFER ends every struct.
 *   OffsetFetch Request (Version: 3-7) => group_id [topics] require_stable(v7+) TAG_BUFFER
 *     topics => name [partition_indexes] TAG_BUFFER
 *   OffsetFetch Request (Version: 8-10) => [groups] require_stable TAG_BUFFER
 *     groups => group_id member_id(v9+) member_epoch(v9+) [topics] TAG_BUFFER
 *       topics => name(v8-9) topic_id(v10+) [partition_indexes] TAG_BUFFER
 *   OffsetFetch Response (Version: 3-7) => throttle_time_ms [topics] error_code TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index committed_offset committed_leader_epoch(v5+) metadata error_code TAG_BUFFER
 *   OffsetFetch Response (Version: 8-10) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => group_id [topics] error_code TAG_BUFFER
 *       topics => name(v8-9) topic_id(v10+) [partitions] TAG_BUFFER
 *         partitions => partition_index committed_offset committed_leader_epoch metadata error_code TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const OFFSET_FETCH_KEY = 9
export const OFFSET_FETCH_VERSIONS: VersionRange = {min: 3, max: 10}
/** The first version that names topics by id only. */
export const OFFSET_FETCH_TOPIC_ID_VERSION = 10

export interface OffsetFetchPartition {
  topic: string
  /** 32 hex digits when the broker named the topic by id (v10+); absent before. */
  topicId?: string
  partition: number
  /** -1 when the group has no committed offset for the partition. */
  offset: number
  metadata: string | null
  errorCode: number
}

export interface OffsetFetchResponse {
  errorCode: number
  partitions: OffsetFetchPartition[]
}

/** A topic to ask about; topicId (32 hex digits) is required from v10. */
export interface OffsetFetchTopic {
  topic: string
  topicId?: string | null
  partitions: number[]
}

/** Topic id (32 hex digits) -> name, to name the topics of a v10+ answer. */
export type TopicNamesById = ReadonlyMap<string, string>

function uuidBytes(hex: string | null | undefined, topic: string): Buffer {
  if (!hex || !/^[0-9a-f]{32}$/i.test(hex) || /^0+$/.test(hex)) throw new RangeError(`OffsetFetch v10+ needs the id of topic "${topic}"`)
  return Buffer.from(hex, 'hex')
}

export function offsetFetchRequest(
  version: number,
  groupId: string,
  topics: OffsetFetchTopic[] | null,
  namesById: TopicNamesById = new Map(),
): RawRequest<OffsetFetchResponse> {
  if (version >= 8) {
    const req = offsetFetchGroupsRequest([groupId], version, topics, namesById)
    return {
      ...req,
      decode: (r: Reader) => {
        const {value, throttleTimeMs} = req.decode(r)
        const g = value.find((x) => x.groupId === groupId)
        return {value: {errorCode: g ? g.errorCode : 0, partitions: g ? g.partitions : []}, throttleTimeMs}
      },
    }
  }
  const flexible = version >= 6
  const w = new Writer(flexible)
  w.string(groupId)
  w.array(topics, (w, t) => {
    w.string(t.topic)
    w.array(t.partitions, (w, p) => w.int32(p))
    w.tags()
  })
  if (version >= 7) w.bool(false)
  w.tags()
  return {
    apiKey: OFFSET_FETCH_KEY,
    apiName: 'OffsetFetch',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const partitions = readTopics(r, version, namesById)
      const errorCode = r.int16()
      r.tags()
      return {value: {errorCode, partitions}, throttleTimeMs}
    },
  }
}

/**
 * A response's topics (v3+), flattened to partitions. From v10 a topic is named by id:
 * its name is looked up in namesById (the id itself when unknown; topicId says which).
 */
function readTopics(r: Reader, version: number, namesById: TopicNamesById): OffsetFetchPartition[] {
  const partitions: OffsetFetchPartition[] = []
  r.array((r) => {
    let topic: string
    let topicId: string | undefined
    if (version >= OFFSET_FETCH_TOPIC_ID_VERSION) {
      topicId = r.uuid()
      topic = namesById.get(topicId) ?? topicId
    } else {
      topic = r.string()
    }
    r.array((r) => {
      const partition = r.int32()
      const offset = r.int64()
      if (version >= 5) r.int32() // committed_leader_epoch
      const metadata = r.nullableString()
      const errorCode = r.int16()
      r.tags()
      partitions.push(topicId === undefined ? {topic, partition, offset, metadata, errorCode} : {topic, topicId, partition, offset, metadata, errorCode})
    })
    r.tags()
  })
  return partitions
}

/** v8+ batches groups; fleetops sends v8 for several groups (every committed topic, so no ids are needed). */
export const OFFSET_FETCH_GROUPS_VERSION = 8

export interface OffsetFetchGroupResponse {
  groupId: string
  errorCode: number
  partitions: OffsetFetchPartition[]
}

/**
 * OffsetFetch v8+ for several groups that share a coordinator, each asking about the same
 * topics (null: every partition committed on). v9+ sends member id null and epoch -1 (not
 * a member); v10+ sends topic ids (each topic needs one) and names the answer's topics with
 * namesById.
 */
export function offsetFetchGroupsRequest(
  groupIds: readonly string[],
  version = OFFSET_FETCH_GROUPS_VERSION,
  topics: OffsetFetchTopic[] | null = null,
  namesById: TopicNamesById = new Map(),
): RawRequest<OffsetFetchGroupResponse[]> {
  if (version < 8) throw new RangeError(`OffsetFetch batches groups from v8, not v${version}`)
  const w = new Writer(true)
  w.array(groupIds, (w, groupId) => {
    w.string(groupId)
    if (version >= 9) {
      w.nullableString(null) // member_id: not a member
      w.int32(-1) // member_epoch
    }
    w.array(topics, (w, t) => {
      if (version >= OFFSET_FETCH_TOPIC_ID_VERSION) w.uuid(uuidBytes(t.topicId, t.topic))
      else w.string(t.topic)
      w.array(t.partitions, (w, p) => w.int32(p))
      w.tags()
    })
    w.tags()
  })
  w.bool(false) // require_stable
  w.tags()
  return {
    apiKey: OFFSET_FETCH_KEY,
    apiName: 'OffsetFetch',
    apiVersion: version,
    flexible: true,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const groups = r.array((r): OffsetFetchGroupResponse => {
        const groupId = r.string()
        const partitions = readTopics(r, version, namesById)
        const errorCode = r.int16()
        r.tags()
        return {groupId, errorCode, partitions}
      })
      r.tags()
      return {value: groups, throttleTimeMs}
    },
  }
}

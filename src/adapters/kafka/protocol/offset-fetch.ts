/**
 * OffsetFetch (API key 9): a consumer group's committed offsets, read from the group
 * coordinator. Read-only: it neither joins the group nor commits (unlike kafkajs's
 * admin.fetchOffsets({resolveOffsets: true}), which WRITES offsets).
 *
 * A null topic list asks for every partition the group has committed on (v2+); kafkajs
 * always sends a list, so it cannot do this. Versions 3-7 exist in Kafka 3.9 and 4.x
 * (v8+ batch several groups); v5 adds committed_leader_epoch, v6 is flexible, v7 adds
 * require_stable (false: we want what is committed now, even with pending transactions).
 */
import type {RawRequest} from './transport.js'
import {Writer, type Reader, type VersionRange} from './shared.js'

export const OFFSET_FETCH_KEY = 9
export const OFFSET_FETCH_VERSIONS: VersionRange = {min: 3, max: 7}

export interface OffsetFetchPartition {
  topic: string
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

export function offsetFetchRequest(
  version: number,
  groupId: string,
  topics: {topic: string; partitions: number[]}[] | null,
): RawRequest<OffsetFetchResponse> {
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
      const partitions = readTopics(r, version)
      const errorCode = r.int16()
      r.tags()
      return {value: {errorCode, partitions}, throttleTimeMs}
    },
  }
}

/** A response's topics (v3+), flattened to partitions. */
function readTopics(r: Reader, version: number): OffsetFetchPartition[] {
  const partitions: OffsetFetchPartition[] = []
  r.array((r) => {
    const topic = r.string()
    r.array((r) => {
      const partition = r.int32()
      const offset = r.int64()
      if (version >= 5) r.int32() // committed_leader_epoch
      const metadata = r.nullableString()
      const errorCode = r.int16()
      r.tags()
      partitions.push({topic, partition, offset, metadata, errorCode})
    })
    r.tags()
  })
  return partitions
}

/** v8+ batches groups; fleetops sends v8 (v9 adds member id/epoch, v10 topic ids). */
export const OFFSET_FETCH_GROUPS_VERSION = 8

export interface OffsetFetchGroupResponse {
  groupId: string
  errorCode: number
  partitions: OffsetFetchPartition[]
}

/** OffsetFetch v8: every committed partition (topics null) of several groups that share a coordinator. */
export function offsetFetchGroupsRequest(groupIds: readonly string[]): RawRequest<OffsetFetchGroupResponse[]> {
  const w = new Writer(true)
  w.array(groupIds, (w, groupId) => {
    w.string(groupId)
    w.array(null, () => {}) // topics: null = every partition committed on
    w.tags()
  })
  w.bool(false) // require_stable
  w.tags()
  return {
    apiKey: OFFSET_FETCH_KEY,
    apiName: 'OffsetFetch',
    apiVersion: OFFSET_FETCH_GROUPS_VERSION,
    flexible: true,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const groups = r.array((r): OffsetFetchGroupResponse => {
        const groupId = r.string()
        const partitions = readTopics(r, OFFSET_FETCH_GROUPS_VERSION)
        const errorCode = r.int16()
        r.tags()
        return {groupId, errorCode, partitions}
      })
      r.tags()
      return {value: groups, throttleTimeMs}
    },
  }
}

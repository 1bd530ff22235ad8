/**
 * DescribeShareGroupOffsets (API key 90, KIP-932): per partition of a share group, the
 * share-partition start offset (SPSO): the earliest record not yet acknowledged for good
 * (in flight or not yet delivered); every record below it is done. Share groups commit no
 * offsets, so OffsetFetch does not serve them. Read-only; sent to the group's coordinator.
 * Flexible from v0; v1 (Kafka 4.2+) adds the broker's lag per partition.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   DescribeShareGroupOffsets Request (Version: 0-1) => [groups] TAG_BUFFER
 *     groups => group_id [topics] TAG_BUFFER             (topics nullable: null = every topic the group has state for)
 *       topics => topic_name [partitions] TAG_BUFFER
 *   DescribeShareGroupOffsets Response (Version: 0-1) => throttle_time_ms [groups] TAG_BUFFER
 *     groups => group_id [topics] error_code error_message TAG_BUFFER
 *       topics => topic_name topic_id [partitions] TAG_BUFFER
 *         partitions => partition_index start_offset leader_epoch lag(v1+) error_code error_message TAG_BUFFER
 * start_offset is -1 when the partition has no state yet; lag is -1 when unknown.
 *
 * Every struct and array entry ends with its tagged-field section.
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const DESCRIBE_SHARE_GROUP_OFFSETS_KEY = 90
export const DESCRIBE_SHARE_GROUP_OFFSETS_VERSIONS: VersionRange = {min: 0, max: 1}

export interface ShareGroupOffsetPartition {
  topicName: string
  /** 32 hex digits. */
  topicId: string
  partition: number
  /** The share-partition start offset; -1 when the partition has no share state yet. */
  startOffset: number
  leaderEpoch: number
  /** v1+: the broker's lag (-1 unknown); null before v1. */
  lag: number | null
  errorCode: number
  errorMessage: string | null
}

export interface ShareGroupOffsets {
  groupId: string
  errorCode: number
  errorMessage: string | null
  partitions: ShareGroupOffsetPartition[]
}

export function describeShareGroupOffsetsBody(groups: readonly {groupId: string; topics: {topic: string; partitions: number[]}[] | null}[]): Buffer {
  const w = new Writer(true)
  w.array(groups, (w, g) => {
    w.string(g.groupId)
    w.array(g.topics, (w, t) => w.string(t.topic).array(t.partitions, (w, p) => w.int32(p)).tags())
    w.tags()
  })
  return w.tags().toBuffer()
}

export function decodeDescribeShareGroupOffsets(r: Reader, version: number): {throttleTimeMs: number; groups: ShareGroupOffsets[]} {
  const throttleTimeMs = r.int32()
  const groups = r.array((r): ShareGroupOffsets => {
    const groupId = r.string()
    const partitions: ShareGroupOffsetPartition[] = []
    r.array((r) => {
      const topicName = r.string()
      const topicId = r.uuid()
      r.array((r) => {
        const partition = r.int32()
        const startOffset = r.int64()
        const leaderEpoch = r.int32()
        const lag = version >= 1 ? r.int64() : null
        const errorCode = r.int16()
        const errorMessage = r.nullableString()
        r.tags()
        partitions.push({topicName, topicId, partition, startOffset, leaderEpoch, lag, errorCode, errorMessage})
      })
      r.tags()
    })
    const errorCode = r.int16()
    const errorMessage = r.nullableString()
    r.tags()
    return {groupId, errorCode, errorMessage, partitions}
  })
  r.tags()
  return {throttleTimeMs, groups}
}

/** The response as a broker encodes it (the inverse of decodeDescribeShareGroupOffsets; tests and fakes). */
export function encodeDescribeShareGroupOffsets(version: number, groups: readonly ShareGroupOffsets[], throttleTimeMs = 0): Buffer {
  const w = new Writer(true)
  w.int32(throttleTimeMs)
  w.array(groups, (w, g) => {
    w.string(g.groupId)
    const byTopic = new Map<string, ShareGroupOffsetPartition[]>()
    for (const p of g.partitions) byTopic.set(p.topicName, [...(byTopic.get(p.topicName) ?? []), p])
    w.array([...byTopic.values()], (w, ps) => {
      w.string(ps[0]!.topicName).uuid(Buffer.from(ps[0]!.topicId, 'hex'))
      w.array(ps, (w, p) => {
        w.int32(p.partition).int64(p.startOffset).int32(p.leaderEpoch)
        if (version >= 1) w.int64(p.lag ?? -1)
        w.int16(p.errorCode).nullableString(p.errorMessage).tags()
      })
      w.tags()
    })
    w.int16(g.errorCode).nullableString(g.errorMessage).tags()
  })
  return w.tags().toBuffer()
}

/** Every partition (topics null) of each group; the groups must share a coordinator. */
export function describeShareGroupOffsetsRequest(version: number, groupIds: readonly string[]): RawRequest<ShareGroupOffsets[]> {
  return {
    apiKey: DESCRIBE_SHARE_GROUP_OFFSETS_KEY,
    apiName: 'DescribeShareGroupOffsets',
    apiVersion: version,
    flexible: true,
    body: describeShareGroupOffsetsBody(groupIds.map((groupId) => ({groupId, topics: null}))),
    decode: (r: Reader) => {
      const {throttleTimeMs, groups} = decodeDescribeShareGroupOffsets(r, version)
      return {value: groups, throttleTimeMs}
    },
  }
}

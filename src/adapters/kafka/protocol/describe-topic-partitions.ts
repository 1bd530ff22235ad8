/**
 * DescribeTopicPartitions (API key 75, KIP-966): partition metadata with the eligible leader
 * replicas (ELR) and the last known ELR, which Metadata does not carry. Brokers only (Kafka
 * 3.8+); the ELR lists are filled in only when the cluster has the feature
 * `eligible.leader.replicas.version` >= 1 finalized (on by default for clusters formatted by
 * Kafka 4.1+), and are null otherwise. Flexible from v0; v0 is the only version.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   DescribeTopicPartitions Request (Version: 0) => [topics] response_partition_limit cursor TAG_BUFFER
 *     topics => name TAG_BUFFER                    (empty = every topic the caller may describe)
 *     cursor => topic_name partition_index TAG_BUFFER      (nullable: null = from the beginning)
 *   DescribeTopicPartitions Response (Version: 0) => throttle_time_ms [topics] next_cursor TAG_BUFFER
 *     topics => error_code name topic_id is_internal [partitions] topic_authorized_operations TAG_BUFFER
 *       partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [eligible_leader_replicas] [last_known_elr] [offline_replicas] TAG_BUFFER
 *     next_cursor => topic_name partition_index TAG_BUFFER (nullable: null = done)
 * response_partition_limit defaults to 2000 partitions per response; eligible_leader_replicas
 * and last_known_elr are nullable.
 *
 * A nullable struct is one int8 (-1 null, 1 present) followed by the struct; every struct and
 * array entry ends with its tagged-field section. The broker answers topics in name order, so a
 * caller follows NextTopicPartition (sent back as Cursor with the same topic list) until null.
 */
import {FleetopsError} from '../../../core/errors.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const DESCRIBE_TOPIC_PARTITIONS_KEY = 75
export const DESCRIBE_TOPIC_PARTITIONS_VERSIONS: VersionRange = {min: 0, max: 0}
/** The broker's own default for ResponsePartitionLimit. */
export const DEFAULT_RESPONSE_PARTITION_LIMIT = 2000

export interface TopicPartitionCursor {
  topicName: string
  partitionIndex: number
}

export interface DescribedPartition {
  errorCode: number
  partitionIndex: number
  leaderId: number
  leaderEpoch: number
  replicaNodes: number[]
  isrNodes: number[]
  /** null: the broker does not track ELR (feature off) or did not say. */
  eligibleLeaderReplicas: number[] | null
  lastKnownElr: number[] | null
  offlineReplicas: number[]
}

export interface DescribedTopic {
  errorCode: number
  name: string | null
  /** 32 hex digits. */
  topicId: string
  isInternal: boolean
  partitions: DescribedPartition[]
  topicAuthorizedOperations: number
}

export interface DescribeTopicPartitionsResponse {
  throttleTimeMs: number
  topics: DescribedTopic[]
  nextCursor: TopicPartitionCursor | null
}

export function describeTopicPartitionsBody(topics: readonly string[], partitionLimit: number, cursor: TopicPartitionCursor | null): Buffer {
  const w = new Writer(true)
  w.array(topics, (w, t) => w.string(t).tags())
  w.int32(partitionLimit)
  if (cursor === null) w.int8(-1)
  else w.int8(1).string(cursor.topicName).int32(cursor.partitionIndex).tags()
  return w.tags().toBuffer()
}

function decodeCursor(r: Reader): TopicPartitionCursor | null {
  if (r.int8() < 0) return null
  const topicName = r.string()
  const partitionIndex = r.int32()
  r.tags()
  return {topicName, partitionIndex}
}

export function decodeDescribeTopicPartitions(r: Reader): DescribeTopicPartitionsResponse {
  const ids = (r: Reader): number => r.int32()
  const throttleTimeMs = r.int32()
  const topics = r.array((r): DescribedTopic => {
    const errorCode = r.int16()
    const name = r.nullableString()
    const topicId = r.uuid()
    const isInternal = r.bool()
    const partitions = r.array((r): DescribedPartition => {
      const errorCode = r.int16()
      const partitionIndex = r.int32()
      const leaderId = r.int32()
      const leaderEpoch = r.int32()
      const replicaNodes = r.array(ids)
      const isrNodes = r.array(ids)
      const eligibleLeaderReplicas = r.nullableArray(ids)
      const lastKnownElr = r.nullableArray(ids)
      const offlineReplicas = r.array(ids)
      r.tags()
      return {errorCode, partitionIndex, leaderId, leaderEpoch, replicaNodes, isrNodes, eligibleLeaderReplicas, lastKnownElr, offlineReplicas}
    })
    const topicAuthorizedOperations = r.int32()
    r.tags()
    return {errorCode, name, topicId, isInternal, partitions, topicAuthorizedOperations}
  })
  const nextCursor = decodeCursor(r)
  r.tags()
  return {throttleTimeMs, topics, nextCursor}
}

export function describeTopicPartitionsRequest(
  version: number,
  topics: readonly string[],
  partitionLimit = DEFAULT_RESPONSE_PARTITION_LIMIT,
  cursor: TopicPartitionCursor | null = null,
): RawRequest<DescribeTopicPartitionsResponse> {
  return {
    apiKey: DESCRIBE_TOPIC_PARTITIONS_KEY,
    apiName: 'DescribeTopicPartitions',
    apiVersion: version,
    flexible: true,
    body: describeTopicPartitionsBody(topics, partitionLimit, cursor),
    decode: (r: Reader) => {
      const value = decodeDescribeTopicPartitions(r)
      return {value, throttleTimeMs: value.throttleTimeMs}
    },
  }
}

/**
 * Asks for the first page (no cursor), then for each NextTopicPartition until the broker
 * answers null, and merges the pages: a topic split across pages becomes one entry with its
 * partitions in index order. Throws when the cursor stops moving or after `maxPages`.
 */
export async function followTopicPartitionPages(
  page: (cursor: TopicPartitionCursor | null) => Promise<DescribeTopicPartitionsResponse>,
  maxPages: number,
  what: string,
): Promise<{pages: number; topics: DescribedTopic[]}> {
  const merged = new Map<string, DescribedTopic>()
  const unnamed: DescribedTopic[] = []
  let cursor: TopicPartitionCursor | null = null
  let pages = 0
  do {
    if (pages >= maxPages) throw new FleetopsError('INTERNAL', `${what}: still not done after ${pages} pages (next: ${cursor!.topicName}-${cursor!.partitionIndex})`)
    const res = await page(cursor)
    pages++
    for (const t of res.topics) {
      if (t.name === null) {
        unnamed.push(t)
        continue
      }
      const seen = merged.get(t.name)
      if (seen) seen.partitions.push(...t.partitions)
      else merged.set(t.name, {...t, partitions: [...t.partitions]})
    }
    const next = res.nextCursor
    if (next && cursor && next.topicName === cursor.topicName && next.partitionIndex === cursor.partitionIndex) {
      throw new FleetopsError('INTERNAL', `${what}: the cursor did not move (${next.topicName}-${next.partitionIndex})`)
    }
    cursor = next
  } while (cursor !== null)
  for (const t of merged.values()) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex)
  return {pages, topics: [...merged.values(), ...unnamed]}
}

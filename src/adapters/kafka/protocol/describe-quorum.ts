/**
 * DescribeQuorum (API key 55, KIP-595/836/853): the KRaft metadata quorum (`__cluster_metadata`
 * partition 0) as the active controller sees it. Sent to any broker (listeners broker and
 * controller; brokers since Kafka 3.4 forward it to the controller). Flexible from v0.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   DescribeQuorum Request (Version: 0-2) => [topics] TAG_BUFFER
 *     topics => topic_name [partitions] TAG_BUFFER
 *       partitions => partition_index TAG_BUFFER
 *   DescribeQuorum Response (Version: 0-2) => error_code error_message(v2+) [topics] [nodes](v2+) TAG_BUFFER
 *     topics => topic_name [partitions] TAG_BUFFER
 *       partitions => partition_index error_code error_message(v2+) leader_id leader_epoch high_watermark [current_voters] [observers] TAG_BUFFER
 *         current_voters => replica_id replica_directory_id(v2+) log_end_offset last_fetch_timestamp(v1+) last_caught_up_timestamp(v1+) TAG_BUFFER
 *         observers => (as current_voters)
 *     nodes => node_id [listeners] TAG_BUFFER
 *       listeners => name host port TAG_BUFFER
 * No throttle_time_ms in this API. leader_id, log_end_offset and the timestamps are -1 when
 * unknown (last_fetch_timestamp is -1 for the leader itself); port is a uint16. The partition's
 * TAG_BUFFER may hold tag 0 (v1+, high_watermark_update_time_ms), which is skipped.
 */
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import type {RawRequest} from './transport.js'

export const DESCRIBE_QUORUM_KEY = 55
export const DESCRIBE_QUORUM_VERSIONS: VersionRange = {min: 0, max: 2}
export const METADATA_TOPIC = '__cluster_metadata'

export interface QuorumReplicaState {
  replicaId: number
  /** v2+: 32 hex digits; null before v2. */
  directoryId: string | null
  /** -1 when unknown. */
  logEndOffset: number
  /** Leader wall clock (ms) of the replica's last fetch; -1 unknown or before v1. */
  lastFetchTimestamp: number
  /** Leader wall clock (ms) when the replica was last caught up; -1 unknown or before v1. */
  lastCaughtUpTimestamp: number
}

export interface QuorumPartition {
  partitionIndex: number
  errorCode: number
  errorMessage: string | null
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplicaState[]
  observers: QuorumReplicaState[]
}

export interface QuorumNode {
  nodeId: number
  listeners: Array<{name: string; host: string; port: number}>
}

export interface DescribeQuorumResponse {
  errorCode: number
  errorMessage: string | null
  topics: Array<{topicName: string; partitions: QuorumPartition[]}>
  /** v2+; empty before. */
  nodes: QuorumNode[]
}

export function describeQuorumBody(topic = METADATA_TOPIC, partition = 0): Buffer {
  const w = new Writer(true)
  w.array([topic], (w, t) => {
    w.string(t)
    w.array([partition], (w, p) => w.int32(p).tags())
    w.tags()
  })
  return w.tags().toBuffer()
}

export function decodeDescribeQuorum(r: Reader, version: number): DescribeQuorumResponse {
  const replica = (r: Reader): QuorumReplicaState => {
    const replicaId = r.int32()
    const directoryId = version >= 2 ? r.uuid() : null
    const logEndOffset = r.int64()
    const lastFetchTimestamp = version >= 1 ? r.int64() : -1
    const lastCaughtUpTimestamp = version >= 1 ? r.int64() : -1
    r.tags()
    return {replicaId, directoryId, logEndOffset, lastFetchTimestamp, lastCaughtUpTimestamp}
  }
  const errorCode = r.int16()
  const errorMessage = version >= 2 ? r.nullableString() : null
  const topics = r.array((r) => {
    const topicName = r.string()
    const partitions = r.array((r): QuorumPartition => {
      const partitionIndex = r.int32()
      const errorCode = r.int16()
      const errorMessage = version >= 2 ? r.nullableString() : null
      const leaderId = r.int32()
      const leaderEpoch = r.int32()
      const highWatermark = r.int64()
      const voters = r.array(replica)
      const observers = r.array(replica)
      r.tags()
      return {partitionIndex, errorCode, errorMessage, leaderId, leaderEpoch, highWatermark, voters, observers}
    })
    r.tags()
    return {topicName, partitions}
  })
  const nodes =
    version >= 2
      ? r.array((r) => {
          const nodeId = r.int32()
          const listeners = r.array((r) => {
            const name = r.string()
            const host = r.string()
            const port = r.int16() & 0xffff
            r.tags()
            return {name, host, port}
          })
          r.tags()
          return {nodeId, listeners}
        })
      : []
  r.tags()
  return {errorCode, errorMessage, topics, nodes}
}

export function describeQuorumRequest(version: number): RawRequest<DescribeQuorumResponse> {
  return {
    apiKey: DESCRIBE_QUORUM_KEY,
    apiName: 'DescribeQuorum',
    apiVersion: version,
    flexible: true,
    body: describeQuorumBody(),
    decode: (r: Reader) => ({value: decodeDescribeQuorum(r, version), throttleTimeMs: 0}),
  }
}

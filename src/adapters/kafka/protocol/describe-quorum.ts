/**
 * DescribeQuorum (API key 55, KIP-595/836/853): the KRaft metadata quorum (`__cluster_metadata`
 * partition 0) as the active controller sees it. Sent to any broker (listeners broker and
 * controller; brokers since Kafka 3.4 forward it to the controller). Flexible from v0.
 *
 * Request (v0-2, unchanged across versions):
 *   Topics [TopicName string, Partitions [PartitionIndex int32]]
 *
 * Response (no throttle time in this API):
 *   ErrorCode int16
 *   ErrorMessage nullable string                    v2+
 *   Topics [
 *     TopicName string
 *     Partitions [
 *       PartitionIndex int32, ErrorCode int16,
 *       ErrorMessage nullable string                v2+
 *       LeaderId int32 (-1 unknown), LeaderEpoch int32, HighWatermark int64,
 *       CurrentVoters [ReplicaState], Observers [ReplicaState]
 *       (tag 0, v1+: HighWatermarkUpdateTimeMs int64; skipped)
 *     ]
 *   ]
 *   Nodes [NodeId int32, Listeners [Name string, Host string, Port uint16]]   v2+
 * ReplicaState:
 *   ReplicaId int32
 *   ReplicaDirectoryId uuid                         v2+
 *   LogEndOffset int64 (-1 unknown)
 *   LastFetchTimestamp int64 (-1 unknown; -1 for the leader)         v1+
 *   LastCaughtUpTimestamp int64 (-1 unknown; the leader's now for it) v1+
 */
import {Writer, type Reader, type VersionRange} from './shared.js'
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

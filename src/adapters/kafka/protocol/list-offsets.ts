/**
 * ListOffsets (API key 2) with a chosen replica id, sent to a chosen broker.
 *
 * With replica id -2 (ListOffsetsRequest.DEBUGGING_REPLICA_ID) the broker skips its
 * "leader only" check and, because the id is not the consumer id (-1), applies no
 * isolation level: LATEST then returns THAT broker's local log end offset, follower or
 * leader (ReplicaManager.fetchOffset / Partition.fetchOffsetForTimestamp).
 *
 * With replica id -1 (a consumer) the request must go to the partition leader, and the
 * isolation level decides what LATEST means: 0 = the high watermark, 1 = the last stable
 * offset (what kafkajs's admin fetchTopicOffsets returns, since it never overrides it).
 *
 * Versions 4-9: 4 adds CurrentLeaderEpoch (we send -1 = no fencing), 6+ is flexible,
 * 7-9 only add new special timestamps. Kafka 3.9 supports 0-9 and 4.x 1-10 (KIP-896
 * removed v0; v10 adds a tiered-storage timeout we do not need), so 4-9 is in both.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v6: compact encodings, and TAG_BUFFER ends every struct.
 *   ListOffsets Request (Version: 4-9) => replica_id isolation_level [topics] TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index current_leader_epoch timestamp TAG_BUFFER
 *   ListOffsets Response (Version: 4-9) => throttle_time_ms [topics] TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index error_code timestamp offset leader_epoch TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const LIST_OFFSETS_KEY = 2
export const LIST_OFFSETS_VERSIONS: VersionRange = {min: 4, max: 9}

export const CONSUMER_REPLICA_ID = -1
export const DEBUGGING_REPLICA_ID = -2
export const LATEST_TIMESTAMP = -1
export const EARLIEST_TIMESTAMP = -2

export interface ListOffsetsPartitionQuery {
  topic: string
  partition: number
  /** -1 latest, -2 earliest, or a timestamp in ms. */
  timestamp: number
}

export interface ListOffsetsPartitionResult {
  topic: string
  partition: number
  errorCode: number
  timestamp: number
  offset: number
  leaderEpoch: number
}

export function listOffsetsRequest(
  version: number,
  replicaId: number,
  queries: ListOffsetsPartitionQuery[],
  /** 0 READ_UNCOMMITTED (LATEST = high watermark), 1 READ_COMMITTED (LATEST = last stable offset); only for replica id -1. */
  isolationLevel: 0 | 1 = 0,
): RawRequest<ListOffsetsPartitionResult[]> {
  const flexible = version >= 6
  const byTopic = new Map<string, ListOffsetsPartitionQuery[]>()
  for (const q of queries) {
    const list = byTopic.get(q.topic)
    if (list) list.push(q)
    else byTopic.set(q.topic, [q])
  }

  const w = new Writer(flexible)
  w.int32(replicaId)
  w.int8(isolationLevel) // the broker ignores it for non-consumer replica ids (-2)
  w.array([...byTopic], (w, [topic, parts]) => {
    w.string(topic)
    w.array(parts, (w, q) => {
      w.int32(q.partition)
      w.int32(-1) // CurrentLeaderEpoch: unknown, no fencing
      w.int64(q.timestamp)
      w.tags()
    })
    w.tags()
  })
  w.tags()
  return {
    apiKey: LIST_OFFSETS_KEY,
    apiName: 'ListOffsets',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const out: ListOffsetsPartitionResult[] = []
      r.array((r) => {
        const topic = r.string()
        r.array((r) => {
          const partition = r.int32()
          const errorCode = r.int16()
          const timestamp = r.int64()
          const offset = r.int64()
          const leaderEpoch = r.int32()
          r.tags()
          out.push({topic, partition, errorCode, timestamp, offset, leaderEpoch})
        })
        r.tags()
      })
      r.tags()
      return {value: out, throttleTimeMs}
    },
  }
}

/**
 * Fetch (API key 1) as a plain, sessionless consumer (replica id -1, session 0/-1): reads
 * the record batch(es) at a given offset WITHOUT joining a consumer group or committing
 * anything. Used to read the timestamp of the record at a group's committed offset (the
 * oldest unconsumed record) for an exact time lag.
 *
 * Versions 4-12: Kafka 4.x removed 0-3 (KIP-896); v13+ name topics by id. v5 adds
 * log_start_offset, v7 fetch sessions, v9 current_leader_epoch, v11 rack_id and
 * preferred_read_replica, v12 is flexible and adds last_fetched_epoch.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v12: compact encodings, and TAG_BUFFER ends every struct.
 *   Fetch Request (Version: 4-12) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id(v7+) session_epoch(v7+) [topics] [forgotten_topics_data](v7+) rack_id(v11+) TAG_BUFFER
 *     topics => topic [partitions] TAG_BUFFER
 *       partitions => partition current_leader_epoch(v9+) fetch_offset last_fetched_epoch(v12+) log_start_offset(v5+) partition_max_bytes TAG_BUFFER
 *     forgotten_topics_data => topic [partitions] TAG_BUFFER
 *   Fetch Response (Version: 4-12) => throttle_time_ms error_code(v7+) session_id(v7+) [responses] TAG_BUFFER
 *     responses => topic [partitions] TAG_BUFFER
 *       partitions => partition_index error_code high_watermark last_stable_offset log_start_offset(v5+) [aborted_transactions] preferred_read_replica(v11+) records TAG_BUFFER
 *         aborted_transactions => producer_id first_offset TAG_BUFFER
 */
import type {AbortedTransaction} from './readable-batches.js'
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const FETCH_KEY = 1
export const FETCH_VERSIONS: VersionRange = {min: 4, max: 12}

export interface FetchPartitionQuery {
  topic: string
  partition: number
  fetchOffset: number
  partitionMaxBytes: number
}

export interface FetchPartitionResult {
  topic: string
  partition: number
  errorCode: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  /**
   * read_committed (isolation 1): the aborted transactions in the returned range, for
   * readableBatches(); null under read_uncommitted (Kafka sends none).
   */
  abortedTransactions: AbortedTransaction[] | null
  /** Raw record batches (the last one may be cut short by the byte limits), or null. */
  records: Buffer | null
}

export interface FetchResponse {
  errorCode: number
  partitions: FetchPartitionResult[]
}

export function fetchRequest(
  version: number,
  queries: FetchPartitionQuery[],
  opts: {maxBytes: number; isolationLevel: 0 | 1},
): RawRequest<FetchResponse> {
  const flexible = version >= 12
  const byTopic = new Map<string, FetchPartitionQuery[]>()
  for (const q of queries) {
    const list = byTopic.get(q.topic)
    if (list) list.push(q)
    else byTopic.set(q.topic, [q])
  }
  const w = new Writer(flexible)
  w.int32(-1) // replica id: a consumer
  w.int32(0) // max_wait_ms: answer at once with whatever is there
  w.int32(0) // min_bytes
  w.int32(opts.maxBytes)
  w.int8(opts.isolationLevel)
  if (version >= 7) {
    w.int32(0) // session id: none
    w.int32(-1) // session epoch -1: a full, sessionless fetch
  }
  w.array([...byTopic], (w, [topic, parts]) => {
    w.string(topic)
    w.array(parts, (w, q) => {
      w.int32(q.partition)
      if (version >= 9) w.int32(-1) // current_leader_epoch: unknown, no fencing
      w.int64(q.fetchOffset)
      if (version >= 12) w.int32(-1) // last_fetched_epoch
      if (version >= 5) w.int64(-1) // log_start_offset (only followers send one)
      w.int32(q.partitionMaxBytes)
      w.tags()
    })
    w.tags()
  })
  if (version >= 7) w.array([], () => {}) // forgotten_topics_data
  if (version >= 11) w.string('') // rack_id
  w.tags()
  return {
    apiKey: FETCH_KEY,
    apiName: 'Fetch',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = version >= 7 ? r.int16() : 0
      if (version >= 7) r.int32() // session id
      const partitions: FetchPartitionResult[] = []
      r.array((r) => {
        const topic = r.string()
        r.array((r) => {
          const partition = r.int32()
          const code = r.int16()
          const highWatermark = r.int64()
          const lastStableOffset = r.int64()
          const logStartOffset = version >= 5 ? r.int64() : -1
          const abortedTransactions = r.nullableArray((r) => {
            const producerId = r.int64()
            const firstOffset = r.int64()
            r.tags()
            return {producerId, firstOffset}
          })
          if (version >= 11) r.int32() // preferred_read_replica
          const records = r.nullableBytes()
          r.tags()
          partitions.push({topic, partition, errorCode: code, highWatermark, lastStableOffset, logStartOffset, abortedTransactions, records})
        })
        r.tags()
      })
      r.tags()
      return {value: {errorCode, partitions}, throttleTimeMs}
    },
  }
}

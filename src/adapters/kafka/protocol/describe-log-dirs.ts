/**
 * DescribeLogDirs (API key 35): per-broker log directories and the size of every replica
 * they hold. Versions 1-4: v0 was removed in Kafka 4.0 (KIP-896); v2+ is flexible; v3 adds
 * a top-level error code; v4 adds the volume's total/usable bytes.
 *
 * Note: `offsetLag` is max(HW - LEO, 0) for current replicas, so it is 0 for every healthy
 * follower; it is NOT follower lag (use ListOffsets with replica id -2 for that). It is
 * meaningful for "future" replicas during intra-broker moves, and -1 for offline replicas.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v2: compact encodings, and TAG_BUFFER ends every struct.
 *   DescribeLogDirs Request (Version: 1-4) => [topics] TAG_BUFFER
 *     topics => topic [partitions] TAG_BUFFER
 *   DescribeLogDirs Response (Version: 1-4) => throttle_time_ms error_code(v3+) [results] TAG_BUFFER
 *     results => error_code log_dir [topics] total_bytes(v4+) usable_bytes(v4+) TAG_BUFFER
 *       topics => name [partitions] TAG_BUFFER
 *         partitions => partition_index partition_size offset_lag is_future_key TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'
import {kafkaErrorName} from './errors.js'

export const DESCRIBE_LOG_DIRS_KEY = 35
export const DESCRIBE_LOG_DIRS_VERSIONS: VersionRange = {min: 1, max: 4}

export interface LogDirTopicFilter {
  topic: string
  partitions: number[]
}

export interface LogDirPartition {
  topic: string
  partition: number
  /** Bytes in this replica's log segments. */
  size: number
  /** See module comment: 0 for healthy replicas, -1 offline, LEO gap for future replicas. */
  offsetLag: number
  /** True for a replica being moved into this dir by AlterReplicaLogDirs. */
  isFuture: boolean
}

export interface LogDirDescription {
  path: string
  /** Kafka error code for this directory (0 = fine; 56 KAFKA_STORAGE_ERROR = offline dir). */
  errorCode: number
  errorName: string
  /** Volume capacity (v4+), or null when the broker did not report it. */
  totalBytes: number | null
  usableBytes: number | null
  partitions: LogDirPartition[]
}

export interface DescribeLogDirsResponse {
  errorCode: number
  logDirs: LogDirDescription[]
}

export function describeLogDirsRequest(
  version: number,
  topics: LogDirTopicFilter[] | null,
): RawRequest<DescribeLogDirsResponse> {
  const flexible = version >= 2
  const w = new Writer(flexible)
  w.array(topics, (w, t) => {
    w.string(t.topic)
    w.array(t.partitions, (w, p) => w.int32(p))
    w.tags()
  })
  w.tags()
  return {
    apiKey: DESCRIBE_LOG_DIRS_KEY,
    apiName: 'DescribeLogDirs',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = version >= 3 ? r.int16() : 0
      const logDirs = r.array((r): LogDirDescription => {
        const dirError = r.int16()
        const path = r.string()
        const partitions: LogDirPartition[] = []
        r.array((r) => {
          const topic = r.string()
          r.array((r) => {
            const partition = r.int32()
            const size = r.int64()
            const offsetLag = r.int64()
            const isFuture = r.bool()
            r.tags()
            partitions.push({topic, partition, size, offsetLag, isFuture})
          })
          r.tags()
        })
        let totalBytes: number | null = null
        let usableBytes: number | null = null
        if (version >= 4) {
          const total = r.int64()
          const usable = r.int64()
          totalBytes = total < 0 ? null : total
          usableBytes = usable < 0 ? null : usable
        }
        r.tags()
        return {path, errorCode: dirError, errorName: kafkaErrorName(dirError), totalBytes, usableBytes, partitions}
      })
      r.tags()
      return {value: {errorCode, logDirs}, throttleTimeMs}
    },
  }
}

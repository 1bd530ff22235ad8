/**
 * AlterPartitionReassignments (API key 45, KIP-455): starts reassignments, or cancels them.
 * fleetops sends it itself for the cancel: a null `replicas` makes the controller abort the
 * partition's reassignment and go back to its original replicas (dropping the adding ones),
 * which is what `kafka-reassign-partitions --cancel` does; kafkajs 2.2.4 cannot send null.
 *
 * Versions 0-1, flexible from v0. v1 (KIP-860, Kafka 4.0) only adds AllowReplicationFactorChange,
 * which a cancel does not need, so fleetops negotiates v0 (Kafka 2.4+, so 3.9 and 4.x); the
 * encoder also writes v1 (with the default, true, which means what v0 does).
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   AlterPartitionReassignments Request (Version: 0-1) => timeout_ms allow_replication_factor_change(v1+) [topics] TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index [replicas] TAG_BUFFER      (replicas null = cancel the reassignment)
 *   AlterPartitionReassignments Response (Version: 0-1) => throttle_time_ms allow_replication_factor_change(v1+) error_code error_message [responses] TAG_BUFFER
 *     responses => name [partitions] TAG_BUFFER
 *       partitions => partition_index error_code error_message TAG_BUFFER
 *         (error_code NO_REASSIGNMENT_IN_PROGRESS (85): a cancel with nothing to cancel)
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const ALTER_PARTITION_REASSIGNMENTS_KEY = 45
export const ALTER_PARTITION_REASSIGNMENTS_VERSIONS: VersionRange = {min: 0, max: 0}

/** `replicas` null = cancel the partition's reassignment in flight. */
export interface ReassignmentTarget {
  topic: string
  partition: number
  replicas: readonly number[] | null
}

export interface AlterPartitionReassignmentsResponse {
  errorCode: number
  errorMessage: string | null
  partitions: Array<{topic: string; partition: number; errorCode: number; errorMessage: string | null}>
}

export function alterPartitionReassignmentsRequest(
  version: number,
  timeoutMs: number,
  targets: readonly ReassignmentTarget[],
): RawRequest<AlterPartitionReassignmentsResponse> {
  const byTopic = new Map<string, ReassignmentTarget[]>()
  for (const t of targets) {
    const list = byTopic.get(t.topic) ?? []
    list.push(t)
    byTopic.set(t.topic, list)
  }
  const w = new Writer(true)
  w.int32(timeoutMs)
  if (version >= 1) w.bool(true)
  w.array([...byTopic], (w, [topic, partitions]) => {
    w.string(topic)
    w.array(partitions, (w, p) => {
      w.int32(p.partition)
      w.array(p.replicas, (w, b) => w.int32(b))
      w.tags()
    })
    w.tags()
  })
  w.tags()
  return {
    apiKey: ALTER_PARTITION_REASSIGNMENTS_KEY,
    apiName: 'AlterPartitionReassignments',
    apiVersion: version,
    flexible: true,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      if (version >= 1) r.bool()
      const errorCode = r.int16()
      const errorMessage = r.nullableString()
      const partitions: AlterPartitionReassignmentsResponse['partitions'] = []
      r.array((r) => {
        const topic = r.string()
        r.array((r) => {
          const partition = r.int32()
          const code = r.int16()
          const message = r.nullableString()
          r.tags()
          partitions.push({topic, partition, errorCode: code, errorMessage: message})
        })
        r.tags()
      })
      r.tags()
      return {value: {errorCode, errorMessage, partitions}, throttleTimeMs}
    },
  }
}

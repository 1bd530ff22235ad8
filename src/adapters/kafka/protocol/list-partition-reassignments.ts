/**
 * ListPartitionReassignments (API key 46, KIP-455): the ongoing reassignments, with the
 * replicas being added and removed. Only v0 exists (flexible). kafkajs's admin version
 * refreshes the metadata of every topic first, which throws when a partition is offline.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 *   ListPartitionReassignments Request (Version: 0) => timeout_ms [topics] TAG_BUFFER
 *     topics => name [partition_indexes] TAG_BUFFER
 *   ListPartitionReassignments Response (Version: 0) => throttle_time_ms error_code error_message [topics] TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index [replicas] [adding_replicas] [removing_replicas] TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const LIST_PARTITION_REASSIGNMENTS_KEY = 46
export const LIST_PARTITION_REASSIGNMENTS_VERSIONS: VersionRange = {min: 0, max: 0}

export interface OngoingReassignment {
  topic: string
  partition: number
  replicas: number[]
  adding: number[]
  removing: number[]
}

export interface ListPartitionReassignmentsResponse {
  errorCode: number
  errorMessage: string | null
  reassignments: OngoingReassignment[]
}

/** `topics` null = every ongoing reassignment. */
export function listPartitionReassignmentsRequest(
  version: number,
  timeoutMs: number,
  topics: {topic: string; partitions: number[]}[] | null,
): RawRequest<ListPartitionReassignmentsResponse> {
  const w = new Writer(true)
  w.int32(timeoutMs)
  w.array(topics, (w, t) => {
    w.string(t.topic)
    w.array(t.partitions, (w, p) => w.int32(p))
    w.tags()
  })
  w.tags()
  return {
    apiKey: LIST_PARTITION_REASSIGNMENTS_KEY,
    apiName: 'ListPartitionReassignments',
    apiVersion: version,
    flexible: true,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = r.int16()
      const errorMessage = r.nullableString()
      const reassignments: OngoingReassignment[] = []
      r.array((r) => {
        const topic = r.string()
        r.array((r) => {
          const partition = r.int32()
          const replicas = r.int32Array()
          const adding = r.int32Array()
          const removing = r.int32Array()
          r.tags()
          reassignments.push({topic, partition, replicas, adding, removing})
        })
        r.tags()
      })
      r.tags()
      return {value: {errorCode, errorMessage, reassignments}, throttleTimeMs}
    },
  }
}

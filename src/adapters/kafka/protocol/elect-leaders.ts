/**
 * ElectLeaders (API key 43, KIP-460): preferred or unclean leader election.
 * Versions 1-2: v0 has no election type (and is removed by KIP-896 in 4.x), v2 is the
 * flexible encoding of v1. Both exist in Kafka 3.9 and 4.x.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v2: compact encodings, and TAG_BUFFER ends every struct.
 *   ElectLeaders Request (Version: 1-2) => election_type [topic_partitions] timeout_ms TAG_BUFFER
 *     topic_partitions => topic [partitions] TAG_BUFFER
 *   ElectLeaders Response (Version: 1-2) => throttle_time_ms error_code [replica_election_results] TAG_BUFFER
 *     replica_election_results => topic [partition_result] TAG_BUFFER
 *       partition_result => partition_id error_code error_message TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const ELECT_LEADERS_KEY = 43
export const ELECT_LEADERS_VERSIONS: VersionRange = {min: 1, max: 2}

export const ElectionType = {PREFERRED: 0, UNCLEAN: 1} as const
export type ElectionTypeName = keyof typeof ElectionType

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

export interface ElectLeadersRawResult {
  errorCode: number
  partitions: Array<{topic: string; partition: number; errorCode: number; errorMessage: string | null}>
}

export function electLeadersRequest(
  version: number,
  type: ElectionTypeName,
  partitions: TopicPartitions[] | null,
  timeoutMs: number,
): RawRequest<ElectLeadersRawResult> {
  const flexible = version >= 2
  const w = new Writer(flexible)
  w.int8(ElectionType[type])
  w.array(partitions, (w, tp) => {
    w.string(tp.topic)
    w.array(tp.partitions, (w, p) => w.int32(p))
    w.tags()
  })
  w.int32(timeoutMs)
  w.tags()
  return {
    apiKey: ELECT_LEADERS_KEY,
    apiName: 'ElectLeaders',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const errorCode = r.int16()
      const out: ElectLeadersRawResult['partitions'] = []
      r.array((r) => {
        const topic = r.string()
        r.array((r) => {
          const partition = r.int32()
          const code = r.int16()
          const errorMessage = r.nullableString()
          r.tags()
          out.push({topic, partition, errorCode: code, errorMessage})
        })
        r.tags()
      })
      r.tags()
      return {value: {errorCode, partitions: out}, throttleTimeMs}
    },
  }
}

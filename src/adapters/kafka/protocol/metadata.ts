/**
 * Metadata (API key 3), decoded without judging it. kafkajs's metadata parser throws on the
 * first partition with an error code, so a single offline partition (LEADER_NOT_AVAILABLE,
 * leader -1) anywhere in the cluster makes every kafkajs metadata call fail. Here every
 * topic- and partition-level error code is returned as data: the caller decides what an
 * offline partition means (for the replica probe: CRITICAL, not UNKNOWN).
 *
 * Versions 4-13: Kafka 3.9 speaks 0-12 and 4.x 0-13. v4 adds allow_auto_topic_creation
 * (we send false), v5 offline_replicas, v7 leader_epoch, v8 authorized operations (not
 * requested), v9 is flexible, v10 topic ids, v11 drops the cluster authorized operations,
 * v12 lets a topic be named by id (we always name it), v13 adds a top-level error code.
 * A null topic list (v1+) asks for every topic.
 *
 * Wire format (Kafka protocol BNF, for the versions fleetops sends; "(vN+)" marks a field only those versions carry):
 * Flexible from v9: compact encodings, and TAG_BUFFER ends every struct.
 *   Metadata Request (Version: 4-13) => [topics] allow_auto_topic_creation include_cluster_authorized_operations(v8-10) include_topic_authorized_operations(v8+) TAG_BUFFER
 *     topics => topic_id(v10+) name TAG_BUFFER
 *   Metadata Response (Version: 4-13) => throttle_time_ms [brokers] cluster_id controller_id [topics] cluster_authorized_operations(v8-10) error_code(v13+) TAG_BUFFER
 *     brokers => node_id host port rack TAG_BUFFER
 *     topics => error_code name topic_id(v10+) is_internal [partitions] topic_authorized_operations(v8+) TAG_BUFFER
 *       partitions => error_code partition_index leader_id leader_epoch(v7+) [replica_nodes] [isr_nodes] [offline_replicas](v5+) TAG_BUFFER
 */
import type {RawRequest} from './transport.js'
import {Writer} from './writer.js'
import type {Reader} from './reader.js'
import type {VersionRange} from './versions.js'

export const METADATA_KEY = 3
export const METADATA_VERSIONS: VersionRange = {min: 4, max: 13}

export interface MetadataBroker {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface MetadataPartition {
  /** 0, or e.g. LEADER_NOT_AVAILABLE (5), REPLICA_NOT_AVAILABLE (9), LISTENER_NOT_FOUND (72). */
  errorCode: number
  partition: number
  /** -1 when the partition has no leader (offline). */
  leaderId: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  /** v5+: replicas on brokers that are down or on offline log dirs. */
  offlineReplicas: number[]
}

export interface MetadataTopic {
  /** 0, or e.g. UNKNOWN_TOPIC_OR_PARTITION (3), TOPIC_AUTHORIZATION_FAILED (29). */
  errorCode: number
  /** Null only for a topic asked for by id that does not exist (we never ask by id). */
  name: string | null
  /** 32 hex digits (v10+); all zeros when unknown. */
  topicId: string | null
  isInternal: boolean
  partitions: MetadataPartition[]
}

export interface MetadataResponse {
  brokers: MetadataBroker[]
  clusterId: string | null
  controllerId: number
  topics: MetadataTopic[]
  /** v13+: top-level error code (0 before). */
  errorCode: number
}

/** `topics` null = every topic in the cluster; [] = none (brokers and controller only). */
export function metadataRequest(version: number, topics: string[] | null): RawRequest<MetadataResponse> {
  const flexible = version >= 9
  const w = new Writer(flexible)
  w.array(topics, (w, name) => {
    if (version >= 10) w.uuid() // topic id: none, the topic is named
    w.string(name)
    w.tags()
  })
  w.bool(false) // allow_auto_topic_creation: a probe never creates topics
  if (version >= 8 && version <= 10) w.bool(false) // include_cluster_authorized_operations
  if (version >= 8) w.bool(false) // include_topic_authorized_operations
  w.tags()
  return {
    apiKey: METADATA_KEY,
    apiName: 'Metadata',
    apiVersion: version,
    flexible,
    body: w.toBuffer(),
    decode: (r: Reader) => {
      const throttleTimeMs = r.int32()
      const brokers = r.array((r): MetadataBroker => {
        const nodeId = r.int32()
        const host = r.string()
        const port = r.int32()
        const rack = r.nullableString()
        r.tags()
        return {nodeId, host, port, rack}
      })
      const clusterId = r.nullableString()
      const controllerId = r.int32()
      const topicList = r.array((r): MetadataTopic => {
        const errorCode = r.int16()
        const name = r.nullableString()
        const topicId = version >= 10 ? r.uuid() : null
        const isInternal = r.bool()
        const partitions = r.array((r): MetadataPartition => {
          const errorCode = r.int16()
          const partition = r.int32()
          const leaderId = r.int32()
          const leaderEpoch = version >= 7 ? r.int32() : -1
          const replicas = r.int32Array()
          const isr = r.int32Array()
          // offline_replicas exists from v5; an older broker cannot say, so none are named
          const offlineReplicas = version >= 5 ? r.int32Array() : []
          r.tags()
          return {errorCode, partition, leaderId, leaderEpoch, replicas, isr, offlineReplicas}
        })
        if (version >= 8) r.int32() // topic_authorized_operations (not requested)
        r.tags()
        return {errorCode, name, topicId, isInternal, partitions}
      })
      if (version >= 8 && version <= 10) r.int32() // cluster_authorized_operations
      const errorCode = version >= 13 ? r.int16() : 0
      r.tags()
      return {value: {brokers, clusterId, controllerId, topics: topicList, errorCode}, throttleTimeMs}
    },
  }
}

/**
 * KafkaProtocolClient: the Kafka requests fleetops writes itself (kafkajs 2.2.4 lacks them,
 * or sends them in a way a read-only probe cannot use), over our own broker connections
 * (cluster-connection.ts). Every failure is a FleetopsError; messages never contain SASL/TLS
 * secrets.
 */
import {FleetopsError, isFleetopsError, type ErrorCode} from '../../../core/errors.js'
import {PartitionIndex, partitionKey, partitionOffsetKey} from '../../../core/partition-index.js'
import {mapLimited} from '../../../core/map-limited.js'
import {
  DESCRIBE_LOG_DIRS_KEY,
  DESCRIBE_LOG_DIRS_VERSIONS,
  describeLogDirsRequest,
  type LogDirDescription,
  type LogDirTopicFilter,
} from './describe-log-dirs.js'
import {DESCRIBE_QUORUM_KEY, DESCRIBE_QUORUM_VERSIONS, METADATA_TOPIC, describeQuorumRequest, type QuorumPartition} from './describe-quorum.js'
import {
  DEFAULT_RESPONSE_PARTITION_LIMIT,
  DESCRIBE_TOPIC_PARTITIONS_KEY,
  DESCRIBE_TOPIC_PARTITIONS_VERSIONS,
  describeTopicPartitionsRequest,
  followTopicPartitionPages,
  type DescribedTopic,
} from './describe-topic-partitions.js'
import {
  ALTER_PARTITION_REASSIGNMENTS_KEY,
  ALTER_PARTITION_REASSIGNMENTS_VERSIONS,
  alterPartitionReassignmentsRequest,
  type ReassignmentTarget,
} from './alter-partition-reassignments.js'
import {ELECT_LEADERS_KEY, ELECT_LEADERS_VERSIONS, electLeadersRequest, type ElectionTypeName, type TopicPartitions} from './elect-leaders.js'
import {
  INCREMENTAL_ALTER_CONFIGS_KEY,
  INCREMENTAL_ALTER_CONFIGS_VERSIONS,
  ConfigResourceType,
  incrementalAlterConfigsRequest,
  type ConfigResourceChange,
  type ConfigResourceTypeName,
} from './incremental-alter-configs.js'
import {openCluster} from './cluster-connection.js'
import {toFleetopsError} from './transport-errors.js'
import type {InternalBroker, InternalCluster, InternalGroupDescription, KafkaTransportOptions} from './transport.js'
import {
  DEBUGGING_REPLICA_ID,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  LIST_OFFSETS_KEY,
  LIST_OFFSETS_VERSIONS,
  listOffsetsRequest,
} from './list-offsets.js'
import {FETCH_KEY, FETCH_VERSIONS, fetchRequest, type FetchPartitionQuery} from './fetch.js'
import {METADATA_KEY, METADATA_VERSIONS, metadataRequest, type MetadataResponse} from './metadata.js'
import {
  DESCRIBE_CONFIGS_KEY,
  DESCRIBE_CONFIGS_VERSIONS,
  describeConfigsRequest,
  type DescribeConfigsResult,
} from './describe-configs.js'
import {
  LIST_PARTITION_REASSIGNMENTS_KEY,
  LIST_PARTITION_REASSIGNMENTS_VERSIONS,
  listPartitionReassignmentsRequest,
  type OngoingReassignment,
} from './list-partition-reassignments.js'
import type {ListedGroup} from './list-groups.js'
import {CONSUMER_GROUP_DESCRIBE_KEY, CONSUMER_GROUP_DESCRIBE_VERSIONS, consumerGroupDescribeRequest, type ConsumerGroupDescription} from './consumer-group-describe.js'
import {
  DESCRIBE_SHARE_GROUP_OFFSETS_KEY,
  DESCRIBE_SHARE_GROUP_OFFSETS_VERSIONS,
  describeShareGroupOffsetsRequest,
  type ShareGroupOffsets,
} from './describe-share-group-offsets.js'
import {SHARE_GROUP_DESCRIBE_KEY, SHARE_GROUP_DESCRIBE_VERSIONS, shareGroupDescribeRequest, type ShareGroupDescription} from './share-group-describe.js'
import {STREAMS_GROUP_DESCRIBE_KEY, STREAMS_GROUP_DESCRIBE_VERSIONS, streamsGroupDescribeRequest, type StreamsGroupDescription} from './streams-group-describe.js'
import type {RawRequest} from './transport.js'
import {
  OFFSET_FETCH_GROUPS_VERSION,
  OFFSET_FETCH_KEY,
  OFFSET_FETCH_VERSIONS,
  offsetFetchGroupsRequest,
  offsetFetchRequest,
  OFFSET_FETCH_TOPIC_ID_VERSION,
  type OffsetFetchGroupResponse,
  type OffsetFetchTopic,
} from './offset-fetch.js'
import type {AbortedTransaction} from './readable-batches.js'
import {byLeader, leaderOf, type LeaderPartition, type TopicPartition} from './by-leader.js'
import {fetchRecordTimestamps, timestampsFromLeader, type RecordAtOffset, type RecordTimestampResult, type RecordTimestampSource} from './record-timestamps.js'
import {assertInt32} from './writer.js'
import {negotiateVersion} from './versions.js'
import {COORDINATOR_MOVED_CODES, KafkaCodeError, KafkaErrorCode, kafkaCodeOf, kafkaError, kafkaErrorName} from './errors.js'
import {retryWhileCoordinatorMoves} from './coordinator-retry.js'

export type {KafkaTransportOptions, InternalGroupDescription as GroupDescription} from './transport.js'
export type {LeaderPartition, TopicPartition} from './by-leader.js'
export type {RecordTimestampResult} from './record-timestamps.js'

export type BrokerLogDirs =
  | {brokerId: number; ok: true; apiVersion: number; logDirs: LogDirDescription[]}
  | {brokerId: number; ok: false; error: FleetopsError}

export interface AlterConfigsResult {
  type: ConfigResourceTypeName
  name: string
  ok: boolean
  errorCode: number
  errorName: string
  errorMessage: string | null
  /** Set when !ok. */
  error?: FleetopsError
}

export interface ElectionResult {
  topic: string
  partition: number
  /** 'not-needed' = ELECTION_NOT_NEEDED (84): the preferred leader already leads; a success. */
  outcome: 'elected' | 'not-needed' | 'failed'
  errorCode: number
  errorName: string
  errorMessage: string | null
  error?: FleetopsError
}

export interface ReassignmentCancelResult {
  topic: string
  partition: number
  /** 'not-in-progress' = NO_REASSIGNMENT_IN_PROGRESS (85): nothing to cancel (the move had finished). */
  outcome: 'cancelled' | 'not-in-progress' | 'failed'
  errorCode: number
  errorName: string
  errorMessage: string | null
  error?: FleetopsError
}

export type ReplicaOffsetResult =
  | {
      topic: string
      partition: number
      brokerId: number
      measurable: true
      /** The replica's local offset for the query (LATEST: its log end offset). */
      offset: number
      leaderEpoch: number | null
    }
  | {
      topic: string
      partition: number
      brokerId: number
      measurable: false
      /** Why there is no number, e.g. "NOT_LEADER_OR_FOLLOWER (6): broker 2 hosts no replica". */
      reason: string
      /** Kafka error code when the broker answered with one; null for connection/version problems. */
      errorCode: number | null
      errorName: string | null
    }

/** Per-API version caps, e.g. to pin an older encoding (compatibility, tests). */
export interface MaxApiVersions {
  DescribeLogDirs?: number
  IncrementalAlterConfigs?: number
  ElectLeaders?: number
  AlterPartitionReassignments?: number
  ListOffsets?: number
  OffsetFetch?: number
  Fetch?: number
  Metadata?: number
  DescribeConfigs?: number
  ListPartitionReassignments?: number
  DescribeQuorum?: number
  DescribeTopicPartitions?: number
  ConsumerGroupDescribe?: number
  ShareGroupDescribe?: number
  StreamsGroupDescribe?: number
  DescribeShareGroupOffsets?: number
}

/** A group-describe API's answers, or why the coordinator could not answer it (an older broker). */
export type GroupApiAnswer<T> = {supported: true; apiVersion: number; groups: T[]} | {supported: false; reason: string}

/** DescribeTopicPartitions over every page, or why the broker could not answer it. */
export type TopicPartitionsDescription =
  | {supported: true; apiVersion: number; brokerId: number; pages: number; topics: DescribedTopic[]}
  | {supported: false; brokerId: number; reason: string}

export type ClusterMetadata = MetadataResponse & {apiVersion: number}

export interface CommittedOffset extends TopicPartition {
  /** null when the group has no committed offset for the partition. */
  offset: number | null
  /** Why there is no offset when the coordinator did not know the topic (e.g. UNKNOWN_TOPIC_ID). */
  note?: string
}

export type EndOffsetResult =
  | (TopicPartition & {ok: true; offset: number})
  | (TopicPartition & {ok: false; reason: string; error?: FleetopsError})

export type KafkaProtocolClientOptions = KafkaTransportOptions & {maxApiVersions?: MaxApiVersions}

/** A group and its coordinator's connection. */
interface GroupCoordinator {
  groupId: string
  broker: InternalBroker
}

const coordinatorOf = (entry: GroupCoordinator): number => entry.broker.nodeId

const PRIORITY: ErrorCode[] = ['AUTH', 'PERMISSION', 'BAD_INPUT', 'UNAVAILABLE', 'TIMEOUT']

/** One partition's answer to fetchRecordBatches. */
export interface FetchedBatches {
  errorCode: number
  highWatermark: number
  logStartOffset: number
  /** READ_COMMITTED only (else null): for readableBatches(). */
  abortedTransactions: AbortedTransaction[] | null
  records: Buffer | null
}

export class KafkaProtocolClient {
  private readonly cluster: InternalCluster
  private readonly secrets: string[]
  private readonly maxApiVersions: MaxApiVersions
  /** What the record-timestamp reads (record-timestamps.ts) use of this client. */
  private readonly timestampSource: RecordTimestampSource
  private ready: Promise<void> | null = null

  /** Connects lazily on first use. */
  constructor(options: KafkaProtocolClientOptions) {
    const {maxApiVersions = {}, ...kafkaOptions} = options
    this.maxApiVersions = maxApiVersions
    this.secrets = collectSecrets(kafkaOptions)
    this.cluster = openCluster(kafkaOptions)
    this.timestampSource = {
      broker: (brokerId) => this.cluster.broker(brokerId),
      fetchVersion: (broker) => this.version(broker, 'Fetch', FETCH_KEY, FETCH_VERSIONS),
      redact: (err) => this.redact(err),
    }
  }

  /** Broker ids from cluster metadata. */
  async brokerIds(): Promise<number[]> {
    return this.guard(async () => {
      await this.connect()
      return this.cluster.nodeIds()
    })
  }

  /**
   * Connects to the given brokers (default: all) now, concurrently (TCP, TLS, SASL and
   * ApiVersions), so that requests sent to them later start at once; with `fetch`, also
   * the second connection per broker that Fetch uses. Failures are ignored here; the
   * request that needs the broker reports them.
   */
  async warmUp(brokerIds?: number[], {fetch = false}: {fetch?: boolean} = {}): Promise<void> {
    try {
      await this.connect()
    } catch {
      return
    }
    const ids = brokerIds ?? this.cluster.nodeIds()
    await Promise.all(ids.map((id) => this.cluster.warm(id, fetch).catch(() => {})))
  }

  /** DescribeGroups for each group on its coordinator, member assignments decoded (read-only). */
  async describeGroups(groupIds: string[]): Promise<InternalGroupDescription[]> {
    return this.guard(async () => {
      if (groupIds.length === 0) return []
      // Group requests need the bootstrap connection only (FindCoordinator names the
      // coordinator's address); the broker list is read meanwhile.
      await this.cluster.connect()
      return this.cluster.describeGroups(groupIds)
    })
  }

  /** ConsumerGroupDescribe (KIP-848 groups) on each group's coordinator. */
  async consumerGroupDescribe(groupIds: string[]): Promise<GroupApiAnswer<ConsumerGroupDescription>> {
    return this.onGroupCoordinators(groupIds, 'ConsumerGroupDescribe', CONSUMER_GROUP_DESCRIBE_KEY, CONSUMER_GROUP_DESCRIBE_VERSIONS, consumerGroupDescribeRequest)
  }

  /** ShareGroupDescribe (KIP-932 share groups) on each group's coordinator. */
  async shareGroupDescribe(groupIds: string[]): Promise<GroupApiAnswer<ShareGroupDescription>> {
    return this.onGroupCoordinators(groupIds, 'ShareGroupDescribe', SHARE_GROUP_DESCRIBE_KEY, SHARE_GROUP_DESCRIBE_VERSIONS, shareGroupDescribeRequest)
  }

  /** StreamsGroupDescribe (KIP-1071 streams groups) on each group's coordinator. */
  async streamsGroupDescribe(groupIds: string[]): Promise<GroupApiAnswer<StreamsGroupDescription>> {
    return this.onGroupCoordinators(groupIds, 'StreamsGroupDescribe', STREAMS_GROUP_DESCRIBE_KEY, STREAMS_GROUP_DESCRIBE_VERSIONS, streamsGroupDescribeRequest)
  }

  /** DescribeShareGroupOffsets (share-partition start offsets, every partition) on each group's coordinator. */
  async describeShareGroupOffsets(groupIds: string[]): Promise<GroupApiAnswer<ShareGroupOffsets>> {
    return this.onGroupCoordinators(groupIds, 'DescribeShareGroupOffsets', DESCRIBE_SHARE_GROUP_OFFSETS_KEY, DESCRIBE_SHARE_GROUP_OFFSETS_VERSIONS, describeShareGroupOffsetsRequest)
  }

  /**
   * One request per coordinator for all its groups. A coordinator without the API gives
   * `{supported: false}` with the reason in one line; a group answered NOT_COORDINATOR (or
   * loading) is asked again after FindCoordinator. Per-group error codes are returned as data.
   */
  private async onGroupCoordinators<T extends {groupId: string; errorCode: number}>(
    groupIds: string[],
    apiName: keyof MaxApiVersions,
    apiKey: number,
    versions: {min: number; max: number},
    request: (version: number, groupIds: string[]) => RawRequest<T[]>,
  ): Promise<GroupApiAnswer<T>> {
    return this.guard(async () => {
      if (groupIds.length === 0) return {supported: true, apiVersion: versions.max, groups: []}
      await this.cluster.connect()
      const askAll = async (): Promise<GroupApiAnswer<T>> => {
        await this.cluster.learnGroupCoordinators(groupIds)
        const coordinators: GroupCoordinator[] = []
        for (const groupId of groupIds) coordinators.push({groupId, broker: await this.cluster.groupCoordinator(groupId)})
        for (const {broker} of coordinators) {
          const theirs = broker.versions[apiKey]
          if (!theirs) return {supported: false, reason: `broker ${broker.nodeId} does not support ${apiName} (API key ${apiKey})`}
          if (theirs.maxVersion < versions.min || theirs.minVersion > versions.max) {
            return {supported: false, reason: `broker ${broker.nodeId} supports ${apiName} v${theirs.minVersion}-${theirs.maxVersion}; fleetops implements v${versions.min}-${versions.max}`}
          }
        }
        let apiVersion = versions.max
        const answers = await byLeader(coordinators, coordinatorOf, async (_, entries) => {
          const broker = entries[0]!.broker
          const version = this.version(broker, apiName, apiKey, versions)
          apiVersion = Math.min(apiVersion, version)
          return broker.send(request(version, entries.map((e) => e.groupId)))
        })
        const groups = answers.flat()
        const moved = groups.find((g) => COORDINATOR_MOVED_CODES.has(g.errorCode))
        if (moved) throw new KafkaCodeError(moved.errorCode, `${apiName} of group "${moved.groupId}": the coordinator moved`)
        return {supported: true, apiVersion, groups}
      }
      return retryWhileCoordinatorMoves(askAll, kafkaCodeOf, () => {
        for (const groupId of groupIds) this.cluster.forgetGroupCoordinator(groupId)
      })
    })
  }

  /** Every consumer group id (ListGroups on every broker). */
  async listGroups(): Promise<string[]> {
    return this.guard(async () => {
      await this.connect()
      return this.cluster.listGroups()
    })
  }

  /** Every group with protocol type, state (ListGroups v4+) and type (v5+); ListGroups on every broker. */
  async listGroupListings(): Promise<ListedGroup[]> {
    return this.guard(async () => {
      await this.connect()
      return this.cluster.listGroupListings()
    })
  }

  /**
   * Metadata for the given topics (null = every topic), decoded as data: topic and
   * partition error codes (LEADER_NOT_AVAILABLE on an offline partition, leader -1,
   * UNKNOWN_TOPIC_OR_PARTITION for a missing topic, ...) are returned, never thrown, so one
   * offline partition cannot hide the rest of the cluster. Only a top-level error (v13+)
   * or no broker answering throws. Asks a connected broker, then each other known broker.
   */
  async metadata(topics: string[] | null = null): Promise<ClusterMetadata> {
    return this.guard(async () => {
      await this.connect()
      return this.onAnyBroker('Metadata', async (broker) => {
        const version = this.version(broker, 'Metadata', METADATA_KEY, METADATA_VERSIONS)
        const res = await broker.send(metadataRequest(version, topics))
        if (res.errorCode !== 0) throw kafkaError(res.errorCode, `Metadata from broker ${broker.nodeId}`)
        return {...res, apiVersion: version}
      })
    })
  }

  /**
   * DescribeConfigs of topics (any broker answers), only `keys` (null = all). Per-topic
   * errors are returned in each result's errorCode, not thrown.
   */
  async describeTopicConfigs(topics: string[], keys: string[] | null = null): Promise<DescribeConfigsResult[]> {
    return this.guard(async () => {
      if (topics.length === 0) return []
      await this.connect()
      const broker = await this.cluster.anyBroker()
      const version = this.version(broker, 'DescribeConfigs', DESCRIBE_CONFIGS_KEY, DESCRIBE_CONFIGS_VERSIONS)
      return broker.send(describeConfigsRequest(version, topics.map((name) => ({type: ConfigResourceType.TOPIC, name, keys}))))
    })
  }

  /** The ongoing partition reassignments (ListPartitionReassignments, forwarded to the controller). */
  async listPartitionReassignments(options: {timeoutMs?: number} = {}): Promise<OngoingReassignment[]> {
    return this.guard(async () => {
      const timeoutMs = options.timeoutMs ?? 30000
      assertInt32(timeoutMs, 'timeoutMs')
      await this.connect()
      const broker = await this.cluster.anyBroker()
      const version = this.version(broker, 'ListPartitionReassignments', LIST_PARTITION_REASSIGNMENTS_KEY, LIST_PARTITION_REASSIGNMENTS_VERSIONS)
      const res = await broker.send(listPartitionReassignmentsRequest(version, timeoutMs, null), timeoutMs + 5000)
      if (res.errorCode !== 0) throw kafkaError(res.errorCode, 'ListPartitionReassignments', res.errorMessage)
      return res.reassignments
    })
  }

  /**
   * DescribeQuorum for the KRaft metadata log (`__cluster_metadata` partition 0), sent to a
   * broker, which forwards it to the active controller. Tries each broker in turn while they
   * are unavailable (a stopped node must not fail the probe). Kafka errors are thrown.
   */
  async describeQuorum(options: {timeoutMs?: number} = {}): Promise<QuorumPartition & {apiVersion: number; brokerId: number}> {
    return this.guard(async () => {
      const timeoutMs = options.timeoutMs ?? 30000
      await this.connect()
      return this.onAnyBroker('DescribeQuorum', async (broker) => {
        const version = this.version(broker, 'DescribeQuorum', DESCRIBE_QUORUM_KEY, DESCRIBE_QUORUM_VERSIONS)
        const res = await broker.send(describeQuorumRequest(version), timeoutMs)
        if (res.errorCode !== 0) throw kafkaError(res.errorCode, `DescribeQuorum via broker ${broker.nodeId}`, res.errorMessage)
        const p = res.topics.find((t) => t.topicName === METADATA_TOPIC)?.partitions.find((p) => p.partitionIndex === 0)
        if (!p) throw new FleetopsError('INTERNAL', `DescribeQuorum via broker ${broker.nodeId}: no ${METADATA_TOPIC}-0 in the response`)
        if (p.errorCode !== 0) throw kafkaError(p.errorCode, `DescribeQuorum via broker ${broker.nodeId}`, p.errorMessage)
        return {...p, apiVersion: version, brokerId: broker.nodeId}
      })
    })
  }

  /**
   * DescribeTopicPartitions (API 75) for the given topics, following the cursor
   * (NextTopicPartition) page by page on one broker until the broker says it is done; pages
   * that split a topic are merged. `{supported: false}` when the broker does not offer the
   * API (Kafka < 3.8), so callers can carry on without ELR. Tries each broker in turn while
   * they are unavailable. Topic errors are data (errorCode), not thrown.
   */
  async describeTopicPartitions(
    topics: readonly string[],
    options: {partitionLimit?: number; timeoutMs?: number; maxPages?: number} = {},
  ): Promise<TopicPartitionsDescription> {
    return this.guard(async () => {
      const limit = options.partitionLimit ?? DEFAULT_RESPONSE_PARTITION_LIMIT
      assertInt32(limit, 'partitionLimit')
      if (limit < 1) throw new FleetopsError('BAD_INPUT', `partitionLimit must be >= 1, got ${limit}`)
      const maxPages = options.maxPages ?? 100_000
      await this.connect()
      return this.onAnyBroker('DescribeTopicPartitions', async (broker): Promise<TopicPartitionsDescription> => {
        if (!broker.versions[DESCRIBE_TOPIC_PARTITIONS_KEY]) {
          return {supported: false, brokerId: broker.nodeId, reason: `broker ${broker.nodeId} does not support DescribeTopicPartitions (API key 75, Kafka 3.8+)`}
        }
        const version = this.version(broker, 'DescribeTopicPartitions', DESCRIBE_TOPIC_PARTITIONS_KEY, DESCRIBE_TOPIC_PARTITIONS_VERSIONS)
        const {pages, topics: described} = await followTopicPartitionPages(
          (cursor) => broker.send(describeTopicPartitionsRequest(version, topics, limit, cursor), options.timeoutMs),
          maxPages,
          `DescribeTopicPartitions via broker ${broker.nodeId}`,
        )
        return {supported: true, apiVersion: version, brokerId: broker.nodeId, pages, topics: described}
      })
    })
  }

  /**
   * Runs `fn` on a connected broker, then on each other known broker while the answer is
   * UNAVAILABLE or TIMEOUT (a stopped broker); any other error is thrown at once.
   */
  private async onAnyBroker<T>(what: string, fn: (broker: InternalBroker) => Promise<T>): Promise<T> {
    let lastError: unknown = null
    const tried = new Set<number>()
    const candidates: (() => Promise<InternalBroker>)[] = [() => this.cluster.anyBroker(), ...this.cluster.nodeIds().map((id) => () => this.cluster.broker(id))]
    for (const get of candidates) {
      let broker: InternalBroker
      try {
        broker = await get()
      } catch (e) {
        lastError = e
        continue
      }
      if (tried.has(broker.nodeId)) continue
      tried.add(broker.nodeId)
      try {
        return await fn(broker)
      } catch (e) {
        const err = toFleetopsError(e, `${what} from broker ${broker.nodeId}`)
        if (err.code !== 'UNAVAILABLE' && err.code !== 'TIMEOUT') throw err
        lastError = err
      }
    }
    throw toFleetopsError(lastError ?? new FleetopsError('UNAVAILABLE', 'no Kafka broker answered'), what)
  }

  /**
   * DescribeLogDirs on each broker (all brokers by default). Per-broker failures are
   * returned (ok: false), not thrown, so callers can still use the other brokers' sizes.
   * `topics` null/omitted = every partition the broker hosts.
   */
  async describeLogDirs(brokerIds?: number[], options: {topics?: LogDirTopicFilter[] | null} = {}): Promise<BrokerLogDirs[]> {
    return this.guard(async () => {
      await this.connect()
      const ids = brokerIds ?? this.cluster.nodeIds()
      for (const id of ids) this.assertKnownBroker(id)
      const topics = options.topics ?? null
      return Promise.all(
        ids.map(async (brokerId): Promise<BrokerLogDirs> => {
          try {
            const broker = await this.cluster.broker(brokerId)
            const version = this.version(broker, 'DescribeLogDirs', DESCRIBE_LOG_DIRS_KEY, DESCRIBE_LOG_DIRS_VERSIONS)
            const res = await broker.send(describeLogDirsRequest(version, topics))
            if (res.errorCode !== 0) {
              return {brokerId, ok: false, error: this.redact(kafkaError(res.errorCode, `DescribeLogDirs on broker ${brokerId}`))}
            }
            return {brokerId, ok: true, apiVersion: version, logDirs: res.logDirs}
          } catch (e) {
            return {brokerId, ok: false, error: this.redact(toFleetopsError(e, `DescribeLogDirs on broker ${brokerId}`))}
          }
        }),
      )
    })
  }

  /**
   * IncrementalAlterConfigs: change individual entries, leaving the rest of the
   * resource's dynamic config untouched. BROKER / BROKER_LOGGER resources named by a broker
   * id go to that broker; the cluster default (name "") and TOPIC resources go to any
   * broker (KRaft brokers forward to the controller, KIP-590).
   *
   * With throwOnError (default) any failed resource throws one FleetopsError
   * (PERMISSION for 29/30/31, BAD_INPUT for 40/42/44, UNAVAILABLE for connection
   * problems) naming every failed resource and the ones that were applied anyway.
   */
  async incrementalAlterConfigs(
    resources: ConfigResourceChange[],
    options: {validateOnly?: boolean; throwOnError?: boolean} = {},
  ): Promise<AlterConfigsResult[]> {
    const validateOnly = options.validateOnly ?? false
    const results = await this.guard(async () => {
      validateConfigChanges(resources)
      if (resources.length === 0) return []
      await this.connect()
      const groups = new Map<string, ConfigResourceChange[]>()
      for (const res of resources) {
        const routed = (res.type === 'BROKER' || res.type === 'BROKER_LOGGER') && res.name !== ''
        if (routed) this.assertKnownBroker(Number(res.name))
        const key = routed ? res.name : 'any'
        groups.set(key, [...(groups.get(key) ?? []), res])
      }
      const out: AlterConfigsResult[] = []
      await Promise.all(
        [...groups].map(async ([key, group]) => {
          try {
            const broker = key === 'any' ? await this.cluster.anyBroker() : await this.cluster.broker(Number(key))
            const version = this.version(broker, 'IncrementalAlterConfigs', INCREMENTAL_ALTER_CONFIGS_KEY, INCREMENTAL_ALTER_CONFIGS_VERSIONS)
            const raw = await broker.send(incrementalAlterConfigsRequest(version, group, validateOnly))
            for (const res of group) {
              const r = raw.find((x) => x.resourceName === res.name && x.resourceType === ConfigResourceType[res.type])
              if (!r) {
                out.push(failed(res, this.redact(new FleetopsError('INTERNAL', `broker ${broker.nodeId} returned no result for ${res.type} "${res.name}"`))))
              } else if (r.errorCode !== 0) {
                out.push({
                  ...failed(res, this.redact(kafkaError(r.errorCode, `IncrementalAlterConfigs on ${res.type} "${res.name}"`, r.errorMessage))),
                  errorCode: r.errorCode,
                  errorName: kafkaErrorName(r.errorCode),
                  errorMessage: r.errorMessage,
                })
              } else {
                out.push({type: res.type, name: res.name, ok: true, errorCode: 0, errorName: 'NONE', errorMessage: null})
              }
            }
          } catch (e) {
            const err = this.redact(toFleetopsError(e, 'IncrementalAlterConfigs'))
            for (const res of group) out.push(failed(res, err))
          }
        }),
      )
      // Keep the caller's order.
      return resources.map((res) => out.find((o) => o.type === res.type && o.name === res.name)!)
    })
    if (options.throwOnError ?? true) {
      const bad = results.filter((r) => !r.ok)
      if (bad.length > 0) {
        const applied = results.filter((r) => r.ok).map((r) => `${r.type} "${r.name}"`)
        const code = PRIORITY.find((c) => bad.some((b) => b.error?.code === c)) ?? bad[0]!.error?.code ?? 'INTERNAL'
        const msg =
          bad.map((b) => b.error?.message ?? `${b.type} "${b.name}": ${b.errorName}`).join('; ') +
          (applied.length > 0 ? ` (${validateOnly ? 'validated' : 'applied'} anyway: ${applied.join(', ')})` : '')
        throw new FleetopsError(code, msg, {cause: results})
      }
    }
    return results
  }

  /**
   * Cancels the reassignments in flight of the given partitions: AlterPartitionReassignments
   * with null replicas, which makes the controller revert each to its original replicas (the
   * adding ones are dropped). Per-partition failures are returned, not thrown;
   * NO_REASSIGNMENT_IN_PROGRESS is outcome 'not-in-progress'. A top-level error throws.
   */
  async cancelPartitionReassignments(partitions: TopicPartition[], options: {timeoutMs?: number} = {}): Promise<ReassignmentCancelResult[]> {
    return this.guard(async () => {
      if (partitions.length === 0) return []
      const timeoutMs = options.timeoutMs ?? 30000
      assertInt32(timeoutMs, 'timeoutMs')
      for (const p of partitions) assertInt32(p.partition, 'partition')
      const targets: ReassignmentTarget[] = partitions.map((p) => ({topic: p.topic, partition: p.partition, replicas: null}))
      await this.connect()
      const broker = await this.cluster.controllerBroker()
      const version = this.version(broker, 'AlterPartitionReassignments', ALTER_PARTITION_REASSIGNMENTS_KEY, ALTER_PARTITION_REASSIGNMENTS_VERSIONS)
      const res = await broker.send(alterPartitionReassignmentsRequest(version, timeoutMs, targets), timeoutMs + 5000)
      if (res.errorCode !== 0) throw kafkaError(res.errorCode, 'AlterPartitionReassignments (cancel)', res.errorMessage)
      return res.partitions.map((p): ReassignmentCancelResult => {
        const base = {topic: p.topic, partition: p.partition, errorCode: p.errorCode, errorName: kafkaErrorName(p.errorCode), errorMessage: p.errorMessage}
        if (p.errorCode === 0) return {...base, outcome: 'cancelled'}
        if (p.errorCode === KafkaErrorCode.NO_REASSIGNMENT_IN_PROGRESS) return {...base, outcome: 'not-in-progress'}
        return {...base, outcome: 'failed', error: this.redact(kafkaError(p.errorCode, `AlterPartitionReassignments (cancel) for ${p.topic}-${p.partition}`, p.errorMessage))}
      })
    })
  }

  /**
   * ElectLeaders (PREFERRED, or UNCLEAN) for the given partitions, or for every partition
   * when `partitions` is null. Per-partition failures are returned, not thrown;
   * ELECTION_NOT_NEEDED is outcome 'not-needed'. A top-level error throws.
   */
  async electLeaders(
    type: ElectionTypeName,
    partitions: TopicPartition[] | null,
    options: {timeoutMs?: number} = {},
  ): Promise<ElectionResult[]> {
    return this.guard(async () => {
      if (type !== 'PREFERRED' && type !== 'UNCLEAN') throw new FleetopsError('BAD_INPUT', `election type must be PREFERRED or UNCLEAN, got ${String(type)}`)
      const grouped = partitions === null ? null : groupPartitions(partitions)
      if (grouped !== null && grouped.length === 0) return []
      const timeoutMs = options.timeoutMs ?? 30000
      assertInt32(timeoutMs, 'timeoutMs')
      await this.connect()
      const broker = await this.cluster.controllerBroker()
      const version = this.version(broker, 'ElectLeaders', ELECT_LEADERS_KEY, ELECT_LEADERS_VERSIONS)
      const res = await broker.send(electLeadersRequest(version, type, grouped, timeoutMs), timeoutMs + 5000)
      if (res.errorCode !== 0) throw kafkaError(res.errorCode, `ElectLeaders (${type})`)
      return res.partitions.map((p): ElectionResult => {
        const base = {topic: p.topic, partition: p.partition, errorCode: p.errorCode, errorName: kafkaErrorName(p.errorCode), errorMessage: p.errorMessage}
        if (p.errorCode === 0) return {...base, outcome: 'elected'}
        if (p.errorCode === KafkaErrorCode.ELECTION_NOT_NEEDED) return {...base, outcome: 'not-needed'}
        return {...base, outcome: 'failed', error: this.redact(kafkaError(p.errorCode, `ElectLeaders for ${p.topic}-${p.partition}`, p.errorMessage))}
      })
    })
  }

  /**
   * ListOffsets with replica id -2 sent to `brokerId`: that broker's own offset for each
   * partition replica it hosts (LATEST = its log end offset), follower or leader. Compare
   * with the leader's result to get a follower's offset gap. Anything the broker refuses
   * (NOT_LEADER_OR_FOLLOWER when it hosts no replica, authorization, ...) or a broker that
   * cannot be reached comes back as measurable: false with the reason, never a number.
   */
  async listReplicaOffsets(
    brokerId: number,
    partitions: TopicPartition[],
    options: {timestamp?: 'latest' | 'earliest'} = {},
  ): Promise<ReplicaOffsetResult[]> {
    return this.guard(async () => {
      const grouped = groupPartitions(partitions)
      const unique = grouped.flatMap((g) => g.partitions.map((partition) => ({topic: g.topic, partition})))
      if (unique.length === 0) return []
      await this.connect()
      this.assertKnownBroker(brokerId)
      const timestamp = (options.timestamp ?? 'latest') === 'latest' ? LATEST_TIMESTAMP : EARLIEST_TIMESTAMP
      const notMeasurable = (tp: TopicPartition, reason: string, errorCode: number | null): ReplicaOffsetResult => ({
        ...tp,
        brokerId,
        measurable: false,
        reason,
        errorCode,
        errorName: errorCode === null ? null : kafkaErrorName(errorCode),
      })
      let raw
      try {
        const broker = await this.cluster.broker(brokerId)
        const version = this.version(broker, 'ListOffsets', LIST_OFFSETS_KEY, LIST_OFFSETS_VERSIONS)
        raw = await broker.send(listOffsetsRequest(version, DEBUGGING_REPLICA_ID, unique.map((tp) => ({...tp, timestamp}))))
      } catch (e) {
        const err = this.redact(toFleetopsError(e, `ListOffsets to broker ${brokerId}`))
        return unique.map((tp) => notMeasurable(tp, err.message, null))
      }
      return unique.map((tp): ReplicaOffsetResult => {
        const r = raw.find((x) => x.topic === tp.topic && x.partition === tp.partition)
        if (!r) return notMeasurable(tp, `broker ${brokerId} returned no result for ${tp.topic}-${tp.partition}`, null)
        if (r.errorCode !== 0) {
          return notMeasurable(tp, `broker ${brokerId} refused: ${kafkaErrorName(r.errorCode)} (${r.errorCode})`, r.errorCode)
        }
        if (r.offset < 0) return notMeasurable(tp, `broker ${brokerId} returned no offset for ${tp.topic}-${tp.partition}`, 0)
        return {...tp, brokerId, measurable: true, offset: r.offset, leaderEpoch: r.leaderEpoch < 0 ? null : r.leaderEpoch}
      })
    })
  }

  /**
   * A consumer group's committed offsets, read with OffsetFetch from its coordinator:
   * every partition it has committed on (topics null) or the given topics. Read-only: it
   * neither joins the group nor commits. Partitions without a commit have offset null.
   * OffsetFetch v10 (topics by id) is used only when every given topic has a known, non-zero
   * id (from Metadata); otherwise at most v9, by name. A topic the coordinator does not know
   * (UNKNOWN_TOPIC_ID, UNKNOWN_TOPIC_OR_PARTITION) comes back with offset null and a note.
   */
  async fetchCommittedOffsets(groupId: string, topics: OffsetFetchTopic[] | null = null): Promise<CommittedOffset[]> {
    return this.guard(async () => {
      if (!groupId) throw new FleetopsError('BAD_INPUT', 'group id must not be empty')
      await this.cluster.connect()
      const namesById = new Map<string, string>()
      const byIds = topics !== null && topics.length > 0 && topics.every((t) => typeof t.topicId === 'string' && /^[0-9a-f]{32}$/i.test(t.topicId) && !/^0+$/.test(t.topicId))
      if (byIds) for (const t of topics) namesById.set(t.topicId!.toLowerCase(), t.topic)
      const ours = byIds ? OFFSET_FETCH_VERSIONS : {min: OFFSET_FETCH_VERSIONS.min, max: OFFSET_FETCH_TOPIC_ID_VERSION - 1}
      return retryWhileCoordinatorMoves(
        async () => {
          const coordinator = await this.cluster.groupCoordinator(groupId)
          const version = this.version(coordinator, 'OffsetFetch', OFFSET_FETCH_KEY, ours)
          const res = await coordinator.send(offsetFetchRequest(version, groupId, topics, namesById))
          if (res.errorCode !== 0) throw kafkaError(res.errorCode, `OffsetFetch for group "${groupId}"`)
          return res.partitions.map((p): CommittedOffset => {
            if (p.errorCode === KafkaErrorCode.UNKNOWN_TOPIC_ID || p.errorCode === KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
              return {topic: p.topic, partition: p.partition, offset: null, note: `OffsetFetch v${version}: ${kafkaErrorName(p.errorCode)} (${p.errorCode}) for ${p.topic}-${p.partition}; treated as an unknown topic`}
            }
            if (p.errorCode !== 0) throw kafkaError(p.errorCode, `OffsetFetch for group "${groupId}" on ${p.topic}-${p.partition}`)
            return {topic: p.topic, partition: p.partition, offset: p.offset < 0 ? null : p.offset}
          })
        },
        kafkaCodeOf,
        () => this.cluster.forgetGroupCoordinator(groupId),
      )
    })
  }

  /**
   * Committed offsets of several groups (every partition each has committed on): one
   * OffsetFetch v8 per coordinator for all its groups, where the coordinator speaks v8
   * (Kafka 3.0+); one request per group otherwise, and again alone for a group whose batched
   * answer was an error (a coordinator that moved is asked again there). Per-group failures
   * are returned, not thrown.
   */
  async fetchCommittedOffsetsOfGroups(groupIds: readonly string[], concurrency = 32): Promise<Map<string, CommittedOffset[] | FleetopsError>> {
    const out = new Map<string, CommittedOffset[] | FleetopsError>()
    if (groupIds.length === 0) return out
    await this.guard(() => this.cluster.connect())
    const alone: string[] = []
    const batchable: GroupCoordinator[] = []
    await this.cluster.learnGroupCoordinators(groupIds)
    await mapLimited(groupIds, concurrency, async (groupId) => {
      try {
        const broker = await this.cluster.groupCoordinator(groupId)
        const v = broker.versions[OFFSET_FETCH_KEY]
        if (this.maxApiVersions.OffsetFetch !== undefined || !v || v.maxVersion < OFFSET_FETCH_GROUPS_VERSION) {
          alone.push(groupId)
          return
        }
        batchable.push({groupId, broker})
      } catch {
        alone.push(groupId)
      }
    })
    await byLeader(batchable, coordinatorOf, async (_, entries) => {
      const broker = entries[0]!.broker
      const groups = entries.map((e) => e.groupId)
      let answers: OffsetFetchGroupResponse[]
      try {
        answers = await broker.send(offsetFetchGroupsRequest(groups))
      } catch {
        alone.push(...groups)
        return
      }
      const answered = new Set<string>()
      for (const g of answers) {
        answered.add(g.groupId)
        if (g.errorCode !== 0 || g.partitions.some((p) => p.errorCode !== 0)) {
          alone.push(g.groupId)
          continue
        }
        out.set(g.groupId, g.partitions.map((p) => ({topic: p.topic, partition: p.partition, offset: p.offset < 0 ? null : p.offset})))
      }
      for (const g of groups) if (!answered.has(g)) alone.push(g)
    })
    await mapLimited(alone, concurrency, async (groupId) => {
      try {
        out.set(groupId, await this.fetchCommittedOffsets(groupId))
      } catch (error) {
        out.set(groupId, isFleetopsError(error) ? error : toFleetopsError(error, `OffsetFetch for group "${groupId}"`))
      }
    })
    return out
  }

  /**
   * End offsets as a consumer sees them (ListOffsets replica id -1, LATEST, sent to each
   * leader, one request per broker, brokers concurrently): isolation 0 = high watermark,
   * 1 = last stable offset. Per-partition and per-broker failures come back as ok: false
   * with the reason.
   */
  async listEndOffsets(partitions: LeaderPartition[], isolationLevel: 0 | 1): Promise<EndOffsetResult[]> {
    return (await this.listEndOffsetsAndTimestamps(partitions.map((p) => ({...p, committed: []})), isolationLevel)).ends
  }

  /**
   * Per leader broker, concurrently: one ListOffsets for all its partitions (as in
   * listEndOffsets) and, at the same time on the broker's Fetch connection, one Fetch for
   * the records at the committed offsets (as in fetchRecordTimestamps). The two do not wait
   * for each other: a partition whose committed offset turns out not to lie below the end
   * offset read has its Fetch answer dropped, and a lagging partition whose Fetch did not
   * find its record (the Fetch was served before a record arrived, or the record is gone)
   * is fetched again once the end offset is known. `committed` lists the distinct committed
   * offsets of interest (several groups may differ); timestamps are keyed by
   * partitionOffsetKey(topic, partition, offset).
   */
  async listEndOffsetsAndTimestamps(
    partitions: (LeaderPartition & {committed: number[]})[],
    isolationLevel: 0 | 1,
  ): Promise<{ends: EndOffsetResult[]; stamps: Map<string, RecordTimestampResult>}> {
    return this.guard(async () => {
      const ends: EndOffsetResult[] = []
      const stamps = new Map<string, RecordTimestampResult>()
      if (partitions.length === 0) return {ends, stamps}
      await this.connect()
      await byLeader(
        partitions,
        leaderOf,
        (leader, tps) => this.endOffsetsAndTimestampsFromLeader(leader, tps, isolationLevel, ends, stamps),
        (p) => {
          ends.push({topic: p.topic, partition: p.partition, ok: false, reason: 'partition has no leader'})
          for (const c of p.committed) stamps.set(partitionOffsetKey(p.topic, p.partition, c), {kind: 'unknown', reason: 'partition has no leader'})
        },
      )
      return {ends, stamps}
    })
  }

  /** listEndOffsetsAndTimestamps for the partitions one broker leads; results go into `ends` and `stamps`. */
  private async endOffsetsAndTimestampsFromLeader(
    leader: number,
    tps: (LeaderPartition & {committed: number[]})[],
    isolationLevel: 0 | 1,
    ends: EndOffsetResult[],
    stamps: Map<string, RecordTimestampResult>,
  ): Promise<void> {
    let broker: InternalBroker
    let raw
    const early = new Map<string, RecordTimestampResult>()
    try {
      broker = await this.cluster.broker(leader)
      const version = this.version(broker, 'ListOffsets', LIST_OFFSETS_KEY, LIST_OFFSETS_VERSIONS)
      const wanted: RecordAtOffset[] = []
      for (const tp of tps) for (const c of tp.committed) wanted.push({topic: tp.topic, partition: tp.partition, leader, offset: c})
      ;[raw] = await Promise.all([
        broker.send(listOffsetsRequest(version, -1, tps.map((tp) => ({topic: tp.topic, partition: tp.partition, timestamp: LATEST_TIMESTAMP})), isolationLevel)),
        timestampsFromLeader(this.timestampSource, broker, wanted, early, isolationLevel),
      ])
    } catch (e) {
      const err = this.redact(toFleetopsError(e, `ListOffsets to broker ${leader}`))
      for (const tp of tps) {
        ends.push({topic: tp.topic, partition: tp.partition, ok: false, reason: err.message, error: err})
        for (const c of tp.committed) stamps.set(partitionOffsetKey(tp.topic, tp.partition, c), {kind: 'unknown', reason: err.message})
      }
      return
    }
    const index = PartitionIndex.of(raw)
    const again: RecordAtOffset[] = []
    for (const tp of tps) {
      const {topic, partition} = tp
      const r = index.get(topic, partition)
      // Plain literals, no spreads: this loop runs once per partition in cold code.
      if (!r) ends.push({topic, partition, ok: false, reason: `broker ${leader} returned no offset`})
      else if (r.errorCode !== 0) {
        ends.push({topic, partition, ok: false, reason: `broker ${leader}: ${kafkaErrorName(r.errorCode)} (${r.errorCode})`, error: kafkaError(r.errorCode, `ListOffsets for ${topic}-${partition}`)})
      } else {
        ends.push({topic, partition, ok: true, offset: r.offset})
        for (const c of tp.committed) {
          if (c >= r.offset) continue // not lagging: no time lag to read
          const k = partitionOffsetKey(topic, partition, c)
          const found = early.get(k)
          if (found?.kind === 'found') stamps.set(k, found)
          else again.push({topic, partition, leader, offset: c})
        }
      }
    }
    await timestampsFromLeader(this.timestampSource, broker, again, stamps, isolationLevel)
  }

  /**
   * Timestamp of the first record at or after each given offset, read with sessionless
   * Fetches from each partition's leader (brokers concurrently; isolation 0 READ_UNCOMMITTED
   * by default, 1 READ_COMMITTED skips aborted transactions). The rounds are in
   * record-timestamps.ts. Keyed by partitionOffsetKey(topic, partition, offset).
   */
  async fetchRecordTimestamps(items: RecordAtOffset[], isolationLevel: 0 | 1 = 0): Promise<Map<string, RecordTimestampResult>> {
    return this.guard(async () => {
      if (items.length === 0) return new Map<string, RecordTimestampResult>()
      await this.connect()
      return fetchRecordTimestamps(this.timestampSource, items, isolationLevel)
    })
  }

  /**
   * Raw record batches of each partition from the given offset, read with a sessionless
   * Fetch from the leader (replica id -1, isolation 0 READ_UNCOMMITTED or 1 READ_COMMITTED,
   * which also returns the aborted transactions for readableBatches()): no group is joined,
   * nothing is committed. One request per leader. Used by `hash kafka-partitions --sample`.
   * Keyed by partitionKey(topic, partition).
   */
  async fetchRecordBatches(
    items: RecordAtOffset[],
    partitionMaxBytes = 1024 * 1024,
    isolationLevel: 0 | 1 = 0,
  ): Promise<Map<string, FetchedBatches | {error: string}>> {
    return this.guard(async () => {
      const out = new Map<string, FetchedBatches | {error: string}>()
      if (items.length === 0) return out
      await this.connect()
      await byLeader(
        items,
        leaderOf,
        async (leader, list) => {
          try {
            const broker = await this.cluster.broker(leader)
            const version = this.version(broker, 'Fetch', FETCH_KEY, FETCH_VERSIONS)
            const queries: FetchPartitionQuery[] = list.map((it) => ({topic: it.topic, partition: it.partition, fetchOffset: it.offset, partitionMaxBytes}))
            const res = await broker.send(fetchRequest(version, queries, {maxBytes: 64 * 1024 * 1024, isolationLevel}))
            if (res.errorCode !== 0) throw kafkaError(res.errorCode, `Fetch from broker ${leader}`)
            for (const p of res.partitions) {
              const {errorCode, highWatermark, logStartOffset, abortedTransactions, records} = p
              out.set(partitionKey(p.topic, p.partition), {errorCode, highWatermark, logStartOffset, abortedTransactions, records})
            }
          } catch (e) {
            const err = this.redact(toFleetopsError(e, `Fetch from broker ${leader}`))
            for (const it of list) out.set(partitionKey(it.topic, it.partition), {error: err.message})
          }
        },
        (it) => out.set(partitionKey(it.topic, it.partition), {error: 'partition has no leader'}),
      )
      return out
    })
  }

  async close(): Promise<void> {
    await this.cluster.disconnect().catch(() => {})
    this.ready = null
  }

  // -------------------------------------------------------------------------

  private connect(): Promise<void> {
    if (!this.ready) {
      this.ready = (async () => {
        await this.cluster.connect()
        await this.cluster.refreshMetadata()
      })()
      this.ready.catch(() => {
        this.ready = null
      })
    }
    return this.ready
  }

  private assertKnownBroker(id: number): void {
    assertInt32(id, 'broker id')
    const known = this.cluster.nodeIds()
    if (!known.includes(id)) {
      throw new FleetopsError('BAD_INPUT', `broker ${id} is not in the cluster metadata (known brokers: ${known.join(', ')})`)
    }
  }

  private version(broker: InternalBroker, apiName: keyof MaxApiVersions, apiKey: number, ours: {min: number; max: number}): number {
    const cap = this.maxApiVersions[apiName]
    if (cap !== undefined && (!Number.isInteger(cap) || cap < ours.min)) {
      throw new FleetopsError('BAD_INPUT', `maxApiVersions.${apiName} must be an integer >= ${ours.min}, got ${String(cap)}`)
    }
    const range = {min: ours.min, max: Math.min(ours.max, cap ?? ours.max)}
    return negotiateVersion(apiName, apiKey, range, broker.versions, `broker ${broker.nodeId} (${broker.address})`)
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw this.redact(isFleetopsError(e) ? e : toFleetopsError(e, 'Kafka request'))
    }
  }

  /** Defence in depth: strip any configured secret that might have reached a message. */
  private redact(err: FleetopsError): FleetopsError {
    if (!this.secrets.some((s) => err.message.includes(s))) return err
    let message = err.message
    for (const s of this.secrets) message = message.split(s).join('***')
    return new FleetopsError(err.code, message, {exit: err.exit})
  }
}

function failed(res: ConfigResourceChange, error: FleetopsError): AlterConfigsResult {
  return {type: res.type, name: res.name, ok: false, errorCode: -1, errorName: error.code, errorMessage: error.message, error}
}

function validateConfigChanges(resources: ConfigResourceChange[]): void {
  const seen = new Set<string>()
  for (const res of resources) {
    if (res.type !== 'TOPIC' && res.type !== 'BROKER' && res.type !== 'BROKER_LOGGER') {
      throw new FleetopsError('BAD_INPUT', `config resource type must be TOPIC, BROKER or BROKER_LOGGER, got ${String(res.type)}`)
    }
    if (res.type === 'TOPIC' && res.name === '') throw new FleetopsError('BAD_INPUT', 'a TOPIC config resource needs a topic name')
    if (res.type !== 'TOPIC' && res.name !== '' && !/^\d+$/.test(res.name)) {
      throw new FleetopsError('BAD_INPUT', `a ${res.type} config resource name must be a broker id or "" (cluster default), got "${res.name}"`)
    }
    const key = `${res.type}/${res.name}`
    if (seen.has(key)) throw new FleetopsError('BAD_INPUT', `config resource ${res.type} "${res.name}" is listed twice; merge its changes`)
    seen.add(key)
    if (res.configs.length === 0) throw new FleetopsError('BAD_INPUT', `no config changes given for ${res.type} "${res.name}"`)
    for (const c of res.configs) {
      if (!c.name) throw new FleetopsError('BAD_INPUT', `empty config name for ${res.type} "${res.name}"`)
      if (!['SET', 'DELETE', 'APPEND', 'SUBTRACT'].includes(c.op)) {
        throw new FleetopsError('BAD_INPUT', `config operation must be SET, DELETE, APPEND or SUBTRACT, got ${String(c.op)}`)
      }
      if (c.op !== 'DELETE' && (c.value === undefined || c.value === null)) {
        throw new FleetopsError('BAD_INPUT', `${c.op} of ${c.name} on ${res.type} "${res.name}" needs a value`)
      }
    }
  }
}

function groupPartitions(partitions: TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, Set<number>>()
  for (const {topic, partition} of partitions) {
    if (!topic) throw new FleetopsError('BAD_INPUT', 'topic name must not be empty')
    assertInt32(partition, `partition of topic ${topic}`)
    const set = byTopic.get(topic) ?? new Set<number>()
    set.add(partition)
    byTopic.set(topic, set)
  }
  return [...byTopic].map(([topic, set]) => ({topic, partitions: [...set].sort((a, b) => a - b)}))
}

function collectSecrets(options: KafkaTransportOptions): string[] {
  const out: string[] = []
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v.length >= 4) out.push(v)
    else if (Buffer.isBuffer(v) && v.length >= 4) out.push(v.toString('utf8'))
  }
  if (options.sasl) {
    add(options.sasl.username)
    add(options.sasl.password)
  }
  const ssl = options.ssl
  if (ssl && typeof ssl === 'object') {
    const s = ssl as Record<string, unknown>
    add(s.passphrase)
    add(s.key)
    add(s.pfx)
  }
  return out
}

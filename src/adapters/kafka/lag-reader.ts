import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  nameTopicIdAssignment,
  shareStartOffsets,
  streamsTaskAssignment,
  unnamedTopicIds,
  unsupportedGroupApiNote,
  type GroupMember,
  type GroupType,
  type TopicIdAssignment,
} from '../../core/lag/index.js'
import {partitionKey} from '../../core/partition-index.js'
import {classifySdkError} from '../classify-error.js'
import {
  KafkaProtocolClient,
  type CommittedOffset,
  type EndOffsetResult,
  kafkaErrorName,
  KafkaErrorCode,
  type LeaderPartition,
  type ListedGroup,
  type RecordTimestampResult,
  type ReplicaOffsetResult,
  type TopicPartition,
} from './protocol/index.js'
import {transportOptions} from './transport-options.js'


/**
 * Everything the lag probes read from Kafka, strictly read-only: no consumer is created,
 * no group is joined, nothing is committed (kafkajs's admin.fetchOffsets with
 * resolveOffsets and every consumer would write offsets, so neither is used).
 *  - groups: ListGroups / DescribeGroups to the coordinator, member assignments decoded
 *  - metadata: our own Metadata request, which reports offline partitions (leader -1,
 *    LEADER_NOT_AVAILABLE) as data where kafkajs's metadata throws
 *  - committed offsets: OffsetFetch to the coordinator (protocol client)
 *  - end offsets: ListOffsets replica -1 with an explicit isolation level, per leader
 *  - record timestamps: a sessionless Fetch of the record at an offset, per leader
 *  - replicas: metadata, min.insync.replicas, reassignments, per-replica LEO (replica -2)
 * Everything goes over one set of broker connections (the protocol client's). No kafkajs
 * admin: its every call first refreshes the metadata of all topics, which throws as soon
 * as one partition anywhere is offline.
 */

export interface GroupInfo {
  group: string
  /** The state its type's describe API gives (Stable, Empty, PreparingRebalance, Reconciling, Dead, ...). */
  state: string
  protocolType: string
  members: GroupMember[]
  /** describeGroupsOfEveryType only: the group's type (null: found by none of the describe APIs). */
  type?: GroupType | null
  groupEpoch?: number | null
  assignmentEpoch?: number | null
  /** One-line remarks, e.g. a describe API the broker lacks. */
  notes?: string[]
}

/** A share partition's start offset as a committed offset, with the broker's lag (v1+; null when unknown). */
export type ShareStartOffset = CommittedOffset & {brokerLag: number | null}

export interface TopicPartitionsMeta {
  topic: string
  /** 32 hex digits (Metadata v10+); null before. */
  topicId?: string | null
  /** Kafka's own topics (__consumer_offsets, __transaction_state, ...). */
  internal: boolean
  partitions: {
    partition: number
    leader: number | null
    replicas: number[]
    isr: number[]
    offlineReplicas: number[]
    /** Kafka's partition error code in the metadata (5 LEADER_NOT_AVAILABLE when offline). */
    errorCode: number
  }[]
}

/** DescribeConfigs config_source of a value set on the topic itself (TOPIC_CONFIG). */
const TOPIC_CONFIG_SOURCE = 1

export type TopicConfigs = {ok: true; values: Record<string, string | null>; overrides: string[]} | {ok: false; error: string}

export interface MetadataSnapshot {
  /** Brokers registered (and not fenced) in the cluster, sorted. */
  brokers: number[]
  topics: Map<string, TopicPartitionsMeta>
  /** Topics asked for by name that do not exist (UNKNOWN_TOPIC_OR_PARTITION). */
  missing: string[]
}

export class KafkaLagReader {
  private readonly protocol: KafkaProtocolClient

  constructor(conn: KafkaConnection, verbose = false, clientId = 'fleetops-lag') {
    this.protocol = new KafkaProtocolClient(transportOptions(conn, clientId, verbose))
  }

  private async wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw classifySdkError(error, what)
    }
  }

  /**
   * Opens connections to every broker now, the Fetch ones included when `fetch` (failures
   * surface in the requests that need them).
   */
  async warmUp({fetch = false}: {fetch?: boolean} = {}): Promise<void> {
    await this.protocol.warmUp(undefined, {fetch})
  }

  async listGroups(): Promise<string[]> {
    return this.wrap('Kafka: listing consumer groups', () => this.protocol.listGroups())
  }

  async describeGroups(groupIds: string[]): Promise<GroupInfo[]> {
    if (groupIds.length === 0) return []
    return this.wrap('Kafka: describing consumer groups', async () =>
      (await this.protocol.describeGroups(groupIds)).map((g) => ({
        group: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        members: g.members.map((m) => ({memberId: m.memberId, clientId: m.clientId, host: m.clientHost.replace(/^\//, ''), assignments: m.assignments})),
      })),
    )
  }

  /**
   * Each group described by the API of its type: DescribeGroups for classic groups, then, for
   * the groups it does not know (v1-v5 "Dead", v6 GROUP_ID_NOT_FOUND) or whose listed type
   * (`types`, from ListGroups v5) is another, ConsumerGroupDescribe, StreamsGroupDescribe and
   * ShareGroupDescribe. Assignments are turned into topic partitions: topic ids named (by the
   * broker, else by Metadata), streams tasks mapped to their source topics' partitions. A
   * describe API the broker lacks becomes a one-line note on the group, not an error.
   */
  async describeGroupsOfEveryType(groupIds: string[], types: ReadonlyMap<string, GroupType | null> = new Map()): Promise<GroupInfo[]> {
    if (groupIds.length === 0) return []
    const classicIds = groupIds.filter((g) => (types.get(g) ?? 'classic') === 'classic')
    const out = new Map<string, GroupInfo>()
    for (const g of await this.describeGroups(classicIds)) out.set(g.group, {...g, type: g.state === 'Dead' ? null : 'classic', groupEpoch: null, assignmentEpoch: null, notes: []})
    const rest = groupIds.filter((g) => {
      const info = out.get(g)
      return !info || info.state === 'Dead'
    })
    if (rest.length === 0) return groupIds.map((g) => out.get(g)!)
    const wants = (type: GroupType) => rest.filter((g) => (types.get(g) ?? null) === null || types.get(g) === type)
    const [consumer, streams, share] = await this.wrap('Kafka: describing groups', () =>
      Promise.all([
        this.protocol.consumerGroupDescribe(wants('consumer')),
        this.protocol.streamsGroupDescribe(wants('streams')),
        this.protocol.shareGroupDescribe(wants('share')),
      ]),
    )
    const unsupported: {type: GroupType; reason: string}[] = []
    const found = new Map<string, {type: GroupType; state: string; groupEpoch: number; assignmentEpoch: number; members: (Omit<GroupMember, 'assignments'> & {assigned: TopicIdAssignment[] | null; tasks?: {subtopologyId: string; partitions: number[]}[]})[]; subtopologies?: Parameters<typeof streamsTaskAssignment>[0]}>()
    const take = <T extends {groupId: string; errorCode: number; errorMessage: string | null; groupState: string; groupEpoch: number; assignmentEpoch: number}>(
      type: GroupType,
      answer: {supported: true; groups: T[]} | {supported: false; reason: string},
      members: (g: T) => (Omit<GroupMember, 'assignments'> & {assigned: TopicIdAssignment[] | null; tasks?: {subtopologyId: string; partitions: number[]}[]})[],
      subtopologies?: (g: T) => Parameters<typeof streamsTaskAssignment>[0],
    ): void => {
      if (!answer.supported) {
        unsupported.push({type, reason: answer.reason})
        return
      }
      for (const g of answer.groups) {
        if (g.errorCode === KafkaErrorCode.GROUP_ID_NOT_FOUND) continue
        // The broker has the API but not the group type turned on (share groups on 4.1 without
        // share.version): like a broker without the API, a note when no other type has the group.
        if (g.errorCode === KafkaErrorCode.UNSUPPORTED_VERSION) {
          if (!unsupported.some((u) => u.type === type)) unsupported.push({type, reason: `${type} groups are not enabled on this broker (UNSUPPORTED_VERSION)`})
          continue
        }
        if (g.errorCode !== 0) throw new FleetopsError(g.errorCode === KafkaErrorCode.GROUP_AUTHORIZATION_FAILED ? 'PERMISSION' : 'UNAVAILABLE', `${type} group "${g.groupId}": ${kafkaErrorName(g.errorCode)}${g.errorMessage ? ` (${g.errorMessage})` : ''}`)
        found.set(g.groupId, {type, state: g.groupState, groupEpoch: g.groupEpoch, assignmentEpoch: g.assignmentEpoch, members: members(g), subtopologies: subtopologies?.(g)})
      }
    }
    const host = (h: string) => h.replace(/^\//, '')
    take('consumer', consumer, (g) => g.members.map((m) => ({memberId: m.memberId, clientId: m.clientId, host: host(m.clientHost), memberEpoch: m.memberEpoch, assigned: m.assignment})))
    take('share', share, (g) => g.members.map((m) => ({memberId: m.memberId, clientId: m.clientId, host: host(m.clientHost), memberEpoch: m.memberEpoch, assigned: m.assignment})))
    take(
      'streams',
      streams,
      (g) => g.members.map((m) => ({memberId: m.memberId, clientId: m.clientId, host: host(m.clientHost), memberEpoch: m.memberEpoch, assigned: null, tasks: m.assignment.activeTasks})),
      (g) => g.topology?.subtopologies ?? null,
    )
    // Topic ids the broker did not name: one Metadata request for every topic.
    const unnamed = [...found.values()].flatMap((f) => f.members.flatMap((m) => unnamedTopicIds(m.assigned ?? [])))
    const namesById = new Map<string, string>()
    if (unnamed.length > 0) for (const t of (await this.metadata(null)).topics.values()) if (t.topicId) namesById.set(t.topicId, t.topic)
    for (const g of rest) {
      const f = found.get(g)
      const classic = out.get(g)
      if (!f) {
        const listed = types.get(g) ?? null
        const missing = unsupported.filter((u) => listed === null || u.type === listed)
        const notes = missing.length > 0 && (listed !== null || classic?.state === 'Dead') ? missing.map((u) => unsupportedGroupApiNote(u.type, u.reason)) : []
        out.set(g, classic ? {...classic, type: listed, notes} : {group: g, state: 'Dead', protocolType: '', members: [], type: listed, groupEpoch: null, assignmentEpoch: null, notes})
        continue
      }
      const notes: string[] = []
      const members = f.members.map(({assigned, tasks, ...m}): GroupMember => {
        const named = tasks ? streamsTaskAssignment(f.subtopologies ?? null, tasks) : nameTopicIdAssignment(assigned ?? [], namesById)
        if (named.unresolved.length > 0) notes.push(`member ${m.memberId}: ${tasks ? 'subtopologies' : 'topic ids'} not in the cluster metadata: ${named.unresolved.join(', ')}`)
        return {...m, assignments: named.assignments}
      })
      out.set(g, {group: g, state: f.state, protocolType: f.type, members, type: f.type, groupEpoch: f.groupEpoch, assignmentEpoch: f.assignmentEpoch, notes})
    }
    return groupIds.map((g) => out.get(g)!)
  }

  /**
   * Share groups' share-partition start offsets (DescribeShareGroupOffsets), as committed
   * offsets: the earliest record not yet acknowledged for good. `{ok: false, note}` when the
   * broker lacks the API.
   */
  async shareGroupStartOffsets(groupIds: string[]): Promise<{ok: true; offsets: Map<string, ShareStartOffset[]>} | {ok: false; note: string}> {
    const offsets = new Map<string, ShareStartOffset[]>()
    if (groupIds.length === 0) return {ok: true, offsets}
    const answer = await this.wrap('Kafka: reading share group offsets', () => this.protocol.describeShareGroupOffsets(groupIds))
    if (!answer.supported) return {ok: false, note: `share-partition start offsets not read (${answer.reason})`}
    for (const g of answer.groups) {
      if (g.errorCode !== 0 && g.errorCode !== KafkaErrorCode.GROUP_ID_NOT_FOUND) {
        throw new FleetopsError('UNAVAILABLE', `DescribeShareGroupOffsets of share group "${g.groupId}": ${kafkaErrorName(g.errorCode)}${g.errorMessage ? ` (${g.errorMessage})` : ''}`)
      }
      const {offsets: list, errors} = shareStartOffsets(g.partitions.map((p) => ({...p, errorName: kafkaErrorName(p.errorCode)})))
      if (errors.length > 0) throw new FleetopsError('UNAVAILABLE', `DescribeShareGroupOffsets of share group "${g.groupId}": ${errors.slice(0, 3).join('; ')}`)
      offsets.set(g.groupId, list)
    }
    for (const g of groupIds) if (!offsets.has(g)) offsets.set(g, [])
    return {ok: true, offsets}
  }

  /**
   * Metadata of the given topics (null = every topic, internal ones included), in one
   * request. Offline partitions are data (leader null, errorCode 5), never an error.
   */
  async metadata(topics: string[] | null = null): Promise<MetadataSnapshot> {
    return this.wrap('Kafka: reading topic metadata', async () => {
      const res = await this.protocol.metadata(topics)
      const out = new Map<string, TopicPartitionsMeta>()
      const missing: string[] = []
      for (const t of res.topics) {
        if (t.name === null) continue
        if (t.errorCode === KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          missing.push(t.name)
          continue
        }
        if (t.errorCode === KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED) throw new FleetopsError('PERMISSION', `not authorized to describe topic "${t.name}" (TOPIC_AUTHORIZATION_FAILED)`)
        // A topic-level error with no partitions (e.g. still being created) has nothing to show.
        if (t.errorCode !== 0 && t.partitions.length === 0) continue
        out.set(t.name, {
          topic: t.name,
          topicId: t.topicId,
          internal: t.isInternal,
          partitions: t.partitions
            .map((p) => ({
              partition: p.partition,
              leader: p.leaderId < 0 ? null : p.leaderId,
              replicas: p.replicas,
              isr: p.isr,
              offlineReplicas: p.offlineReplicas,
              errorCode: p.errorCode,
            }))
            .sort((a, b) => a.partition - b.partition),
        })
      }
      return {brokers: res.brokers.map((b) => b.nodeId).sort((a, b) => a - b), topics: out, missing}
    })
  }

  /** Metadata of every topic (one request); internal topics included. */
  async topics(): Promise<Map<string, TopicPartitionsMeta>> {
    return (await this.metadata(null)).topics
  }

  async liveBrokers(): Promise<number[]> {
    return (await this.metadata([])).brokers
  }

  /** Every group with its protocol type and, where the broker reports them (ListGroups v4/v5), its state and type. */
  async listGroupListings(): Promise<ListedGroup[]> {
    return this.wrap('Kafka: listing consumer groups', () => this.protocol.listGroupListings())
  }

  /**
   * The given config keys of each topic (DescribeConfigs; one request): effective values, and
   * which keys are set on the topic itself. A topic the broker refused maps to its error.
   */
  async topicConfigs(topics: string[], keys: string[]): Promise<Map<string, TopicConfigs>> {
    const out = new Map<string, TopicConfigs>()
    if (topics.length === 0) return out
    return this.wrap('Kafka: reading topic configs', async () => {
      for (const r of await this.protocol.describeTopicConfigs(topics, keys)) {
        if (r.errorCode !== 0) {
          out.set(r.name, {ok: false, error: `${kafkaErrorName(r.errorCode)}${r.errorMessage ? `: ${r.errorMessage}` : ''}`})
          continue
        }
        const values: Record<string, string | null> = {}
        const overrides: string[] = []
        for (const e of r.configs) {
          values[e.name] = e.sensitive ? null : e.value
          if (e.source === TOPIC_CONFIG_SOURCE) overrides.push(e.name)
        }
        out.set(r.name, {ok: true, values, overrides: overrides.sort()})
      }
      return out
    })
  }

  /** min.insync.replicas per topic (DescribeConfigs; one request). */
  async minInsyncReplicas(topics: string[]): Promise<Record<string, number>> {
    if (topics.length === 0) return {}
    return this.wrap('Kafka: reading topic configs', async () => {
      const out: Record<string, number> = {}
      for (const r of await this.protocol.describeTopicConfigs(topics, ['min.insync.replicas'])) {
        if (r.errorCode !== 0) continue
        const entry = r.configs.find((e) => e.name === 'min.insync.replicas')
        if (entry?.value && /^\d+$/.test(entry.value)) out[r.name] = Number(entry.value)
      }
      return out
    })
  }

  /** Ongoing reassignments; null when the cluster cannot list them. */
  async reassignments(): Promise<Map<string, {adding: number[]; removing: number[]}> | null> {
    try {
      const out = new Map<string, {adding: number[]; removing: number[]}>()
      for (const r of await this.protocol.listPartitionReassignments()) out.set(partitionKey(r.topic, r.partition), {adding: r.adding, removing: r.removing})
      return out
    } catch {
      return null
    }
  }

  /**
   * Eligible leader replicas (KIP-966) per partition, keyed by partitionKey, from
   * DescribeTopicPartitions (every page). `{ok: false, note}` when the broker lacks the API
   * or the request fails: the caller carries on without ELR. A list is null where the broker
   * does not track ELR (feature `eligible.leader.replicas.version` off).
   */
  async eligibleLeaderReplicas(
    topics: string[],
  ): Promise<{ok: true; partitions: Map<string, {elr: number[] | null; lastKnownElr: number[] | null}>} | {ok: false; note: string}> {
    if (topics.length === 0) return {ok: true, partitions: new Map()}
    try {
      const res = await this.protocol.describeTopicPartitions(topics)
      if (!res.supported) return {ok: false, note: `ELR not shown: ${res.reason}`}
      const partitions = new Map<string, {elr: number[] | null; lastKnownElr: number[] | null}>()
      for (const t of res.topics) {
        if (t.name === null || t.errorCode !== 0) continue
        for (const p of t.partitions) {
          if (p.errorCode !== 0 && p.errorCode !== KafkaErrorCode.LEADER_NOT_AVAILABLE) continue
          partitions.set(partitionKey(t.name, p.partitionIndex), {elr: p.eligibleLeaderReplicas, lastKnownElr: p.lastKnownElr})
        }
      }
      return {ok: true, partitions}
    } catch (error) {
      return {ok: false, note: `ELR not shown: DescribeTopicPartitions failed (${(error as Error).message})`}
    }
  }

  /** Broker ids the protocol client can address (registered in metadata). */
  async registeredBrokers(): Promise<number[]> {
    return this.wrap('Kafka', () => this.protocol.brokerIds())
  }

  /**
   * A group's committed offsets: every topic it committed on, or only the given topics; given
   * with their ids from Metadata, a Kafka 4.x coordinator is asked with OffsetFetch v10.
   */
  async committedOffsets(groupId: string, topics: {topic: string; topicId?: string | null; partitions: number[]}[] | null = null): Promise<CommittedOffset[]> {
    return this.wrap(`Kafka: reading committed offsets of group "${groupId}"`, () => this.protocol.fetchCommittedOffsets(groupId, topics))
  }

  /** Committed offsets of several groups, batched per coordinator (OffsetFetch v8); a group's failure is its entry. */
  async committedOffsetsOfGroups(groupIds: string[]): Promise<Map<string, CommittedOffset[] | FleetopsError>> {
    return this.wrap('Kafka: reading committed offsets', () => this.protocol.fetchCommittedOffsetsOfGroups(groupIds))
  }

  async endOffsets(partitions: LeaderPartition[], isolation: 'read_uncommitted' | 'read_committed'): Promise<EndOffsetResult[]> {
    return this.wrap('Kafka: reading end offsets', () => this.protocol.listEndOffsets(partitions, isolation === 'read_committed' ? 1 : 0))
  }

  /**
   * Per leader broker: end offsets, then the timestamps of the records at the committed
   * offsets below them (keyed by partitionOffsetKey(topic, partition, offset)).
   */
  async endOffsetsAndTimestamps(
    partitions: (LeaderPartition & {committed: number[]})[],
    isolation: 'read_uncommitted' | 'read_committed',
  ): Promise<{ends: EndOffsetResult[]; stamps: Map<string, RecordTimestampResult>}> {
    return this.wrap('Kafka: reading end offsets and record timestamps', () =>
      this.protocol.listEndOffsetsAndTimestamps(partitions, isolation === 'read_committed' ? 1 : 0),
    )
  }

  /** Keyed by partitionOffsetKey(topic, partition, offset). */
  async recordTimestamps(items: (LeaderPartition & {offset: number})[]): Promise<Map<string, RecordTimestampResult>> {
    return this.wrap('Kafka: reading record timestamps', () => this.protocol.fetchRecordTimestamps(items))
  }

  async replicaLogEnds(brokerId: number, partitions: TopicPartition[]): Promise<ReplicaOffsetResult[]> {
    return this.wrap(`Kafka: reading replica offsets on broker ${brokerId}`, () => this.protocol.listReplicaOffsets(brokerId, partitions))
  }

  async close(): Promise<void> {
    await this.protocol.close()
  }
}

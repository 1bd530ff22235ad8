import kafkajs, {type Admin} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import type {GroupMember} from '../../core/lag/index.js'
import {classifySdkError} from '../classify-error.js'
import {createKafka, kafkajsConfig} from './kafkajs-client.js'

// kafkajs is CommonJS: these two are only reachable through its default export.
const {AssignerProtocol, ConfigResourceTypes} = kafkajs
import {
  KafkaProtocolClient,
  type CommittedOffset,
  type EndOffsetResult,
  type LeaderPartition,
  type RecordTimestampResult,
  type ReplicaOffsetResult,
  type TopicPartition,
} from './protocol/index.js'

/**
 * Everything the lag probes read from Kafka, strictly read-only: no consumer is created,
 * no group is joined, nothing is committed (kafkajs's admin.fetchOffsets with
 * resolveOffsets and every consumer would write offsets, so neither is used).
 *  - groups: ListGroups / DescribeGroups (kafkajs admin), member assignments decoded
 *  - committed offsets: OffsetFetch to the coordinator (protocol client)
 *  - end offsets: ListOffsets replica -1 with an explicit isolation level, per leader
 *  - record timestamps: a sessionless Fetch of the record at an offset, per leader
 *  - replicas: metadata, min.insync.replicas, reassignments, per-replica LEO (replica -2)
 */

export interface GroupInfo {
  group: string
  /** DescribeGroups state (Stable, Empty, PreparingRebalance, Dead, ...). */
  state: string
  protocolType: string
  members: GroupMember[]
}

export interface TopicPartitionsMeta {
  topic: string
  partitions: {partition: number; leader: number | null; replicas: number[]; isr: number[]; offlineReplicas: number[]}[]
}

export class KafkaLagReader {
  private readonly admin: Admin
  private readonly protocol: KafkaProtocolClient
  private adminReady: Promise<void> | null = null

  constructor(conn: KafkaConnection, verbose = false) {
    this.admin = createKafka(conn, 'fleetops-lag', verbose).admin()
    this.protocol = new KafkaProtocolClient(kafkajsConfig(conn, 'fleetops-lag', verbose))
  }

  private async withAdmin<T>(what: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      this.adminReady ??= this.admin.connect()
      await this.adminReady
      return await fn(this.admin)
    } catch (error) {
      this.adminReady = null
      throw classifySdkError(error, what)
    }
  }

  private async wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw classifySdkError(error, what)
    }
  }

  async listGroups(): Promise<string[]> {
    return this.withAdmin('Kafka: listing consumer groups', async (admin) => {
      const {groups} = await admin.listGroups()
      return [...new Set(groups.map((g) => g.groupId))].sort()
    })
  }

  async describeGroups(groupIds: string[]): Promise<GroupInfo[]> {
    if (groupIds.length === 0) return []
    return this.withAdmin('Kafka: describing consumer groups', async (admin) => {
      const {groups} = await admin.describeGroups(groupIds)
      return groups.map((g) => ({
        group: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          host: m.clientHost.replace(/^\//, ''),
          assignments: decodeAssignment(g.protocolType, m.memberAssignment),
        })),
      }))
    })
  }

  /** Metadata of every topic (one request); internal topics included. */
  async topics(): Promise<Map<string, TopicPartitionsMeta>> {
    return this.withAdmin('Kafka: reading topic metadata', async (admin) => {
      const {topics} = await admin.fetchTopicMetadata()
      const out = new Map<string, TopicPartitionsMeta>()
      for (const t of topics) {
        out.set(t.name, {
          topic: t.name,
          partitions: t.partitions
            .map((p) => ({
              partition: p.partitionId,
              leader: p.leader === undefined || p.leader === null || p.leader < 0 ? null : p.leader,
              replicas: [...p.replicas],
              isr: [...p.isr],
              offlineReplicas: [...(p.offlineReplicas ?? [])],
            }))
            .sort((a, b) => a.partition - b.partition),
        })
      }
      return out
    })
  }

  async liveBrokers(): Promise<number[]> {
    return this.withAdmin('Kafka: describing the cluster', async (admin) => {
      const cluster = await admin.describeCluster()
      return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b)
    })
  }

  /** min.insync.replicas per topic (describeConfigs; one request). */
  async minInsyncReplicas(topics: string[]): Promise<Record<string, number>> {
    if (topics.length === 0) return {}
    return this.withAdmin('Kafka: reading topic configs', async (admin) => {
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas']})),
      })
      const out: Record<string, number> = {}
      for (const r of res.resources) {
        if (r.errorCode !== 0) continue
        const entry = r.configEntries.find((e) => e.configName === 'min.insync.replicas')
        if (entry && /^\d+$/.test(entry.configValue)) out[r.resourceName] = Number(entry.configValue)
      }
      return out
    })
  }

  /** Ongoing reassignments; null when the cluster cannot list them. */
  async reassignments(): Promise<Map<string, {adding: number[]; removing: number[]}> | null> {
    try {
      return await this.withAdmin('Kafka: listing reassignments', async (admin) => {
        const res = await admin.listPartitionReassignments({})
        const out = new Map<string, {adding: number[]; removing: number[]}>()
        for (const t of res.topics) {
          for (const p of t.partitions) out.set(`${t.topic}\u0000${p.partitionIndex}`, {adding: p.addingReplicas ?? [], removing: p.removingReplicas ?? []})
        }
        return out
      })
    } catch {
      return null
    }
  }

  /** Broker ids the protocol client can address (registered in metadata). */
  async registeredBrokers(): Promise<number[]> {
    return this.wrap('Kafka', () => this.protocol.brokerIds())
  }

  async committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    return this.wrap(`Kafka: reading committed offsets of group "${groupId}"`, () => this.protocol.fetchCommittedOffsets(groupId))
  }

  async endOffsets(partitions: LeaderPartition[], isolation: 'read_uncommitted' | 'read_committed'): Promise<EndOffsetResult[]> {
    return this.wrap('Kafka: reading end offsets', () => this.protocol.listEndOffsets(partitions, isolation === 'read_committed' ? 1 : 0))
  }

  async recordTimestamps(items: (LeaderPartition & {offset: number})[]): Promise<Map<string, RecordTimestampResult>> {
    return this.wrap('Kafka: reading record timestamps', () => this.protocol.fetchRecordTimestamps(items))
  }

  async replicaLogEnds(brokerId: number, partitions: TopicPartition[]): Promise<ReplicaOffsetResult[]> {
    return this.wrap(`Kafka: reading replica offsets on broker ${brokerId}`, () => this.protocol.listReplicaOffsets(brokerId, partitions))
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.disconnect().catch(() => {}), this.protocol.close()])
  }
}

function decodeAssignment(protocolType: string, buffer: Buffer | null | undefined): GroupMember['assignments'] {
  if (protocolType !== 'consumer' || !buffer || buffer.length === 0) return []
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer)
    if (!decoded) return []
    return Object.entries(decoded.assignment)
      .map(([topic, partitions]) => ({topic, partitions: [...partitions].sort((a, b) => a - b)}))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
  } catch {
    return []
  }
}

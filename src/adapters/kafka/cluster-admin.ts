import kafkajs, {type Admin} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import {PartitionIndex} from '../../core/partition-index.js'
import {classifySdkError} from '../classify-error.js'
import {createKafka} from './kafkajs-client.js'
import {KafkaProtocolClient, type ConfigResourceChange, type ElectionResult, type ReassignmentCancelResult} from './protocol/index.js'
import {transportOptions} from './transport-options.js'

/**
 * Cluster metadata and administration for fleetops: brokers with their racks,
 * partitions with replicas/leader/ISR, replica sizes, reassignments and topic
 * configs. kafkajs drops what we need in places (no rack in describeCluster, no
 * DescribeLogDirs), so this adapter fills the gaps with the protocol client.
 */

// kafkajs is CommonJS and Node cannot see this export by name.
const {ConfigResourceTypes} = kafkajs

/** kafkajs ConfigSource values for configs set dynamically on one resource. */
const TOPIC_CONFIG_SOURCE = 1
const DYNAMIC_BROKER_CONFIG_SOURCE = 2

export interface BrokerInfo {
  id: number
  host: string | null
  port: number | null
  rack: string | null
  /** False for a broker that replicas name but the metadata no longer lists (it is down). */
  alive: boolean
}

export interface PartitionInfo {
  topic: string
  partition: number
  replicas: number[]
  leader: number
  isr: number[]
  offlineReplicas: number[]
  /** Bytes of the partition (the leader's replica, else the largest replica); null when unknown. */
  size: number | null
}

export interface ReassignmentInFlight {
  topic: string
  partition: number
  replicas: number[]
  addingReplicas: number[]
  removingReplicas: number[]
}

export class KafkaClusterAdmin {
  private constructor(
    private readonly admin: Admin,
    private readonly protocol: KafkaProtocolClient,
  ) {}

  static async open(conn: KafkaConnection, opts: {verbose?: boolean; clientId?: string} = {}): Promise<KafkaClusterAdmin> {
    const clientId = opts.clientId ?? 'fleetops'
    const admin = createKafka(conn, clientId, opts.verbose).admin()
    try {
      await admin.connect()
    } catch (error) {
      throw classifySdkError(error, 'Kafka')
    }
    return new KafkaClusterAdmin(admin, new KafkaProtocolClient(transportOptions(conn, clientId, opts.verbose)))
  }

  get protocolClient(): KafkaProtocolClient {
    return this.protocol
  }

  get kafkajsAdmin(): Admin {
    return this.admin
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin.disconnect(), this.protocol.close()])
  }

  private async guard<T>(what: string, fn: () => Promise<T>, needs?: string): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw classifySdkError(error, what, {needs})
    }
  }

  /** Live brokers with racks (from DescribeConfigs broker.rack, which kafkajs's describeCluster drops). */
  async liveBrokers(): Promise<BrokerInfo[]> {
    return this.guard('Kafka describe cluster', async () => {
      const cluster = await this.admin.describeCluster()
      const ids = cluster.brokers.map((b) => b.nodeId)
      const racks = new Map<number, string | null>()
      if (ids.length > 0) {
        const configs = await this.admin.describeConfigs({
          includeSynonyms: false,
          resources: ids.map((id) => ({type: ConfigResourceTypes.BROKER, name: String(id), configNames: ['broker.rack']})),
        })
        for (const r of configs.resources) {
          const entry = r.configEntries.find((e) => e.configName === 'broker.rack')
          racks.set(Number(r.resourceName), entry?.configValue ? entry.configValue : null)
        }
      }
      return cluster.brokers
        .map((b) => ({id: b.nodeId, host: b.host, port: b.port, rack: racks.get(b.nodeId) ?? null, alive: true}))
        .sort((a, b) => a.id - b.id)
    })
  }

  async topicNames(): Promise<string[]> {
    return this.guard('Kafka list topics', async () => (await this.admin.listTopics()).sort())
  }

  /** Partitions of the given topics (replicas, leader, ISR); sizes are filled by partitionSizes(). */
  async partitions(topics: string[]): Promise<PartitionInfo[]> {
    if (topics.length === 0) return []
    return this.guard('Kafka topic metadata', async () => {
      const meta = await this.admin.fetchTopicMetadata({topics})
      const out: PartitionInfo[] = []
      for (const t of meta.topics) {
        for (const p of t.partitions) {
          out.push({
            topic: t.name,
            partition: p.partitionId,
            replicas: [...p.replicas],
            leader: p.leader,
            isr: [...p.isr],
            offlineReplicas: [...(p.offlineReplicas ?? [])],
            size: null,
          })
        }
      }
      return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
    })
  }

  /** Fills each partition's size from DescribeLogDirs on every live broker. */
  async fillPartitionSizes(partitions: PartitionInfo[], brokerIds: number[]): Promise<void> {
    const sizes = new PartitionIndex<Map<number, number>>()
    const results = await this.protocol.describeLogDirs(brokerIds)
    for (const r of results) {
      if (!r.ok) continue
      for (const dir of r.logDirs) {
        for (const p of dir.partitions) {
          if (p.isFuture) continue
          let byBroker = sizes.get(p.topic, p.partition)
          if (!byBroker) sizes.set(p.topic, p.partition, (byBroker = new Map()))
          byBroker.set(r.brokerId, p.size)
        }
      }
    }
    for (const p of partitions) {
      const byBroker = sizes.get(p.topic, p.partition)
      if (!byBroker || byBroker.size === 0) continue
      p.size = byBroker.get(p.leader) ?? Math.max(...byBroker.values())
    }
  }

  async reassignmentsInFlight(): Promise<ReassignmentInFlight[]> {
    return this.guard('Kafka list reassignments', async () => {
      // kafkajs 2.2.4's typings say {topic, partitionIndex}; at runtime it returns {name, partition}.
      const res = (await this.admin.listPartitionReassignments({})) as unknown as {
        topics: {name: string; partitions: {partition: number; replicas: number[]; addingReplicas?: number[]; removingReplicas?: number[]}[]}[]
      }
      const out: ReassignmentInFlight[] = []
      for (const t of res.topics ?? []) {
        for (const p of t.partitions) {
          out.push({topic: t.name, partition: p.partition, replicas: p.replicas, addingReplicas: p.addingReplicas ?? [], removingReplicas: p.removingReplicas ?? []})
        }
      }
      return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
    })
  }

  /**
   * Topic configs for the given keys (e.g. min.insync.replicas), by topic. With
   * `setOnTopic`, only values set on the topic itself (not broker or default values).
   */
  async topicConfigs(topics: readonly string[], keys: string[], opts: {setOnTopic?: boolean} = {}): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>()
    if (topics.length === 0) return out
    return this.guard('Kafka describe topic configs', async () => {
      const res = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((t) => ({type: ConfigResourceTypes.TOPIC, name: t, configNames: keys})),
      })
      for (const r of res.resources) {
        const values: Record<string, string> = {}
        for (const e of r.configEntries) {
          if (e.configValue === null) continue
          if (opts.setOnTopic && (e as {configSource?: number}).configSource !== TOPIC_CONFIG_SOURCE) continue
          values[e.configName] = e.configValue
        }
        out.set(r.resourceName, values)
      }
      return out
    })
  }
  /** Ids of the brokers in the cluster metadata right now (KRaft lists only unfenced, live brokers). */
  async liveBrokerIds(): Promise<number[]> {
    return this.guard('Kafka describe cluster', async () => {
      const cluster = await this.admin.describeCluster()
      return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b)
    })
  }

  /**
   * Starts reassignments (AlterPartitionReassignments). kafkajs rejects duplicate topic entries, so
   * partitions are grouped by topic. Partitions that Kafka accepted have started even when others fail.
   */
  async alterReassignments(assignments: readonly {topic: string; partition: number; replicas: readonly number[]}[], timeoutMs = 30_000): Promise<void> {
    if (assignments.length === 0) return
    const byTopic = new Map<string, {partition: number; replicas: number[]}[]>()
    for (const a of assignments) {
      const list = byTopic.get(a.topic) ?? []
      list.push({partition: a.partition, replicas: [...a.replicas]})
      byTopic.set(a.topic, list)
    }
    await this.guard(
      'Kafka alter partition reassignments',
      async () => {
        await this.admin.alterPartitionReassignments({
          topics: [...byTopic].map(([topic, partitionAssignment]) => ({topic, partitionAssignment})),
          timeout: timeoutMs,
        })
      },
      'ALTER on the cluster',
    )
  }

  /**
   * Cancels the given partitions' reassignments in flight (AlterPartitionReassignments with a null
   * target, as kafka-reassign-partitions --cancel does): the controller reverts each to its original
   * replicas. Per-partition results; 'not-in-progress' when the move had already finished.
   */
  async cancelReassignments(partitions: readonly {topic: string; partition: number}[]): Promise<ReassignmentCancelResult[]> {
    if (partitions.length === 0) return []
    return this.guard('Kafka cancel partition reassignments', () => this.protocol.cancelPartitionReassignments(partitions.map((p) => ({topic: p.topic, partition: p.partition}))), 'ALTER on the cluster')
  }

  /** PREFERRED leader election (ElectLeaders) for the given partitions; per-partition results. */
  async electPreferredLeaders(partitions: readonly {topic: string; partition: number}[]): Promise<ElectionResult[]> {
    if (partitions.length === 0) return []
    return this.guard('Kafka preferred leader election', () => this.protocol.electLeaders('PREFERRED', partitions.map((p) => ({topic: p.topic, partition: p.partition}))), 'ALTER on the cluster')
  }

  /** IncrementalAlterConfigs (SET/DELETE/APPEND/SUBTRACT of single entries); never the legacy, replace-all AlterConfigs. */
  async alterConfigsIncrementally(changes: ConfigResourceChange[]): Promise<void> {
    if (changes.length === 0) return
    await this.guard('Kafka replication throttles', () => this.protocol.incrementalAlterConfigs(changes), 'ALTER_CONFIGS on the cluster (broker throttles) and on the topics being moved')
  }

  /** Values of the given keys set dynamically on each broker itself (not defaults, not static), by broker id. */
  async dynamicBrokerConfigs(brokerIds: readonly number[], keys: string[]): Promise<Map<number, Record<string, string>>> {
    const out = new Map<number, Record<string, string>>()
    if (brokerIds.length === 0) return out
    return this.guard('Kafka describe broker configs', async () => {
      const res = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: brokerIds.map((id) => ({type: ConfigResourceTypes.BROKER, name: String(id), configNames: keys})),
      })
      for (const r of res.resources) {
        const values: Record<string, string> = {}
        for (const e of r.configEntries) {
          if ((e as {configSource?: number}).configSource === DYNAMIC_BROKER_CONFIG_SOURCE && e.configValue !== null) values[e.configName] = e.configValue
        }
        out.set(Number(r.resourceName), values)
      }
      return out
    })
  }

  /** Values of the given keys set on each topic itself (not broker defaults), by topic. */
  dynamicTopicConfigs(topics: readonly string[], keys: string[]): Promise<Map<string, Record<string, string>>> {
    return this.topicConfigs(topics, keys, {setOnTopic: true})
  }
}

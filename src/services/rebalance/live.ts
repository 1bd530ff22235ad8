import type {PartitionInfo, ReassignmentInFlight} from '../../adapters/kafka/cluster-admin.js'
import type {RebalanceAdmin} from './admin.js'
import {partitionKey, type ClusterState, type LivePartition} from '../../core/rebalance/index.js'

/** What the executor, status and cancel read from the cluster on each look. */
export interface LiveView {
  /** Brokers in the metadata (alive, unfenced). */
  alive: Set<number>
  /** Metadata of the partitions of the topics asked for, by partitionKey. */
  partitions: Map<string, PartitionInfo>
  /** Reassignments in flight anywhere in the cluster, by partitionKey. */
  reassigning: Map<string, ReassignmentInFlight>
  /** Topics asked for that no longer exist. */
  missingTopics: string[]
}

export async function readLiveView(admin: RebalanceAdmin, topics: readonly string[]): Promise<LiveView> {
  // Reassignments first: a move that finishes between the two reads then looks in flight (true a
  // moment ago), never like a replica list that is neither the start nor the target.
  const reassigning = new Map<string, ReassignmentInFlight>()
  for (const r of await admin.reassignmentsInFlight()) reassigning.set(partitionKey(r.topic, r.partition), r)
  const alive = new Set(await admin.liveBrokerIds())
  const existing = new Set(await admin.topicNames())
  const present = [...new Set(topics)].filter((t) => existing.has(t)).sort()
  const missingTopics = [...new Set(topics)].filter((t) => !existing.has(t)).sort()
  const partitions = new Map<string, PartitionInfo>()
  for (const p of await admin.partitions(present)) partitions.set(partitionKey(p.topic, p.partition), p)
  return {alive, partitions, reassigning, missingTopics}
}

export function livePartition(view: LiveView, topic: string, partition: number): LivePartition | undefined {
  const key = partitionKey(topic, partition)
  const meta = view.partitions.get(key)
  const r = view.reassigning.get(key)
  if (meta === undefined && r === undefined) return undefined
  const replicas = r?.replicas ?? meta?.replicas ?? []
  return r ? {topic, partition, replicas, reassignment: {adding: r.addingReplicas, removing: r.removingReplicas}} : {topic, partition, replicas}
}

/** A ClusterState of the live view (brokers alive, plus brokers that replicas name but that are down). */
export function clusterStateOf(view: LiveView): ClusterState {
  const ids = new Set(view.alive)
  for (const p of view.partitions.values()) for (const b of p.replicas) ids.add(b)
  return {
    brokers: [...ids].sort((a, b) => a - b).map((id) => ({id, rack: null, alive: view.alive.has(id)})),
    partitions: [...view.partitions.values()].map((p) => ({topic: p.topic, partition: p.partition, replicas: p.replicas, leader: p.leader, isr: p.isr})),
  }
}

/**
 * Pure steps of the replica probe (`lag replicas`) around classifyReplicaHealth: the
 * partitions to judge from the metadata, which broker to ask for which replica's log end,
 * the ELR per partition, and the follower gaps judged against --warn-lag / --crit-lag.
 */
import {partitionKey} from '../partition-index.js'
import {nagiosSeverity} from './nagios.js'
import type {BrokerReplicaCounts, PartitionHealth, PartitionReplicas} from './replica-health.js'
import {evaluateLagState, type LagThresholds} from './thresholds.js'

/** A partition as the Metadata response describes it. */
export interface PartitionMetadata {
  partition: number
  leader: number | null
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

/** Replicas a reassignment is adding and removing, by partitionKey. */
export type Reassignments = ReadonlyMap<string, {adding: number[]; removing: number[]}>

/** Eligible leader replicas by partitionKey (null lists: the cluster does not track ELR). */
export type EligibleLeaderReplicas = ReadonlyMap<string, {elr: number[] | null; lastKnownElr: number[] | null}>

/** The partitions of `topics`, in order, with the replicas their reassignments (if any) add and remove. */
export function partitionReplicasOf(
  topics: readonly string[],
  metadata: ReadonlyMap<string, {partitions: readonly PartitionMetadata[]}>,
  reassigning: Reassignments | null,
): PartitionReplicas[] {
  return topics.flatMap((t) =>
    metadata.get(t)!.partitions.map((p) => {
      const r = reassigning?.get(partitionKey(t, p.partition))
      return {
        topic: t,
        partition: p.partition,
        replicas: p.replicas,
        isr: p.isr,
        leader: p.leader,
        offlineReplicas: p.offlineReplicas,
        addingReplicas: r?.adding ?? [],
        removingReplicas: r?.removing ?? [],
      }
    }),
  )
}

/** The partitions each broker holds a replica of, in partition order: one ListOffsets per broker. */
export function replicasByBroker(partitions: readonly PartitionReplicas[]): Map<number, {topic: string; partition: number}[]> {
  const byBroker = new Map<number, {topic: string; partition: number}[]>()
  for (const p of partitions) {
    for (const b of p.replicas) {
      const list = byBroker.get(b)
      if (list) list.push({topic: p.topic, partition: p.partition})
      else byBroker.set(b, [{topic: p.topic, partition: p.partition}])
    }
  }
  return byBroker
}

/**
 * Sets each partition's ELR and last known ELR (null where the answer lacks the partition);
 * returns the note to show when no partition has an ELR list at all.
 */
export function attachEligibleLeaderReplicas(partitions: PartitionReplicas[], elr: EligibleLeaderReplicas): string[] {
  for (const p of partitions) {
    const e = elr.get(partitionKey(p.topic, p.partition))
    p.elr = e?.elr ?? null
    p.lastKnownElr = e?.lastKnownElr ?? null
  }
  if (partitions.length > 0 && partitions.every((p) => p.elr === null)) {
    return ['ELR not shown: the cluster does not track eligible leader replicas (feature eligible.leader.replicas.version is 0)']
  }
  return []
}

/** Judges each measured follower gap like a lag; a gap over a threshold adds a reason and raises the partition's state. */
export function judgeFollowerGaps(partitions: PartitionHealth[], thresholds: Pick<LagThresholds, 'warnLag' | 'critLag'>): void {
  if (thresholds.warnLag === null && thresholds.critLag === null) return
  const t = {warnLag: thresholds.warnLag, critLag: thresholds.critLag, warnTimeLagMs: null, critTimeLagMs: null}
  for (const p of partitions) {
    for (const f of p.followers) {
      if (f.gap === null) continue
      const v = evaluateLagState({lag: f.gap, timeLagMs: null}, t)
      if (v.state !== 'OK') {
        p.reasons.push(`follower ${f.broker} ${v.reason.replace(/^lag/, 'gap')}`)
        if (nagiosSeverity(v.state) > nagiosSeverity(p.state)) p.state = v.state
      }
    }
  }
}

/** Every broker with replicas or registered, by id, saying which are registered (live). */
export function brokersWithLiveness(counts: readonly BrokerReplicaCounts[], live: readonly number[]): (BrokerReplicaCounts & {live: boolean})[] {
  const liveSet = new Set(live)
  const brokers = new Map(counts.map((b) => [b.broker, {...b, live: liveSet.has(b.broker)}]))
  for (const id of live) if (!brokers.has(id)) brokers.set(id, {broker: id, replicas: 0, leaders: 0, missingFromIsr: 0, live: true})
  return [...brokers.values()].sort((a, b) => a.broker - b.broker)
}

import type {ReassignmentJson} from './plan-types.js'
import {compareTopicPartition, partitionKey} from './state.js'

/** One partition's reassignment as the executor tracks it. */
export interface PartitionMove {
  readonly topic: string
  readonly partition: number
  /** Replicas before the move (the data sources). */
  readonly from: readonly number[]
  /** Target replicas. */
  readonly to: readonly number[]
  /** Bytes of one replica, when known. */
  readonly size?: number
}

/** Pairs a plan's targets with its originals; throws if the two lists do not match. */
export function movesFromPlan(plan: {readonly reassignment: ReassignmentJson; readonly original: ReassignmentJson}): PartitionMove[] {
  const original = new Map(plan.original.partitions.map((p) => [partitionKey(p.topic, p.partition), p.replicas]))
  return plan.reassignment.partitions
    .map((p) => {
      const from = original.get(partitionKey(p.topic, p.partition))
      if (from === undefined) throw new Error(`internal: plan has no original replicas for ${p.topic}-${p.partition}`)
      return {topic: p.topic, partition: p.partition, from, to: p.replicas}
    })
    .sort(compareTopicPartition)
}

/** Brokers gaining a replica. */
export function destinationsOf(move: PartitionMove): number[] {
  return move.to.filter((b) => !move.from.includes(b))
}

/** Brokers losing a replica. */
export function departuresOf(move: PartitionMove): number[] {
  return move.from.filter((b) => !move.to.includes(b))
}

/** Brokers a move occupies for concurrency limits: those losing or gaining a replica, sorted. */
export function brokersInvolved(move: PartitionMove): number[] {
  return [...departuresOf(move), ...destinationsOf(move)].sort((a, b) => a - b)
}

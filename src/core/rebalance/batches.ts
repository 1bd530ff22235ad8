import {badInput} from '../errors.js'
import {brokersInvolved, type PartitionMove} from './moves.js'
import {compareTopicPartition, partitionKey, partitionLabel} from './state.js'

export interface BatchLimits {
  /** Max partition moves at once that involve any one broker (Cruise Control default 5). */
  readonly perBroker: number
  /** Max partition moves at once in the cluster (Cruise Control default 1250). */
  readonly cluster: number
}

/** Live replication health of one partition. */
export interface PartitionHealth {
  readonly topic: string
  readonly partition: number
  readonly isr: readonly number[]
  /** The topic's effective min.insync.replicas. */
  readonly minIsr: number
}

export interface HeldBack {
  readonly topic: string
  readonly partition: number
  readonly reason: string
}

export interface BatchSelection {
  /** Moves to submit now, in (topic, partition) order. */
  readonly start: PartitionMove[]
  /** Pending moves skipped for health reasons (moves skipped only for capacity are not listed). */
  readonly heldBack: HeldBack[]
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badInput(`${what} must be a whole number of 1 or more, e.g. 5`)
  }
  return value
}

/**
 * Sliding-window batching: picks the pending moves that may start now without any broker taking
 * part in more than `perBroker` moves or the cluster running more than `cluster`. Partitions that
 * are under-replicated (ISR smaller than the replica list) or at/under min.insync.replicas are held
 * back, since one more failure during the copy would make them unavailable; partitions without
 * health data are held back too. Leader-only reorders involve no broker and use only a cluster slot.
 */
export function selectNextBatch(
  pending: readonly PartitionMove[],
  inFlight: readonly PartitionMove[],
  limits: BatchLimits,
  health: readonly PartitionHealth[],
): BatchSelection {
  const perBroker = positiveInt(limits.perBroker, 'concurrent moves per broker')
  const cluster = positiveInt(limits.cluster, 'concurrent moves in the cluster')
  const healthByKey = new Map(health.map((h) => [partitionKey(h.topic, h.partition), h]))
  const busy = new Map<number, number>()
  const running = new Set<string>()
  for (const move of inFlight) {
    running.add(partitionKey(move.topic, move.partition))
    for (const b of brokersInvolved(move)) busy.set(b, (busy.get(b) ?? 0) + 1)
  }
  let slots = cluster - running.size
  const start: PartitionMove[] = []
  const heldBack: HeldBack[] = []
  for (const move of [...pending].sort(compareTopicPartition)) {
    if (slots <= 0) break
    const key = partitionKey(move.topic, move.partition)
    if (running.has(key)) continue
    const h = healthByKey.get(key)
    const base = {topic: move.topic, partition: move.partition}
    if (h === undefined) {
      heldBack.push({...base, reason: `no ISR data for ${partitionLabel(move)}; refresh the cluster state`})
      continue
    }
    if (h.isr.length < move.from.length) {
      heldBack.push({...base, reason: `under-replicated: ISR ${h.isr.length} of ${move.from.length} replicas`})
      continue
    }
    if (h.isr.length <= h.minIsr) {
      heldBack.push({...base, reason: `ISR ${h.isr.length} is at or under min.insync.replicas ${h.minIsr}`})
      continue
    }
    const involved = brokersInvolved(move)
    if (involved.some((b) => (busy.get(b) ?? 0) >= perBroker)) continue
    for (const b of involved) busy.set(b, (busy.get(b) ?? 0) + 1)
    running.add(key)
    slots--
    start.push(move)
  }
  return {start, heldBack}
}

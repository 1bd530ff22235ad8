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
  /**
   * One line per started move of a partition with no min-ISR slack (replication factor at or
   * under min.insync.replicas): such partitions can never have spare in-sync replicas, so they
   * are moved one at a time rather than held back forever.
   */
  readonly warnings: string[]
}

/** True when the partition's RF leaves no room above min.insync.replicas, so waiting never helps. */
function noSlack(h: PartitionHealth, rf: number): boolean {
  return rf <= h.minIsr
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badInput(`${what} must be a whole number of 1 or more, e.g. 5`)
  }
  return value
}

/**
 * Sliding-window batching: picks the pending moves that may start now without any broker taking
 * part in more than `perBroker` moves or the cluster running more than `cluster`.
 *
 * Health rules (Cruise Control's PostponeUrp / min-ISR strategies):
 * - under-replicated partitions (ISR smaller than the replica list) are held back;
 * - partitions whose ISR size is at or under min.insync.replicas are held back when their RF is
 *   above min.insync.replicas (they will regain slack once the ISR recovers);
 * - partitions whose RF is at or under min.insync.replicas can never have slack: they are moved
 *   anyway, but only one of them at a time in the cluster, each with a warning;
 * - partitions without health data are held back.
 * Leader-only reorders involve no broker and use only a cluster slot.
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
  let noSlackRunning = 0
  for (const move of inFlight) {
    const key = partitionKey(move.topic, move.partition)
    running.add(key)
    for (const b of brokersInvolved(move)) busy.set(b, (busy.get(b) ?? 0) + 1)
    const h = healthByKey.get(key)
    if (h !== undefined && noSlack(h, move.from.length)) noSlackRunning++
  }
  let slots = cluster - running.size
  const start: PartitionMove[] = []
  const heldBack: HeldBack[] = []
  const warnings: string[] = []
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
    const rf = move.from.length
    if (h.isr.length < rf) {
      heldBack.push({...base, reason: `under-replicated: ISR ${h.isr.length} of ${rf} replicas`})
      continue
    }
    const slackless = noSlack(h, rf)
    if (!slackless && h.isr.length <= h.minIsr) {
      heldBack.push({...base, reason: `ISR ${h.isr.length} is at or under min.insync.replicas ${h.minIsr}`})
      continue
    }
    // Capacity before the one-at-a-time rule, so a partition waiting for a slot is not reported as held back.
    const involved = brokersInvolved(move)
    if (involved.some((b) => (busy.get(b) ?? 0) >= perBroker)) continue
    if (slackless) {
      if (noSlackRunning > 0) continue
      noSlackRunning++
      warnings.push(
        `${partitionLabel(move)} has replication factor ${rf} and min.insync.replicas ${h.minIsr}, so it never has a spare in-sync replica; moving it alone`,
      )
    }
    for (const b of involved) busy.set(b, (busy.get(b) ?? 0) + 1)
    running.add(key)
    slots--
    start.push(move)
  }
  return {start, heldBack, warnings}
}

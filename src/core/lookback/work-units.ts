import {badInput} from '../errors.js'
import type {LookbackJobSpec} from './job-spec.js'
import type {LookbackWindow} from './window.js'

/**
 * Work units: the pieces a run can finish, checkpoint and retry separately.
 *
 * - Kafka: one unit per partition, covering the whole window. A partition's
 *   records are not ordered by event time, so every day's events can sit
 *   anywhere in [start offset, end offset); a (day × partition) unit would
 *   re-read the same offsets once per day.
 * - Cassandra, time-bucketed table: one unit per (day, bucket), the natural
 *   single-partition query `WHERE day = ? AND bucket = ?`.
 * - Cassandra, unbucketed table: one unit per token range (splitTokenRanges),
 *   each scanned once and filtered by event day.
 */
export function kafkaUnitId(partition: number): string {
  return `kafka/p=${partition}`
}

export function bucketUnitId(day: string, bucket: number): string {
  return `cassandra/day=${day}/bucket=${bucket}`
}

export function tokenRangeUnitId(index: number): string {
  return `cassandra/range=${index}`
}

/** Parses a Kafka unit id back to its partition, or null for other units. */
export function kafkaUnitPartition(unitId: string): number | null {
  const m = /^kafka\/p=(\d{1,10})$/.exec(unitId)
  return m === null ? null : Number(m[1])
}

/** The units of a run: Kafka partitions (given by the caller from topic metadata) or day × bucket. */
export function planUnits(job: LookbackJobSpec, window: LookbackWindow, partitions: readonly number[] = []): string[] {
  if (job.source.kind === 'kafka') {
    if (partitions.length === 0) throw badInput(`topic ${job.source.topic} has no partitions to read`)
    return [...new Set(partitions)].sort((a, b) => a - b).map(kafkaUnitId)
  }
  const units: string[] = []
  for (const day of window.days) for (let b = 0; b < job.source.buckets; b++) units.push(bucketUnitId(day, b))
  return units
}

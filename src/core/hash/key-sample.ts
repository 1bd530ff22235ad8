/**
 * Pure steps of `hash kafka-partitions --sample`: where each partition's read starts, how
 * its cursor moves, and how the keys read are counted. The service does the Fetch.
 */
import {kafkaMurmur2, toPositive} from './kafka-partitioner.js'
import type {RecordKey} from './record-keys.js'

export interface KeySample {
  keys: Uint8Array[]
  /** Records read, with and without a key. */
  records: number
  nullKeys: number
  /** Partitions the topic has now. */
  partitions: number
  /** Keyed records whose current partition is the one murmur2 gives for the current count. */
  placedByDefaultPartitioner: number
  /** Compressed batches that could not be decompressed (their records were not read), with the reason. */
  skippedBatches: number
  skipReason?: string
  /**
   * Records are read as a read_committed consumer reads them: up to the last stable offset,
   * without the records of aborted transactions (counted here).
   */
  isolation: 'read_committed'
  abortedRecords: number
}

/** Where one partition's read is: the next offset to fetch, the end it reads up to, and the records taken. */
export interface PartitionCursor {
  topic: string
  partition: number
  leader: number | null
  offset: number
  high: number
  got: number
}

export function emptyKeySample(partitions: number): KeySample {
  return {keys: [], records: 0, nullKeys: 0, partitions, placedByDefaultPartitioner: 0, skippedBatches: 0, isolation: 'read_committed', abortedRecords: 0}
}

/** Records to read per partition so that the sample spreads over all of them. */
export function perPartitionQuota(sample: number, partitions: number): number {
  return Math.ceil(sample / Math.max(1, partitions))
}

/** A cursor per partition at its newest `quota` records (or its log start when it holds fewer). */
export function startCursors(
  topic: string,
  parts: readonly {partition: number; leader: number | null}[],
  offsets: readonly {partition: number; low: string; high: string}[],
  quota: number,
): PartitionCursor[] {
  return parts.map((p) => {
    const o = offsets.find((x) => x.partition === p.partition)
    const low = Number(o?.low ?? 0)
    const high = Number(o?.high ?? 0)
    return {topic, partition: p.partition, leader: p.leader, offset: Math.max(low, high - quota), high, got: 0}
  })
}

/** Cursors that still have records to read and quota left. */
export function pendingCursors(cursors: readonly PartitionCursor[], quota: number): PartitionCursor[] {
  return cursors.filter((s) => s.offset < s.high && s.got < quota)
}

/**
 * Offset out of range: retention moved the log start past the cursor, so start again from
 * there; otherwise there is nothing left to read.
 */
export function recoverFromOutOfRange(cursor: PartitionCursor, logStartOffset: number): void {
  if (logStartOffset > cursor.offset) cursor.offset = logStartOffset
  else cursor.high = cursor.offset
}

/** Counts the records read into the sample, up to the cursor's quota and end. */
export function takeSampledKeys(result: KeySample, cursor: PartitionCursor, records: readonly RecordKey[], quota: number): void {
  for (const rec of records) {
    if (cursor.got >= quota || rec.offset >= cursor.high) break
    cursor.got++
    result.records++
    if (rec.key === null) {
      result.nullKeys++
      continue
    }
    result.keys.push(rec.key)
    if (toPositive(kafkaMurmur2(rec.key)) % result.partitions === cursor.partition) result.placedByDefaultPartitioner++
  }
}

/** Moves the cursor past what was read; no progress (a batch bigger than the limit, or nothing readable) stops the partition. */
export function advanceCursor(cursor: PartitionCursor, nextOffset: number): void {
  if (nextOffset <= cursor.offset) cursor.high = cursor.offset
  else cursor.offset = nextOffset
}

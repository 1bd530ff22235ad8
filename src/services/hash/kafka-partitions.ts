import type {KafkaConnection} from '../../core/connection.js'
import {badInput, FleetopsError} from '../../core/errors.js'
import {kafkaMurmur2, partitionRemap, type PartitionRemap, toPositive} from '../../core/hash/kafka-partitioner.js'
import {
  advanceCursor,
  emptyKeySample,
  pendingCursors,
  perPartitionQuota,
  recoverFromOutOfRange,
  startCursors,
  takeSampledKeys,
  type KeySample,
  type PartitionCursor,
} from '../../core/hash/key-sample.js'
import {recordKeys} from '../../core/hash/record-keys.js'
import {partitionKey} from '../../core/partition-index.js'
import {printable} from '../../core/units.js'
import type {KafkaClusterAdmin} from '../../adapters/kafka/cluster-admin.js'
import type {FetchedBatches} from '../../adapters/kafka/protocol/client.js'
import {KafkaErrorCode} from '../../adapters/kafka/protocol/errors.js'
import type {readableBatches as ReadableBatches} from '../../adapters/kafka/protocol/readable-batches.js'

export type {KeySample} from '../../core/hash/key-sample.js'
import type {KeyExample} from './key-display.js'

/** Fetch rounds at most: each advances every pending partition or stops it. */
const MAX_ROUNDS = 1000

/**
 * Reads up to `sample` recent records' keys from a topic, spread over its
 * partitions (the newest records of each). Read-only: a sessionless Fetch
 * that joins no consumer group and commits nothing.
 */
export async function sampleTopicKeys(conn: KafkaConnection, topic: string, sample: number, verbose = false): Promise<KeySample> {
  const {KafkaClusterAdmin} = await import('../../adapters/kafka/cluster-admin.js')
  const {classifySdkError} = await import('../../adapters/classify-error.js')
  const {readableBatches} = await import('../../adapters/kafka/protocol/readable-batches.js')
  const admin = await KafkaClusterAdmin.open(conn, {verbose, clientId: 'fleetops-hash'})
  try {
    const topics = await admin.topicNames()
    if (!topics.includes(topic)) throw badInput(`topic "${printable(topic)}" does not exist in the cluster; check --topic`)
    const parts = await admin.partitions([topic])
    let offsets: {partition: number; low: string; high: string}[]
    try {
      offsets = await admin.kafkajsAdmin.fetchTopicOffsets(topic)
    } catch (error) {
      throw classifySdkError(error, 'Kafka topic offsets')
    }
    const quota = perPartitionQuota(sample, parts.length)
    const result = emptyKeySample(parts.length)
    const cursors = startCursors(topic, parts, offsets, quota)
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const pending = pendingCursors(cursors, quota)
      if (pending.length === 0) break
      await readRound(admin, readableBatches, pending, result, quota)
    }
    return result
  } finally {
    await admin.close()
  }
}

/** One Fetch for every pending partition; each answer moves its cursor and adds to the sample. */
async function readRound(admin: KafkaClusterAdmin, readableBatches: typeof ReadableBatches, pending: PartitionCursor[], result: KeySample, quota: number): Promise<void> {
  const res = await admin.protocolClient.fetchRecordBatches(
    pending.map((s) => ({topic: s.topic, partition: s.partition, leader: s.leader, offset: s.offset})),
    undefined,
    1,
  )
  for (const s of pending) {
    const r = res.get(partitionKey(s.topic, s.partition))
    if (!r) throw new FleetopsError('INTERNAL', `Kafka returned nothing for ${s.topic}-${s.partition}`)
    if ('error' in r) throw new FleetopsError('UNAVAILABLE', `reading ${s.topic}-${s.partition}: ${r.error}`)
    if (r.errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) {
      recoverFromOutOfRange(s, r.logStartOffset)
      continue
    }
    if (r.errorCode !== 0) throw new FleetopsError('UNAVAILABLE', `reading ${s.topic}-${s.partition}: Kafka error code ${r.errorCode}`)
    await takeFetchedKeys(readableBatches, r, s, result, quota)
  }
}

/** Decodes one partition's batches and counts their keys into the sample. */
async function takeFetchedKeys(readableBatches: typeof ReadableBatches, fetched: FetchedBatches, cursor: PartitionCursor, result: KeySample, quota: number): Promise<void> {
  // Compressed batches decompressed, aborted transactions emptied; what is left compressed
  // could not be read and is counted below with its reason.
  const readable = await readableBatches(fetched.records, fetched.abortedTransactions ?? [])
  result.abortedRecords += readable.abortedRecords
  for (const bad of readable.undecodable) {
    result.skippedBatches++
    result.skipReason = `offsets ${bad.baseOffset}-${bad.lastOffset} of partition ${cursor.partition}: ${bad.reason}`
  }
  const decoded = recordKeys(readable.records, cursor.offset, () => null)
  result.skippedBatches += decoded.skippedBatches
  if (decoded.skipReason) result.skipReason = decoded.skipReason
  takeSampledKeys(result, cursor, decoded.records, quota)
  advanceCursor(cursor, decoded.nextOffset)
}

export interface PartitionMoves {
  partition: number
  keys: number
  stay: number
  /** Where this partition's moving keys go: new partition → count. */
  to: Record<string, number>
}

export interface KafkaPartitionsResult extends PartitionRemap {
  topic: string
  source: 'sample' | 'synthetic'
  /** keyExamples: the first sampled keys for display (Avro-decoded with a schema registry). */
  sample?: Omit<KeySample, 'keys'> & {keyExamples?: KeyExample[]}
  byPartition: PartitionMoves[]
  warnings: string[]
}

/** Synthetic keys "key-0" … as UTF-8, for when no sample is read. */
export function syntheticKeys(count: number): Uint8Array[] {
  const enc = new TextEncoder()
  return Array.from({length: count}, (_, i) => enc.encode(`key-${i}`))
}

export function remapReport(topic: string, from: number, to: number, keys: Uint8Array[], source: 'sample' | 'synthetic'): KafkaPartitionsResult {
  const remap = partitionRemap({from, to, keys})
  const byPartition: PartitionMoves[] = Array.from({length: from}, (_, p) => ({partition: p, keys: 0, stay: 0, to: {}}))
  for (const key of keys) {
    const h = toPositive(kafkaMurmur2(key))
    const row = byPartition[h % from]
    row.keys++
    if (h % from === h % to) row.stay++
    else row.to[String(h % to)] = (row.to[String(h % to)] ?? 0) + 1
  }
  const warnings: string[] = []
  if (to < from) warnings.push('Kafka cannot reduce a topic\'s partitions; this shows a topic re-created with fewer')
  return {topic, source, ...remap, byPartition, warnings}
}

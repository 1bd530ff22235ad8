import type {KafkaConnection} from '../../core/connection.js'
import {badInput, FleetopsError} from '../../core/errors.js'
import {kafkaMurmur2, partitionRemap, type PartitionRemap, toPositive} from '../../core/hash/kafka-partitioner.js'
import {recordKeys} from '../../core/hash/record-keys.js'
import {printable} from '../../core/units.js'

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

/**
 * Reads up to `sample` recent records' keys from a topic, spread over its
 * partitions (the newest records of each). Read-only: a sessionless Fetch
 * that joins no consumer group and commits nothing.
 */
export async function sampleTopicKeys(conn: KafkaConnection, topic: string, sample: number, verbose = false): Promise<KeySample> {
  const {KafkaClusterAdmin} = await import('../../adapters/kafka/cluster-admin.js')
  const {classifySdkError} = await import('../../adapters/classify-error.js')
  const {readableBatches} = await import('../../adapters/kafka/protocol/readable-batches.js')
  const {KafkaErrorCode} = await import('../../adapters/kafka/protocol/errors.js')
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
    const quota = Math.ceil(sample / Math.max(1, parts.length))
    const result: KeySample = {
      keys: [],
      records: 0,
      nullKeys: 0,
      partitions: parts.length,
      placedByDefaultPartitioner: 0,
      skippedBatches: 0,
      isolation: 'read_committed',
      abortedRecords: 0,
    }
    const state = parts.map((p) => {
      const o = offsets.find((x) => x.partition === p.partition)
      const low = Number(o?.low ?? 0)
      const high = Number(o?.high ?? 0)
      return {topic, partition: p.partition, leader: p.leader, offset: Math.max(low, high - quota), high, got: 0}
    })
    for (let round = 0; round < 1000; round++) {
      const pending = state.filter((s) => s.offset < s.high && s.got < quota)
      if (pending.length === 0) break
      const res = await admin.protocolClient.fetchRecordBatches(
        pending.map((s) => ({topic, partition: s.partition, leader: s.leader, offset: s.offset})),
        undefined,
        1,
      )
      for (const s of pending) {
        const r = res.get(`${topic}\u0000${s.partition}`)
        if (!r) throw new FleetopsError('INTERNAL', `Kafka returned nothing for ${topic}-${s.partition}`)
        if ('error' in r) throw new FleetopsError('UNAVAILABLE', `reading ${topic}-${s.partition}: ${r.error}`)
        if (r.errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) {
          // Offset out of range: retention moved the log start past it; start again from there.
          if (r.logStartOffset > s.offset) {
            s.offset = r.logStartOffset
            continue
          }
          s.high = s.offset
          continue
        }
        if (r.errorCode !== 0) throw new FleetopsError('UNAVAILABLE', `reading ${topic}-${s.partition}: Kafka error code ${r.errorCode}`)
        // Compressed batches decompressed, aborted transactions emptied; what is left compressed
        // could not be read and is counted below with its reason.
        const readable = await readableBatches(r.records, r.abortedTransactions ?? [])
        result.abortedRecords += readable.abortedRecords
        for (const bad of readable.undecodable) {
          result.skippedBatches++
          result.skipReason = `offsets ${bad.baseOffset}-${bad.lastOffset} of partition ${s.partition}: ${bad.reason}`
        }
        const decoded = recordKeys(readable.records, s.offset, () => null)
        result.skippedBatches += decoded.skippedBatches
        if (decoded.skipReason) result.skipReason = decoded.skipReason
        for (const rec of decoded.records) {
          if (s.got >= quota || rec.offset >= s.high) break
          s.got++
          result.records++
          if (rec.key === null) {
            result.nullKeys++
            continue
          }
          result.keys.push(rec.key)
          if (toPositive(kafkaMurmur2(rec.key)) % parts.length === s.partition) result.placedByDefaultPartitioner++
        }
        // No progress (a batch bigger than the limit, or nothing readable): stop this partition.
        if (decoded.nextOffset <= s.offset) s.high = s.offset
        else s.offset = decoded.nextOffset
      }
    }
    return result
  } finally {
    await admin.close()
  }
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
  sample?: Omit<KeySample, 'keys'>
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

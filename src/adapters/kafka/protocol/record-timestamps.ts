/**
 * The timestamp of the first record at or after an offset, read with sessionless Fetches
 * from the partition's leader (replica id -1; isolation 0 READ_UNCOMMITTED, or 1
 * READ_COMMITTED, which skips the records of aborted transactions as a read_committed
 * consumer does): no group is joined, nothing is committed.
 *
 * Only the batch holding the offset is read (its header and the record headers up to the
 * offset), so the first round asks a few KiB per partition, every partition of a leader in
 * as few requests as the response limit allows. Kafka returns no bytes for a partition whose
 * first batch is larger than the per-partition limit, so those are fetched again, one
 * partition per request: the broker always returns the whole first batch of the first
 * partition of a request (KIP-74).
 */
import {partitionKey, partitionOffsetKey} from '../../../core/partition-index.js'
import type {FleetopsError} from '../../../core/errors.js'
import {PartitionIndex} from '../../../core/partition-index.js'
import {mapLimited} from '../../../core/map-limited.js'
import {byLeader, leaderOf, type LeaderPartition} from './by-leader.js'
import {KafkaErrorCode, kafkaError, kafkaErrorName} from './errors.js'
import {fetchRequest, type FetchPartitionQuery, type FetchPartitionResult} from './fetch.js'
import {readableBatches, type ReadableBatches} from './readable-batches.js'
import {firstRecordAtOrAfter} from './record-batch.js'
import {nextOffsetAfter} from './record-decoder.js'
import {toFleetopsError} from './transport-errors.js'
import type {InternalBroker} from './transport.js'

export type RecordTimestampResult =
  | {kind: 'found'; offset: number; timestamp: number}
  /** The record is no longer in the log (retention or deletion moved the log start past it). */
  | {kind: 'gone'}
  | {kind: 'unknown'; reason: string}

/** A partition and the offset whose record's timestamp is wanted. */
export type RecordAtOffset = LeaderPartition & {offset: number}

/** What the record-timestamp reads need from the client. */
export interface RecordTimestampSource {
  /** The connection to a broker, by id. */
  broker(brokerId: number): Promise<InternalBroker>
  /** The Fetch version to send this broker; throws when none fits. */
  fetchVersion(broker: InternalBroker): number
  /** The error as the client reports it (configured secrets stripped). */
  redact(err: FleetopsError): FleetopsError
}


/** First Fetch round: bytes per partition (a batch header is 61 bytes; most batches are a few KiB). */
const FIRST_ROUND_BYTES = 8 * 1024
/** The whole response of one Fetch stays under this (Kafka's fetch.max.bytes default is 50 MiB). */
const RESPONSE_MAX_BYTES = 32 * 1024 * 1024
const FIRST_ROUND_PER_REQUEST = Math.floor(RESPONSE_MAX_BYTES / FIRST_ROUND_BYTES)
/** Per-partition floors of the later, one-partition rounds (1 = just the first batch). */
const LATER_ROUND_BYTES = [1, 1024 * 1024, 8 * 1024 * 1024]
const SINGLE_PARTITION_CONCURRENCY = 16

/** A record still to read, with the bytes its batch needs when an earlier answer told. */
type PendingRecord = RecordAtOffset & {needBytes?: number | null}

/** One leader's Fetch rounds: where to send, how, and where the answers go. */
interface LeaderFetch {
  source: RecordTimestampSource
  broker: InternalBroker
  version: number
  isolationLevel: 0 | 1
  out: Map<string, RecordTimestampResult>
}

/**
 * Timestamps of the records at or after each item's offset, one leader's Fetch rounds per
 * leader broker, brokers concurrently. Keyed by partitionOffsetKey(topic, partition, offset).
 */
export async function fetchRecordTimestamps(
  source: RecordTimestampSource,
  items: RecordAtOffset[],
  isolationLevel: 0 | 1,
): Promise<Map<string, RecordTimestampResult>> {
  const out = new Map<string, RecordTimestampResult>()
  await byLeader(
    items,
    leaderOf,
    async (leader, list) => {
      let broker: InternalBroker
      try {
        broker = await source.broker(leader)
      } catch (e) {
        setUnknown(out, list, source.redact(toFleetopsError(e, `Fetch from broker ${leader}`)).message)
        return
      }
      await timestampsFromLeader(source, broker, list, out, isolationLevel)
    },
    (it) => out.set(partitionOffsetKey(it.topic, it.partition, it.offset), {kind: 'unknown', reason: 'partition has no leader'}),
  )
  return out
}

/** The Fetch rounds for one leader; results go into `out`. */
export async function timestampsFromLeader(
  source: RecordTimestampSource,
  broker: InternalBroker,
  items: RecordAtOffset[],
  out: Map<string, RecordTimestampResult>,
  isolationLevel: 0 | 1,
): Promise<void> {
  if (items.length === 0) return
  let version: number
  try {
    version = source.fetchVersion(broker)
  } catch (e) {
    setUnknown(out, items, source.redact(toFleetopsError(e, `Fetch from broker ${broker.nodeId}`)).message)
    return
  }
  const leader: LeaderFetch = {source, broker, version, isolationLevel, out}
  const pending = await firstRound(leader, items)
  await laterRounds(leader, pending)
}

/**
 * Round 1: every partition in as few requests as the response limit allows. A partition
 * may appear only once per Fetch, so several offsets of one partition (groups that differ)
 * go into successive layers, lowest offset first; the records a Fetch returns from the lowest
 * also answer the partition's higher offsets they reach, which then need no Fetch of their
 * own (a fleet's groups mostly sit within a few records of each other). Returns the records
 * to read again.
 */
async function firstRound(leader: LeaderFetch, items: RecordAtOffset[]): Promise<PendingRecord[]> {
  let pending: PendingRecord[] = []
  let rest = [...items].sort((a, b) => a.offset - b.offset)
  while (rest.length > 0) {
    const [layer, ...deeper] = layersByPartition(rest)
    const higher = deeper.flat()
    const alsoAsked = new Map<string, RecordAtOffset[]>()
    for (const it of higher) {
      const tp = partitionKey(it.topic, it.partition)
      const list = alsoAsked.get(tp)
      if (list === undefined) alsoAsked.set(tp, [it])
      else list.push(it)
    }
    const requests: PendingRecord[][] = []
    for (let i = 0; i < layer!.length; i += FIRST_ROUND_PER_REQUEST) requests.push(layer!.slice(i, i + FIRST_ROUND_PER_REQUEST))
    const retries = await Promise.all(requests.map((list) => fetchOnce(leader, list, () => FIRST_ROUND_BYTES, false, alsoAsked)))
    pending = pending.concat(...retries)
    rest = higher.filter((it) => !leader.out.has(partitionOffsetKey(it.topic, it.partition, it.offset)))
  }
  return pending
}

/** The items split so that no partition appears twice in one layer (item order kept). */
function layersByPartition(items: RecordAtOffset[]): PendingRecord[][] {
  const layers: PendingRecord[][] = []
  const depth = new Map<string, number>()
  for (const it of items) {
    const tp = partitionKey(it.topic, it.partition)
    const d = depth.get(tp) ?? 0
    depth.set(tp, d + 1)
    ;(layers[d] ??= []).push(it)
  }
  return layers
}

/**
 * Later rounds: one partition per request, so the broker returns its whole first batch
 * (KIP-74) however large; the exact size when the bytes so far told it, else growing.
 */
async function laterRounds(leader: LeaderFetch, firstPending: PendingRecord[]): Promise<void> {
  let pending = firstPending
  for (let round = 0; round < LATER_ROUND_BYTES.length && pending.length > 0; round++) {
    const floor = LATER_ROUND_BYTES[round]!
    const last = round === LATER_ROUND_BYTES.length - 1
    const next: PendingRecord[] = []
    await mapLimited(pending, SINGLE_PARTITION_CONCURRENCY, async (it) => {
      next.push(...(await fetchOnce(leader, [it], (x) => Math.max(floor, x.needBytes ?? 0), last)))
    })
    pending = next
  }
}

/**
 * One Fetch; returns the items to try again (cut short by the byte limit). `alsoAsked`: higher
 * offsets of the same partitions, answered from the same records where these reach them.
 */
async function fetchOnce(
  leader: LeaderFetch,
  list: PendingRecord[],
  limitOf: (it: PendingRecord) => number,
  last: boolean,
  alsoAsked: ReadonlyMap<string, RecordAtOffset[]> = new Map(),
): Promise<PendingRecord[]> {
  const {source, broker, version, isolationLevel, out} = leader
  const brokerId = broker.nodeId
  const retry: PendingRecord[] = []
  try {
    const queries: FetchPartitionQuery[] = list.map((it) => ({topic: it.topic, partition: it.partition, fetchOffset: it.offset, partitionMaxBytes: limitOf(it)}))
    const maxBytes = Math.max(RESPONSE_MAX_BYTES, queries.reduce((sum, q) => sum + q.partitionMaxBytes, 0))
    const res = await broker.send(fetchRequest(version, queries, {maxBytes, isolationLevel}))
    if (res.errorCode !== 0) throw kafkaError(res.errorCode, `Fetch from broker ${brokerId}`)
    const index = PartitionIndex.of(res.partitions)
    for (const it of list) {
      const k = partitionOffsetKey(it.topic, it.partition, it.offset)
      const p = index.get(it.topic, it.partition)
      if (!p) out.set(k, {kind: 'unknown', reason: `broker ${brokerId} returned nothing for ${it.topic}-${it.partition}`})
      else if (p.errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) out.set(k, {kind: 'gone'})
      else if (p.errorCode !== 0) out.set(k, {kind: 'unknown', reason: `broker ${brokerId}: ${kafkaErrorName(p.errorCode)} (${p.errorCode})`})
      else {
        // Compressed batches decompressed; under read_committed, aborted transactions emptied.
        const readable = await readableBatches(p.records, isolationLevel === 1 ? (p.abortedTransactions ?? []) : null)
        const needBytes = readTimestamp(leader, it, p, readable, k, limitOf(it), last)
        if (needBytes !== null) retry.push({...it, needBytes})
        for (const higher of alsoAsked.get(partitionKey(it.topic, it.partition)) ?? []) answerIfReached(out, higher, readable)
      }
    }
  } catch (e) {
    setUnknown(out, list, source.redact(toFleetopsError(e, `Fetch from broker ${brokerId}`)).message)
  }
  return retry
}

/**
 * Reads one partition's records (error code 0) for the item's offset and sets its result
 * under `k`; returns null when answered, else the bytes to ask for in the next round.
 */
function readTimestamp(leader: LeaderFetch, it: PendingRecord, p: FetchPartitionResult, readable: ReadableBatches, k: string, limit: number, last: boolean): number | null {
  const {isolationLevel, out} = leader
  const found = firstRecordAtOrAfter(readable.records, it.offset)
  // An unreadable batch at or after the offset, before the record found: its records may be the answer.
  const bad = readable.undecodable.find((b) => b.lastOffset >= it.offset && (found.kind !== 'found' || b.baseOffset <= found.offset))
  if (bad) out.set(k, {kind: 'unknown', reason: `offsets ${bad.baseOffset}-${bad.lastOffset}: ${bad.reason}`})
  else if (found.kind === 'found') out.set(k, {kind: 'found', offset: found.offset, timestamp: found.timestamp})
  else if (found.kind === 'unsupported') out.set(k, {kind: 'unknown', reason: found.reason})
  else if (it.offset >= p.highWatermark) {
    out.set(k, {kind: 'unknown', reason: `no record at or after offset ${it.offset} below the high watermark ${p.highWatermark}`})
  } else if (found.kind === 'none' && isolationLevel === 1 && p.lastStableOffset >= 0 && nextOffsetAfter(p.records, it.offset) >= p.lastStableOffset) {
    // Read up to the last stable offset: what lies there is aborted or transaction markers.
    out.set(k, {kind: 'unknown', reason: `only aborted transactions and transaction markers from offset ${it.offset} to the last stable offset ${p.lastStableOffset}`})
  } else if (last) out.set(k, {kind: 'unknown', reason: `record at offset ${it.offset} not returned within ${limit} bytes`})
  // 'none' below the high watermark: the byte limit ended exactly between batches.
  else return found.kind === 'incomplete' ? found.needBytes : (p.records?.length ?? 0) + 1024
  return null
}

/**
 * A higher offset of a partition, answered from records fetched from a lower one when they
 * reach it: the batches of one Fetch follow each other in the log, so the first record at or
 * after the offset among them is the first in the log. Left unanswered (for a Fetch of its
 * own) when the records end before it.
 */
function answerIfReached(out: Map<string, RecordTimestampResult>, it: RecordAtOffset, readable: ReadableBatches): void {
  const found = firstRecordAtOrAfter(readable.records, it.offset)
  const bad = readable.undecodable.find((b) => b.lastOffset >= it.offset && (found.kind !== 'found' || b.baseOffset <= found.offset))
  const k = partitionOffsetKey(it.topic, it.partition, it.offset)
  if (bad) out.set(k, {kind: 'unknown', reason: `offsets ${bad.baseOffset}-${bad.lastOffset}: ${bad.reason}`})
  else if (found.kind === 'found') out.set(k, {kind: 'found', offset: found.offset, timestamp: found.timestamp})
}

function setUnknown(out: Map<string, RecordTimestampResult>, items: readonly RecordAtOffset[], reason: string): void {
  for (const it of items) out.set(partitionOffsetKey(it.topic, it.partition, it.offset), {kind: 'unknown', reason})
}

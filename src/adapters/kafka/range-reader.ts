/**
 * Bounded, group-less reads of a Kafka topic for look-back jobs: ListOffsets (by timestamp,
 * earliest, latest) and Fetch sent straight to the partition leaders over our own broker
 * connections (protocol/cluster-connection.ts). No consumer group is joined and nothing is
 * committed anywhere, so a run leaves no trace on the cluster.
 *
 * Traps handled here (see docs/shared reference "lookback"):
 *  - a by-timestamp lookup with no record at or after the timestamp answers offset -1;
 *    that means "nothing to read in this partition", never "read from the high watermark"
 *    or "from 0" (kafkajs's admin silently substitutes the high watermark);
 *  - reading stops at end offsets captured once at the start (the last stable offset), so
 *    a run always terminates;
 *  - batches holding only control records (transaction markers) still advance the
 *    position, so the reader never hangs one offset short of the end;
 *  - it reads what a read_committed consumer reads: Fetch with isolation 1, and the records
 *    of aborted transactions are dropped (readableBatches, with the Fetch answer's
 *    aborted_transactions); control records are never visited;
 *  - compressed batches (gzip, snappy, lz4, zstd) are decompressed before the visitor sees
 *    them; one that cannot be is reported to `onUndecodable` (never silently dropped).
 */
import {setTimeout as sleep} from 'node:timers/promises'
import type {Admin} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {classifySdkError} from '../classify-error.js'
import {createKafka} from './kafkajs-client.js'
import {FETCH_KEY, FETCH_VERSIONS, fetchRequest, type FetchPartitionResult} from './protocol/fetch.js'
import {openCluster} from './protocol/cluster-connection.js'
import type {InternalBroker, InternalCluster} from './protocol/transport.js'
import {transportOptions} from './transport-options.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, LIST_OFFSETS_KEY, LIST_OFFSETS_VERSIONS, listOffsetsRequest} from './protocol/list-offsets.js'
import {readableBatches, type UndecodableBatch} from './protocol/readable-batches.js'
import {decodeRecordBatches, nextOffsetAfter, type RecordVisitor} from './protocol/record-decoder.js'
import {negotiateVersion} from './protocol/versions.js'
import {byLeader} from './protocol/by-leader.js'
import {KafkaErrorCode, kafkaError, kafkaErrorName} from './protocol/errors.js'

export type {RecordVisitor} from './protocol/record-decoder.js'
export type {UndecodableBatch} from './protocol/readable-batches.js'

export interface PartitionBounds {
  partition: number
  /** First offset to read (from the window start's timestamp lookup). */
  start: number
  /** Exclusive end, captured at run start. */
  end: number
  /** Log start offset (retention moved it above 0 when > 0). */
  logStart: number
  /** Timestamp of the first record at the log start; null when the partition is empty. */
  earliestTimestampMs: number | null
}

export interface ReadOptions {
  partition: number
  from: number
  end: number
  visit: RecordVisitor
  /** Bytes per fetch for this partition (default 2 MiB); small values give finer progress. */
  maxBytes?: number
  /** Called after each fetched chunk with the next offset to read; may pause (rate limits) or stop. */
  afterChunk?: (nextOffset: number, visited: number) => Promise<'continue' | 'stop'>
  /** A compressed batch in [from, end) that could not be decompressed; its records are not visited. */
  onUndecodable?: (batch: UndecodableBatch) => void
}

const NOT_LEADER_CODES: ReadonlySet<number> = new Set([
  KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
  KafkaErrorCode.LEADER_NOT_AVAILABLE,
  KafkaErrorCode.FENCED_LEADER_EPOCH,
  KafkaErrorCode.UNKNOWN_LEADER_EPOCH,
])
const PARTITION_MAX_BYTES = 2 * 1024 * 1024
const FETCH_MAX_BYTES = 8 * 1024 * 1024

export class KafkaRangeReader {
  private readonly admin: Admin
  private readonly cluster: InternalCluster
  private connected: Promise<void> | null = null
  private leaders = new Map<number, number>()
  constructor(
    conn: KafkaConnection,
    readonly topic: string,
    verbose = false,
  ) {
    this.admin = createKafka(conn, 'fleetops-lookback', verbose).admin()
    this.cluster = openCluster(transportOptions(conn, 'fleetops-lookback', verbose))
  }

  private async connect(): Promise<void> {
    this.connected ??= (async () => {
      await this.admin.connect()
      await this.cluster.connect()
    })()
    try {
      await this.connected
    } catch (error) {
      this.connected = null
      throw classifySdkError(error, 'Kafka')
    }
  }

  /** Connects ahead of the first request; never rejects (that request reports any failure). */
  warmUp(): Promise<void> {
    return this.connect().catch(() => {})
  }

  /** Partition ids of the topic and their leaders. A missing topic is bad input. */
  async partitions(): Promise<number[]> {
    await this.connect()
    await this.refreshLeaders()
    return [...this.leaders.keys()].sort((a, b) => a - b)
  }

  private async refreshLeaders(): Promise<void> {
    try {
      const meta = await this.admin.fetchTopicMetadata({topics: [this.topic]})
      const t = meta.topics.find((x) => x.name === this.topic)
      this.leaders = new Map((t?.partitions ?? []).map((p) => [p.partitionId, p.leader]))
      await this.cluster.refreshMetadata()
    } catch (error) {
      const e = error as {type?: string; message?: string}
      if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION' || /does not host this topic-partition|UNKNOWN_TOPIC/i.test(String(e.message))) {
        throw new FleetopsError('BAD_INPUT', `Kafka topic "${this.topic}" does not exist; check source.kafka.topic in the job file`)
      }
      throw classifySdkError(error, `Kafka metadata for topic ${this.topic}`)
    }
  }

  private async leaderBroker(partition: number): Promise<InternalBroker> {
    const leader = this.leaders.get(partition)
    if (leader === undefined || leader === null || leader < 0) {
      throw new FleetopsError('UNAVAILABLE', `Kafka ${this.topic}-${partition} has no leader; check the brokers`)
    }
    return this.cluster.broker(leader)
  }

  /** One ListOffsets (replica -1) per leader; isolation 1 = READ_COMMITTED (LATEST = last stable offset). */
  private async listOffsets(partitions: number[], timestamp: number, isolation: 0 | 1): Promise<Map<number, number>> {
    const out = new Map<number, number>()
    for (let attempt = 0; ; attempt++) {
      const missing = partitions.filter((p) => !out.has(p))
      if (missing.length === 0) return out
      let retry = false
      await byLeader(
        missing,
        (p) => this.leaders.get(p) ?? -1,
        async (leader, parts) => {
          const broker = await this.cluster.broker(leader)
          const version = negotiateVersion('ListOffsets', LIST_OFFSETS_KEY, LIST_OFFSETS_VERSIONS, broker.versions, `broker ${leader}`)
          const res = await broker.send(listOffsetsRequest(version, -1, parts.map((partition) => ({topic: this.topic, partition, timestamp})), isolation))
          for (const r of res) {
            if (r.errorCode === 0) out.set(r.partition, r.offset)
            else if (NOT_LEADER_CODES.has(r.errorCode)) retry = true
            else throw kafkaError(r.errorCode, `ListOffsets for ${this.topic}-${r.partition}`)
          }
        },
        () => {
          retry = true // no leader now: ask again once the leaders are read again
        },
      )
      if (!retry) return out
      if (attempt >= 5) throw new FleetopsError('UNAVAILABLE', `Kafka ${this.topic}: partition leaders did not settle for ListOffsets; check the brokers`)
      await sleep(500 * (attempt + 1))
      await this.refreshLeaders()
    }
  }

  /**
   * Bounds of every partition for a window starting at `startMs`: end = last stable offset
   * now; start = first offset with timestamp >= startMs, or end when there is none (-1);
   * plus the log start and its first record's timestamp for the retention check.
   */
  async bounds(partitions: number[], startMs: number): Promise<PartitionBounds[]> {
    await this.connect()
    return this.guard(async () => {
      const ends = await this.listOffsets(partitions, LATEST_TIMESTAMP, 1)
      const starts = await this.listOffsets(partitions, startMs, 1)
      const logStarts = await this.listOffsets(partitions, EARLIEST_TIMESTAMP, 1)
      const out: PartitionBounds[] = []
      for (const partition of partitions) {
        const end = ends.get(partition)!
        const logStart = logStarts.get(partition)!
        const byTime = starts.get(partition)!
        // -1: no record at or after startMs: nothing of the window is in this partition.
        const start = byTime < 0 ? end : Math.min(Math.max(byTime, logStart), end)
        out.push({partition, start, end, logStart, earliestTimestampMs: null})
      }
      await Promise.all(
        out
          .filter((b) => b.logStart > 0 && b.logStart < b.end)
          .map(async (b) => {
            b.earliestTimestampMs = await this.firstTimestamp(b.partition, b.logStart, b.end)
          }),
      )
      return out
    })
  }

  private async firstTimestamp(partition: number, from: number, end: number): Promise<number | null> {
    let found: number | null = null
    let offset = from
    while (found === null && offset < end) {
      const res = await this.fetchOnce(partition, offset, 64 * 1024)
      if (res.errorCode !== 0) return null
      const readable = await readableBatches(res.records, res.abortedTransactions ?? [])
      decodeRecordBatches(readable.records, offset, end, (_o, ts) => {
        if (found === null) found = ts
      })
      const next = nextOffsetAfter(res.records, offset)
      if (next <= offset) return null
      offset = next
    }
    return found
  }

  private async fetchOnce(partition: number, offset: number, partitionMaxBytes = PARTITION_MAX_BYTES): Promise<FetchPartitionResult> {
    const broker = await this.leaderBroker(partition)
    const version = negotiateVersion('Fetch', FETCH_KEY, FETCH_VERSIONS, broker.versions, `broker ${broker.nodeId}`)
    const request = fetchRequest(version, [{topic: this.topic, partition, fetchOffset: offset, partitionMaxBytes}], {maxBytes: FETCH_MAX_BYTES, isolationLevel: 1})
    const res = await broker.send(request)
    if (res.errorCode !== 0) throw kafkaError(res.errorCode, `Fetch ${this.topic}-${partition}`)
    const p = res.partitions.find((x) => x.partition === partition)
    if (!p) throw new FleetopsError('UNAVAILABLE', `Kafka broker ${broker.nodeId} returned nothing for ${this.topic}-${partition}`)
    return p
  }

  /**
   * Reads [from, end) of one partition, visiting every data record. The next chunk is
   * requested before the current one is decoded, so network and CPU overlap.
   * Returns the offset reached (end unless afterChunk said stop).
   */
  async read(options: ReadOptions): Promise<number> {
    await this.connect()
    // A resumed run skips planning: load the leaders once.
    if (this.leaders.size === 0) await this.guard(() => this.refreshLeaders())
    const {partition, end, visit} = options
    let offset = options.from
    let emptyRounds = 0
    const fetchAt = (o: number): Promise<FetchPartitionResult> => this.guard(() => this.fetchOnce(partition, o, options.maxBytes ?? PARTITION_MAX_BYTES))
    let pending: Promise<FetchPartitionResult> | null = offset < end ? fetchAt(offset) : null
    while (offset < end && pending !== null) {
      let res: FetchPartitionResult
      try {
        res = await pending
      } catch (error) {
        pending = null
        throw error
      }
      pending = null
      if (res.errorCode !== 0) {
        if (NOT_LEADER_CODES.has(res.errorCode) && emptyRounds < 10) {
          emptyRounds++
          await sleep(300 * emptyRounds)
          await this.refreshLeaders()
          pending = fetchAt(offset)
          continue
        }
        if (res.errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) {
          throw new FleetopsError(
            'PARTIAL',
            `Kafka ${this.topic}-${partition}: offset ${offset} is no longer in the log (retention deleted it during the run; log start is now ${res.logStartOffset}); rerun without --resume`,
          )
        }
        throw kafkaError(res.errorCode, `Fetch ${this.topic}-${partition} at offset ${offset}`)
      }
      const next = nextOffsetAfter(res.records, offset)
      if (next <= offset) {
        // Nothing returned below the snapshot end: the log was truncated or the leader lags.
        if (++emptyRounds > 20) {
          throw new FleetopsError('UNAVAILABLE', `Kafka ${this.topic}-${partition}: no records returned at offset ${offset} (end ${end}, high watermark ${res.highWatermark}); check the brokers`)
        }
        await sleep(200)
        pending = fetchAt(offset)
        continue
      }
      emptyRounds = 0
      if (next < end) pending = fetchAt(next)
      let result
      try {
        const readable = await readableBatches(res.records, res.abortedTransactions ?? [])
        for (const bad of readable.undecodable) {
          if (bad.lastOffset < offset || bad.baseOffset >= end) continue
          if (!options.onUndecodable) throw new FleetopsError('UNAVAILABLE', `Kafka ${this.topic}-${partition}: offsets ${bad.baseOffset}-${bad.lastOffset}: ${bad.reason}`)
          options.onUndecodable(bad)
        }
        result = decodeRecordBatches(readable.records, offset, end, visit)
      } catch (error) {
        pending?.catch(() => {})
        throw error
      }
      offset = Math.min(next, end)
      if (options.afterChunk) {
        const verdict = await options.afterChunk(offset, result.visited)
        if (verdict === 'stop') {
          pending?.catch(() => {})
          return offset
        }
      }
    }
    return offset
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw classifySdkError(error, `Kafka topic ${this.topic}`)
    }
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => {})
    await this.cluster.disconnect().catch(() => {})
  }
}

/** Exposed for error messages in tests. */
export const describeKafkaError = kafkaErrorName


import type {PartitionBounds} from '../../adapters/kafka/range-reader.js'
import {FleetopsError} from '../../core/errors.js'
import type {Checkpoint} from '../../core/lookback/checkpoint.js'
import type {KafkaSource, LookbackJobSpec} from '../../core/lookback/job-spec.js'
import {incompleteDaysForRetention} from '../../core/lookback/outcome.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import {kafkaUnitPartition} from '../../core/lookback/work-units.js'
import type {SourceReader, UnitHooks, UnitOutcome, UnitWork} from './source.js'
import type {KafkaRange} from './store.js'
import {AggregatorPool, aggregatorWorkerCount, aggregatorWorkerFile} from './aggregator-pool.js'
import type {RegistryDecoder} from './schema-decoder.js'
import {type FeedUnit, LocalFeed, type UnitFeed} from './unit-feed.js'


/** Producer clocks (CreateTime) may run ahead of event time: start the timestamp lookup this much earlier. */
export const KAFKA_SKEW_MARGIN_MS = 3_600_000

/** Kafka units (partitions) a run reads at once (the unit runner's width). */
export const KAFKA_UNITS_AT_ONCE = 4

export interface KafkaPlan {
  partitions: number[]
  startOffsets: Record<string, string>
  endOffsets: Record<string, string>
  incompleteDays: string[]
  bounds: PartitionBounds[]
}

/**
 * Reads a Kafka topic for a look-back run. Work units are whole partitions, not
 * (day × partition): a partition is ordered by offset, not by event time, so every day's
 * events can sit anywhere in [start, end) and per-day units would re-read the same range.
 */
export class KafkaSourceReader implements SourceReader {
  /** The run's aggregation workers: undefined until the first unit, null when aggregating in this thread. */
  private pool: AggregatorPool | null | undefined

  private constructor(
    private readonly reader: KafkaRange,
    private readonly job: LookbackJobSpec,
    private readonly source: KafkaSource,
    private readonly window: LookbackWindow,
    private readonly checkpoint: Pick<Checkpoint, 'previousRunBoundaryMs' | 'previousEndOffsets'>,
    private readonly fetchBytes: number | undefined,
    private readonly decoder: RegistryDecoder | null,
  ) {}

  /** `decoder`: for an Avro or Protobuf job, the registry decoder of the run (schemas cached across units). */
  static forRun(
    reader: KafkaRange,
    job: LookbackJobSpec,
    window: LookbackWindow,
    checkpoint: Checkpoint,
    fetchBytes?: number,
    decoder: RegistryDecoder | null = null,
  ): KafkaSourceReader {
    const source = new KafkaSourceReader(reader, job, job.source as KafkaSource, window, checkpoint, fetchBytes, decoder)
    // Workers start now: loading them overlaps the first fetches instead of delaying the first unit.
    source.startWorkers()
    return source
  }

  /** Start offsets by timestamp, end offsets now, and the retention check. */
  static async plan(reader: KafkaRange, window: LookbackWindow): Promise<KafkaPlan> {
    const partitions = await reader.partitions()
    if (partitions.length === 0) throw new FleetopsError('BAD_INPUT', `Kafka topic ${reader.topic} has no partitions`)
    const bounds = await reader.bounds(partitions, window.startMs - KAFKA_SKEW_MARGIN_MS)
    const startOffsets: Record<string, string> = {}
    const endOffsets: Record<string, string> = {}
    for (const b of bounds) {
      startOffsets[String(b.partition)] = String(b.start)
      endOffsets[String(b.partition)] = String(b.end)
    }
    const incompleteDays = incompleteDaysForRetention(
      window.intervals,
      bounds.map((b) => ({partition: b.partition, logStartOffset: String(b.logStart), earliestTimestampMs: b.earliestTimestampMs})),
      KAFKA_SKEW_MARGIN_MS,
    )
    return {partitions, startOffsets, endOffsets, incompleteDays, bounds}
  }

  async processUnit(work: UnitWork, hooks: UnitHooks): Promise<UnitOutcome> {
    const partition = kafkaUnitPartition(work.unitId)
    if (partition === null || work.nextOffset === undefined || work.endOffset === undefined) {
      throw new FleetopsError('INTERNAL', `unit ${work.unitId} is not a planned Kafka partition`)
    }
    const prevEndText = this.checkpoint.previousEndOffsets?.[String(partition)]
    const feed = this.feedFor({
      job: this.job,
      window: this.window,
      previousRunBoundaryMs: this.checkpoint.previousRunBoundaryMs,
      partial: work.partial,
      topic: this.source.topic,
      partition,
      prevEnd: prevEndText === undefined ? -1 : Number(prevEndText),
    })
    const end = Number(work.endOffset)
    let from = Number(work.nextOffset)
    let lastOffset: string | undefined = work.partial ? String(from - 1) : undefined
    let chunkEvents = 0
    try {
      if (from < end) {
        from = await this.reader.read({
          partition,
          from,
          end,
          maxBytes: this.fetchBytes,
          visit: (offset, timestampMs, data, start, stop) => {
            feed.record(offset, timestampMs, data, start, stop)
            chunkEvents++
          },
          onUndecodable: (bad) => {
            // The header's record count; a compacted batch may hold fewer, and the part of a
            // batch outside [from, end) is not this unit's.
            const inRange = Math.min(bad.lastOffset, end - 1) - Math.max(bad.baseOffset, from) + 1
            feed.unreadable(Math.max(bad.baseOffset, from), Math.min(bad.records, inRange), `offsets ${bad.baseOffset}-${bad.lastOffset}: ${bad.reason}`)
            chunkEvents += Math.min(bad.records, inRange)
          },
          afterChunk: async (nextOffset) => {
            await feed.endChunk()
            const n = chunkEvents
            chunkEvents = 0
            lastOffset = String(nextOffset - 1)
            return hooks.afterChunk(() => feed.snapshot(), lastOffset, n)
          },
        })
      }
    } catch (error) {
      feed.discard()
      throw error
    }
    const result = await feed.finish()
    const finished = from >= end
    return {finished, partial: result.partial, live: result.live, lastOffset: finished ? (end > 0 ? String(end - 1) : undefined) : lastOffset, events: result.events}
  }

  /**
   * Where a unit's records are aggregated: in a worker thread when the run has workers (JSON
   * records; a registry decoder's schema fetches stay in this thread), else here.
   */
  private feedFor(unit: FeedUnit): UnitFeed {
    if (this.decoder !== null) return new LocalFeed(unit, this.decoder)
    this.startWorkers()
    return this.pool ? this.pool.open(unit) : new LocalFeed(unit)
  }

  private startWorkers(): void {
    if (this.pool !== undefined || this.decoder !== null) return
    const file = aggregatorWorkerFile()
    const size = file === null ? 0 : aggregatorWorkerCount(KAFKA_UNITS_AT_ONCE)
    this.pool = file === null || size === 0 ? null : new AggregatorPool(file, size)
  }

  async close(): Promise<void> {
    await this.pool?.close()
    await this.reader.close()
  }
}

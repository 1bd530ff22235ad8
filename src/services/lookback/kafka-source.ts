import type {PartitionBounds} from '../../adapters/kafka/range-reader.js'
import {FleetopsError} from '../../core/errors.js'
import type {Checkpoint} from '../../core/lookback/checkpoint.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import type {KafkaSource, LookbackJobSpec} from '../../core/lookback/job-spec.js'
import {incompleteDaysForRetention} from '../../core/lookback/outcome.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import {kafkaUnitPartition} from '../../core/lookback/work-units.js'
import type {SourceReader, UnitHooks, UnitOutcome, UnitWork} from './source.js'
import type {KafkaRange} from './store.js'
import {recordSinkFor} from './record-sink.js'
import {DecodingFeed, type RegistryDecoder} from './schema-decoder.js'


/** Producer clocks (CreateTime) may run ahead of event time: start the timestamp lookup this much earlier. */
export const KAFKA_SKEW_MARGIN_MS = 3_600_000

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
    return new KafkaSourceReader(reader, job, job.source as KafkaSource, window, checkpoint, fetchBytes, decoder)
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
    const sink = recordSinkFor(this.job, this.window, this.checkpoint.previousRunBoundaryMs, work.partial)
    const acc = sink.acc
    const feed = this.decoder === null ? null : new DecodingFeed(this.decoder, sink)
    const addBytes = feed === null ? sink.addBytes : feed.add.bind(feed)
    const prevEndText = this.checkpoint.previousEndOffsets?.[String(partition)]
    const prevEnd = prevEndText === undefined ? -1 : Number(prevEndText)
    const topic = this.source.topic
    let from = Number(work.nextOffset)
    const end = Number(work.endOffset)
    let lastOffset: string | undefined = from > Number(work.nextOffset) ? String(from - 1) : work.partial ? String(from - 1) : undefined
    let chunkEvents = 0
    let currentOffset = 0
    const ref = (): EventRef => ({kind: 'kafka', topic, partition, offset: String(currentOffset)})
    if (from < end) {
      const reached = await this.reader.read({
        partition,
        from,
        end,
        maxBytes: this.fetchBytes,
        visit: (offset, timestampMs, data, start, stop) => {
          currentOffset = offset
          addBytes(data, start, stop, timestampMs, offset < prevEnd, ref)
          chunkEvents++
        },
        onUndecodable: (bad) => {
          // The header's record count; a compacted batch may hold fewer, and the part of a
          // batch outside [from, end) is not this unit's.
          const inRange = Math.min(bad.lastOffset, end - 1) - Math.max(bad.baseOffset, from) + 1
          currentOffset = Math.max(bad.baseOffset, from)
          acc.addUnreadable(Math.min(bad.records, inRange), `offsets ${bad.baseOffset}-${bad.lastOffset}: ${bad.reason}`, ref)
          chunkEvents += Math.min(bad.records, inRange)
        },
        afterChunk: async (nextOffset) => {
          await feed?.flush()
          const n = chunkEvents
          chunkEvents = 0
          lastOffset = String(nextOffset - 1)
          const verdict = await hooks.afterChunk(() => acc.partial(), lastOffset, n)
          return verdict
        },
      })
      from = reached
    }
    const finished = from >= end
    return {finished, partial: acc.partial(), live: acc, lastOffset: finished ? (end > 0 ? String(end - 1) : undefined) : lastOffset, events: acc.events}
  }

  async close(): Promise<void> {
    await this.reader.close()
  }
}

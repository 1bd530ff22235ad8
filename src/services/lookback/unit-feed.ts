import type {UnitPartial, UnitPieces} from '../../core/lookback/checkpoint.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import {type RecordSink, recordSinkFor} from './record-sink.js'
import {DecodingFeed, type RegistryDecoder} from './schema-decoder.js'

/** What a Kafka unit's aggregation starts from: plain data, so a worker thread can be sent it. */
export interface FeedUnit {
  job: LookbackJobSpec
  window: LookbackWindow
  previousRunBoundaryMs: number | null
  /** The unit's saved progress to continue from. */
  partial?: UnitPartial
  topic: string
  partition: number
  /** Records below this offset were read by the previous run (-1: none). */
  prevEnd: number
}

/** A unit's result when its feed finishes: the partial, and (aggregated in this thread) the live objects. */
export interface FeedResult {
  partial: UnitPartial
  live?: UnitPieces
  events: number
}

/**
 * Where a Kafka unit's records go, in offset order: aggregated here (LocalFeed) or handed to
 * an aggregation worker chunk by chunk (aggregator-pool.ts). Either way a snapshot taken after
 * endChunk() covers exactly the records fed before it.
 */
export interface UnitFeed {
  /** One record: its value is bytes [start, stop) of `data` (start < 0: no value). */
  record(offset: number, timestampMs: number, data: Uint8Array, start: number, stop: number): void
  /** `records` records of an undecodable batch, the first at `offset`. */
  unreadable(offset: number, records: number, detail: string): void
  /** The end of a fetched chunk (a worker feed hands it over, waiting while too many are in flight). */
  endChunk(): Promise<void>
  snapshot(): Promise<UnitPartial>
  /** The unit's result; the feed is done with. */
  finish(): Promise<FeedResult>
  /** The unit failed: forget it. */
  discard(): void
}

/** A unit aggregated in this thread (the worker thread runs one per unit too). */
export class LocalFeed implements UnitFeed {
  readonly sink: RecordSink
  private readonly decoding: DecodingFeed | null
  private readonly add: RecordSink['addBytes']
  private currentOffset = 0
  private readonly ref = (): EventRef => ({kind: 'kafka', topic: this.unit.topic, partition: this.unit.partition, offset: String(this.currentOffset)})

  constructor(
    private readonly unit: FeedUnit,
    decoder: RegistryDecoder | null = null,
  ) {
    this.sink = recordSinkFor(unit.job, unit.window, unit.previousRunBoundaryMs, unit.partial)
    this.decoding = decoder === null ? null : new DecodingFeed(decoder, this.sink)
    this.add = this.decoding === null ? this.sink.addBytes : this.decoding.add.bind(this.decoding)
  }

  record(offset: number, timestampMs: number, data: Uint8Array, start: number, stop: number): void {
    this.currentOffset = offset
    this.add(data, start, stop, timestampMs, offset < this.unit.prevEnd, this.ref)
  }

  unreadable(offset: number, records: number, detail: string): void {
    this.currentOffset = offset
    this.sink.acc.addUnreadable(records, detail, this.ref)
  }

  async endChunk(): Promise<void> {
    await this.decoding?.flush()
  }

  async snapshot(): Promise<UnitPartial> {
    return this.sink.acc.partial()
  }

  async finish(): Promise<FeedResult> {
    return {partial: this.sink.acc.partial(), live: this.sink.acc, events: this.sink.acc.events}
  }

  discard(): void {}
}

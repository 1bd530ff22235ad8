/**
 * One fetched chunk of a Kafka unit as the main thread hands it to an aggregation worker:
 * the record values copied end to end into `bytes`, and per entry its offset, timestamp and
 * value range. An entry whose start is UNREADABLE is an undecodable batch instead: `stops`
 * holds its record count and `details` (in entry order) its reason.
 */
export interface FeedChunk {
  n: number
  bytes: Uint8Array
  starts: Int32Array
  stops: Int32Array
  offsets: Float64Array
  timestamps: Float64Array
  details: string[]
}

/** A record with no value (a tombstone). */
const NO_VALUE = -1
const UNREADABLE = -2

/** Collects a chunk's entries in growable typed arrays; take() hands them over (transferable) and starts afresh. */
export class FeedChunkBuilder {
  private n = 0
  private used = 0
  private bytes = new Uint8Array(256 * 1024)
  private starts = new Int32Array(2048)
  private stops = new Int32Array(2048)
  private offsets = new Float64Array(2048)
  private timestamps = new Float64Array(2048)
  private details: string[] = []

  get size(): number {
    return this.n
  }

  record(offset: number, timestampMs: number, data: Uint8Array, start: number, stop: number): void {
    const i = this.entry(offset, timestampMs)
    if (start < 0) {
      this.starts[i] = NO_VALUE
      this.stops[i] = NO_VALUE
      return
    }
    const length = stop - start
    if (this.used + length > this.bytes.length) this.bytes = grown(this.bytes, this.used + length)
    // A loop, not set(data.subarray()): a subarray of a Buffer is a new Buffer per record.
    const bytes = this.bytes
    let used = this.used
    this.starts[i] = used
    for (let k = start; k < stop; k++) bytes[used++] = data[k]!
    this.used = used
    this.stops[i] = used
  }

  unreadable(offset: number, records: number, detail: string): void {
    const i = this.entry(offset, 0)
    this.starts[i] = UNREADABLE
    this.stops[i] = records
    this.details.push(detail)
  }

  /** The chunk so far (its arrays are the builder's own, so they may be transferred), and a fresh builder state. */
  take(): {chunk: FeedChunk; transfer: ArrayBuffer[]} {
    const chunk: FeedChunk = {n: this.n, bytes: this.bytes, starts: this.starts, stops: this.stops, offsets: this.offsets, timestamps: this.timestamps, details: this.details}
    const transfer = [chunk.bytes.buffer, chunk.starts.buffer, chunk.stops.buffer, chunk.offsets.buffer, chunk.timestamps.buffer] as ArrayBuffer[]
    this.bytes = new Uint8Array(this.bytes.length)
    this.starts = new Int32Array(this.starts.length)
    this.stops = new Int32Array(this.stops.length)
    this.offsets = new Float64Array(this.offsets.length)
    this.timestamps = new Float64Array(this.timestamps.length)
    this.details = []
    this.n = 0
    this.used = 0
    return {chunk, transfer}
  }

  private entry(offset: number, timestampMs: number): number {
    if (this.n === this.starts.length) {
      const size = this.n * 2
      this.starts = grown(this.starts, size)
      this.stops = grown(this.stops, size)
      this.offsets = grown(this.offsets, size)
      this.timestamps = grown(this.timestamps, size)
    }
    const i = this.n++
    this.offsets[i] = offset
    this.timestamps[i] = timestampMs
    return i
  }
}

/** What a chunk's entries are replayed into (a unit's feed). */
export interface ChunkTarget {
  record(offset: number, timestampMs: number, data: Uint8Array, start: number, stop: number): void
  unreadable(offset: number, records: number, detail: string): void
}

/** Feeds a chunk's entries, in order, to a unit feed (what the worker does with each chunk it is sent). */
export function replayChunk(chunk: FeedChunk, feed: ChunkTarget): void {
  let detail = 0
  for (let i = 0; i < chunk.n; i++) {
    const start = chunk.starts[i]!
    if (start === UNREADABLE) feed.unreadable(chunk.offsets[i]!, chunk.stops[i]!, chunk.details[detail++]!)
    else feed.record(chunk.offsets[i]!, chunk.timestamps[i]!, chunk.bytes, start, chunk.stops[i]!)
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(array: T, atLeast: number): T {
  let size = array.length * 2
  while (size < atLeast) size *= 2
  const bigger = new (array.constructor as new (n: number) => T)(size)
  bigger.set(array)
  return bigger
}

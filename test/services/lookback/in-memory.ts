/**
 * In-memory implementations of the look-back runner's own interfaces (LookbackStore,
 * KafkaRange, Clock, RunLog), for the fast service tests. They model what the runner relies
 * on: leases held by one owner, a CAS on the job's shared-run pointer, day partitions
 * replaced whole, a partition read in chunks from an offset. The integration tests against
 * the real clusters stay the proof; these only make the runner's paths cheap to drive.
 */
import type {BucketState} from '../../../src/core/lookback/bucket-status.js'
import type {JobState, LeaseResult, SourceTableInfo} from '../../../src/adapters/cassandra/lookback-store.js'
import type {PartitionBounds, ReadOptions} from '../../../src/adapters/kafka/range-reader.js'
import {badInput} from '../../../src/core/errors.js'
import type {MeasuresSinkRow} from '../../../src/core/lookback/measures-sink.js'
import type {SinkLayout} from '../../../src/core/lookback/sink-layout.js'
import type {SinkRow} from '../../../src/core/lookback/sink-row.js'
import type {Clock} from '../../../src/services/lag/clock.js'
import type {LookbackAdapters} from '../../../src/services/lookback/adapter-factory.js'
import type {RunLog} from '../../../src/services/lookback/run-log.js'
import type {KafkaRange, LookbackStore} from '../../../src/services/lookback/store.js'

/** Lets other callbacks (setImmediate) run: an in-memory await that still interleaves. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Time that moves only when the test (or a sleep) moves it. */
export class TestClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms
  }

  async sleep(ms: number): Promise<void> {
    this.ms += ms
    await tick()
  }
}

export class MemoryRunLog implements RunLog {
  readonly events: {name: string; fields: Record<string, unknown>}[] = []
  runId = ''
  event(name: string, fields: Record<string, unknown> = {}): void {
    this.events.push({name, fields})
  }

  progress(): void {}
  setRunId(runId: string): void {
    this.runId = runId
  }

  named(name: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.name === name).map((e) => e.fields)
  }
}

const SINK_INFO: SourceTableInfo = {columns: [], partitionKey: ['job', 'day'], clusteringKey: ['group_key'], arrivalColumn: null}

export class MemoryStore implements LookbackStore {
  readonly keyspaces = new Set<string>()
  /** `ks.table` -> rows. */
  readonly sinks = new Map<string, SinkRow[]>()
  /** Lease name -> owner. */
  readonly leases = new Map<string, string>()
  readonly jobs = new Map<string, JobState>()
  readonly runs = new Map<string, {header: string; finished: boolean; report: string | null}>()
  readonly units = new Map<string, Map<string, {partial: string; lastOffset: string | null; worker: string}>>()
  /** Sink writes that fail before this many more succeed (a Cassandra outage at write time). */
  failingWrites = 0
  closed = 0

  constructor(keyspace: string) {
    this.keyspaces.add(keyspace)
  }

  async keyspaceExists(keyspace: string): Promise<boolean> {
    return this.keyspaces.has(keyspace)
  }

  async tableColumns(keyspace: string, table: string): Promise<SourceTableInfo | null> {
    return this.sinks.has(`${keyspace}.${table}`) || this.measuresSinks.has(`${keyspace}.${table}`) ? SINK_INFO : null
  }

  async ensureSink(keyspace: string, table: string, create: boolean): Promise<'exists' | 'created'> {
    if (!this.keyspaces.has(keyspace)) throw badInput(`sink keyspace "${keyspace}" does not exist`)
    if (this.sinks.has(`${keyspace}.${table}`)) return 'exists'
    if (!create) throw badInput(`sink table ${keyspace}.${table} does not exist; pass --create-sink to create it`)
    this.sinks.set(`${keyspace}.${table}`, [])
    return 'created'
  }

  async ensureStateTables(): Promise<void> {}

  sinkRows(keyspace: string, table: string): SinkRow[] {
    return [...(this.sinks.get(`${keyspace}.${table}`) ?? [])].sort((a, b) => a.day.localeCompare(b.day) || a.group_key.localeCompare(b.group_key))
  }

  async readSinkRows(keyspace: string, table: string, job: string, days: readonly string[]): Promise<SinkRow[]> {
    return this.sinkRows(keyspace, table).filter((r) => r.job === job && days.includes(r.day))
  }

  async replaceSinkDays(keyspace: string, table: string, job: string, days: readonly string[], rows: readonly SinkRow[]): Promise<number> {
    if (this.failingWrites > 0) {
      this.failingWrites--
      throw new Error('connection reset by peer')
    }
    const kept = this.sinkRows(keyspace, table).filter((r) => r.job !== job || !days.includes(r.day))
    const written = rows.filter((r) => days.includes(r.day))
    this.sinks.set(`${keyspace}.${table}`, [...kept, ...written.map((r) => ({...r}))])
    return written.length
  }

  /** Measures sinks: `ks.table` -> job -> bucket -> rows. */
  readonly measuresSinks = new Map<string, Map<string, Map<string, MeasuresSinkRow[]>>>()

  async ensureMeasuresSink(layout: SinkLayout, create: boolean): Promise<'exists' | 'created'> {
    const name = `${layout.keyspace}.${layout.table}`
    if (!this.keyspaces.has(layout.keyspace)) throw badInput(`sink keyspace "${layout.keyspace}" does not exist`)
    if (this.measuresSinks.has(name)) return 'exists'
    if (!create) throw badInput(`sink table ${name} does not exist; pass --create-sink to create it`)
    this.measuresSinks.set(name, new Map())
    return 'created'
  }

  async readMeasuresRows(layout: SinkLayout, job: string, buckets: readonly string[]): Promise<MeasuresSinkRow[]> {
    const jobs = this.measuresSinks.get(`${layout.keyspace}.${layout.table}`)
    return buckets.flatMap((b) => jobs?.get(job)?.get(b) ?? []).map((r) => ({...r, dims: [...r.dims], values: {...r.values}}))
  }

  async replaceMeasuresBuckets(layout: SinkLayout, job: string, buckets: readonly string[], rows: readonly MeasuresSinkRow[]): Promise<number> {
    const jobs = this.measuresSinks.get(`${layout.keyspace}.${layout.table}`)!
    const byBucket = jobs.get(job) ?? new Map<string, MeasuresSinkRow[]>()
    jobs.set(job, byBucket)
    for (const b of buckets) byBucket.set(b, rows.filter((r) => r.bucket === b).map((r) => ({...r, dims: [...r.dims], values: {...r.values}})))
    return rows.filter((r) => buckets.includes(r.bucket)).length
  }

  /** `ks/job` -> bucket -> [write timestamp, state]: the newest write wins, as with USING TIMESTAMP. */
  readonly bucketStates = new Map<string, Map<string, [number, BucketState]>>()

  async writeBucketStates(keyspace: string, job: string, states: readonly BucketState[], writeTimestampMicros: number): Promise<void> {
    const byBucket = this.bucketStates.get(`${keyspace}/${job}`) ?? new Map<string, [number, BucketState]>()
    this.bucketStates.set(`${keyspace}/${job}`, byBucket)
    for (const s of states) {
      const old = byBucket.get(s.bucket)
      if (old === undefined || old[0] <= writeTimestampMicros) byBucket.set(s.bucket, [writeTimestampMicros, structuredClone(s)])
    }
  }

  async readBucketStates(keyspace: string, job: string, first: string, last: string): Promise<BucketState[]> {
    const byBucket = this.bucketStates.get(`${keyspace}/${job}`) ?? new Map<string, [number, BucketState]>()
    return [...byBucket.values()]
      .map(([, s]) => structuredClone(s))
      .filter((s) => s.bucket >= first && s.bucket <= last)
      .sort((a, b) => (a.bucket < b.bucket ? -1 : 1))
  }

  async acquireLease(_keyspace: string, name: string, owner: string): Promise<LeaseResult> {
    const holder = this.leases.get(name)
    if (holder !== undefined && holder !== owner) return {acquired: false, holder}
    this.leases.set(name, owner)
    return {acquired: true, holder: owner}
  }

  async renewLease(_keyspace: string, name: string, owner: string): Promise<boolean> {
    return this.leases.get(name) === owner
  }

  async releaseLease(_keyspace: string, name: string, owner: string): Promise<void> {
    if (this.leases.get(name) === owner) this.leases.delete(name)
  }

  async readJobState(_keyspace: string, job: string): Promise<JobState | null> {
    const state = this.jobs.get(job)
    return state ? {...state} : null
  }

  async writeJobState(_keyspace: string, job: string, state: Omit<JobState, 'sharedRun'>): Promise<void> {
    this.jobs.set(job, {...state, sharedRun: this.jobs.get(job)?.sharedRun ?? null})
  }

  async setSharedRun(_keyspace: string, job: string, expected: string | null, runId: string | null): Promise<boolean> {
    const state = this.jobs.get(job) ?? {runId: '', asOf: '', boundaryMs: -1, startedAtMs: -1, endOffsets: null, source: '', sharedRun: null}
    if (state.sharedRun !== expected) return false
    this.jobs.set(job, {...state, sharedRun: runId})
    return true
  }

  async putRunHeader(_keyspace: string, job: string, runId: string, header: string): Promise<void> {
    this.runs.set(`${job}/${runId}`, {header, finished: false, report: null})
  }

  async getRun(_keyspace: string, job: string, runId: string): Promise<{header: string; finished: boolean; report: string | null} | null> {
    const run = this.runs.get(`${job}/${runId}`)
    return run ? {...run} : null
  }

  async finishRun(_keyspace: string, job: string, runId: string, report: string): Promise<void> {
    const run = this.runs.get(`${job}/${runId}`)
    if (run) this.runs.set(`${job}/${runId}`, {...run, finished: true, report})
  }

  async putUnitResult(_keyspace: string, job: string, runId: string, unitId: string, partial: string, lastOffset: string | null, worker: string): Promise<void> {
    const key = `${job}/${runId}`
    if (!this.units.has(key)) this.units.set(key, new Map())
    this.units.get(key)!.set(unitId, {partial, lastOffset, worker})
  }

  async unitResults(_keyspace: string, job: string, runId: string): Promise<Map<string, {partial: string; lastOffset: string | null; worker: string}>> {
    return new Map(this.units.get(`${job}/${runId}`) ?? [])
  }

  async readBucket(): Promise<'done' | 'stopped'> {
    throw new Error('the in-memory store holds no Cassandra source table')
  }

  async close(): Promise<void> {
    this.closed++
  }
}

export interface TopicRecord {
  timestampMs: number
  value: string
}

/**
 * A topic held in memory: offsets are array indexes, read in chunks of `chunkSize` records.
 * `afterChunkRead` sees each chunk before the runner does (to stop, hang or signal there).
 */
export class MemoryTopic implements KafkaRange {
  /** Every read the runner asked for: where each partition was (re)started. */
  readonly reads: {partition: number; from: number}[] = []
  afterChunkRead: ((partition: number, nextOffset: number) => Promise<void> | void) | null = null
  /** Reads started and not yet returned. */
  active = 0
  closed = 0

  constructor(
    readonly topic: string,
    private readonly log: readonly TopicRecord[][],
    private readonly chunkSize = 10,
    private readonly chunkMs = 0,
    private readonly clock?: TestClock,
  ) {}

  async warmUp(): Promise<void> {}

  async partitions(): Promise<number[]> {
    return this.log.map((_, p) => p)
  }

  async bounds(partitions: number[], startMs: number): Promise<PartitionBounds[]> {
    return partitions.map((partition) => {
      const records = this.log[partition]!
      const first = records.findIndex((r) => r.timestampMs >= startMs)
      return {partition, start: first < 0 ? records.length : first, end: records.length, logStart: 0, earliestTimestampMs: records[0]?.timestampMs ?? null}
    })
  }

  async read(options: ReadOptions): Promise<number> {
    const {partition} = options
    this.reads.push({partition, from: options.from})
    this.active++
    try {
      return await this.readChunks(options)
    } finally {
      this.active--
    }
  }

  private async readChunks(options: ReadOptions): Promise<number> {
    const {partition, end, visit} = options
    let offset = options.from
    while (offset < end) {
      const next = Math.min(offset + this.chunkSize, end)
      for (let o = offset; o < next; o++) {
        const data = Buffer.from(this.log[partition]![o]!.value)
        visit(o, this.log[partition]![o]!.timestampMs, data, 0, data.length)
      }
      offset = next
      await tick()
      if (this.clock) this.clock.ms += this.chunkMs
      await this.afterChunkRead?.(partition, offset)
      if (options.afterChunk && (await options.afterChunk(offset, next - offset)) === 'stop') return offset
    }
    return offset
  }

  async close(): Promise<void> {
    this.closed++
  }
}

/** Adapters that hand the runner these in-memory clusters. */
export function memoryAdapters(store: MemoryStore, topic: MemoryTopic): LookbackAdapters {
  return {forJob: () => ({openKafka: async () => topic, openStore: async () => store})}
}

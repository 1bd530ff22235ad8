import {randomBytes} from 'node:crypto'

import type {SourceTableInfo} from '../../adapters/cassandra/lookback-store.js'
import {keepYoungGenerationSmall} from '../../memory.js'
import {ExitCode, FleetopsError, badInput, isFleetopsError} from '../../core/errors.js'
import {type BucketState, bucketStatus, gapBuckets, jobBucketsOfDays, writtenBucketStates} from '../../core/lookback/bucket-status.js'
import {type Checkpoint, checkResume, checkSameJob, mergeDoneMeasuresUnits, mergeDoneUnits, newCheckpoint} from '../../core/lookback/checkpoint.js'
import {jobFingerprint} from '../../core/lookback/job-fingerprint.js'
import {LateEventLog} from '../../core/lookback/late-events.js'
import {LatenessProfile} from '../../core/lookback/lateness.js'
import {RejectCollector} from '../../core/lookback/rejects.js'
import {type JobSpec, type LookbackJobSpec, type MeasuresJobSpec, parseWindowDays, validateLookbackJob} from '../../core/lookback/job-spec.js'
import {parseJobText} from '../../core/lookback/job-text.js'
import {aggregatorDimensions, aggregatorMeasures} from '../../core/lookback/measures-event.js'
import {measuresSinkRows} from '../../core/lookback/measures-sink.js'
import {lookbackOutcome} from '../../core/lookback/outcome.js'
import {type LookbackWindow, computeWindow, rangeWindow, checkRangePair} from '../../core/lookback/window.js'
import {planUnits} from '../../core/lookback/work-units.js'
import {dayOfHourBucket} from '../../core/lookback/zoned-hour.js'
import {printable} from '../../core/units.js'
import {withStopSignal} from '../../signals.js'
import {systemClock, type Clock} from '../lag/clock.js'
import {readInputText} from '../read-input-file.js'
import type {ClusterOpeners, LookbackAdapters} from './adapter-factory.js'
import {CassandraSourceReader} from './cassandra-source.js'
import {CheckpointFile} from './checkpoint-store.js'
import {KAFKA_UNITS_AT_ONCE, KafkaSourceReader} from './kafka-source.js'
import type {RegistryDecoder} from './schema-decoder.js'
import {Lease} from './lease.js'
import type {LookbackReport} from './report.js'
import {MeasuresSinkWriter} from './measures-sink-writer.js'
import {type MergedUnits, type ReportBasis, baseReport, dayReports, measuresDayReports} from './run-report.js'
import type {RunLog} from './run-log.js'
import {finishClaimName, joinOrCreateSharedRun} from './shared-run.js'
import {SinkWriter, rowChanges} from './sink-writer.js'
import type {SourceReader} from './source.js'
import type {KafkaRange, LeaseStore, LookbackStore} from './store.js'
import {UnitRunner} from './unit-runner.js'

export interface LookbackRunOptions {
  jobPath: string
  window?: string
  asOf?: string
  dryRun: boolean
  resume: boolean
  createSink: boolean
  maxRuntimeMs?: number
  leaseTtlSeconds: number
  /** Share the run's units with other instances through Cassandra leases. */
  share: boolean
  checkpointDir?: string
  /** Events per second across the run (spares the cluster); undefined = unthrottled. */
  maxRate?: number
  /** An explicit range of local days (both or neither), instead of --window/--as-of. */
  from?: string
  to?: string
  /** Recompute only the buckets of the range that `lookback status` calls missing or incomplete. */
  fillGaps?: boolean
  log: RunLog
}

/** Reads and validates the job file (bad input exits 2 before any cluster is touched). */
export function loadJob(path: string, windowFlag?: string): LookbackJobSpec {
  const text = readInputText(path, 'job file', '--job')
  const parsed = parseJobText(text, path)
  let job: LookbackJobSpec
  try {
    job = validateLookbackJob(parsed)
  } catch (error) {
    // Name the file, so the user knows which input to fix.
    if (isFleetopsError(error) && error.exit === ExitCode.USAGE) throw badInput(`--job ${printable(path)}: ${error.message}`)
    throw error
  }
  if (windowFlag !== undefined) job.windowDays = parseWindowDays(windowFlag, '--window')
  return job
}

export function newRunId(job: string, startedAtMs: number): string {
  const stamp = new Date(startedAtMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `${job}.${stamp}.${randomBytes(3).toString('hex')}`
}

const sourceKey = (job: LookbackJobSpec): string =>
  job.source.kind === 'kafka' ? `kafka:${job.source.topic}` : `cassandra:${job.source.keyspace}.${job.source.table}`

/** The window a checkpoint was planned over (a resumed or joined run keeps its days). */
const checkpointWindow = (cp: Checkpoint, now: number): LookbackWindow => computeWindow({windowDays: cp.days.length, asOf: cp.asOf, timezone: cp.timezone, now})

function checkFlags(opts: LookbackRunOptions): void {
  checkRangePair(opts.from, opts.to)
  if (opts.from !== undefined && (opts.window !== undefined || opts.asOf !== undefined)) throw badInput('--from/--to replace --window and --as-of; drop one or the other')
  if (opts.fillGaps && opts.resume) throw badInput('--resume finishes the saved --fill-gaps run by itself; drop --fill-gaps')
  if (opts.dryRun && opts.resume) throw badInput('--dry-run cannot be combined with --resume: a dry run saves no state; drop one of them')
  if (opts.share && opts.resume) throw badInput('--share-work resumes the shared run by itself; run the same command without --resume')
  if (opts.share && opts.dryRun) throw badInput('--share-work needs to record progress in Cassandra; drop --dry-run or --share-work')
}

/** --resume: the saved checkpoint, checked to continue the same run. */
function loadResumedCheckpoint(file: CheckpointFile, job: LookbackJobSpec, opts: LookbackRunOptions): Checkpoint {
  const checkpoint = file.load()
  if (!checkpoint) throw badInput(`no checkpoint to resume at ${file.path}; run without --resume`)
  checkResume(checkpoint, {job: job.name, asOf: opts.to ?? opts.asOf, jobFingerprint: jobFingerprint(job)})
  if (opts.window !== undefined && job.windowDays !== checkpoint.days.length) {
    throw badInput(`--resume continues run ${checkpoint.runId} over ${checkpoint.days.length} days; drop --window ${printable(opts.window)}`)
  }
  if (opts.from !== undefined && opts.from !== checkpoint.days[0]) {
    throw badInput(`--resume continues run ${checkpoint.runId} over ${checkpoint.days[0]} .. ${checkpoint.asOf}; drop --from/--to or run without --resume`)
  }
  return checkpoint
}

/** The days a new run covers: --from/--to, or the window up to --as-of (default yesterday). */
function requestedWindow(job: LookbackJobSpec, opts: LookbackRunOptions, now: number): LookbackWindow {
  if (opts.from !== undefined && opts.to !== undefined) return rangeWindow({from: opts.from, to: opts.to, timezone: job.timezone, now})
  return computeWindow({windowDays: job.windowDays, asOf: opts.asOf, timezone: job.timezone, now})
}

interface OpenClusters {
  kafka: KafkaRange | null
  /** Avro/Protobuf jobs: the schema registry decoder (its job fields checked). */
  decoder: RegistryDecoder | null
  store: LookbackStore
  close(): Promise<void>
}

async function openClusters(openers: ClusterOpeners, log: RunLog): Promise<OpenClusters> {
  // Kafka connects while Cassandra does (both mostly wait on the network); a Kafka failure
  // is reported by the first request that needs Kafka, in its place in the run.
  const decoder = openers.openDecoder ? await openers.openDecoder() : null
  const kafka = openers.openKafka ? await openers.openKafka() : null
  const kafkaWarm = kafka?.warmUp()
  const closeKafka = async (): Promise<void> => {
    // A connection still being opened would outlive close().
    await kafkaWarm
    await kafka?.close()
  }
  log.progress('connecting to Cassandra')
  let store: LookbackStore
  try {
    store = await openers.openStore()
  } catch (error) {
    await closeKafka()
    throw error
  }
  return {
    kafka,
    decoder,
    store,
    async close() {
      await closeKafka()
      await store.close()
    },
  }
}

/**
 * One look-back run end to end: plan (window, offsets, retention), lease, read every
 * unit (checkpointed), merge, diff against the sink, write, record the job state.
 * `adapters` opens the clusters (lookbackAdapters() for the real ones); `clock` is the time
 * source for deadlines, checkpoint intervals and waits.
 */
export async function runLookback(opts: LookbackRunOptions, adapters: LookbackAdapters, clock: Clock = systemClock): Promise<LookbackReport> {
  // Aggregation allocates many short-lived objects per record: a young generation that stays
  // small (scavenged while in the CPU's caches) read 1.2x faster on the bench (memory.ts).
  keepYoungGenerationSmall()
  const startedAt = clock.now()
  const job = loadJob(opts.jobPath, opts.window)
  checkFlags(opts)
  const file = new CheckpointFile(job.name, opts.checkpointDir, opts.maxRate ? 200 : 10_000, clock)
  const resumed = opts.resume ? loadResumedCheckpoint(file, job, opts) : null
  const window = resumed ? checkpointWindow(resumed, startedAt) : requestedWindow(job, opts, startedAt)
  const openers = adapters.forJob(job)
  const instance = `${process.pid}.${randomBytes(3).toString('hex')}`
  const clusters = await openClusters(openers, opts.log)
  const run = new LookbackRun({opts, job, clusters, file, clock, startedAt, instance}, resumed, window)
  try {
    const nothingToFill = await run.findGaps()
    if (nothingToFill) return nothingToFill
    await run.releasingLeaseOnError(() => run.start())
    // Signals stop the unit reads between chunks from here on; the pending units stay resumable.
    return await withStopSignal((stopped) => run.releasingLeaseOnError(() => run.processAndReport(() => stopped() !== null)))
  } finally {
    await clusters.close()
  }
}

interface RunSetup {
  opts: LookbackRunOptions
  job: LookbackJobSpec
  clusters: OpenClusters
  file: CheckpointFile
  clock: Clock
  startedAt: number
  /** This process (differs from the run id's creator when joining a shared run). */
  instance: string
}

/** The steps of one run, in order: start (sink, lease, checkpoint), process the units, write the sink, report. */
class LookbackRun {
  private checkpoint!: Checkpoint
  private lease: Lease | null = null
  private joined = false
  private sinkExists = false
  private sinkCreated = false
  private cassandraTable: SourceTableInfo | null = null
  /** --fill-gaps: the buckets to write (the others of the window are only read). */
  private writeBuckets: string[] | undefined
  private readonly store: LookbackStore
  private readonly ks: string
  private readonly fingerprint: string

  constructor(
    private readonly setup: RunSetup,
    private readonly resumed: Checkpoint | null,
    private window: LookbackWindow,
  ) {
    this.store = setup.clusters.store
    this.ks = setup.job.sink.keyspace
    this.fingerprint = jobFingerprint(setup.job)
    this.writeBuckets = resumed?.writeBuckets
  }

  /**
   * --fill-gaps: narrows the run to the days holding missing or incomplete buckets and writes
   * only those buckets. With none, returns the report of a run that had nothing to do.
   */
  async findGaps(): Promise<LookbackReport | null> {
    const {job, opts, startedAt} = this.setup
    if (!opts.fillGaps) return null
    const buckets = jobBucketsOfDays(job, this.window.days)
    const states: BucketState[] = (await this.store.keyspaceExists(this.ks)) ? await this.store.readBucketStates(this.ks, job.name, buckets[0]!, buckets[buckets.length - 1]!) : []
    const lines = bucketStatus(job, this.window.days, states)
    const gaps = gapBuckets(lines)
    opts.log.event('gaps', {range: [this.window.days[0], this.window.asOf], buckets: gaps.length})
    if (gaps.length === 0) return this.nothingToFillReport()
    const gapDays = new Set(lines.filter((l) => l.state !== 'complete').map((l) => l.day))
    const first = this.window.days.findIndex((d) => gapDays.has(d))
    const last = this.window.days.length - 1 - [...this.window.days].reverse().findIndex((d) => gapDays.has(d))
    this.window = computeWindow({windowDays: last - first + 1, asOf: this.window.days[last], timezone: job.timezone, now: startedAt})
    this.writeBuckets = gaps
    return null
  }

  /** --fill-gaps found every bucket complete: a report of the range with nothing read or written. */
  private nothingToFillReport(): LookbackReport {
    const {job, opts, clock, startedAt, instance} = this.setup
    const checkpoint = newCheckpoint({runId: newRunId(job.name, startedAt), job: job.name, window: this.window, startedAtMs: startedAt, previousRunBoundaryMs: null, unitIds: []})
    const merged: MergedUnits = {aggregation: {outOfWindow: {before: 0, after: 0}, eventCount: 0}, late: new LateEventLog(), rejects: new RejectCollector(), lateness: new LatenessProfile(job.timezone)}
    const basis: ReportBasis = {job, checkpoint, window: this.window, instance, dryRun: opts.dryRun, resumed: false, shared: opts.share, merged, incompleteDays: [], units: {total: 0, done: 0, processedHere: 0, failed: []}, sinkCreated: this.sinkCreated, durationMs: clock.now() - startedAt}
    return {...baseReport(basis), message: `no missing or incomplete bucket in ${this.window.days[0]} .. ${this.window.asOf}; nothing to fill`, filledBuckets: []}
  }

  /** On failure the lease stops renewing; it is released unless the work is resumable (PARTIAL) or shared. */
  async releasingLeaseOnError<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step()
    } catch (error) {
      this.lease?.stopRenewing()
      if (isFleetopsError(error) && error.code !== 'PARTIAL' && !this.setup.opts.share) await this.lease?.release()
      throw error
    }
  }

  async start(): Promise<void> {
    const {job, opts, file} = this.setup
    await this.checkSink()
    this.cassandraTable = job.source.kind === 'cassandra' ? await CassandraSourceReader.describe(this.store, job) : null
    await this.acquireLeaseAndCheckpoint()
    const cp = this.checkpoint
    opts.log.setRunId(cp.runId)
    opts.log.event('start', {job: job.name, asOf: cp.asOf, days: cp.days, resumed: opts.resume, shared: opts.share, joined: this.joined, dryRun: opts.dryRun, units: Object.keys(cp.units).length, checkpoint: opts.share || opts.dryRun ? null : file.path})
  }

  /** The sink is created or checked, with the state tables; a dry run only looks. */
  private async checkSink(): Promise<void> {
    const {job, opts} = this.setup
    if (!opts.dryRun) {
      const ensured = job.shape === 'measures' ? new MeasuresSinkWriter(this.store, job).ensure(opts.createSink) : this.store.ensureSink(this.ks, job.sink.table, opts.createSink)
      this.sinkCreated = (await ensured) === 'created'
      this.sinkExists = true
      await this.store.ensureStateTables(this.ks)
    } else {
      if (!(await this.store.keyspaceExists(this.ks))) throw badInput(`sink keyspace "${this.ks}" does not exist; create it first`)
      this.sinkExists = (await this.store.tableColumns(this.ks, job.sink.table)) !== null
      // A measures sink that cannot take the rows fails a dry run too (checking writes nothing).
      if (this.sinkExists && job.shape === 'measures') await new MeasuresSinkWriter(this.store, job).ensure(false)
    }
  }

  /** Shared: join or create the run, then its lease. Alone: the lease, then the resumed or a new checkpoint. */
  private async acquireLeaseAndCheckpoint(): Promise<void> {
    const {job, opts, file, startedAt} = this.setup
    if (opts.share) {
      const shared = await joinOrCreateSharedRun(this.store, this.ks, job.name, opts.asOf, () => this.planUnits(newRunId(job.name, startedAt)))
      this.checkpoint = shared.checkpoint
      this.joined = !shared.created
      checkSameJob(shared.checkpoint, this.fingerprint, 'let that run finish (rerun the old job file to help it), then rerun')
      this.writeBuckets = shared.checkpoint.writeBuckets
      this.window = checkpointWindow(shared.checkpoint, startedAt)
      this.lease = await takeLease(this.store, this.ks, job.name, `shared:${this.checkpoint.runId}`, opts.leaseTtlSeconds)
    } else if (!opts.dryRun) {
      const runId = this.resumed?.runId ?? newRunId(job.name, startedAt)
      this.lease = await takeLease(this.store, this.ks, job.name, runId, opts.leaseTtlSeconds)
      this.checkpoint = this.resumed ?? (await this.planUnits(runId))
      file.save(this.checkpoint)
    } else {
      this.checkpoint = await this.planUnits(newRunId(job.name, startedAt))
    }
  }

  /** A new run's checkpoint: its units, the previous run's boundary and (Kafka) the offsets to read. */
  private async planUnits(runId: string): Promise<Checkpoint> {
    const {job, startedAt, clusters, opts} = this.setup
    const window = this.window
    const previous = await this.store.readJobState(this.ks, job.name)
    const boundary = previous && previous.boundaryMs >= 0 ? previous.boundaryMs : null
    const sameSource = previous !== null && previous.source === sourceKey(job)
    const common = {runId, job: job.name, window, startedAtMs: startedAt, previousRunBoundaryMs: boundary, jobFingerprint: this.fingerprint, writeBuckets: this.writeBuckets}
    if (clusters.kafka) {
      opts.log.progress('looking up offsets for the window')
      const p = await KafkaSourceReader.plan(clusters.kafka, window)
      const previousEndOffsets = sameSource ? previous.endOffsets : null
      return newCheckpoint({...common, previousEndOffsets, incompleteDays: p.incompleteDays, startOffsets: p.startOffsets, endOffsets: p.endOffsets, unitIds: planUnits(job, window, p.partitions)})
    }
    const previousRunStartedAtMs = sameSource && previous.startedAtMs >= 0 ? previous.startedAtMs : null
    return newCheckpoint({...common, previousRunStartedAtMs, unitIds: planUnits(job, window)})
  }

  async processAndReport(interrupted: () => boolean): Promise<LookbackReport> {
    const units = this.unitRunner(interrupted)
    const done = this.setup.opts.share ? await units.runShared() : await units.runAlone()
    this.checkpoint = units.checkpoint
    const pending = Object.keys(done.units).filter((u) => done.units[u]!.state !== 'done').length
    const {job, clock, startedAt, opts, instance} = this.setup
    const incompleteDays = [...(this.checkpoint.incompleteDays ?? [])]
    const {merged, sinkStep} = job.shape === 'measures' ? this.measuresResult(job, done, units.live, incompleteDays) : this.legacyResult(job, done, units.live, incompleteDays)
    const basis = (): ReportBasis => ({
      job,
      checkpoint: this.checkpoint,
      window: this.window,
      instance,
      dryRun: opts.dryRun,
      resumed: opts.resume,
      shared: opts.share,
      merged,
      incompleteDays,
      units: {total: units.totalUnits, done: units.totalUnits - pending, processedHere: units.processedHere, failed: units.failed.map((f) => f.unitId)},
      sinkCreated: this.sinkCreated,
      durationMs: clock.now() - startedAt,
    })
    if (pending > 0) return this.reportStopped(basis(), units, pending)
    return this.writeAndReport(basis, merged, incompleteDays, units.processedHere, sinkStep)
  }

  /** The legacy form's merged units and its sink: day partitions of (group_key) rows. */
  private legacyResult(job: JobSpec, done: Checkpoint, live: UnitRunner['live'], incompleteDays: string[]): {merged: MergedUnits; sinkStep: SinkStep} {
    const merged = mergeDoneUnits(done, {distinct: job.distinct !== null, value: job.value !== null}, live)
    const rows = merged.aggregation.rows(job.name)
    const sink = new SinkWriter(this.store, job)
    const sinkStep: SinkStep = async (completeDays) => {
      const days = this.writeBuckets ? completeDays.filter((d) => this.writeBuckets!.includes(d)) : completeDays
      const {diff, rowsWritten} = await this.writeSink(days, {
        diff: () => sink.diff(days, rows, this.sinkExists),
        write: async (T, updatedAt) => {
          const written = await sink.write(days, rows, T, updatedAt)
          await this.recordBuckets(days, rows.map((r) => ({bucket: r.day, events: r.events})), merged.lateness)
          return written
        },
      })
      return {rowsWritten, parts: {days: dayReports(this.window, rows, diff, merged, incompleteDays), changes: rowChanges(diff)}}
    }
    return {merged, sinkStep}
  }

  /** The measures form's merged units and its sink: day or hour bucket partitions of (dimension values) rows. */
  private measuresResult(job: MeasuresJobSpec, done: Checkpoint, live: UnitRunner['live'], incompleteDays: string[]): {merged: MergedUnits; sinkStep: SinkStep} {
    const merged = mergeDoneMeasuresUnits(done, {dimensions: aggregatorDimensions(job), measures: aggregatorMeasures(job.measures)}, live)
    const sink = new MeasuresSinkWriter(this.store, job, this.writeBuckets)
    const bucketRows = merged.aggregation.rows()
    const rows = measuresSinkRows(bucketRows, sink.layout)
    const bucketDay = (bucket: string): string => (job.granularity === 'day' ? bucket : dayOfHourBucket(Date.parse(bucket), job.timezone))
    const sinkStep: SinkStep = async (completeDays) => {
      const {diff, rowsWritten} = await this.writeSink(completeDays, {
        diff: () => sink.diff(completeDays, rows, this.sinkExists),
        write: async (T, updatedAt) => {
          const written = await sink.write(completeDays, rows, T, updatedAt)
          await this.recordBuckets(completeDays, bucketRows, merged.lateness)
          return written
        },
      })
      return {rowsWritten, parts: {days: measuresDayReports(this.window, bucketRows, diff, bucketDay, merged, incompleteDays), changes: [], bucketChanges: diff.changes}}
    }
    return {merged, sinkStep}
  }

  /** After the sink write: the state of every bucket written (lookback status, --fill-gaps). */
  private async recordBuckets(days: readonly string[], rows: ReadonlyArray<{bucket: string; events: number}>, lateness: LatenessProfile): Promise<void> {
    const {job} = this.setup
    const cp = this.checkpoint
    const only = this.writeBuckets ? new Set(this.writeBuckets) : null
    const buckets = jobBucketsOfDays(job, days).filter((b) => only === null || only.has(b))
    const states = writtenBucketStates({job, window: this.window, buckets, rows, runId: cp.runId, runStartedAtMs: cp.startedAtMs, lateness})
    await this.store.writeBucketStates(this.ks, job.name, states, cp.writeTimestampMicros)
  }

  private unitRunner(interrupted: () => boolean): UnitRunner {
    const {job, opts, clusters, file, clock, startedAt, instance} = this.setup
    const source: SourceReader = clusters.kafka
      ? KafkaSourceReader.forRun(clusters.kafka, job, this.window, this.checkpoint, opts.maxRate ? 32 * 1024 : undefined, clusters.decoder)
      : new CassandraSourceReader(this.store, job, this.window, this.checkpoint, this.cassandraTable!)
    return new UnitRunner(
      {
        job,
        clock,
        log: opts.log,
        file,
        store: this.store,
        source,
        lease: this.lease,
        instance,
        width: clusters.kafka ? KAFKA_UNITS_AT_ONCE : 8,
        deadline: opts.maxRuntimeMs ? startedAt + opts.maxRuntimeMs : Infinity,
        maxRate: opts.maxRate,
        dryRun: opts.dryRun,
        leaseTtlSeconds: opts.leaseTtlSeconds,
        interrupted,
      },
      this.checkpoint,
    )
  }

  /** Stopped or failed part-way: everything done so far is saved; --resume (or a rerun when shared) finishes it. */
  private async reportStopped(basis: ReportBasis, units: UnitRunner, pending: number): Promise<LookbackReport> {
    const {opts, file} = this.setup
    const stop = units.stopReason()
    const outcome = lookbackOutcome({incompleteDays: basis.incompleteDays, rejects: 0, failedUnits: pending, interrupted: stop === 'interrupted'})
    const where = opts.share ? 'in Cassandra (rerun the same command to continue)' : opts.dryRun ? 'nowhere (dry run)' : `in ${file.path}: rerun with --resume`
    const why =
      stop === 'interrupted'
        ? 'interrupted'
        : stop === 'max-runtime'
          ? '--max-runtime reached'
          : `${units.failed.length} unit(s) failed (${units.failed[0]?.error.message ?? 'unknown error'})`
    const report = {...baseReport(basis), status: outcome.status, exit: outcome.exit, message: `${why}; ${pending} of ${units.totalUnits} units left, progress saved ${where}`}
    opts.log.event('stopped', {exit: report.exit, message: report.message})
    if (!opts.share) await this.lease?.release()
    else this.lease?.stopRenewing()
    return report
  }

  /** Every unit is done: merge, diff against the sink, write it, record the job state, report. */
  private async writeAndReport(basis: () => ReportBasis, merged: MergedUnits, incompleteDays: string[], processedHere: number, sinkStep: SinkStep): Promise<LookbackReport> {
    const {job, opts, clock, startedAt, instance} = this.setup
    const cp = this.checkpoint
    const completeDays = this.window.days.filter((d) => !incompleteDays.includes(d))
    const finishClaim = opts.share ? new Lease(this.store, this.ks, finishClaimName(job.name, cp.runId), instance, opts.leaseTtlSeconds) : null
    if (finishClaim) {
      const theirs = await this.awaitFinisher(finishClaim)
      if (theirs) return {...theirs, instance, units: {...theirs.units, processedHere}, durationMs: clock.now() - startedAt}
    }
    const {rowsWritten, parts} = await sinkStep(completeDays)
    const outcome = lookbackOutcome({incompleteDays, rejects: merged.rejects.total, failedUnits: 0, interrupted: false})
    const report: LookbackReport = {
      ...baseReport(basis()),
      status: outcome.status,
      exit: outcome.exit,
      message:
        outcome.status === 'incomplete'
          ? `Kafka retention no longer covers ${incompleteDays.join(', ')}: those days are incomplete and were not written; the other days were`
          : null,
      ...parts,
      ...(this.writeBuckets === undefined ? {} : {filledBuckets: this.writeBuckets}),
      sink: {keyspace: this.ks, table: job.sink.table, created: this.sinkCreated, rowsWritten, written: !opts.dryRun},
    }
    if (!opts.dryRun) await this.recordAndRelease(report, finishClaim)
    opts.log.event('done', {exit: report.exit, status: report.status, events: report.events, rowsWritten, changed: report.changes.length + (report.bucketChanges?.length ?? 0), late: report.late.total})
    return report
  }

  /** Shared: only one instance writes and reports; the others wait for its report (null: we are the one). */
  private async awaitFinisher(finishClaim: Lease): Promise<LookbackReport | null> {
    const {job, clock} = this.setup
    for (;;) {
      const run = await this.store.getRun(this.ks, job.name, this.checkpoint.runId)
      if (run?.finished && run.report) {
        this.lease?.stopRenewing()
        return JSON.parse(run.report) as LookbackReport
      }
      if ((await finishClaim.tryAcquire()).acquired) return null
      await clock.sleep(1000)
    }
  }

  /** Diffs the complete days against the sink and (unless a dry run) replaces them. A failed write is resumable. */
  private async writeSink<D>(completeDays: string[], sink: {diff: () => Promise<D>; write: (writeTimestampMicros: number, updatedAtMs: number) => Promise<number>}): Promise<{diff: D; rowsWritten: number}> {
    const {job, opts, file} = this.setup
    const cp = this.checkpoint
    try {
      opts.log.progress('reading the sink for the diff')
      const diff = await sink.diff()
      if (opts.dryRun) return {diff, rowsWritten: 0}
      this.lease?.check()
      opts.log.progress(`writing ${completeDays.length} days to ${this.ks}.${job.sink.table}`)
      return {diff, rowsWritten: await sink.write(cp.writeTimestampMicros, cp.startedAtMs)}
    } catch (error) {
      if (opts.dryRun || (isFleetopsError(error) && (error.code === 'LOCKED' || error.code === 'BAD_INPUT'))) throw error
      const err = isFleetopsError(error) ? error : new FleetopsError('INTERNAL', String((error as Error).message))
      const where = opts.share ? 'in Cassandra; rerun the same command' : `in ${file.path}; rerun with --resume`
      throw new FleetopsError('PARTIAL', `writing the sink failed: ${err.message}; every unit is done and saved ${where} once Cassandra is back`, {cause: error})
    }
  }

  /** After the write: the job state (a full success is the next run's boundary), the shared run or checkpoint file closed, the lease released. */
  private async recordAndRelease(report: LookbackReport, finishClaim: Lease | null): Promise<void> {
    const {job, opts, file, clusters} = this.setup
    const cp = this.checkpoint
    // A backfill of older days (--from/--to, --fill-gaps, an old --as-of) must not move the
    // boundary the nightly run's late events are measured against back in time.
    const newest = cp.previousRunBoundaryMs === null || this.window.endMs >= cp.previousRunBoundaryMs
    if (report.exit === ExitCode.OK && newest) {
      await this.store.writeJobState(this.ks, job.name, {runId: cp.runId, asOf: cp.asOf, boundaryMs: this.window.endMs, startedAtMs: cp.startedAtMs, endOffsets: clusters.kafka ? cp.endOffsets : null, source: sourceKey(job)})
    }
    if (opts.share) {
      await this.store.finishRun(this.ks, job.name, cp.runId, JSON.stringify(report))
      await this.store.setSharedRun(this.ks, job.name, cp.runId, null)
      await finishClaim?.release()
    } else file.remove()
    await this.lease?.release()
  }
}

/** A job form's sink write for the complete days: the rows written and the report's day and change sections. */
type SinkStep = (completeDays: string[]) => Promise<{rowsWritten: number; parts: Pick<LookbackReport, 'days' | 'changes' | 'bucketChanges'>}>

async function takeLease(store: LeaseStore, keyspace: string, job: string, owner: string, ttlSeconds: number): Promise<Lease> {
  const lease = new Lease(store, keyspace, `job:${job}`, owner, ttlSeconds)
  const r = await lease.tryAcquire()
  if (!r.acquired) {
    throw new FleetopsError(
      'LOCKED',
      `job "${job}" is already running: run ${r.holder ?? 'unknown'} holds its lease (${keyspace}.fleetops_lookback_leases); wait for it to finish, or for a crashed run's lease to expire (--lease-ttl), then retry`,
    )
  }
  return lease
}

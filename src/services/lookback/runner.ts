import {randomBytes} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'

import type {LookbackCassandra} from '../../adapters/cassandra/lookback-store.js'
import type {CassandraConnection, KafkaConnection} from '../../core/connection.js'
import {ExitCode, FleetopsError, badInput, isFleetopsError} from '../../core/errors.js'
import {
  type Checkpoint,
  checkResume,
  markUnitDone,
  mergeDoneUnits,
  type UnitPieces,
  newCheckpoint,
  recordUnitProgress,
  remainingUnits,
} from '../../core/lookback/checkpoint.js'
import {type JobSpec, parseWindowDays, validateJob} from '../../core/lookback/job-spec.js'
import {parseJobText} from '../../core/lookback/job-text.js'
import {lookbackOutcome} from '../../core/lookback/outcome.js'
import type {SinkDiff} from '../../core/lookback/sink-diff.js'
import {type LookbackWindow, computeWindow} from '../../core/lookback/window.js'
import {planUnits} from '../../core/lookback/work-units.js'
import {printable} from '../../core/units.js'
import {onInterrupt} from '../../signals.js'
import {CassandraSourceReader} from './cassandra-source.js'
import {readInputText} from '../read-input-file.js'
import {CheckpointFile} from './checkpoint-store.js'
import {KafkaSourceReader} from './kafka-source.js'
import {Lease} from './lease.js'
import type {LookbackReport} from './report.js'
import type {RunLog} from './run-log.js'
import {finishClaimName, joinOrCreateSharedRun, unitClaimName, withDoneUnits} from './shared-run.js'
import {SinkWriter, rowChanges} from './sink-writer.js'
import type {SourceReader, UnitHooks, UnitWork} from './source.js'

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
  kafka: () => KafkaConnection
  cassandra: () => CassandraConnection
  verbose: boolean
  log: RunLog
}

/** Reads and validates the job file (bad input exits 2 before any cluster is touched). */
export function loadJob(path: string, windowFlag?: string): JobSpec {
  const text = readInputText(path, 'job file', '--job')
  const parsed = parseJobText(text, path)
  let job: JobSpec
  try {
    job = validateJob(parsed)
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

class RateLimiter {
  private readonly start = Date.now()
  private count = 0
  constructor(private readonly perSecond: number) {}
  async take(n: number): Promise<void> {
    this.count += n
    const wait = this.start + (this.count / this.perSecond) * 1000 - Date.now()
    if (wait > 0) await sleep(wait)
  }
}

/** Runs `fn` over items with at most `width` at a time. */
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(width, items.length)}, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

const sourceKey = (job: JobSpec): string =>
  job.source.kind === 'kafka' ? `kafka:${job.source.topic}` : `cassandra:${job.source.keyspace}.${job.source.table}`

/**
 * One look-back run end to end: plan (window, offsets, retention), lease, read every
 * unit (checkpointed), merge, diff against the sink, write, record the job state.
 */
export async function runLookback(opts: LookbackRunOptions): Promise<LookbackReport> {
  const startedAt = Date.now()
  const job = loadJob(opts.jobPath, opts.window)
  if (opts.dryRun && opts.resume) throw badInput('--dry-run cannot be combined with --resume: a dry run saves no state; drop one of them')
  if (opts.share && opts.resume) throw badInput('--share-work resumes the shared run by itself; run the same command without --resume')
  if (opts.share && opts.dryRun) throw badInput('--share-work needs to record progress in Cassandra; drop --dry-run or --share-work')
  const file = new CheckpointFile(job.name, opts.checkpointDir, opts.maxRate ? 200 : 10_000)
  let checkpoint: Checkpoint | null = null
  let window: LookbackWindow
  if (opts.resume) {
    checkpoint = file.load()
    if (!checkpoint) throw badInput(`no checkpoint to resume at ${file.path}; run without --resume`)
    checkResume(checkpoint, {job: job.name, asOf: opts.asOf})
    if (opts.window !== undefined && job.windowDays !== checkpoint.days.length) {
      throw badInput(`--resume continues run ${checkpoint.runId} over ${checkpoint.days.length} days; drop --window ${printable(opts.window)}`)
    }
    window = computeWindow({windowDays: checkpoint.days.length, asOf: checkpoint.asOf, timezone: checkpoint.timezone, now: startedAt})
  } else {
    window = computeWindow({windowDays: job.windowDays, asOf: opts.asOf, timezone: job.timezone, now: startedAt})
  }
  const cassandraConn = opts.cassandra()
  const kafkaConn = job.source.kind === 'kafka' ? opts.kafka() : null
  const log = opts.log
  const instance = `${process.pid}.${randomBytes(3).toString('hex')}`
  const {LookbackCassandra} = await import('../../adapters/cassandra/lookback-store.js')
  // Kafka connects while Cassandra does (both mostly wait on the network); a Kafka failure
  // is reported by the first request that needs Kafka, in its place in the run.
  const kafkaReader = kafkaConn ? await KafkaSourceReader.open(kafkaConn, job, opts.verbose) : null
  const kafkaWarm = kafkaReader?.warmUp()
  const closeKafka = async (): Promise<void> => {
    // A connection still being opened would outlive close().
    await kafkaWarm
    await kafkaReader?.close()
  }
  log.progress('connecting to Cassandra')
  let store: LookbackCassandra
  try {
    store = await LookbackCassandra.open(cassandraConn)
  } catch (error) {
    await closeKafka()
    throw error
  }
  let lease: Lease | null = null
  const stopSignals: (() => void)[] = []
  try {
    const ks = job.sink.keyspace
    let sinkExists: boolean
    let sinkCreated = false
    if (!opts.dryRun) {
      sinkCreated = (await store.ensureSink(ks, job.sink.table, opts.createSink)) === 'created'
      sinkExists = true
      await store.ensureStateTables(ks)
    } else {
      if (!(await store.keyspaceExists(ks))) throw badInput(`sink keyspace "${ks}" does not exist; create it first`)
      sinkExists = (await store.tableColumns(ks, job.sink.table)) !== null
    }
    const cassandraTable = job.source.kind === 'cassandra' ? await CassandraSourceReader.describe(store, job) : null

    const plan = async (runId: string): Promise<Checkpoint> => {
      const previous = await store.readJobState(ks, job.name)
      const boundary = previous && previous.boundaryMs >= 0 ? previous.boundaryMs : null
      const previousEndOffsets = previous && previous.source === sourceKey(job) ? previous.endOffsets : null
      if (kafkaReader) {
        log.progress('looking up offsets for the window')
        const p = await KafkaSourceReader.plan(kafkaReader, window)
        return newCheckpoint({
          runId,
          job: job.name,
          window,
          startedAtMs: startedAt,
          previousRunBoundaryMs: boundary,
          previousEndOffsets,
          incompleteDays: p.incompleteDays,
          startOffsets: p.startOffsets,
          endOffsets: p.endOffsets,
          unitIds: planUnits(job, window, p.partitions),
        })
      }
      const previousRunStartedAtMs = previous && previous.source === sourceKey(job) && previous.startedAtMs >= 0 ? previous.startedAtMs : null
      return newCheckpoint({runId, job: job.name, window, startedAtMs: startedAt, previousRunBoundaryMs: boundary, previousRunStartedAtMs, unitIds: planUnits(job, window)})
    }

    // Lease and plan.
    let created = true
    if (opts.share) {
      const shared = await joinOrCreateSharedRun(store, ks, job.name, opts.asOf, () => plan(newRunId(job.name, startedAt)))
      checkpoint = shared.checkpoint
      created = shared.created
      window = computeWindow({windowDays: checkpoint.days.length, asOf: checkpoint.asOf, timezone: checkpoint.timezone, now: startedAt})
      lease = await takeLease(store, ks, job.name, `shared:${checkpoint.runId}`, opts.leaseTtlSeconds)
    } else if (!opts.dryRun) {
      const runId = checkpoint?.runId ?? newRunId(job.name, startedAt)
      lease = await takeLease(store, ks, job.name, runId, opts.leaseTtlSeconds)
      checkpoint ??= await plan(runId)
      file.save(checkpoint)
    } else {
      checkpoint = await plan(newRunId(job.name, startedAt))
    }
    let cp: Checkpoint = checkpoint
    log.setRunId(cp.runId)
    log.event('start', {job: job.name, asOf: cp.asOf, days: cp.days, resumed: opts.resume, shared: opts.share, joined: !created, dryRun: opts.dryRun, units: Object.keys(cp.units).length, checkpoint: opts.share || opts.dryRun ? null : file.path})

    const source: SourceReader = kafkaReader ? KafkaSourceReader.forRun(kafkaReader, job, window, cp, opts.maxRate ? 32 * 1024 : undefined) : new CassandraSourceReader(store, job, window, cp, cassandraTable!)

    // Stop requests: signals and --max-runtime leave pending units resumable.
    let stopRequested: 'interrupted' | 'max-runtime' | null = null
    stopSignals.push(
      onInterrupt(() => {
        stopRequested = 'interrupted'
      }),
    )
    const deadline = opts.maxRuntimeMs ? startedAt + opts.maxRuntimeMs : Infinity
    const limiter = opts.maxRate ? new RateLimiter(opts.maxRate) : null
    let eventsRead = 0
    let lastProgress = 0
    let processedHere = 0
    const failed: {unitId: string; error: FleetopsError}[] = []
    const totalUnits = Object.keys(cp.units).length
    const doneCount = (): number => Object.values(cp.units).filter((u) => u.state === 'done').length
    const hooksFor = (unitId: string, saveProgress: boolean): UnitHooks => ({
      afterChunk: async (snapshot, lastOffset, n) => {
        eventsRead += n
        if (limiter) await limiter.take(n)
        if (Date.now() >= deadline) stopRequested ??= 'max-runtime'
        if (saveProgress && lastOffset !== undefined && file.due()) {
          cp = recordUnitProgress(cp, unitId, {partial: snapshot(), lastOffset})
          file.save(cp)
        }
        if (Date.now() - lastProgress > 500) {
          lastProgress = Date.now()
          log.progress(`${eventsRead.toLocaleString('en-US')} events read, ${doneCount()}/${totalUnits} units done`)
        }
        lease?.check()
        return stopRequested ? 'stop' : 'continue'
      },
    })

    const runUnit = async (
      work: UnitWork,
      saveProgress: boolean,
    ): Promise<{finished: boolean; partial?: import('../../core/lookback/checkpoint.js').UnitPartial; live?: UnitPieces; lastOffset?: string}> => {
      try {
        return await source.processUnit(work, hooksFor(work.unitId, saveProgress))
      } catch (error) {
        const err = isFleetopsError(error) ? error : new FleetopsError('INTERNAL', `unit ${work.unitId}: ${(error as Error).message}`, {cause: error})
        if (err.code === 'LOCKED') throw err
        failed.push({unitId: work.unitId, error: err})
        log.event('unit-failed', {unit: work.unitId, error: err.message})
        return {finished: false}
      }
    }

    const width = kafkaReader ? 4 : 8
    /** Units finished by this process, as live objects: merged without a round trip through their partials. */
    const live = new Map<string, UnitPieces>()
    let doneMerged: Checkpoint
    if (!opts.share) {
      await pool(remainingUnits(cp), width, async (work) => {
        if (stopRequested) return
        const outcome = await runUnit(work, !opts.dryRun)
        if (outcome.finished && outcome.partial) {
          cp = markUnitDone(cp, work.unitId, outcome.partial, outcome.lastOffset)
          if (outcome.live) live.set(work.unitId, outcome.live)
          processedHere++
          // Each save serialises every finished unit's partial (its distinct keys): saving on
          // every unit cost O(units²). At most one save per interval; the flush below writes
          // the rest before anything else happens, and a crash in between only redoes units.
          if (!opts.dryRun) file.saveSoon(cp)
          log.event('unit-done', {unit: work.unitId})
        } else if (outcome.partial && outcome.lastOffset !== undefined && !opts.dryRun) {
          cp = recordUnitProgress(cp, work.unitId, {partial: outcome.partial, lastOffset: outcome.lastOffset})
          file.save(cp)
        }
      })
      if (!opts.dryRun) file.flush()
      doneMerged = cp
    } else {
      doneMerged = await runSharedUnits()
    }

    async function runSharedUnits(): Promise<Checkpoint> {
      const claimStart = randomBytes(2).readUInt16BE(0)
      const all = remainingUnits({...cp, units: Object.fromEntries(Object.keys(cp.units).map((u) => [u, {state: 'pending' as const}]))})
      for (;;) {
        const results = await store.unitResults(ks, job.name, cp.runId)
        const left = all.filter((w) => !results.has(w.unitId))
        if (left.length === 0 || stopRequested || failed.length > 0) return withDoneUnits(cp, results)
        // Each instance starts claiming at its own place in the list: instances that walk it
        // in the same order contend (Paxos) for the same claim rows, unit after unit.
        const start = claimStart % left.length
        const todo = [...left.slice(start), ...left.slice(0, start)]
        let claimed = 0
        await pool(todo, width, async (work) => {
          if (stopRequested) return
          const claim = new Lease(store, ks, unitClaimName(job.name, cp.runId, work.unitId), instance, opts.leaseTtlSeconds)
          if (!(await claim.tryAcquire()).acquired) return
          claimed++
          try {
            // Another instance may have finished it between our read and our claim.
            if ((await store.unitResults(ks, job.name, cp.runId)).has(work.unitId)) return
            const outcome = await runUnit(work, false)
            if (outcome.finished && outcome.partial) {
              await store.putUnitResult(ks, job.name, cp.runId, work.unitId, JSON.stringify(outcome.partial), outcome.lastOffset ?? null, instance)
              processedHere++
              log.event('unit-done', {unit: work.unitId, instance})
            }
          } finally {
            await claim.release()
          }
        })
        if (claimed === 0) await sleep(1000)
      }
    }

    const pending = Object.keys(doneMerged.units).filter((u) => doneMerged.units[u]!.state !== 'done')
    const merged = mergeDoneUnits(doneMerged, {distinct: job.distinct !== null, value: job.value !== null}, live)
    const incompleteDays = [...(cp.incompleteDays ?? [])]
    const completeDays = window.days.filter((d) => !incompleteDays.includes(d))
    const sourceInfo: LookbackReport['source'] =
      job.source.kind === 'kafka'
        ? {kind: 'kafka', topic: job.source.topic, partitions: totalUnits}
        : {kind: 'cassandra', keyspace: job.source.keyspace, table: job.source.table, buckets: job.source.buckets}
    const baseReport = (): LookbackReport => ({
      job: job.name,
      runId: cp.runId,
      instance,
      status: 'ok',
      exit: 0,
      message: null,
      dryRun: opts.dryRun,
      resumed: opts.resume,
      shared: opts.share,
      asOf: cp.asOf,
      timezone: cp.timezone,
      window: {days: window.days, startMs: window.startMs, endMs: window.endMs},
      source: sourceInfo,
      previousRunBoundaryMs: cp.previousRunBoundaryMs,
      days: [],
      changes: [],
      late: {total: merged.late.count(), perDay: merged.late.toState().perDay, examples: [...merged.late.exampleList()]},
      rejects: {total: merged.rejects.total, counts: merged.rejects.toState().counts as Record<string, number>, examples: [...merged.rejects.exampleList()]},
      outOfWindow: merged.aggregation.outOfWindow,
      incompleteDays,
      units: {total: totalUnits, done: totalUnits - pending.length, processedHere, failed: failed.map((f) => f.unitId)},
      sink: {keyspace: ks, table: job.sink.table, created: sinkCreated, rowsWritten: 0, written: false},
      events: merged.aggregation.eventCount + merged.rejects.total + merged.aggregation.outOfWindow.before + merged.aggregation.outOfWindow.after,
      durationMs: Date.now() - startedAt,
    })

    if (pending.length > 0) {
      // Stopped or failed part-way: everything done so far is saved; --resume finishes it.
      const outcome = lookbackOutcome({incompleteDays, rejects: 0, failedUnits: pending.length, interrupted: stopRequested === 'interrupted'})
      const where = opts.share ? 'in Cassandra (rerun the same command to continue)' : opts.dryRun ? 'nowhere (dry run)' : `in ${file.path}: rerun with --resume`
      const why =
        stopRequested === 'interrupted'
          ? 'interrupted'
          : stopRequested === 'max-runtime'
            ? '--max-runtime reached'
            : `${failed.length} unit(s) failed (${failed[0]?.error.message ?? 'unknown error'})`
      const report = {...baseReport(), status: outcome.status, exit: outcome.exit, message: `${why}; ${pending.length} of ${totalUnits} units left, progress saved ${where}`}
      log.event('stopped', {exit: report.exit, message: report.message})
      if (!opts.share) await lease?.release()
      else lease?.stopRenewing()
      return report
    }

    // Merge → diff → write.
    const sink = new SinkWriter(store, job)
    const rows = merged.aggregation.rows(job.name)
    const finishShared = opts.share ? new Lease(store, ks, finishClaimName(job.name, cp.runId), instance, opts.leaseTtlSeconds) : null
    if (finishShared) {
      // Only one instance writes and reports; the others wait for its report.
      for (;;) {
        const run = await store.getRun(ks, job.name, cp.runId)
        if (run?.finished && run.report) {
          lease?.stopRenewing()
          const theirs = JSON.parse(run.report) as LookbackReport
          return {...theirs, instance, units: {...theirs.units, processedHere}, durationMs: Date.now() - startedAt}
        }
        if ((await finishShared.tryAcquire()).acquired) break
        await sleep(1000)
      }
    }
    let diff: SinkDiff
    let rowsWritten = 0
    try {
      log.progress('reading the sink for the diff')
      diff = await sink.diff(completeDays, rows, sinkExists)
      if (!opts.dryRun) {
        lease?.check()
        log.progress(`writing ${completeDays.length} days to ${ks}.${job.sink.table}`)
        rowsWritten = await sink.write(completeDays, rows, cp.writeTimestampMicros, cp.startedAtMs)
      }
    } catch (error) {
      if (opts.dryRun || (isFleetopsError(error) && (error.code === 'LOCKED' || error.code === 'BAD_INPUT'))) throw error
      const err = isFleetopsError(error) ? error : new FleetopsError('INTERNAL', String((error as Error).message))
      const where = opts.share ? 'in Cassandra; rerun the same command' : `in ${file.path}; rerun with --resume`
      throw new FleetopsError('PARTIAL', `writing the sink failed: ${err.message}; every unit is done and saved ${where} once Cassandra is back`, {cause: error})
    }
    const outcome = lookbackOutcome({incompleteDays, rejects: merged.rejects.total, failedUnits: 0, interrupted: false})
    const dayRows = new Map<string, number[]>()
    for (const r of rows) dayRows.set(r.day, [...(dayRows.get(r.day) ?? []), r.events])
    const report: LookbackReport = {
      ...baseReport(),
      status: outcome.status,
      exit: outcome.exit,
      message:
        outcome.status === 'incomplete'
          ? `Kafka retention no longer covers ${incompleteDays.join(', ')}: those days are incomplete and were not written; the other days were`
          : null,
      days: window.days.map((day) => {
        const d = diff.days.find((x) => x.day === day)
        const events = dayRows.get(day) ?? []
        return {
          day,
          events: events.reduce((a, b) => a + b, 0),
          groups: events.length,
          groupsChanged: d ? d.added.length + d.changed.length + d.removed.length : 0,
          lateEvents: merged.late.count(day),
          complete: !incompleteDays.includes(day),
        }
      }),
      changes: rowChanges(diff),
      sink: {keyspace: ks, table: job.sink.table, created: sinkCreated, rowsWritten, written: !opts.dryRun},
    }
    if (!opts.dryRun) {
      if (outcome.exit === ExitCode.OK) {
        await store.writeJobState(ks, job.name, {runId: cp.runId, asOf: cp.asOf, boundaryMs: window.endMs, startedAtMs: cp.startedAtMs, endOffsets: kafkaReader ? cp.endOffsets : null, source: sourceKey(job)})
      }
      if (opts.share) {
        await store.finishRun(ks, job.name, cp.runId, JSON.stringify(report))
        await store.setSharedRun(ks, job.name, cp.runId, null)
        await finishShared?.release()
      } else file.remove()
      await lease?.release()
    }
    log.event('done', {exit: report.exit, status: report.status, events: report.events, rowsWritten, changed: report.changes.length, late: report.late.total})
    return report
  } catch (error) {
    lease?.stopRenewing()
    if (isFleetopsError(error) && error.code !== 'PARTIAL' && !opts.share) await lease?.release()
    throw error
  } finally {
    for (const off of stopSignals) off()
    await closeKafka()
    await store.close()
  }
}

async function takeLease(store: LookbackCassandra, keyspace: string, job: string, owner: string, ttlSeconds: number): Promise<Lease> {
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

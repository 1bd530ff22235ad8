import {randomBytes} from 'node:crypto'

import {FleetopsError, isFleetopsError} from '../../core/errors.js'
import {mapLimited} from '../../core/map-limited.js'
import {type Checkpoint, type UnitPartial, type UnitPieces, markUnitDone, recordUnitProgress, remainingUnits} from '../../core/lookback/checkpoint.js'
import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {Clock} from '../lag/clock.js'
import type {CheckpointFile} from './checkpoint-store.js'
import {Lease} from './lease.js'
import type {RunLog} from './run-log.js'
import {unitClaimName, withDoneUnits} from './shared-run.js'
import type {SourceReader, UnitHooks, UnitWork} from './source.js'
import type {SharedRunStore, LeaseStore} from './store.js'

export type StopReason = 'interrupted' | 'max-runtime'

export interface UnitRunSettings {
  job: LookbackJobSpec
  clock: Clock
  log: RunLog
  file: CheckpointFile
  store: SharedRunStore & LeaseStore
  source: SourceReader
  /** The run's own lease, checked between chunks: a run that lost it must stop writing. */
  lease: Lease | null
  /** This process's id in a shared run (claims and results). */
  instance: string
  /** Units read at once (Kafka partitions are heavier than Cassandra buckets). */
  width: number
  /** Epoch ms at which --max-runtime stops the run; Infinity without it. */
  deadline: number
  maxRate?: number
  dryRun: boolean
  leaseTtlSeconds: number
  /** True once SIGINT/SIGTERM asked the run to stop. */
  interrupted: () => boolean
}

class RateLimiter {
  private readonly start: number
  private count = 0
  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    this.start = clock.now()
  }

  async take(n: number): Promise<void> {
    this.count += n
    const wait = this.start + (this.count / this.perSecond) * 1000 - this.clock.now()
    if (wait > 0) await this.clock.sleep(wait)
  }
}


type UnitResult = {finished: boolean; partial?: UnitPartial; live?: UnitPieces; lastOffset?: string}

/**
 * Reads a run's units: alone, checkpointing to the local file, or shared with other
 * instances through per-unit claims in Cassandra. It stops between chunks on a signal or at
 * --max-runtime, leaving the unit pending and resumable.
 */
export class UnitRunner {
  /** Progress so far (alone: updated as units advance; shared: the planned header). */
  checkpoint: Checkpoint
  readonly failed: {unitId: string; error: FleetopsError}[] = []
  /** Units finished by this process, as live objects: merged without a round trip through their partials. */
  readonly live = new Map<string, UnitPieces>()
  processedHere = 0
  readonly totalUnits: number
  private eventsRead = 0
  private lastProgress = 0
  private maxRuntimeReached = false
  private readonly limiter: RateLimiter | null

  constructor(
    private readonly settings: UnitRunSettings,
    checkpoint: Checkpoint,
  ) {
    this.checkpoint = checkpoint
    this.totalUnits = Object.keys(checkpoint.units).length
    this.limiter = settings.maxRate ? new RateLimiter(settings.maxRate, settings.clock) : null
  }

  /** Why the run is stopping, if it is; a signal outranks --max-runtime. */
  stopReason(): StopReason | null {
    if (this.settings.interrupted()) return 'interrupted'
    return this.maxRuntimeReached ? 'max-runtime' : null
  }

  /** Alone: every pending unit, progress saved to the checkpoint file. Returns the final checkpoint. */
  async runAlone(): Promise<Checkpoint> {
    const {file, dryRun, log} = this.settings
    await mapLimited(remainingUnits(this.checkpoint), this.settings.width, async (work) => {
      if (this.stopReason()) return
      const outcome = await this.runUnit(work, !dryRun)
      if (outcome.finished && outcome.partial) {
        this.checkpoint = markUnitDone(this.checkpoint, work.unitId, outcome.partial, outcome.lastOffset)
        if (outcome.live) this.live.set(work.unitId, outcome.live)
        this.processedHere++
        // Each save serialises every finished unit's partial (its distinct keys): saving on
        // every unit cost O(units²). At most one save per interval; the flush below writes
        // the rest before anything else happens, and a crash in between only redoes units.
        if (!dryRun) file.saveSoon(this.checkpoint)
        log.event('unit-done', {unit: work.unitId})
      } else if (outcome.partial && outcome.lastOffset !== undefined && !dryRun) {
        this.checkpoint = recordUnitProgress(this.checkpoint, work.unitId, {partial: outcome.partial, lastOffset: outcome.lastOffset})
        file.save(this.checkpoint)
      }
    })
    if (!dryRun) file.flush()
    return this.checkpoint
  }

  /** Shared: claims units until every one has a result (or the run stops). Returns the checkpoint with the results. */
  async runShared(): Promise<Checkpoint> {
    const {store, job, clock} = this.settings
    const cp = this.checkpoint
    const claimStart = randomBytes(2).readUInt16BE(0)
    const all = remainingUnits({...cp, units: Object.fromEntries(Object.keys(cp.units).map((u) => [u, {state: 'pending' as const}]))})
    for (;;) {
      const results = await store.unitResults(job.sink.keyspace, job.name, cp.runId)
      const left = all.filter((w) => !results.has(w.unitId))
      if (left.length === 0 || this.stopReason() || this.failed.length > 0) return withDoneUnits(cp, results)
      // Each instance starts claiming at its own place in the list: instances that walk it
      // in the same order contend (Paxos) for the same claim rows, unit after unit.
      const start = claimStart % left.length
      const claimed = await this.claimAndRun([...left.slice(start), ...left.slice(0, start)])
      if (claimed === 0) await clock.sleep(1000)
    }
  }

  /** Runs each unit this instance can claim; returns how many it claimed. */
  private async claimAndRun(todo: UnitWork[]): Promise<number> {
    const {store, job, instance, log, leaseTtlSeconds} = this.settings
    const ks = job.sink.keyspace
    const runId = this.checkpoint.runId
    let claimed = 0
    await mapLimited(todo, this.settings.width, async (work) => {
      if (this.stopReason()) return
      const claim = new Lease(store, ks, unitClaimName(job.name, runId, work.unitId), instance, leaseTtlSeconds)
      if (!(await claim.tryAcquire()).acquired) return
      claimed++
      try {
        // Another instance may have finished it between our read and our claim.
        if ((await store.unitResults(ks, job.name, runId)).has(work.unitId)) return
        const outcome = await this.runUnit(work, false)
        if (outcome.finished && outcome.partial) {
          await store.putUnitResult(ks, job.name, runId, work.unitId, JSON.stringify(outcome.partial), outcome.lastOffset ?? null, instance)
          this.processedHere++
          log.event('unit-done', {unit: work.unitId, instance})
        }
      } finally {
        await claim.release()
      }
    })
    return claimed
  }

  /** One unit; a failure is recorded (the unit stays pending) unless the lease was lost. */
  private async runUnit(work: UnitWork, saveProgress: boolean): Promise<UnitResult> {
    try {
      return await this.settings.source.processUnit(work, this.hooksFor(work.unitId, saveProgress))
    } catch (error) {
      const err = isFleetopsError(error) ? error : new FleetopsError('INTERNAL', `unit ${work.unitId}: ${(error as Error).message}`, {cause: error})
      if (err.code === 'LOCKED') throw err
      this.failed.push({unitId: work.unitId, error: err})
      this.settings.log.event('unit-failed', {unit: work.unitId, error: err.message})
      return {finished: false}
    }
  }

  private hooksFor(unitId: string, saveProgress: boolean): UnitHooks {
    const {clock, file, log, lease} = this.settings
    return {
      afterChunk: async (snapshot, lastOffset, n) => {
        this.eventsRead += n
        if (this.limiter) await this.limiter.take(n)
        if (clock.now() >= this.settings.deadline) this.maxRuntimeReached = true
        if (saveProgress && lastOffset !== undefined && file.due()) {
          // Awaited before reading this.checkpoint: other units may save while a worker answers.
          const partial = await snapshot()
          this.checkpoint = recordUnitProgress(this.checkpoint, unitId, {partial, lastOffset})
          file.save(this.checkpoint)
        }
        if (clock.now() - this.lastProgress > 500) {
          this.lastProgress = clock.now()
          log.progress(`${this.eventsRead.toLocaleString('en-US')} events read, ${this.doneCount()}/${this.totalUnits} units done`)
        }
        lease?.check()
        return this.stopReason() ? 'stop' : 'continue'
      },
    }
  }

  private doneCount(): number {
    return Object.values(this.checkpoint.units).filter((u) => u.state === 'done').length
  }
}

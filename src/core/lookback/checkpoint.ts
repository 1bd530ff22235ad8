import {FleetopsError, badInput} from '../errors.js'
import {printable} from '../units.js'
import {type AggregateShape, type AggregationState, DayAggregator} from './day-aggregator.js'
import {type AggregatorShape, type BucketAggregationState, BucketAggregator} from './measures/bucket-aggregator.js'
import {LateEventLog, type LateLogState} from './late-events.js'
import {LatenessProfile, type LatenessState} from './lateness.js'
import {RejectCollector, type RejectState} from './rejects.js'
import {kafkaUnitPartition} from './work-units.js'
import type {LookbackWindow} from './window.js'

/** Everything one unit produced: its aggregation, late events and rejects. */
export interface UnitPartial {
  /** v1: the legacy form's day aggregation; v2: the measures form's bucket aggregation. */
  aggregation: AggregationState | BucketAggregationState
  late: LateLogState
  rejects: RejectState
  /** Measures form only: records the job's `where` left out. */
  filtered?: number
  /** How late the unit's events arrived, per bucket (absent in checkpoints of older versions: empty). */
  lateness?: LatenessState
}

/**
 * - pending without partial: not started (or restarted from scratch);
 * - pending with partial + lastOffset: an in-progress snapshot covering the
 *   unit's records up to and including lastOffset; resume continues after it;
 * - done: finished; its partial is the unit's final result.
 */
export type UnitState = {state: 'pending'; partial?: UnitPartial; lastOffset?: string} | {state: 'done'; partial: UnitPartial; lastOffset?: string}

/**
 * A run's resumable state. `--resume` reuses asOf, days, the end-offset
 * snapshot, the write timestamp and the previous-run boundary, so the resumed
 * run computes exactly what the original would have (never re-based on today).
 *
 * No double counting: a unit's partial is merged into the result only by
 * mergeDoneUnits, only when the unit is done, and markUnitDone refuses a unit
 * that is already done. An in-progress snapshot is stored together with the
 * last offset it covers (one object, written at once), so a resumed unit
 * either continues from it after that offset or, without one, starts over.
 */
export interface Checkpoint {
  version: 1
  runId: string
  job: string
  asOf: string
  timezone: string
  days: string[]
  startedAtMs: number
  /** USING TIMESTAMP for every sink write of this run: run start in µs. */
  writeTimestampMicros: number
  /** End of the previous successful run's as-of day (see isLate); null on the first run. */
  previousRunBoundaryMs: number | null
  /**
   * The previous successful run's exclusive end offsets (Kafka partition → offset), when
   * known: a record below them was seen by that run, so it is not a new straggler even if
   * it arrived after the boundary (this makes the late-event report exact). Absent or
   * null: only the boundary decides.
   */
  previousEndOffsets?: Record<string, string> | null
  /**
   * When the previous successful run started (Cassandra sources): a row written before
   * then (WRITETIME) was read by that run, so it is not a new straggler. Null: unknown.
   */
  previousRunStartedAtMs?: number | null
  /** Days the source no longer fully covers (retention), decided at run start; resume keeps them. */
  incompleteDays?: string[]
  /** jobFingerprint() of the job that planned the run (absent in checkpoints of older versions). */
  jobFingerprint?: string
  /**
   * --fill-gaps: only these buckets (day or hour keys) are written; the other days of the
   * window are read because the gaps' days lie between them. Absent: every complete day.
   */
  writeBuckets?: string[]
  /** Kafka partition → offset as a decimal string (int64). Empty for Cassandra. */
  startOffsets: Record<string, string>
  /** Exclusive end offsets snapshotted at run start. */
  endOffsets: Record<string, string>
  units: Record<string, UnitState>
}

export interface NewCheckpointInput {
  runId: string
  job: string
  window: LookbackWindow
  startedAtMs: number
  previousRunBoundaryMs: number | null
  previousEndOffsets?: Record<string, string> | null
  previousRunStartedAtMs?: number | null
  incompleteDays?: readonly string[]
  startOffsets?: Record<string, string>
  endOffsets?: Record<string, string>
  unitIds: readonly string[]
  jobFingerprint?: string
  writeBuckets?: readonly string[]
}

const OFFSET = /^(0|[1-9][0-9]{0,18})$/
const RUN_ID = /^[A-Za-z0-9_.:-]{1,128}$/

export function newCheckpoint(input: NewCheckpointInput): Checkpoint {
  if (!RUN_ID.test(input.runId)) throw badInput(`run id "${printable(input.runId)}" must be 1-128 letters, digits, "_", ".", ":" or "-"`)
  if (!Number.isSafeInteger(input.startedAtMs) || input.startedAtMs < 0) throw badInput('run start time must be epoch milliseconds')
  const units: Record<string, UnitState> = {}
  for (const id of input.unitIds) {
    if (Object.prototype.hasOwnProperty.call(units, id)) throw new FleetopsError('INTERNAL', `unit ${printable(id)} planned twice`)
    units[id] = {state: 'pending'}
  }
  const checkpoint: Checkpoint = {
    version: 1,
    runId: input.runId,
    job: input.job,
    asOf: input.window.asOf,
    timezone: input.window.timezone,
    days: [...input.window.days],
    startedAtMs: input.startedAtMs,
    writeTimestampMicros: input.startedAtMs * 1000,
    previousRunBoundaryMs: input.previousRunBoundaryMs,
    previousEndOffsets: input.previousEndOffsets ?? null,
    previousRunStartedAtMs: input.previousRunStartedAtMs ?? null,
    incompleteDays: [...(input.incompleteDays ?? [])],
    ...(input.jobFingerprint === undefined ? {} : {jobFingerprint: input.jobFingerprint}),
    ...(input.writeBuckets === undefined ? {} : {writeBuckets: [...input.writeBuckets]}),
    startOffsets: {...(input.startOffsets ?? {})},
    endOffsets: {...(input.endOffsets ?? {})},
    units,
  }
  validateCheckpoint(checkpoint)
  return checkpoint
}

function unitOf(checkpoint: Checkpoint, unitId: string): UnitState {
  if (!Object.prototype.hasOwnProperty.call(checkpoint.units, unitId)) {
    throw new FleetopsError('INTERNAL', `unit ${printable(unitId)} is not part of run ${checkpoint.runId}`)
  }
  return checkpoint.units[unitId]
}

function withUnit(checkpoint: Checkpoint, unitId: string, state: UnitState): Checkpoint {
  return {...checkpoint, units: {...checkpoint.units, [unitId]: state}}
}

function checkOffset(checkpoint: Checkpoint, unitId: string, lastOffset: string | undefined): void {
  if (lastOffset === undefined) return
  if (!OFFSET.test(lastOffset)) throw new FleetopsError('INTERNAL', `offset "${printable(lastOffset)}" is not a non-negative int64`)
  const partition = kafkaUnitPartition(unitId)
  const end = partition === null ? undefined : checkpoint.endOffsets[String(partition)]
  if (end !== undefined && BigInt(lastOffset) >= BigInt(end)) {
    throw new FleetopsError('INTERNAL', `unit ${unitId}: offset ${lastOffset} is at or past the snapshot end ${end}`)
  }
}

/** Saves an in-progress snapshot of a pending unit (result so far + last offset it includes). */
export function recordUnitProgress(checkpoint: Checkpoint, unitId: string, progress: {partial: UnitPartial; lastOffset: string}): Checkpoint {
  if (unitOf(checkpoint, unitId).state === 'done') throw new FleetopsError('INTERNAL', `unit ${unitId} is already done`)
  checkOffset(checkpoint, unitId, progress.lastOffset)
  return withUnit(checkpoint, unitId, {state: 'pending', partial: progress.partial, lastOffset: progress.lastOffset})
}

/** Marks a unit done with its final result. Marking twice is refused: it would count the unit twice. */
export function markUnitDone(checkpoint: Checkpoint, unitId: string, partial: UnitPartial, lastOffset?: string): Checkpoint {
  if (unitOf(checkpoint, unitId).state === 'done') throw new FleetopsError('INTERNAL', `unit ${unitId} is already done; refusing to count it twice`)
  checkOffset(checkpoint, unitId, lastOffset)
  return withUnit(checkpoint, unitId, lastOffset === undefined ? {state: 'done', partial} : {state: 'done', partial, lastOffset})
}

export interface RemainingUnit {
  unitId: string
  /** In-progress snapshot to continue from, if any. */
  partial?: UnitPartial
  /** Kafka: the next offset to read (after the snapshot, else the start offset). */
  nextOffset?: string
  /** Kafka: exclusive end from the original snapshot. */
  endOffset?: string
}

/** Units still to do, in a stable order, with where each resumes. */
export function remainingUnits(checkpoint: Checkpoint): RemainingUnit[] {
  const remaining: RemainingUnit[] = []
  for (const unitId of Object.keys(checkpoint.units).sort()) {
    const unit = checkpoint.units[unitId]
    if (unit.state === 'done') continue
    const item: RemainingUnit = {unitId}
    const partition = kafkaUnitPartition(unitId)
    if (unit.partial !== undefined && unit.lastOffset !== undefined) item.partial = unit.partial
    if (partition !== null) {
      const start = checkpoint.startOffsets[String(partition)]
      const end = checkpoint.endOffsets[String(partition)]
      if (item.partial !== undefined) item.nextOffset = (BigInt(unit.lastOffset!) + 1n).toString()
      else if (start !== undefined) item.nextOffset = start
      if (end !== undefined) item.endOffset = end
    }
    remaining.push(item)
  }
  return remaining
}

export function isRunComplete(checkpoint: Checkpoint): boolean {
  return Object.values(checkpoint.units).every((u) => u.state === 'done')
}

/** A unit's result as live objects (what its partial was serialised from). */
export interface UnitPieces {
  readonly aggregation: DayAggregator | BucketAggregator
  readonly late: LateEventLog
  readonly rejects: RejectCollector
  readonly filtered?: number
  readonly lateness: LatenessProfile
}

/**
 * The merged result of done units only (pending snapshots are never counted here). `live`
 * holds the objects of units finished in this process (their partials were serialised from
 * them): those merge directly instead of being rebuilt from the checkpoint, which for millions
 * of distinct keys cost a second or so.
 */
export function mergeDoneUnits(
  checkpoint: Checkpoint,
  shape: AggregateShape,
  live?: ReadonlyMap<string, UnitPieces>,
): {aggregation: DayAggregator; late: LateEventLog; rejects: RejectCollector; lateness: LatenessProfile; doneUnits: number} {
  const aggregation = new DayAggregator(shape)
  const late = new LateEventLog()
  const rejects = new RejectCollector()
  const lateness = new LatenessProfile(checkpoint.timezone)
  let doneUnits = 0
  for (const [partial, pieces] of doneUnitsInOrder(checkpoint, live)) {
    aggregation.merge(pieces?.aggregation instanceof DayAggregator ? pieces.aggregation : DayAggregator.fromState(partial.aggregation))
    late.merge(pieces?.late ?? LateEventLog.fromState(partial.late))
    rejects.merge(pieces?.rejects ?? RejectCollector.fromState(partial.rejects))
    lateness.merge(pieces?.lateness ?? LatenessProfile.fromState(partial.lateness, checkpoint.timezone))
    doneUnits++
  }
  return {aggregation, late, rejects, lateness, doneUnits}
}

/** mergeDoneUnits for the measures form: bucket aggregations, plus the filtered count. */
export function mergeDoneMeasuresUnits(
  checkpoint: Checkpoint,
  shape: AggregatorShape,
  live?: ReadonlyMap<string, UnitPieces>,
): {aggregation: BucketAggregator; late: LateEventLog; rejects: RejectCollector; lateness: LatenessProfile; filtered: number; doneUnits: number} {
  const aggregation = new BucketAggregator(shape)
  const late = new LateEventLog()
  const rejects = new RejectCollector()
  const lateness = new LatenessProfile(checkpoint.timezone)
  let filtered = 0
  let doneUnits = 0
  for (const [partial, pieces] of doneUnitsInOrder(checkpoint, live)) {
    aggregation.merge(pieces?.aggregation instanceof BucketAggregator ? pieces.aggregation : BucketAggregator.fromState(partial.aggregation))
    late.merge(pieces?.late ?? LateEventLog.fromState(partial.late))
    rejects.merge(pieces?.rejects ?? RejectCollector.fromState(partial.rejects))
    filtered += pieces?.filtered ?? filteredCount(partial.filtered)
    lateness.merge(pieces?.lateness ?? LatenessProfile.fromState(partial.lateness, checkpoint.timezone))
    doneUnits++
  }
  return {aggregation, late, rejects, lateness, filtered, doneUnits}
}

/** Each done unit's partial, with its live pieces when this process finished it, in unit order (merges are order-independent; the order keeps examples stable). */
function* doneUnitsInOrder(checkpoint: Checkpoint, live?: ReadonlyMap<string, UnitPieces>): Generator<[UnitPartial, UnitPieces | undefined]> {
  for (const unitId of Object.keys(checkpoint.units).sort()) {
    const unit = checkpoint.units[unitId]
    if (unit.state === 'done') yield [unit.partial, live?.get(unitId)]
  }
}

function filteredCount(value: unknown): number {
  if (value === undefined) return 0
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw corrupt('bad filtered count')
  return value as number
}

/** Builds a unit's partial from its in-memory pieces (`filtered` only for the measures form). */
export function unitPartial(pieces: UnitPieces): UnitPartial {
  const {aggregation, late, rejects, filtered, lateness} = pieces
  const partial: UnitPartial = {aggregation: aggregation.toState(), late: late.toState(), rejects: rejects.toState(), lateness: lateness.toState()}
  if (filtered !== undefined) partial.filtered = filtered
  return partial
}

/**
 * Checks that `--resume` continues the same run: same job and, if the user
 * repeats --as-of, the same as-of. A different as-of is a new run, not a resume.
 */
export function checkResume(checkpoint: Checkpoint, request: {job: string; asOf?: string; jobFingerprint?: string}): void {
  if (checkpoint.job !== request.job) {
    throw badInput(`the checkpoint belongs to job "${printable(checkpoint.job)}", not "${printable(request.job)}"; use that job's checkpoint or run without --resume`)
  }
  checkSameJob(checkpoint, request.jobFingerprint, 'rerun without --resume to start a new run')
  if (request.asOf !== undefined && request.asOf !== checkpoint.asOf) {
    throw badInput(`--resume continues run ${checkpoint.runId} for as-of ${checkpoint.asOf}; drop --as-of ${printable(request.asOf)} or run without --resume`)
  }
}

/**
 * Refuses to continue a run planned by a different version of the job file: its partial
 * states (other measures, dimensions or filters) cannot be merged with this job's.
 */
export function checkSameJob(checkpoint: Pick<Checkpoint, 'runId' | 'jobFingerprint'>, jobFingerprint: string | undefined, fix: string): void {
  if (checkpoint.jobFingerprint === undefined || jobFingerprint === undefined || checkpoint.jobFingerprint === jobFingerprint) return
  throw badInput(`the job file changed since run ${checkpoint.runId} started (its source, sink, where, dimensions or measures differ); ${fix}`)
}

export function serializeCheckpoint(checkpoint: Checkpoint): string {
  return JSON.stringify(checkpoint)
}

/** Parses and validates a checkpoint file's text. */
export function parseCheckpoint(text: string): Checkpoint {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw corrupt('it is not JSON')
  }
  validateCheckpoint(value)
  return value
}

function corrupt(why: string): FleetopsError {
  return badInput(`checkpoint is unusable (${why}); delete it and rerun without --resume`)
}

function validateCheckpoint(value: unknown): asserts value is Checkpoint {
  const c = value as Partial<Checkpoint> | null
  if (c === null || typeof c !== 'object' || c.version !== 1) throw corrupt('unknown version')
  if (typeof c.runId !== 'string' || !RUN_ID.test(c.runId) || typeof c.job !== 'string') throw corrupt('bad run id or job')
  if (typeof c.asOf !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c.asOf) || typeof c.timezone !== 'string') throw corrupt('bad as-of or time zone')
  if (!Array.isArray(c.days) || c.days.length === 0 || !c.days.every((d) => typeof d === 'string') || c.days[c.days.length - 1] !== c.asOf) throw corrupt('bad days')
  if (!Number.isSafeInteger(c.startedAtMs) || !Number.isSafeInteger(c.writeTimestampMicros)) throw corrupt('bad timestamps')
  if (c.previousRunBoundaryMs !== null && !Number.isSafeInteger(c.previousRunBoundaryMs)) throw corrupt('bad previous-run boundary')
  if (c.incompleteDays !== undefined && (!Array.isArray(c.incompleteDays) || !c.incompleteDays.every((d) => typeof d === 'string' && c.days!.includes(d)))) {
    throw corrupt('bad incomplete days')
  }
  if (c.previousRunStartedAtMs !== undefined && c.previousRunStartedAtMs !== null && !Number.isSafeInteger(c.previousRunStartedAtMs)) throw corrupt('bad previous run start')
  if (c.previousEndOffsets !== undefined && c.previousEndOffsets !== null && typeof c.previousEndOffsets !== 'object') throw corrupt('bad previous end offsets')
  if (c.jobFingerprint !== undefined && (typeof c.jobFingerprint !== 'string' || !/^[0-9a-f]{32}$/.test(c.jobFingerprint))) throw corrupt('bad job fingerprint')
  if (c.writeBuckets !== undefined && (!Array.isArray(c.writeBuckets) || !c.writeBuckets.every((b) => typeof b === 'string'))) throw corrupt('bad write buckets')
  for (const offsets of [c.startOffsets, c.endOffsets, c.previousEndOffsets ?? {}]) {
    if (offsets === null || typeof offsets !== 'object') throw corrupt('bad offsets')
    for (const [partition, offset] of Object.entries(offsets)) {
      if (!/^\d{1,10}$/.test(partition) || typeof offset !== 'string' || !OFFSET.test(offset)) throw corrupt(`bad offset for partition ${printable(partition)}`)
    }
  }
  if (c.units === null || typeof c.units !== 'object') throw corrupt('bad units')
  for (const [unitId, unit] of Object.entries(c.units)) {
    const u = unit as Partial<UnitState> | null
    if (u === null || typeof u !== 'object' || (u.state !== 'pending' && u.state !== 'done')) throw corrupt(`bad unit ${printable(unitId)}`)
    if (u.state === 'done' && (u.partial === null || typeof u.partial !== 'object')) throw corrupt(`done unit ${printable(unitId)} has no result`)
    if (u.lastOffset !== undefined && (typeof u.lastOffset !== 'string' || !OFFSET.test(u.lastOffset))) throw corrupt(`bad offset in unit ${printable(unitId)}`)
  }
}

import type {MoveRecord, MoveStatus, ProgressFile} from './progress-file.js'
import {heartbeatDue} from './liveness.js'
import type {PartitionMove} from './moves.js'
import {partitionKey} from './state.js'

/** What the tracker needs from its process: the clock, who it is, and how to persist the file. */
export interface MoveTrackerEnv {
  now(): number
  pid: number
  host: string
  pollIntervalMs: number
  /** Writes the progress file (atomically). */
  write(progress: ProgressFile): void
}

/**
 * Owns a run's progress file: which moves are pending, in flight or done, and when the file is
 * saved. Every change of state is saved before the cluster is asked to act on it, so a crash never
 * leaves a move nobody knows about. Pure apart from `env.write`.
 */
export class MoveTracker {
  private lastBeat: number | null = null
  private readonly byKey: Map<string, MoveRecord>

  constructor(
    readonly progress: ProgressFile,
    private readonly env: MoveTrackerEnv,
  ) {
    this.byKey = new Map(progress.moves.map((m) => [partitionKey(m.topic, m.partition), m]))
  }

  get moves(): readonly MoveRecord[] {
    return this.progress.moves
  }

  withStatus(status: MoveStatus): MoveRecord[] {
    return this.progress.moves.filter((m) => m.status === status)
  }

  pending(): MoveRecord[] {
    return this.withStatus('pending')
  }

  inFlight(): MoveRecord[] {
    return this.withStatus('in-flight')
  }

  done(): MoveRecord[] {
    return this.withStatus('done')
  }

  /** Moves not done yet (pending or in flight). */
  unfinished(): MoveRecord[] {
    return this.progress.moves.filter((m) => m.status !== 'done')
  }

  /** True when nothing is pending or in flight. */
  get finished(): boolean {
    return this.progress.moves.every((m) => m.status === 'done')
  }

  /** Marks the file as this process's running run, and saves it. */
  begin(throttle: number | null): void {
    this.progress.status = 'running'
    this.progress.pid = this.env.pid
    this.progress.note = null
    if (throttle !== null) this.progress.throttle = throttle
    this.save()
  }

  /** The moves are about to be submitted to Kafka: in flight from now on (saved first). */
  started(moves: readonly PartitionMove[]): void {
    for (const m of moves) this.byKey.get(partitionKey(m.topic, m.partition))!.status = 'in-flight'
    this.save()
  }

  /** The moves reached their target. */
  markDone(moves: readonly MoveRecord[]): void {
    for (const m of moves) m.status = 'done'
    this.save()
  }

  /** The run stops part-way (resumable); `note` says why, for `status`. */
  stop(note: string): void {
    this.progress.status = 'stopped'
    this.progress.pid = null
    this.progress.note = note
    this.save()
  }

  /** The run carried out the whole plan. */
  complete(): void {
    this.progress.status = 'done'
    this.progress.pid = null
    this.save()
  }

  save(): void {
    this.progress.updatedAt = new Date(this.env.now()).toISOString()
    this.write()
  }

  /** Writes the heartbeat when one is due, so `status` knows this process still watches the run. */
  beat(): void {
    if (heartbeatDue(this.lastBeat, this.env.now())) this.write()
  }

  private write(): void {
    const now = this.env.now()
    // A kill -9 leaves "running" behind; the heartbeat lets `status` tell a live run from a dead one.
    this.progress.heartbeat =
      this.progress.status === 'running' ? {pid: this.env.pid, host: this.env.host, updatedAt: new Date(now).toISOString(), pollIntervalMs: this.env.pollIntervalMs} : null
    this.lastBeat = now
    this.env.write(this.progress)
  }
}

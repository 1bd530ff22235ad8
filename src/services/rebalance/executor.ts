import {hostname} from 'node:os'

import {badInput, FleetopsError, isFleetopsError} from '../../core/errors.js'
import {
  brokersDoneAfter,
  brokersInvolved,
  bytesOf,
  checkPlanIsCurrent,
  describeStuck,
  liveMoveState,
  movesFromPlan,
  MoveTracker,
  newProgress,
  parseProgressFile,
  partitionKey,
  partitionLabel,
  partitionMoveOf,
  progressEstimate,
  selectNextBatch,
  stuckMoves,
  throttledBrokers,
  type MoveRecord,
  type MoveStatus,
  type PartitionHealth,
  type PartitionMove,
  type PlanFile,
  type ProgressFile,
  type StuckMove,
} from '../../core/rebalance/index.js'
import {formatBytes, formatDuration, printable} from '../../core/units.js'
import {withStopSignal} from '../../signals.js'
import {withRebalanceAdmin, type OpenRebalanceAdmin, type RebalanceAdmin} from './admin.js'
import {defaultProgressPath, executorRunning, fileExists, planDigest, readJsonFile, writeJsonAtomic} from './files.js'
import {clusterStateOf, livePartition, readLiveView, type LiveView} from './live.js'
import {outputFilePath} from '../output-file.js'
import {readPlanFile} from './plan.js'
import {Throttles} from './throttles.js'

export interface ExecuteOptions {
  planPath: string
  execute: boolean
  /** Bytes per second, or null for no throttle. */
  throttle: number | null
  perBroker: number
  cluster: number
  resume: boolean
  stateFile?: string
  pollIntervalMs: number
  timeoutMs: number | null
}

export interface ExecuteHooks {
  /** Progress line (a TTY spinner, or nothing). */
  progress(text: string): void
  /** A diagnostic line (stderr, --verbose). */
  trace(text: string): void
  /** A warning line (stderr). */
  warn(text: string): void
}

/** The process around the executor: the real one, or a test's clock and sleep. */
export interface ExecutorEnv {
  now(): number
  /** Waits `ms`, or less when `abort` fires. */
  sleep(ms: number, abort: AbortSignal): Promise<void>
  pid: number
  host: string
  /** Writes the progress file (atomically). */
  writeProgress(path: string, progress: ProgressFile): void
}

export interface MoveSummary {
  topic: string
  partition: number
  from: number[]
  to: number[]
  status: string
}

export interface ExecuteResult {
  plan: string
  stateFile: string
  executed: boolean
  /** dry-run: nothing changed; nothing-to-do: the plan was already carried out; done: this run finished it. */
  outcome: 'dry-run' | 'nothing-to-do' | 'done'
  throttle: number | null
  limits: {perBroker: number; cluster: number}
  moves: {total: number; alreadyDone: number; done: number; pending: number; inFlight: number}
  bytes: {total: number; moved: number}
  /** Brokers whose replication rate would be / was throttled. */
  throttledBrokers: number[]
  /** The first batch the run would start (dry run) or the number of batches started. */
  firstBatch: MoveSummary[]
  batches: number
  election: {elected: number; notNeeded: number; failed: number} | null
  heldBack: {topic: string; partition: number; reason: string}[]
  warnings: string[]
  elapsedMs: number
}

const sleep = (ms: number, abort: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (abort.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      abort.removeEventListener('abort', done)
      resolve()
    }
    abort.addEventListener('abort', done)
  })

export const processEnv: ExecutorEnv = {now: () => Date.now(), sleep, pid: process.pid, host: hostname(), writeProgress: writeJsonAtomic}

/** Lost connection: how many polls in a row may fail before the run stops with PARTIAL. */
const MAX_FAILED_POLLS = 3
/** A move whose broker is gone is reported stuck after this many polls in a row. */
const STUCK_POLLS = 2

/** A plan and its progress file, checked offline before the cluster is contacted. */
interface PlanRun {
  readonly opts: ExecuteOptions
  readonly hooks: ExecuteHooks
  readonly env: ExecutorEnv
  readonly started: number
  readonly plan: PlanFile
  readonly stateFile: string
  readonly moves: PartitionMove[]
  readonly digest: string
  readonly previous: ProgressFile | null
}

/**
 * Carries out a plan: verify the live state, then start batches, poll, finish moves until all are
 * done, then elect preferred leaders. The admin is opened only after the offline checks pass.
 */
export async function executePlan(openAdmin: OpenRebalanceAdmin, opts: ExecuteOptions, hooks: ExecuteHooks, env: ExecutorEnv = processEnv): Promise<ExecuteResult> {
  const run = loadPlanRun(opts, hooks, env)
  return withRebalanceAdmin(openAdmin, (admin) => executeOn(admin, run))
}

function loadPlanRun(opts: ExecuteOptions, hooks: ExecuteHooks, env: ExecutorEnv): PlanRun {
  const started = env.now()
  const plan = readPlanFile(opts.planPath)
  const stateFile = outputFilePath(opts.stateFile ?? defaultProgressPath(opts.planPath), opts.stateFile === undefined ? 'the progress file (next to --plan; or pass --state-file)' : '--state-file')
  const moves = movesFromPlan(plan)
  for (const m of moves) {
    if (m.to.length < m.from.length) {
      throw badInput(
        `plan file: ${printable(partitionLabel(m))} would go from ${m.from.length} to ${m.to.length} replicas; fleetops never lowers a replication factor during a rebalance`,
      )
    }
  }
  const digest = planDigest(plan.reassignment)
  let previous: ProgressFile | null = null
  if (fileExists(stateFile)) previous = parseProgressFile(readJsonFile(stateFile, '--state-file'))
  if (previous && previous.planDigest !== digest) {
    throw badInput(`--state-file ${printable(stateFile)} belongs to a different plan; pass the plan it was made for, or another --state-file`)
  }
  if (previous && executorRunning(previous)) {
    throw new FleetopsError('LOCKED', `another fleetops (pid ${previous.pid}) is executing this plan; wait for it, or stop it first`)
  }
  if (opts.resume && previous === null) {
    throw badInput(`--resume: no progress file ${printable(stateFile)}; run without --resume to start, or pass --state-file`)
  }
  if (!opts.resume && resumable(previous) && previous!.moves.some((m) => m.status !== 'done') && opts.execute) {
    throw badInput(`an earlier run of this plan stopped part-way (${printable(stateFile)}); rerun with --resume to finish it, or cancel it first`)
  }
  return {opts, hooks, env, started, plan, stateFile, moves, digest, previous}
}

/** A progress file a new run carries on (rather than starting a fresh one). */
const resumable = (p: ProgressFile | null): boolean => p !== null && (p.status === 'running' || p.status === 'stopped')

async function executeOn(admin: RebalanceAdmin, run: PlanRun): Promise<ExecuteResult> {
  const {opts} = run
  const topics = [...new Set(run.moves.map((m) => m.topic))].sort()
  const view = await readLiveView(admin, topics)
  if (view.missingTopics.length > 0) {
    throw new FleetopsError('STALE_PLAN', `topic ${printable(view.missingTopics[0])} no longer exists; the plan no longer matches the cluster, re-run \`fleetops kafka rebalance plan\``)
  }
  const status = verifyLiveState(run, view)
  const minIsrByTopic = await readPartitionFacts(admin, run, view, topics)
  const tracker = new MoveTracker(openProgress(run, view, status), {
    now: run.env.now,
    pid: run.env.pid,
    host: run.env.host,
    pollIntervalMs: opts.pollIntervalMs,
    write: (p) => run.env.writeProgress(run.stateFile, p),
  })
  const summary = new ResultSummary(run, tracker)
  const health = (): PartitionHealth[] =>
    tracker.unfinished().flatMap((m) => {
      const meta = view.partitions.get(partitionKey(m.topic, m.partition))
      return meta ? [{topic: m.topic, partition: m.partition, isr: meta.isr, minIsr: minIsrByTopic.get(m.topic) ?? 1}] : []
    })

  if (!opts.execute) return dryRun(run, tracker, summary, health)
  if (tracker.finished) return nothingToDo(admin, run, tracker, view, summary)
  return withStopSignal((stopped, onStop) => new Execution(admin, run, tracker, view, summary, health, stopped, onStop).carryOut())
}

/**
 * Where each move stands in the live cluster, refusing (before anything changes) a move someone
 * else is making, a move already under way without --resume, a stale plan, or a dead target broker.
 */
function verifyLiveState(run: PlanRun, view: LiveView): Map<string, MoveStatus> {
  const {opts, plan} = run
  const status = new Map<string, MoveStatus>()
  const toCheck: PlanFile['original']['partitions'][number][] = []
  const originals = new Map(plan.original.partitions.map((p) => [partitionKey(p.topic, p.partition), p]))
  for (const m of run.moves) {
    const key = partitionKey(m.topic, m.partition)
    const s = liveMoveState(m, livePartition(view, m.topic, m.partition))
    if (s.kind === 'foreign') {
      throw badInput(
        `${printable(partitionLabel(m))} is being reassigned to [${s.target.join(',')}] by someone else; wait for that reassignment to finish (see \`fleetops kafka rebalance status\`), then plan again`,
      )
    }
    if (s.kind === 'in-flight' && !opts.resume && opts.execute) {
      throw badInput(`${printable(partitionLabel(m))} is already being moved to the plan's target; rerun with --resume to carry on, or cancel first`)
    }
    if (s.kind === 'done' || s.kind === 'in-flight') status.set(key, s.kind)
    else {
      status.set(key, 'pending')
      // Same set, other order (copy finished, only the leader order differs) is fine; anything else must match the plan's start.
      if (s.kind !== 'pending' || !copied(m, view)) toCheck.push(originals.get(key)!)
    }
  }
  // Stale plan: the partitions still to move must sit where the plan found them.
  checkPlanIsCurrent({...plan, original: {version: 1, partitions: toCheck}, reassignment: {version: 1, partitions: []}}, clusterStateOf(view))
  for (const m of run.moves.filter((m) => status.get(partitionKey(m.topic, m.partition)) !== 'done')) {
    const dead = m.to.find((b) => !view.alive.has(b))
    if (dead !== undefined) {
      throw badInput(
        `the plan moves ${printable(partitionLabel(m))} to broker ${dead}, which is not alive in the cluster (brokers up: ${[...view.alive].sort((a, b) => a - b).join(',')}); start it, or plan again without it`,
      )
    }
  }
  return status
}

/** True when every target replica of the move holds the partition (the copy is over, whatever the order). */
function copied(m: {topic: string; partition: number; to: readonly number[]}, view: LiveView): boolean {
  return m.to.every((b) => livePartition(view, m.topic, m.partition)!.replicas.includes(b))
}

/** Fills partition sizes into the view (for bytes and ETA); returns min.insync.replicas by topic (for the hold-back rule). */
async function readPartitionFacts(admin: RebalanceAdmin, run: PlanRun, view: LiveView, topics: string[]): Promise<Map<string, number>> {
  try {
    await admin.fillPartitionSizes([...view.partitions.values()], [...view.alive])
  } catch (error) {
    run.hooks.trace(`sizes unavailable: ${(error as Error).message}`)
  }
  const minIsrByTopic = new Map<string, number>()
  for (const [topic, cfg] of await admin.topicConfigs(topics, ['min.insync.replicas'])) {
    minIsrByTopic.set(topic, Number(cfg['min.insync.replicas'] ?? '1') || 1)
  }
  return minIsrByTopic
}

/** The earlier run's file when it can be carried on, else a fresh one; either way brought up to the verified live state. */
function openProgress(run: PlanRun, view: LiveView, status: Map<string, MoveStatus>): ProgressFile {
  const {previous} = run
  const sizeOf = (m: PartitionMove): number | undefined => view.partitions.get(partitionKey(m.topic, m.partition))?.size ?? undefined
  const progress = resumable(previous)
    ? previous!
    : newProgress(
        run.moves.map((m) => ({...m, size: sizeOf(m)})),
        {planDigest: run.digest, throttle: run.opts.throttle, now: new Date(run.env.now()).toISOString(), pid: run.env.pid},
      )
  // Throttles an earlier, finished or cancelled run could not remove (a broker was down) are still ours to clean up.
  if (previous !== null && progress !== previous) progress.throttles = previous.throttles
  // Re-verified live state wins over what the file remembers.
  for (const rec of progress.moves) {
    rec.status = status.get(partitionKey(rec.topic, rec.partition)) ?? rec.status
    if (rec.size === undefined) {
      const s = view.partitions.get(partitionKey(rec.topic, rec.partition))?.size
      if (s !== null && s !== undefined) rec.size = s
    }
  }
  return progress
}

/** The result document, from what stood at the start of this run and what the tracker holds now. */
class ResultSummary {
  readonly warnings: string[] = []
  private readonly alreadyDone: number
  private readonly totalBytes: number
  private readonly throttled: number[]

  constructor(
    private readonly run: PlanRun,
    private readonly tracker: MoveTracker,
  ) {
    this.alreadyDone = tracker.done().length
    this.totalBytes = tracker.moves.reduce((a, m) => a + bytesOf(m), 0)
    this.throttled = run.opts.throttle === null ? [] : throttledBrokers([...tracker.pending(), ...tracker.inFlight()].map(partitionMoveOf))
  }

  result(outcome: ExecuteResult['outcome']): ExecuteResult {
    const {opts} = this.run
    const done = this.tracker.done()
    return {
      plan: opts.planPath,
      stateFile: this.run.stateFile,
      executed: opts.execute,
      outcome,
      throttle: opts.throttle,
      limits: {perBroker: opts.perBroker, cluster: opts.cluster},
      moves: {
        total: this.run.moves.length,
        alreadyDone: this.alreadyDone,
        done: done.length,
        pending: this.tracker.pending().length,
        inFlight: this.tracker.inFlight().length,
      },
      bytes: {total: this.totalBytes, moved: done.reduce((a, m) => a + bytesOf(m), 0)},
      throttledBrokers: this.throttled,
      firstBatch: [],
      batches: 0,
      election: null,
      heldBack: [],
      warnings: this.warnings,
      elapsedMs: this.run.env.now() - this.run.started,
    }
  }
}

/** Without --execute: what the first batch would be, and nothing changed. */
function dryRun(run: PlanRun, tracker: MoveTracker, summary: ResultSummary, health: () => PartitionHealth[]): ExecuteResult {
  const pending = tracker.pending()
  const inFlight = tracker.inFlight()
  const preview = selectNextBatch(pending.map(partitionMoveOf), inFlight.map(partitionMoveOf), {perBroker: run.opts.perBroker, cluster: run.opts.cluster}, health())
  const result = summary.result(pending.length === 0 && inFlight.length === 0 ? 'nothing-to-do' : 'dry-run')
  result.firstBatch = preview.start.map((m) => ({topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to], status: 'would start'}))
  result.heldBack = preview.heldBack
  summary.warnings.push(...preview.warnings)
  return result
}

/** Idempotent: a finished plan is a no-op, apart from cleaning up after an earlier run that died before it could. */
async function nothingToDo(admin: RebalanceAdmin, run: PlanRun, tracker: MoveTracker, view: LiveView, summary: ResultSummary): Promise<ExecuteResult> {
  const {progress} = tracker
  if (progress.throttles.brokers.length > 0 || progress.throttles.topics.length > 0) {
    await new Throttles(admin, progress, () => {}).releaseAll(view.alive)
  }
  if (run.previous !== null) tracker.complete()
  return summary.result('nothing-to-do')
}

/** One --execute run, from the first batch to the leader election; stops (resumably) on a signal, a timeout, a lost connection or stuck moves. */
class Execution {
  private readonly throttles: Throttles
  private readonly rate: number | null
  private readonly abort = new AbortController()
  private readonly heldBack = new Map<string, {topic: string; partition: number; reason: string}>()
  private readonly warned = new Set<string>()
  private batches = 0
  private firstBatch: MoveSummary[] = []
  private failedPolls = 0
  private stuckPolls = 0
  private runStarted = 0

  constructor(
    private readonly admin: RebalanceAdmin,
    private readonly run: PlanRun,
    private readonly tracker: MoveTracker,
    private view: LiveView,
    private readonly summary: ResultSummary,
    private readonly health: () => PartitionHealth[],
    private readonly stopped: () => string | null,
    onStop: (cb: () => void) => void,
  ) {
    onStop(() => this.abort.abort())
    // Once the progress file says "running", Ctrl-C must stop gracefully (exit 130): the signal handler is already in place.
    tracker.begin(run.opts.throttle)
    this.throttles = new Throttles(admin, tracker.progress, () => tracker.save())
    this.rate = run.opts.throttle ?? tracker.progress.throttle
  }

  async carryOut(): Promise<ExecuteResult> {
    // Resumed with a different rate: update the brokers we throttle.
    if (this.rate !== null && this.tracker.inFlight().length > 0) await this.throttles.apply(this.tracker.inFlight().map(partitionMoveOf), this.rate)
    this.runStarted = this.run.env.now()
    for (;;) {
      // No new moves after Ctrl-C, even one that came before the first wait.
      this.stopIfSignalled()
      await this.startBatch()
      if (this.tracker.finished) break
      this.report()
      if (!(await this.poll())) continue
      await this.finishMoves()
      this.checkStuck()
    }
    const election = await this.electLeaders()
    return this.complete(election)
  }

  /** Starts what may start now: pending moves whose brokers are all up, within the limits and the hold-back rule. */
  private async startBatch(): Promise<void> {
    const {opts, hooks} = this.run
    const view = this.view
    const pendingNow = this.tracker.pending().filter((m) => brokersInvolved(partitionMoveOf(m)).every((b) => view.alive.has(b)))
    const selection = selectNextBatch(pendingNow.map(partitionMoveOf), this.tracker.inFlight().map(partitionMoveOf), {perBroker: opts.perBroker, cluster: opts.cluster}, this.health())
    for (const h of selection.heldBack) this.heldBack.set(partitionKey(h.topic, h.partition), h)
    for (const m of selection.start) this.heldBack.delete(partitionKey(m.topic, m.partition))
    for (const w of selection.warnings) {
      if (!this.warned.has(w)) {
        this.warned.add(w)
        this.summary.warnings.push(w)
        hooks.warn(w)
      }
    }
    if (selection.start.length === 0) return
    if (this.rate !== null) await this.throttles.apply(selection.start, this.rate)
    this.tracker.started(selection.start)
    await this.admin.alterReassignments(selection.start.map((m) => ({topic: m.topic, partition: m.partition, replicas: m.to})))
    this.batches++
    if (this.firstBatch.length === 0) this.firstBatch = selection.start.map((m) => ({topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to], status: 'started'}))
    hooks.trace(`started ${selection.start.map((m) => `${partitionLabel(m)} [${m.from.join(',')}]→[${m.to.join(',')}]`).join(', ')}`)
  }

  /** Waits one poll interval, then reads the cluster again; false when the read failed (and may be retried). */
  private async poll(): Promise<boolean> {
    const {opts, env, hooks, stateFile} = this.run
    await env.sleep(opts.pollIntervalMs, this.abort.signal)
    this.stopIfSignalled()
    this.tracker.beat()
    if (opts.timeoutMs !== null && env.now() - this.runStarted > opts.timeoutMs) {
      this.stopWith(
        'PARTIAL',
        `--timeout ${formatDuration(opts.timeoutMs)} reached with ${this.tracker.inFlight().length} moves in flight and ${this.tracker.pending().length} pending; progress saved to ${stateFile}; rerun with --resume`,
        'timeout',
      )
    }
    try {
      this.view = await readLiveView(this.admin, [...new Set(this.tracker.moves.map((m) => m.topic))])
      this.failedPolls = 0
      return true
    } catch (error) {
      const err = isFleetopsError(error) ? error : new FleetopsError('UNAVAILABLE', String(error))
      if (err.code !== 'UNAVAILABLE' && err.code !== 'TIMEOUT') throw err
      this.failedPolls++
      hooks.trace(`poll failed (${this.failedPolls}/${MAX_FAILED_POLLS}): ${err.message}`)
      if (this.failedPolls >= MAX_FAILED_POLLS) {
        this.stopWith(
          'PARTIAL',
          `lost the connection to the cluster (${printable(err.message, 120)}); ${this.tracker.inFlight().length} moves in flight are not being watched; progress saved to ${stateFile}; rerun with --resume once the cluster answers`,
          'lost connection',
        )
      }
      return false
    }
  }

  /** Marks finished moves done, then releases their throttles and the rates of brokers with nothing left to do. */
  private async finishMoves(): Promise<void> {
    const view = this.view
    const finished: MoveRecord[] = []
    for (const m of this.tracker.inFlight()) {
      const s = liveMoveState(m, livePartition(view, m.topic, m.partition))
      // A finished copy with another replica order (Kafka keeps the order we sent, so this is rare) still counts.
      if (s.kind === 'done' || (s.kind === 'pending' && copied(m, view))) finished.push(m)
      else if (s.kind === 'foreign' || s.kind === 'missing') {
        // ('stale' here is only a metadata snapshot taken mid-change: look again next time.)
        this.stopWith(
          'PARTIAL',
          `${printable(partitionLabel(m))} was changed by someone else while it moved (${s.kind}); progress saved to ${this.run.stateFile}; check it, then plan again`,
          `${partitionLabel(m)} changed by someone else`,
        )
      }
    }
    if (finished.length === 0) return
    this.tracker.markDone(finished)
    await this.throttles.releasePartitions(finished.map(partitionMoveOf))
    const done = this.tracker.done().map(partitionMoveOf)
    const rest = this.tracker.unfinished().map(partitionMoveOf)
    await this.throttles.releaseBrokers(brokersDoneAfter(done, rest).filter((b) => view.alive.has(b)))
    this.run.hooks.trace(`finished ${finished.map((m) => partitionLabel(m)).join(', ')}`)
  }

  /** Stuck: a broker an in-flight move needs has left the cluster, for STUCK_POLLS polls in a row. */
  private checkStuck(): void {
    const stuck: StuckMove[] = stuckMoves(this.tracker.inFlight().map(partitionMoveOf), this.view.alive)
    if (stuck.length === 0) {
      this.stuckPolls = 0
      return
    }
    this.stuckPolls++
    if (this.stuckPolls < STUCK_POLLS) return
    const missing = [...new Set(stuck.flatMap((s) => s.missingBrokers))].sort((a, b) => a - b)
    this.stopWith(
      'PARTIAL',
      `${stuck.length} moves are stuck: ${describeStuck(stuck)}; progress saved to ${this.run.stateFile}; once broker ${missing.join(',')} is back, rerun with --resume (or run \`fleetops kafka rebalance cancel --execute\`)`,
      `stuck: ${describeStuck(stuck, 20)}`,
    )
  }

  /** All data moved: preferred leader election for the moved partitions (once per plan). */
  private async electLeaders(): Promise<NonNullable<ExecuteResult['election']>> {
    const {progress} = this.tracker
    const toElect = this.tracker.done()
    const election = {elected: 0, notNeeded: 0, failed: 0}
    if (progress.elected || toElect.length === 0) return election
    this.run.hooks.progress('electing preferred leaders')
    for (const r of await this.admin.electPreferredLeaders(toElect)) {
      if (r.outcome === 'elected') election.elected++
      else if (r.outcome === 'not-needed') election.notNeeded++
      else {
        election.failed++
        this.summary.warnings.push(`preferred leader election failed for ${printable(partitionLabel(r))}: ${r.errorName}; Kafka's auto leader rebalance will retry`)
      }
    }
    progress.elected = true
    return election
  }

  /** Removes every throttle left, marks the run done and builds the result. */
  private async complete(election: NonNullable<ExecuteResult['election']>): Promise<ExecuteResult> {
    const {progress} = this.tracker
    await this.throttles.releaseAll(this.view.alive)
    if (progress.throttles.brokers.length > 0) {
      this.summary.warnings.push(`rate throttles remain on brokers ${progress.throttles.brokers.map((b) => b.broker).join(',')}, which are down; rerun once they are back to remove them`)
    }
    this.tracker.complete()
    const result = this.summary.result('done')
    result.election = election
    result.batches = this.batches
    result.firstBatch = this.firstBatch
    result.heldBack = [...this.heldBack.values()]
    result.moves = {total: progress.moves.length, alreadyDone: result.moves.alreadyDone, done: progress.moves.length, pending: 0, inFlight: 0}
    result.bytes.moved = result.bytes.total
    return result
  }

  private stopIfSignalled(): void {
    const signal = this.stopped()
    if (signal === null) return
    this.stopWith(
      'INTERRUPTED',
      `interrupted (${signal}); ${this.tracker.inFlight().length} moves keep running in Kafka; progress saved to ${this.run.stateFile}; rerun with --resume to finish, or cancel`,
      `interrupted by ${signal}`,
    )
  }

  /** Saves the progress as stopped (resumable) with `note`, then fails with `code`. */
  private stopWith(code: 'PARTIAL' | 'INTERRUPTED', message: string, note: string): never {
    this.tracker.stop(note)
    throw new FleetopsError(code, message)
  }

  private report(): void {
    const done = this.tracker.done()
    const total = this.tracker.moves.reduce((a, m) => a + bytesOf(m), 0)
    const moved = done.reduce((a, m) => a + bytesOf(m), 0)
    const est = progressEstimate(moved, total, this.run.env.now() - this.run.started)
    const eta = est.etaMs === null ? '' : ` · ETA ${formatDuration(est.etaMs)}`
    const held = this.heldBack.size > 0 ? ` · ${this.heldBack.size} held back` : ''
    this.run.hooks.progress(
      `moves ${done.length}/${this.tracker.moves.length} done · ${this.tracker.inFlight().length} in flight · ${formatBytes(moved)} of ${formatBytes(total)}${eta}${held}`,
    )
  }
}

import {FleetopsError} from '../../core/errors.js'
import {
  partitionKey,
  partitionLabel,
  parseProgressFile,
  reassignmentTarget,
  type ExecutorHeartbeat,
  type ExecutorState,
  type MoveRecord,
  type PlanFile,
  type ProgressFile,
} from '../../core/rebalance/index.js'
import {printable} from '../../core/units.js'
import {withRebalanceAdmin, type OpenRebalanceAdmin, type RebalanceAdmin} from './admin.js'
import {defaultProgressPath, executorRunning, fileExists, judgeProgress, planDigest, readJsonFile, writeJsonAtomic} from './files.js'
import {livePartition, readLiveView, type LiveView} from './live.js'
import {outputFilePath} from '../output-file.js'
import {readPlanFile} from './plan.js'
import {Throttles} from './throttles.js'

export interface InFlightRow {
  topic: string
  partition: number
  replicas: number[]
  adding: number[]
  removing: number[]
  /** True when the partition belongs to the plan given. */
  inPlan: boolean
}

export interface StatusResult {
  inFlight: InFlightRow[]
  progress: {
    stateFile: string
    /**
     * The file's status, except that a "running" file whose executor is gone (same host and pid
     * not alive, or heartbeat older than 3 poll intervals, at least 60 s) reads "interrupted".
     */
    status: ExecutorState
    /** Why the run is judged interrupted (null otherwise); rerun with --resume. */
    interruptedReason: string | null
    /** The executor's last heartbeat (pid, host, updatedAt, pollIntervalMs); null when none. */
    heartbeat: ExecutorHeartbeat | null
    note: string | null
    updatedAt: string
    moves: {total: number; done: number; inFlight: number; pending: number}
    throttles: ProgressFile['throttles']
  } | null
}

export async function rebalanceStatus(openAdmin: OpenRebalanceAdmin, opts: {planPath?: string; stateFile?: string}): Promise<StatusResult> {
  const stateFile = opts.stateFile ?? (opts.planPath ? defaultProgressPath(opts.planPath) : undefined)
  let progress: ProgressFile | null = null
  if (stateFile !== undefined) {
    if (fileExists(stateFile)) progress = parseProgressFile(readJsonFile(stateFile, '--state-file'))
    else if (opts.stateFile !== undefined) throw new FleetopsError('BAD_INPUT', `--state-file ${printable(stateFile)}: no such file`)
  }
  const planKeys = new Set<string>()
  if (opts.planPath) for (const p of readPlanFile(opts.planPath).reassignment.partitions) planKeys.add(partitionKey(p.topic, p.partition))
  if (progress) for (const m of progress.moves) planKeys.add(partitionKey(m.topic, m.partition))

  const inFlight = await withRebalanceAdmin(openAdmin, async (admin) =>
    (await admin.reassignmentsInFlight()).map((r) => ({
      topic: r.topic,
      partition: r.partition,
      replicas: r.replicas,
      adding: r.addingReplicas,
      removing: r.removingReplicas,
      inPlan: planKeys.has(partitionKey(r.topic, r.partition)),
    })),
  )
  return {inFlight, progress: progress && stateFile ? progressStatus(progress, stateFile) : null}
}

function progressStatus(progress: ProgressFile, stateFile: string): NonNullable<StatusResult['progress']> {
  const judged = judgeProgress(progress)
  const count = (status: MoveRecord['status']): number => progress.moves.filter((m) => m.status === status).length
  return {
    stateFile,
    status: judged.state,
    interruptedReason: judged.reason,
    heartbeat: progress.heartbeat,
    note: progress.note,
    updatedAt: progress.updatedAt,
    moves: {total: progress.moves.length, done: count('done'), inFlight: count('in-flight'), pending: count('pending')},
    throttles: progress.throttles,
  }
}

export interface CancelResult {
  plan: string
  stateFile: string
  executed: boolean
  /** Partitions whose in-flight move is (or would be) reverted to the original replicas. */
  reverted: {topic: string; partition: number; from: number[]; to: number[]}[]
  /** Partitions of the plan that had already finished moving (Kafka cannot cancel those; plan again to move them back). */
  alreadyMoved: number
  /** In-flight reassignments of plan partitions towards another target: not ours, left alone. */
  notOurs: {topic: string; partition: number}[]
  /** Revert still running when cancel stopped waiting. */
  stillReverting: {topic: string; partition: number}[]
  throttlesCleared: {brokers: number[]; topics: string[]}
  warnings: string[]
}

export interface CancelOptions {
  planPath: string
  stateFile?: string
  execute: boolean
  waitMs: number
  pollIntervalMs: number
}

/**
 * Cancels the plan's in-flight moves as kafka-reassign-partitions --cancel does: a null target
 * (AlterPartitionReassignments), so the controller aborts each move and reverts to the original
 * replicas, dropping the replicas being added. (Sending the original replicas as a new target while
 * the move runs no longer reverts on Kafka 4.4: the controller keeps the adding replicas.) A move
 * that finished before the cancel reached the controller gets the original replicas as a new target;
 * a reverted partition whose replica order (preferred leader) differs from the original is reordered,
 * which moves no data. Then removes exactly the throttles the progress file says fleetops set.
 */
export async function cancelRebalance(openAdmin: OpenRebalanceAdmin, opts: CancelOptions, hooks: {progress(text: string): void}): Promise<CancelResult> {
  const plan = readPlanFile(opts.planPath)
  const stateFile = outputFilePath(opts.stateFile ?? defaultProgressPath(opts.planPath), opts.stateFile === undefined ? 'the progress file (next to --plan; or pass --state-file)' : '--state-file')
  const progress = readCancelProgress(plan, stateFile, opts)
  const warnings: string[] = []
  if (progress === null) warnings.push(`no progress file ${stateFile}: no throttles are known to be ours, so none are cleared`)
  const topics = [...new Set(plan.reassignment.partitions.map((p) => p.topic))].sort()

  return withRebalanceAdmin(openAdmin, async (admin) => {
    const view = await readLiveView(admin, topics)
    const {reverted, notOurs, alreadyMoved} = classifyPlanPartitions(plan, view)
    if (alreadyMoved > 0) warnings.push(`${alreadyMoved} partitions had already finished moving; Kafka cannot cancel those (plan again to move them back)`)
    if (notOurs.length > 0) warnings.push(`${notOurs.length} plan partitions are being reassigned to another target, not by this plan; left alone`)
    const throttlesCleared = {
      brokers: progress ? progress.throttles.brokers.map((b) => b.broker) : [],
      topics: progress ? progress.throttles.topics.map((t) => t.topic) : [],
    }
    const result: CancelResult = {plan: opts.planPath, stateFile, executed: opts.execute, reverted, alreadyMoved, notOurs, stillReverting: [], throttlesCleared, warnings}
    if (!opts.execute) return result

    const dead = [...new Set(reverted.flatMap((r) => r.to))].filter((b) => !view.alive.has(b))
    if (dead.length > 0) {
      warnings.push(`original replicas on broker ${dead.join(',')} are down: those partitions finish reverting only when it is back (KAFKA-14424)`)
    }
    await abortMoves(admin, reverted)
    let after = await waitForReverts(admin, topics, result, opts, hooks)
    if (await restoreReplicaOrder(admin, reverted, after)) after = await waitForReverts(admin, topics, result, opts, hooks)
    if (progress) await settleCancelledProgress(admin, progress, stateFile, after, result)
    if (result.stillReverting.length > 0) {
      throw new FleetopsError(
        'PARTIAL',
        `${result.stillReverting.length} partitions are still reverting (${result.stillReverting.slice(0, 3).map((p) => printable(partitionLabel(p))).join(', ')}); their original replicas must be back in sync; run cancel --execute again later`,
      )
    }
    return result
  })
}

function readCancelProgress(plan: PlanFile, stateFile: string, opts: CancelOptions): ProgressFile | null {
  if (!fileExists(stateFile)) {
    if (opts.stateFile !== undefined) throw new FleetopsError('BAD_INPUT', `--state-file ${printable(stateFile)}: no such file`)
    return null
  }
  const progress = parseProgressFile(readJsonFile(stateFile, '--state-file'))
  if (progress.planDigest !== planDigest(plan.reassignment)) {
    throw new FleetopsError('BAD_INPUT', `--state-file ${printable(stateFile)} belongs to a different plan; pass the plan it was made for`)
  }
  if (executorRunning(progress)) {
    throw new FleetopsError('LOCKED', `fleetops (pid ${progress.pid}) is still executing this plan; stop it (Ctrl-C) before cancelling`)
  }
  return progress
}

/** Plan partitions moving to the plan's target (to revert), moving elsewhere (not ours), or already at the target. */
function classifyPlanPartitions(plan: PlanFile, view: LiveView): Pick<CancelResult, 'reverted' | 'notOurs' | 'alreadyMoved'> {
  const original = new Map(plan.original.partitions.map((p) => [partitionKey(p.topic, p.partition), p.replicas]))
  const reverted: CancelResult['reverted'] = []
  const notOurs: CancelResult['notOurs'] = []
  let alreadyMoved = 0
  for (const p of plan.reassignment.partitions) {
    const live = livePartition(view, p.topic, p.partition)
    if (!live) continue
    if (live.reassignment) {
      const t = reassignmentTarget(live)
      const ours = t.length === p.replicas.length && t.every((b) => p.replicas.includes(b))
      if (ours) reverted.push({topic: p.topic, partition: p.partition, from: [...live.replicas], to: [...original.get(partitionKey(p.topic, p.partition))!]})
      else notOurs.push({topic: p.topic, partition: p.partition})
    } else if (live.replicas.length === p.replicas.length && live.replicas.every((b, i) => b === p.replicas[i])) {
      alreadyMoved++
    }
  }
  return {reverted, notOurs, alreadyMoved}
}

/**
 * Aborts the moves (null target). A move that had already finished (NO_REASSIGNMENT_IN_PROGRESS)
 * gets its original replicas as a new target instead; any other refusal throws.
 */
async function abortMoves(admin: RebalanceAdmin, reverted: CancelResult['reverted']): Promise<void> {
  if (reverted.length === 0) return
  const results = await admin.cancelReassignments(reverted.map((r) => ({topic: r.topic, partition: r.partition})))
  const failed = results.find((c) => c.outcome === 'failed')
  if (failed) throw failed.error ?? new FleetopsError('UNAVAILABLE', `cannot cancel the reassignment of ${printable(partitionLabel(failed))}: ${failed.errorName}`)
  const finished = new Set(results.filter((c) => c.outcome === 'not-in-progress').map((c) => partitionKey(c.topic, c.partition)))
  const moveBack = reverted.filter((r) => finished.has(partitionKey(r.topic, r.partition)))
  await admin.alterReassignments(moveBack.map((r) => ({topic: r.topic, partition: r.partition, replicas: r.to})))
}

/**
 * After an abort Kafka keeps the replicas in their in-flight order, so the preferred leader may differ
 * from the original: reassigns those partitions to the same replicas in the original order (no data
 * moves). True when it did.
 */
async function restoreReplicaOrder(admin: RebalanceAdmin, reverted: CancelResult['reverted'], view: LiveView): Promise<boolean> {
  const reorder = reverted.filter((r) => {
    const live = livePartition(view, r.topic, r.partition)
    if (!live || live.reassignment || !sameSet(live.replicas, r.to)) return false
    return r.to.some((b, i) => live.replicas[i] !== b)
  })
  if (reorder.length === 0) return false
  await admin.alterReassignments(reorder.map((r) => ({topic: r.topic, partition: r.partition, replicas: r.to})))
  return true
}

/** Waits for the reverts to finish (they copy nothing, so this is quick when the original replicas are in sync); returns the last view. */
async function waitForReverts(
  admin: RebalanceAdmin,
  topics: string[],
  result: CancelResult,
  opts: CancelOptions,
  hooks: {progress(text: string): void},
): Promise<LiveView> {
  const {reverted} = result
  const deadline = Date.now() + opts.waitMs
  for (;;) {
    const view = await readLiveView(admin, topics)
    // Reverting while Kafka lists the reassignment, or while the metadata still shows other replicas
    // than the original ones (a broker's metadata can lag the controller's abort by a moment).
    const still = reverted
      .filter((r) => {
        const k = partitionKey(r.topic, r.partition)
        const meta = view.partitions.get(k)
        return view.reassigning.has(k) || (meta !== undefined && !sameSet(meta.replicas, r.to))
      })
      .map((r) => partitionKey(r.topic, r.partition))
    hooks.progress(`reverting: ${reverted.length - still.length}/${reverted.length} back on their original replicas`)
    if (still.length === 0 || Date.now() > deadline) {
      result.stillReverting = reverted.filter((r) => still.includes(partitionKey(r.topic, r.partition))).map((r) => ({topic: r.topic, partition: r.partition}))
      return view
    }
    await new Promise((r) => setTimeout(r, opts.pollIntervalMs))
  }
}

/** Records where the moves ended up, removes our throttles once nothing reverts, and marks the run cancelled. */
async function settleCancelledProgress(admin: RebalanceAdmin, progress: ProgressFile, stateFile: string, view: LiveView, result: CancelResult): Promise<void> {
  const {warnings, throttlesCleared} = result
  const save = (): void => {
    progress.updatedAt = new Date().toISOString()
    writeJsonAtomic(stateFile, progress)
  }
  for (const m of progress.moves) {
    const live = livePartition(view, m.topic, m.partition)
    if (m.status === 'in-flight' && live && !live.reassignment) m.status = live.replicas.every((b, i) => b === m.to[i]) && live.replicas.length === m.to.length ? 'done' : 'pending'
  }
  const throttles = new Throttles(admin, progress, save)
  if (result.stillReverting.length === 0) {
    await throttles.releaseAll(view.alive)
    if (progress.throttles.brokers.length > 0) {
      warnings.push(`rate throttles stay on brokers ${progress.throttles.brokers.map((b) => b.broker).join(',')}, which are down; run cancel again once they are back`)
    }
  } else {
    warnings.push('throttles kept because some partitions are still reverting; run cancel again to clear them')
  }
  progress.status = result.stillReverting.length === 0 ? 'cancelled' : 'stopped'
  progress.pid = null
  progress.heartbeat = null
  progress.note = 'cancelled'
  save()
  result.throttlesCleared = {
    brokers: throttlesCleared.brokers.filter((b) => !progress.throttles.brokers.some((r) => r.broker === b)),
    topics: throttlesCleared.topics.filter((t) => !progress.throttles.topics.some((r) => r.topic === t)),
  }
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

import {hostname} from 'node:os'

import type {KafkaClusterAdmin} from '../../adapters/kafka/cluster-admin.js'
import type {KafkaConnection} from '../../core/connection.js'
import {badInput, FleetopsError, isFleetopsError} from '../../core/errors.js'
import {
  brokersDoneAfter,
  brokersInvolved,
  bytesOf,
  checkPlanIsCurrent,
  describeStuck,
  heartbeatDue,
  liveMoveState,
  movesFromPlan,
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
  type PartitionHealth,
  type PartitionMove,
  type PlanFile,
  type ProgressFile,
  type StuckMove,
} from '../../core/rebalance/index.js'
import {formatBytes, formatDuration, printable} from '../../core/units.js'
import {onInterrupt} from '../../signals.js'
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
  verbose?: boolean
}

export interface ExecuteHooks {
  /** Progress line (a TTY spinner, or nothing). */
  progress(text: string): void
  /** A diagnostic line (stderr, --verbose). */
  trace(text: string): void
  /** A warning line (stderr). */
  warn(text: string): void
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

/** Lost connection: how many polls in a row may fail before the run stops with PARTIAL. */
const MAX_FAILED_POLLS = 3
/** A move whose broker is gone is reported stuck after this many polls in a row. */
const STUCK_POLLS = 2

export async function executePlan(conn: () => KafkaConnection, opts: ExecuteOptions, hooks: ExecuteHooks): Promise<ExecuteResult> {
  const started = Date.now()
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
  const unfinished = previous !== null && (previous.status === 'running' || previous.status === 'stopped') && previous.moves.some((m) => m.status !== 'done')
  if (opts.resume && previous === null) {
    throw badInput(`--resume: no progress file ${printable(stateFile)}; run without --resume to start, or pass --state-file`)
  }
  if (!opts.resume && unfinished && opts.execute) {
    throw badInput(`an earlier run of this plan stopped part-way (${printable(stateFile)}); rerun with --resume to finish it, or cancel it first`)
  }

  const {KafkaClusterAdmin} = await import('../../adapters/kafka/cluster-admin.js')
  const admin = await KafkaClusterAdmin.open(conn(), {verbose: opts.verbose})
  try {
    return await run(admin)
  } finally {
    await admin.close()
  }

  async function run(admin: KafkaClusterAdmin): Promise<ExecuteResult> {
    const topics = [...new Set(moves.map((m) => m.topic))].sort()
    const view = await readLiveView(admin, topics)
    if (view.missingTopics.length > 0) {
      throw new FleetopsError('STALE_PLAN', `topic ${printable(view.missingTopics[0])} no longer exists; the plan no longer matches the cluster, re-run \`fleetops kafka rebalance plan\``)
    }

    // Where each move stands now.
    const status = new Map<string, 'done' | 'pending' | 'in-flight'>()
    const toCheck: PlanFile['original']['partitions'][number][] = []
    const originals = new Map(plan.original.partitions.map((p) => [partitionKey(p.topic, p.partition), p]))
    for (const m of moves) {
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
        if (s.kind !== 'pending' || !m.to.every((b) => livePartition(view, m.topic, m.partition)!.replicas.includes(b))) toCheck.push(originals.get(key)!)
      }
    }
    // Stale plan: the partitions still to move must sit where the plan found them.
    checkPlanIsCurrent({...plan, original: {version: 1, partitions: toCheck}, reassignment: {version: 1, partitions: []}}, clusterStateOf(view))
    // Target brokers must be alive now.
    const remaining = moves.filter((m) => status.get(partitionKey(m.topic, m.partition)) !== 'done')
    for (const m of remaining) {
      const dead = m.to.find((b) => !view.alive.has(b))
      if (dead !== undefined) {
        throw badInput(
          `the plan moves ${printable(partitionLabel(m))} to broker ${dead}, which is not alive in the cluster (brokers up: ${[...view.alive].sort((a, b) => a - b).join(',')}); start it, or plan again without it`,
        )
      }
    }

    // Sizes (for bytes and ETA) and min.insync.replicas (for the hold-back rule).
    const partitionsMeta = [...view.partitions.values()]
    try {
      await admin.fillPartitionSizes(partitionsMeta, [...view.alive])
    } catch (error) {
      hooks.trace(`sizes unavailable: ${(error as Error).message}`)
    }
    const sizeOf = (m: PartitionMove): number | undefined => view.partitions.get(partitionKey(m.topic, m.partition))?.size ?? undefined
    const minIsrByTopic = new Map<string, number>()
    for (const [topic, cfg] of await admin.topicConfigs(topics, ['min.insync.replicas'])) {
      minIsrByTopic.set(topic, Number(cfg['min.insync.replicas'] ?? '1') || 1)
    }

    const progressFile: ProgressFile =
      previous !== null && (previous.status === 'running' || previous.status === 'stopped')
        ? previous
        : newProgress(
            moves.map((m) => ({...m, size: sizeOf(m)})),
            {planDigest: digest, throttle: opts.throttle, now: new Date().toISOString(), pid: process.pid},
          )
    // Throttles an earlier, finished or cancelled run could not remove (a broker was down) are still ours to clean up.
    if (previous !== null && progressFile !== previous) progressFile.throttles = previous.throttles
    // Re-verified live state wins over what the file remembers.
    for (const rec of progressFile.moves) {
      rec.status = status.get(partitionKey(rec.topic, rec.partition)) ?? rec.status
      if (rec.size === undefined) {
        const s = view.partitions.get(partitionKey(rec.topic, rec.partition))?.size
        if (s !== null && s !== undefined) rec.size = s
      }
    }
    const alreadyDone = progressFile.moves.filter((m) => m.status === 'done').length
    const pendingRecs = progressFile.moves.filter((m) => m.status === 'pending')
    const inFlightRecs = progressFile.moves.filter((m) => m.status === 'in-flight')
    const totalBytes = progressFile.moves.reduce((a, m) => a + bytesOf(m), 0)
    const warnings: string[] = []

    const baseResult = (outcome: ExecuteResult['outcome']): ExecuteResult => ({
      plan: opts.planPath,
      stateFile,
      executed: opts.execute,
      outcome,
      throttle: opts.throttle,
      limits: {perBroker: opts.perBroker, cluster: opts.cluster},
      moves: {
        total: moves.length,
        alreadyDone,
        done: progressFile.moves.filter((m) => m.status === 'done').length,
        pending: progressFile.moves.filter((m) => m.status === 'pending').length,
        inFlight: progressFile.moves.filter((m) => m.status === 'in-flight').length,
      },
      bytes: {total: totalBytes, moved: progressFile.moves.filter((m) => m.status === 'done').reduce((a, m) => a + bytesOf(m), 0)},
      throttledBrokers: opts.throttle === null ? [] : throttledBrokers([...pendingRecs, ...inFlightRecs].map(partitionMoveOf)),
      firstBatch: [],
      batches: 0,
      election: null,
      heldBack: [],
      warnings,
      elapsedMs: Date.now() - started,
    })

    const health = (): PartitionHealth[] =>
      progressFile.moves
        .filter((m) => m.status !== 'done')
        .flatMap((m) => {
          const meta = view.partitions.get(partitionKey(m.topic, m.partition))
          return meta ? [{topic: m.topic, partition: m.partition, isr: meta.isr, minIsr: minIsrByTopic.get(m.topic) ?? 1}] : []
        })

    if (!opts.execute) {
      const preview = selectNextBatch(pendingRecs.map(partitionMoveOf), inFlightRecs.map(partitionMoveOf), {perBroker: opts.perBroker, cluster: opts.cluster}, health())
      const result = baseResult(pendingRecs.length === 0 && inFlightRecs.length === 0 ? 'nothing-to-do' : 'dry-run')
      result.firstBatch = preview.start.map((m) => ({topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to], status: 'would start'}))
      result.heldBack = preview.heldBack
      warnings.push(...preview.warnings)
      return result
    }

    if (pendingRecs.length === 0 && inFlightRecs.length === 0) {
      // Idempotent: a finished plan is a no-op, apart from cleaning up after an earlier run that died before it could.
      if (progressFile.throttles.brokers.length > 0 || progressFile.throttles.topics.length > 0) {
        await new Throttles(admin, progressFile, () => {}).releaseAll(view.alive)
      }
      if (previous !== null) {
        progressFile.status = 'done'
        progressFile.pid = null
        progressFile.heartbeat = null
        progressFile.updatedAt = new Date().toISOString()
        writeJsonAtomic(stateFile, progressFile)
      }
      return baseResult('nothing-to-do')
    }

    return execute(admin, view, progressFile, baseResult, health, warnings)
  }

  async function execute(
    admin: KafkaClusterAdmin,
    firstView: LiveView,
    progress: ProgressFile,
    baseResult: (o: ExecuteResult['outcome']) => ExecuteResult,
    healthOf: () => PartitionHealth[],
    warnings: string[],
  ): Promise<ExecuteResult> {
    let view = firstView
    // Handlers first: once the progress file says "running", Ctrl-C must stop gracefully (exit 130).
    const abort = new AbortController()
    let signal: string | null = null
    const offInterrupt = onInterrupt((name) => {
      signal = name
      abort.abort()
    })
    progress.status = 'running'
    progress.pid = process.pid
    progress.note = null
    if (opts.throttle !== null) progress.throttle = opts.throttle
    // The heartbeat tells `status` this process still watches the run (a kill -9 leaves "running" behind).
    let lastBeat: number | null = null
    const write = (): void => {
      const now = Date.now()
      progress.heartbeat =
        progress.status === 'running' ? {pid: process.pid, host: hostname(), updatedAt: new Date(now).toISOString(), pollIntervalMs: opts.pollIntervalMs} : null
      lastBeat = now
      writeJsonAtomic(stateFile, progress)
    }
    const save = (): void => {
      progress.updatedAt = new Date().toISOString()
      write()
    }
    const beat = (): void => {
      if (heartbeatDue(lastBeat, Date.now())) write()
    }
    save()
    const throttles = new Throttles(admin, progress, save)
    const rate = opts.throttle ?? progress.throttle
    const byKey = new Map(progress.moves.map((m) => [partitionKey(m.topic, m.partition), m]))
    const inFlight = (): MoveRecord[] => progress.moves.filter((m) => m.status === 'in-flight')
    const pending = (): MoveRecord[] => progress.moves.filter((m) => m.status === 'pending')
    const heldBackSeen = new Map<string, {topic: string; partition: number; reason: string}>()
    const warned = new Set<string>()
    let batches = 0
    let firstBatch: MoveSummary[] = []

    const stopWith = (error: FleetopsError, note: string): never => {
      progress.status = 'stopped'
      progress.pid = null
      progress.note = note
      save()
      throw error
    }
    const stopIfSignalled = (): void => {
      if (signal === null) return
      stopWith(
        new FleetopsError(
          'INTERRUPTED',
          `interrupted (${signal}); ${inFlight().length} moves keep running in Kafka; progress saved to ${stateFile}; rerun with --resume to finish, or cancel`,
        ),
        `interrupted by ${signal}`,
      )
    }

    try {
      // Resumed with a different rate: update the brokers we throttle.
      if (rate !== null && inFlight().length > 0) await throttles.apply(inFlight().map(partitionMoveOf), rate)
      let failedPolls = 0
      let stuckPolls = 0
      let lastStuck: StuckMove[] = []
      const runStarted = Date.now()
      for (;;) {
        // No new moves after Ctrl-C, even one that came before the first wait.
        stopIfSignalled()
        // 1. Start what may start now.
        const live = view
        const pendingNow = pending().filter((m) => brokersInvolved(partitionMoveOf(m)).every((b) => live.alive.has(b)))
        const selection = selectNextBatch(pendingNow.map(partitionMoveOf), inFlight().map(partitionMoveOf), {perBroker: opts.perBroker, cluster: opts.cluster}, healthOf())
        for (const h of selection.heldBack) heldBackSeen.set(partitionKey(h.topic, h.partition), h)
        for (const m of selection.start) heldBackSeen.delete(partitionKey(m.topic, m.partition))
        for (const w of selection.warnings) {
          if (!warned.has(w)) {
            warned.add(w)
            warnings.push(w)
            hooks.warn(w)
          }
        }
        if (selection.start.length > 0) {
          if (rate !== null) await throttles.apply(selection.start, rate)
          for (const m of selection.start) byKey.get(partitionKey(m.topic, m.partition))!.status = 'in-flight'
          save()
          await admin.alterReassignments(selection.start.map((m) => ({topic: m.topic, partition: m.partition, replicas: m.to})))
          batches++
          if (firstBatch.length === 0) firstBatch = selection.start.map((m) => ({topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to], status: 'started'}))
          hooks.trace(`started ${selection.start.map((m) => `${partitionLabel(m)} [${m.from.join(',')}]→[${m.to.join(',')}]`).join(', ')}`)
        }

        if (inFlight().length === 0 && pending().length === 0) break
        report()

        // 2. Wait, then look again.
        await sleep(opts.pollIntervalMs, abort.signal)
        stopIfSignalled()
        beat()
        if (opts.timeoutMs !== null && Date.now() - runStarted > opts.timeoutMs) {
          stopWith(
            new FleetopsError(
              'PARTIAL',
              `--timeout ${formatDuration(opts.timeoutMs)} reached with ${inFlight().length} moves in flight and ${pending().length} pending; progress saved to ${stateFile}; rerun with --resume`,
            ),
            'timeout',
          )
        }
        try {
          view = await readLiveView(admin, [...new Set(progress.moves.map((m) => m.topic))])
          failedPolls = 0
        } catch (error) {
          const err = isFleetopsError(error) ? error : new FleetopsError('UNAVAILABLE', String(error))
          if (err.code !== 'UNAVAILABLE' && err.code !== 'TIMEOUT') throw err
          failedPolls++
          hooks.trace(`poll failed (${failedPolls}/${MAX_FAILED_POLLS}): ${err.message}`)
          if (failedPolls >= MAX_FAILED_POLLS) {
            stopWith(
              new FleetopsError(
                'PARTIAL',
                `lost the connection to the cluster (${printable(err.message, 120)}); ${inFlight().length} moves in flight are not being watched; progress saved to ${stateFile}; rerun with --resume once the cluster answers`,
              ),
              'lost connection',
            )
          }
          continue
        }

        // 3. Finished moves: release their throttles, and the rates of brokers with nothing left to do.
        const finished: MoveRecord[] = []
        for (const m of inFlight()) {
          const s = liveMoveState(m, livePartition(view, m.topic, m.partition))
          if (s.kind === 'done' || (s.kind === 'pending' && m.to.every((b) => livePartition(view, m.topic, m.partition)!.replicas.includes(b)))) {
            // A finished copy with another replica order (Kafka keeps the order we sent, so this is rare) still counts.
            finished.push(m)
          } else if (s.kind === 'foreign' || s.kind === 'missing') {
            // ('stale' here is only a metadata snapshot taken mid-change: look again next time.)
            stopWith(
              new FleetopsError('PARTIAL', `${printable(partitionLabel(m))} was changed by someone else while it moved (${s.kind}); progress saved to ${stateFile}; check it, then plan again`),
              `${partitionLabel(m)} changed by someone else`,
            )
          }
        }
        if (finished.length > 0) {
          for (const m of finished) m.status = 'done'
          save()
          await throttles.releasePartitions(finished.map(partitionMoveOf))
          const done = progress.moves.filter((m) => m.status === 'done').map(partitionMoveOf)
          const rest = progress.moves.filter((m) => m.status !== 'done').map(partitionMoveOf)
          await throttles.releaseBrokers(brokersDoneAfter(done, rest).filter((b) => view.alive.has(b)))
          hooks.trace(`finished ${finished.map((m) => partitionLabel(m)).join(', ')}`)
        }

        // 4. Stuck: a broker an in-flight move needs has left the cluster.
        const stuck = stuckMoves(inFlight().map(partitionMoveOf), view.alive)
        if (stuck.length > 0) {
          stuckPolls++
          lastStuck = stuck
          if (stuckPolls >= STUCK_POLLS) {
            const missing = [...new Set(stuck.flatMap((s) => s.missingBrokers))].sort((a, b) => a - b)
            stopWith(
              new FleetopsError(
                'PARTIAL',
                `${stuck.length} moves are stuck: ${describeStuck(stuck)}; progress saved to ${stateFile}; once broker ${missing.join(',')} is back, rerun with --resume (or run \`fleetops kafka rebalance cancel --execute\`)`,
              ),
              `stuck: ${describeStuck(lastStuck, 20)}`,
            )
          }
        } else stuckPolls = 0
      }

      // 5. All data moved: preferred leader election for the moved partitions, then clean up.
      const result = baseResult('done')
      const toElect = progress.moves.filter((m) => m.status === 'done')
      let election = {elected: 0, notNeeded: 0, failed: 0}
      if (!progress.elected && toElect.length > 0) {
        hooks.progress('electing preferred leaders')
        const results = await admin.electPreferredLeaders(toElect)
        for (const r of results) {
          if (r.outcome === 'elected') election.elected++
          else if (r.outcome === 'not-needed') election.notNeeded++
          else {
            election.failed++
            warnings.push(`preferred leader election failed for ${printable(partitionLabel(r))}: ${r.errorName}; Kafka's auto leader rebalance will retry`)
          }
        }
        progress.elected = true
      }
      await throttles.releaseAll(view.alive)
      if (progress.throttles.brokers.length > 0) {
        warnings.push(`rate throttles remain on brokers ${progress.throttles.brokers.map((b) => b.broker).join(',')}, which are down; rerun once they are back to remove them`)
      }
      progress.status = 'done'
      progress.pid = null
      save()
      result.election = election
      result.batches = batches
      result.firstBatch = firstBatch
      result.heldBack = [...heldBackSeen.values()]
      result.moves = {
        total: progress.moves.length,
        alreadyDone: result.moves.alreadyDone,
        done: progress.moves.length,
        pending: 0,
        inFlight: 0,
      }
      result.bytes.moved = result.bytes.total
      result.elapsedMs = Date.now() - started
      return result
    } finally {
      offInterrupt()
    }

    function report(): void {
      const done = progress.moves.filter((m) => m.status === 'done')
      const total = progress.moves.reduce((a, m) => a + bytesOf(m), 0)
      const moved = done.reduce((a, m) => a + bytesOf(m), 0)
      const est = progressEstimate(moved, total, Date.now() - started)
      const eta = est.etaMs === null ? '' : ` · ETA ${formatDuration(est.etaMs)}`
      const held = heldBackSeen.size > 0 ? ` · ${heldBackSeen.size} held back` : ''
      hooks.progress(
        `moves ${done.length}/${progress.moves.length} done · ${inFlight().length} in flight · ${formatBytes(moved)} of ${formatBytes(total)}${eta}${held}`,
      )
    }
  }
}

import type {KafkaConnection} from '../../core/connection.js'
import {nagiosExitCode, type NagiosState} from '../../core/lag/nagios.js'
import {evaluateQuorum, type QuorumElection, type QuorumReplicaReport, type QuorumSample, type QuorumThresholds} from '../../core/lag/quorum.js'
import {systemClock, type Clock} from './clock.js'
import {asProbeUnknown} from './unknown.js'

export interface QuorumProbeOptions {
  thresholds: QuorumThresholds
  /** Samples per evaluation (>= 1); elections are read between them. With watch: the sliding window. */
  samples: number
  intervalMs: number
  verbose?: boolean
  watch?: {signal: AbortSignal; onEvaluation: (report: QuorumProbeReport) => void}
}

export interface QuorumProbeReport {
  version: 1
  status: NagiosState
  exitCode: 0 | 1 | 2 | 3
  evaluatedAt: number
  leaderId: number | null
  leaderEpoch: number | null
  highWatermark: number | null
  healthyVoters: number | null
  majority: number | null
  voters: QuorumReplicaReport[]
  observers: QuorumReplicaReport[]
  elections: QuorumElection[]
  samples: number
  intervalMs: number | null
  /** DescribeQuorum version used (v0 has no fetch times). */
  apiVersion: number | null
  notes: string[]
}

/**
 * DescribeQuorum (our own protocol code, via any broker: it is forwarded to the active
 * controller), `samples` times `intervalMs` apart; the last answer is judged and leader
 * epoch changes between answers are elections. A sample that fails (the leader was just
 * stopped, an election is under way) is noted and skipped; only when none answers is the
 * probe UNKNOWN.
 */
export async function probeQuorum(conn: KafkaConnection, opts: QuorumProbeOptions, clock: Clock = systemClock): Promise<QuorumProbeReport> {
  const {KafkaProtocolClient} = await import('../../adapters/kafka/protocol/index.js')
  const {transportOptions} = await import('../../adapters/kafka/transport-options.js')
  const client = new KafkaProtocolClient(transportOptions(conn, 'fleetops-quorum', opts.verbose))
  const window: QuorumSample[] = []
  let notes: string[] = []
  let apiVersion: number | null = null
  let lastError: unknown = null
  let failures = 0
  const sample = async (): Promise<boolean> => {
    try {
      const q = await client.describeQuorum({timeoutMs: 10_000})
      apiVersion = q.apiVersion
      window.push({at: clock.now(), leaderId: q.leaderId, leaderEpoch: q.leaderEpoch, highWatermark: q.highWatermark, voters: q.voters, observers: q.observers})
      if (window.length > opts.samples) window.shift()
      failures = 0
      return true
    } catch (error) {
      lastError = error
      failures++
      notes.push(`sample at ${new Date(clock.now()).toISOString()} failed: ${(error as Error).message.split('\n')[0]}`)
      return false
    }
  }
  const report = (): QuorumProbeReport => {
    if (window.length === 0) throw lastError ?? new Error('no DescribeQuorum answer')
    // Ages are read at the time of the last answer, not now: a later failed sample must not age them.
    const e = evaluateQuorum(window, opts.thresholds)
    const extra = apiVersion === 0 ? ['DescribeQuorum v0: no fetch times, voters judged by log end offset only'] : []
    return {
      version: 1,
      status: e.status,
      exitCode: nagiosExitCode(e.status),
      evaluatedAt: clock.now(),
      leaderId: e.leaderId,
      leaderEpoch: e.leaderEpoch,
      highWatermark: e.highWatermark,
      healthyVoters: e.healthyVoters,
      majority: e.majority,
      voters: e.voters,
      observers: e.observers,
      elections: e.elections,
      samples: window.length,
      intervalMs: opts.samples > 1 || opts.watch ? opts.intervalMs : null,
      apiVersion,
      notes: [...extra, ...e.reasons, ...notes],
    }
  }
  try {
    if (opts.watch) {
      const {signal, onEvaluation} = opts.watch
      // Each answer is judged and written; a failed sample is noted with the next one, and
      // the probe is UNKNOWN when nothing answered yet or three samples in a row failed.
      while (!signal.aborted) {
        if (await sample()) {
          onEvaluation(report())
          notes = []
        } else if (window.length === 0 || failures >= 3) throw lastError
        if (signal.aborted) break
        await clock.sleep(opts.intervalMs, signal)
      }
      return report()
    }
    for (let i = 0; i < opts.samples; i++) {
      if (i > 0) await clock.sleep(opts.intervalMs)
      await sample()
    }
    return report()
  } catch (error) {
    throw asProbeUnknown(error, 'Kafka quorum probe')
  } finally {
    await client.close().catch(() => {})
  }
}

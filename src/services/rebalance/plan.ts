import type {KafkaConnection} from '../../core/connection.js'
import {badInput, isFleetopsError} from '../../core/errors.js'
import {
  buildPlanFile,
  compactFromState,
  parseClusterState,
  parsePlanFile,
  planRebalanceCompact,
  type CompactClusterState,
  type BalanceBy,
  type ClusterState,
  type PlanFile,
  type PlanResult,
  type RebalanceMode,
} from '../../core/rebalance/index.js'
import {describeKafkaCluster} from '../kafka/describe.js'
import {outputFilePath} from '../output-file.js'
import {readClusterStateFile, readJsonFile, writeJsonAtomic} from './files.js'

export interface PlanRequest {
  /** Offline: a cluster state file (`fleetops kafka describe --json`); no cluster is contacted. */
  stateFile?: string
  /** Live: how to reach the cluster (only called when there is no state file). */
  connection?: () => KafkaConnection
  addBrokers?: number[]
  removeBrokers?: number[]
  topics?: RegExp
  excludeTopics?: RegExp
  balanceBy?: BalanceBy
  ignoreRacks?: boolean
  /** Write the plan file here. */
  output?: string
  verbose?: boolean
}

export interface PlanOutcome {
  plan: PlanResult
  source: 'state-file' | 'cluster'
  written: string | null
}

/** The cluster state the planner reads: a state file, or the live cluster via `kafka describe`. */
export async function loadClusterState(req: {stateFile?: string; connection?: () => KafkaConnection; verbose?: boolean}): Promise<ClusterState> {
  if (req.stateFile !== undefined) return parseClusterState(readJsonFile(req.stateFile, '--state'))
  if (!req.connection) throw badInput('no cluster to plan for; pass --state FILE, or --brokers to read the live cluster')
  let conn: KafkaConnection
  try {
    conn = req.connection()
  } catch (error) {
    // Planning is the one Kafka command that can run without a cluster: say so.
    if (isFleetopsError(error) && error.exit === 2 && /no Kafka brokers configured/.test(error.message)) {
      throw badInput(`${error.message}; or plan offline from a state file with --state FILE`)
    }
    throw error
  }
  const description = await describeKafkaCluster(conn, {verbose: req.verbose})
  return parseClusterState(description)
}

/** The state to plan from, in columns: a state file is read without an object per partition. */
async function loadCompactState(req: PlanRequest): Promise<CompactClusterState> {
  if (req.stateFile !== undefined) return readClusterStateFile(req.stateFile)
  return compactFromState(await loadClusterState(req))
}

export async function planService(req: PlanRequest): Promise<PlanOutcome> {
  if (req.addBrokers && req.removeBrokers) {
    throw badInput('--add-brokers and --remove-brokers cannot be combined; add brokers first, then plan the removal')
  }
  const mode: RebalanceMode = req.addBrokers ? 'add' : req.removeBrokers ? 'remove' : 'balance'
  // Checked before the cluster is read: a path fleetops will not write is bad input (exit 2).
  if (req.output !== undefined) outputFilePath(req.output, '--output')
  const state = await loadCompactState(req)
  const plan = planRebalanceCompact(state, {
    mode,
    addBrokers: req.addBrokers,
    removeBrokers: req.removeBrokers,
    topics: req.topics,
    excludeTopics: req.excludeTopics,
    balanceBy: req.balanceBy,
    ignoreRacks: req.ignoreRacks,
  })
  let written: string | null = null
  if (req.output !== undefined) {
    // No timestamp: the same state and flags give a byte-identical file (reviewable in a pull request).
    writeJsonAtomic(req.output, buildPlanFile(plan))
    written = req.output
  }
  return {plan, source: req.stateFile !== undefined ? 'state-file' : 'cluster', written}
}

/** Reads and validates a plan file (`--plan`). */
export function readPlanFile(path: string): PlanFile {
  return parsePlanFile(readJsonFile(path, '--plan'))
}

import type {CassandraConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  addReplicaObservations,
  cassandraVerdict,
  checkSchemaAgreement,
  evaluateCanary,
  evaluateGossipViews,
  hintFileTotals,
  judgeSchemaAgreement,
  nodeHintCounts,
  nodeHintsOf,
  schemaRecheckDelay,
  type GossipNodeResult,
  type SchemaJudgement,
  type SchemaNodeView,
  type TimedSchemaCheck,
  nagiosExitCode,
  type CanaryReplica,
  type CanaryResult,
  canaryConsistency,
  type CanaryConsistency,
  type LagThresholds,
  type NagiosState,
} from '../../core/lag/index.js'
import type {CanaryNode, CassandraCanary, PendingHintRow} from '../../adapters/cassandra/canary.js'
import {systemClock, type Clock} from './clock.js'
import {asProbeUnknown} from './unknown.js'

export interface CassandraProbeOptions {
  keyspace: string
  table: string
  createCanary: boolean
  samples: number
  intervalMs: number
  /** How long a replica may take to show a write before it counts as missed. */
  timeoutMs: number
  ttlSeconds: number
  thresholds: Pick<LagThresholds, 'warnTimeLagMs' | 'critTimeLagMs'>
  /** How long a schema disagreement may last before it is a WARNING. */
  schemaGraceMs: number
}

export interface SchemaReport {
  agreement: boolean
  versions: Record<string, string[]>
  nodes: SchemaNodeView[]
  unreachable: string[]
  disagreements: string[]
  graceMs: number
  /** How long the final disagreement was seen by the probe; null when the last check agreed. */
  disagreementMs: number | null
  checks: number
}

export interface CassandraProbeReport extends Omit<CanaryResult, 'state'> {
  version: 1
  status: NagiosState
  exitCode: 0 | 1 | 2 | 3
  evaluatedAt: number
  keyspace: string
  table: string
  samples: number
  /** The consistency levels the canary used, and the DC that coordinated its writes. */
  consistency: CanaryConsistency
  coordinators: string[]
  nodes: (CanaryNode & {hintsHeld: number | null; hintsFor: number | null})[]
  hintsAvailable: boolean
  pendingHints: PendingHintRow[]
  schema: SchemaReport
  gossip: GossipNodeResult[]
  gossipAvailable: boolean
  notes: string[]
}

/**
 * Canary replication probe: --samples writes at LOCAL_ONE, each through the next UP local
 * coordinator, each then read at LOCAL_ONE from every replica (in every DC) pinned to it; per replica and per DC the
 * delay until it returned the row. Plus node states and pending hints. A DOWN node is
 * CRITICAL even when it is not a replica of the canary keys.
 */
export async function probeCassandra(conn: CassandraConnection, opts: CassandraProbeOptions, clock: Clock = systemClock): Promise<CassandraProbeReport> {
  const {CassandraCanary} = await import('../../adapters/cassandra/canary.js')
  let canary: CassandraCanary | undefined
  try {
    canary = await CassandraCanary.open(conn)
    const coordinators = await prepareCanary(canary, opts)
    const schema = new SchemaWatch(canary, clock)
    // Time base for the grace period: one check before the canary, one after it, then
    // every second while it still disagrees, until it has disagreed for the grace period.
    await schema.check()
    const {byReplica, used} = await writeCanarySamples(canary, coordinators, opts, clock)
    const nodes = await canary.nodes()
    const hints = await canary.pendingHints()
    await schema.check()
    await schema.recheckWhileDisagreeing(opts.schemaGraceMs)
    const schemaJudgement = judgeSchemaAgreement(schema.checks, opts.schemaGraceMs)
    const gossipViews = await canary.gossipViews()
    const gossip = gossipViews ? evaluateGossipViews(gossipViews) : []
    const totals = hintFileTotals(hints?.rows ?? [])
    const result = evaluateCanary({replicas: [...byReplica.values()], hints: nodeHintsOf(hints, nodes, totals.held)}, opts.thresholds)
    const {status, reasons, notes} = cassandraVerdict({
      canary: result,
      replicas: byReplica,
      nodes,
      hintsAvailable: hints !== null,
      hintsFor: totals.forTarget,
      schema: schemaJudgement,
      gossip,
      gossipAvailable: gossipViews !== null,
    })
    const {state: _state, ...rest} = result
    return {
      version: 1,
      ...rest,
      reasons,
      status,
      exitCode: nagiosExitCode(status),
      evaluatedAt: clock.now(),
      keyspace: opts.keyspace,
      table: opts.table,
      samples: opts.samples,
      consistency: canaryConsistency(canary.localDc ?? null),
      coordinators: [...new Set(used)],
      nodes: nodes.map((n) => ({...n, ...nodeHintCounts(n.address, hints, totals)})),
      hintsAvailable: hints !== null,
      pendingHints: hints?.rows ?? [],
      schema: schemaReport(schema.checks, schemaJudgement, opts.schemaGraceMs),
      gossip,
      gossipAvailable: gossipViews !== null,
      notes,
    }
  } catch (error) {
    throw asProbeUnknown(error, 'Cassandra canary probe')
  } finally {
    await canary?.close()
  }
}

/** Creates the canary table when asked (else its absence is a usage error), then readies the coordinators; returns them. */
async function prepareCanary(canary: CassandraCanary, opts: CassandraProbeOptions): Promise<string[]> {
  if (!(await canary.canaryExists(opts.keyspace, opts.table))) {
    if (!opts.createCanary) {
      throw new FleetopsError(
        'BAD_INPUT',
        `canary table ${opts.keyspace}.${opts.table} does not exist; rerun with --create-canary to create it (RF min(3, nodes) per DC, read_repair NONE, speculative_retry NONE, TTL ${opts.ttlSeconds}s)`,
        {exit: 3},
      )
    }
    await canary.createCanary(opts.keyspace, opts.table, opts.ttlSeconds)
  }
  const coordinators = canary.coordinators()
  if (coordinators.length === 0) throw new FleetopsError('UNAVAILABLE', 'no Cassandra node in the local data centre is UP to coordinate the canary write', {exit: 3})
  await canary.warmUp(opts.keyspace, opts.table)
  return coordinators
}

/** Schema agreement checks, timed, for judgeSchemaAgreement. */
class SchemaWatch {
  readonly checks: TimedSchemaCheck[] = []

  constructor(
    private readonly canary: CassandraCanary,
    private readonly clock: Clock,
  ) {}

  async check(): Promise<void> {
    const {nodes, unreachable} = await this.canary.schemaViews()
    this.checks.push({at: this.clock.now(), check: checkSchemaAgreement(nodes, unreachable)})
  }

  /** Checks again while the schema still disagrees, until it has disagreed for the grace period. */
  async recheckWhileDisagreeing(graceMs: number): Promise<void> {
    for (let wait = schemaRecheckDelay(this.checks, graceMs, this.clock.now()); wait !== null; wait = schemaRecheckDelay(this.checks, graceMs, this.clock.now())) {
      await this.clock.sleep(wait)
      await this.check()
    }
  }
}

/** --samples canary writes, each through the next coordinator, and what every replica saw of them. */
async function writeCanarySamples(
  canary: CassandraCanary,
  coordinators: string[],
  opts: CassandraProbeOptions,
  clock: Clock,
): Promise<{byReplica: Map<string, CanaryReplica>; used: string[]}> {
  const byReplica = new Map<string, CanaryReplica>()
  const used: string[] = []
  for (let i = 0; i < opts.samples; i++) {
    if (i > 0) await clock.sleep(opts.intervalMs)
    const coordinator = coordinators[i % coordinators.length]!
    used.push(coordinator.replace(/:\d+$/, ''))
    const {replicas} = await canary.writeAndObserve(opts.keyspace, opts.table, coordinator, {
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      timeoutMs: opts.timeoutMs,
    })
    addReplicaObservations(byReplica, replicas)
  }
  return {byReplica, used}
}

function schemaReport(checks: readonly TimedSchemaCheck[], judgement: SchemaJudgement, graceMs: number): SchemaReport {
  const last = checks[checks.length - 1]!.check
  return {
    agreement: judgement.agreement,
    versions: last.versions,
    nodes: last.nodes,
    unreachable: last.unreachable,
    disagreements: last.disagreements,
    graceMs,
    disagreementMs: judgement.disagreementMs,
    checks: checks.length,
  }
}

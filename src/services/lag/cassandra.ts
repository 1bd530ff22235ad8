import type {CassandraConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  checkSchemaAgreement,
  evaluateCanary,
  evaluateGossipViews,
  judgeSchemaAgreement,
  schemaRecheckDelay,
  type GossipNodeResult,
  type SchemaNodeView,
  type TimedSchemaCheck,
  nagiosExitCode,
  worstNagiosState,
  type CanaryReplica,
  type CanaryResult,
  type LagThresholds,
  type NagiosState,
  type NodeHints,
} from '../../core/lag/index.js'
import type {CanaryNode, PendingHintRow} from '../../adapters/cassandra/canary.js'
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
 * Canary replication probe: --samples writes at ONE, each through the next UP local
 * coordinator, each then read at ONE from every replica pinned to it; per replica the
 * delay until it returned the row. Plus node states and pending hints. A DOWN node is
 * CRITICAL even when it is not a replica of the canary keys.
 */
export async function probeCassandra(conn: CassandraConnection, opts: CassandraProbeOptions, clock: Clock = systemClock): Promise<CassandraProbeReport> {
  const {CassandraCanary} = await import('../../adapters/cassandra/canary.js')
  let canary: Awaited<ReturnType<typeof CassandraCanary.open>> | undefined
  try {
    canary = await CassandraCanary.open(conn)
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
    const open = canary
    const schemaChecks: TimedSchemaCheck[] = []
    const checkSchema = async () => {
      const {nodes, unreachable} = await open.schemaViews()
      schemaChecks.push({at: clock.now(), check: checkSchemaAgreement(nodes, unreachable)})
    }
    // Time base for the grace period: one check before the canary, one after it, then
    // every second while it still disagrees, until it has disagreed for the grace period.
    await checkSchema()
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
      for (const r of replicas) {
        const entry = byReplica.get(r.address) ?? {address: r.address, dc: r.dc, rack: r.rack, state: r.up ? 'UP' : 'DOWN', samples: []}
        if (!r.up) entry.state = 'DOWN'
        entry.samples.push(r.error === undefined ? {seenAfterMs: r.seenAfterMs} : {seenAfterMs: null, error: r.error})
        byReplica.set(r.address, entry)
      }
    }
    const nodes = await canary.nodes()
    const hints = await canary.pendingHints()
    const held = new Map<string, number>()
    const forTarget = new Map<string, number>()
    for (const h of hints?.rows ?? []) {
      held.set(h.holder, (held.get(h.holder) ?? 0) + h.files)
      forTarget.set(h.target, (forTarget.get(h.target) ?? 0) + h.files)
    }
    const nodeHints: NodeHints[] = hints ? hints.queried.map((address) => ({address, pendingHints: held.get(address) ?? 0})) : nodes.filter((n) => n.state === 'UP').map((n) => ({address: n.address, pendingHints: null}))
    await checkSchema()
    for (let wait = schemaRecheckDelay(schemaChecks, opts.schemaGraceMs, clock.now()); wait !== null; wait = schemaRecheckDelay(schemaChecks, opts.schemaGraceMs, clock.now())) {
      await clock.sleep(wait)
      await checkSchema()
    }
    const schemaJudgement = judgeSchemaAgreement(schemaChecks, opts.schemaGraceMs)
    const lastSchema = schemaChecks[schemaChecks.length - 1]!.check
    const gossipViews = await canary.gossipViews()
    const gossip = gossipViews ? evaluateGossipViews(gossipViews) : []
    const result = evaluateCanary({replicas: [...byReplica.values()], hints: nodeHints}, opts.thresholds)
    // A DOWN replica is also one the canary could not reach; say both.
    for (const r of result.replicas) if (r.reason === 'replica is DOWN') r.reason = 'unreachable: replica is DOWN'
    const states: NagiosState[] = [result.state]
    const reasons = result.reasons.map((x) => x.replace(/: replica is DOWN$/, ': unreachable: replica is DOWN'))
    const notes: string[] = []
    if (!hints) notes.push('system_views.pending_hints is not available (needs Cassandra 4.1+); pending hints not reported')
    if (hints && nodes.some((n) => n.state !== 'UP')) {
      notes.push('pending_hints lists only finished hint files, so hints still being written for a DOWN node may not show yet')
    }
    if (schemaJudgement.state !== 'OK') states.push(schemaJudgement.state)
    if (schemaJudgement.reason) reasons.push(schemaJudgement.reason)
    if (schemaJudgement.note) notes.push(schemaJudgement.note)
    if (!gossipViews) notes.push('system_views.gossip_info is not available (needs Cassandra 4.1+); gossip views not reported')
    for (const g of gossip) {
      if (g.state === 'OK') continue
      states.push(g.state)
      reasons.push(`gossip split view: ${g.address} seen DOWN by ${g.seenDownBy.join(', ')} and UP by ${g.seenUpBy.join(', ')}`)
    }
    for (const n of nodes) {
      if (n.state === 'DOWN' && !byReplica.get(n.address)) {
        states.push('CRITICAL')
        reasons.push(`node ${n.address} (${n.dc}) is DOWN`)
      }
      const pending = forTarget.get(n.address)
      if (pending) reasons.push(`${pending} hint file(s) pending for ${n.address}`)
    }
    const status = worstNagiosState(states)
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
      coordinators: [...new Set(used)],
      nodes: nodes.map((n) => ({...n, hintsHeld: hints ? (held.get(n.address) ?? (hints.queried.includes(n.address) ? 0 : null)) : null, hintsFor: hints ? (forTarget.get(n.address) ?? 0) : null})),
      hintsAvailable: hints !== null,
      pendingHints: hints?.rows ?? [],
      schema: {
        agreement: schemaJudgement.agreement,
        versions: lastSchema.versions,
        nodes: lastSchema.nodes,
        unreachable: lastSchema.unreachable,
        disagreements: lastSchema.disagreements,
        graceMs: opts.schemaGraceMs,
        disagreementMs: schemaJudgement.disagreementMs,
        checks: schemaChecks.length,
      },
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

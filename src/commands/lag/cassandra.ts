import * as Flags from '@oclif/core/flags'

import {cqlIdentifier} from '../../core/identifiers.js'
import {parseLagThresholds} from '../../core/lag/index.js'
import {durationFlag, integerFlag, probeFormatFlag} from '../../flags.js'
import {renderCassandraProbe} from '../../output/lag.js'
import {CassandraProbeCommand, type ProbeFormat, type ProbeUnknown} from '../../probe-command.js'
import type {CassandraProbeReport} from '../../services/lag/cassandra.js'

export default class LagCassandra extends CassandraProbeCommand {
  static override summary = 'Cassandra replication canary: write at LOCAL_ONE, read it back from each replica directly, report the propagation delay per replica and per DC.'
  static override description = `Writes a uniquely keyed row at consistency LOCAL_ONE through one coordinator of the local DC (--local-dc / FLEETOPS_LOCAL_DC), then reads it at LOCAL_ONE from each replica, in every DC, pinned to that host (so the replica answers from itself, inside its own DC), and reports how long each replica took to see it, over --samples writes, per replica and per DC (replicas, writes seen, p50, max, status); the report states the consistency levels it used ("consistency" in JSON). Also reports every node's state (driver metadata and system.peers) and the pending hints per node from system_views.pending_hints where the version has it (Cassandra 4.1+; only finished hint files are listed).

The canary keyspace and table are created only with --create-canary (NetworkTopologyStrategy, RF min(3, nodes) per DC, read_repair 'NONE', speculative_retry 'NONE', a TTL so rows vanish). A replica that is unreachable or never shows the write, or a DOWN node, is CRITICAL; propagation above --warn-time-lag/--crit-time-lag is WARNING/CRITICAL; pending hints are WARNING. Every node is also asked directly for its schema version and the versions it holds for its peers (system.local, system.peers_v2): a disagreement that lasts longer than --schema-grace is WARNING (checked before and after the canary, then every second while it persists, up to the grace period). Each node's gossip view (system_views.gossip_info, Cassandra 4.1+): a node seen DOWN by some nodes and UP by others is WARNING. Exit codes (Nagios): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (cluster unreachable, canary missing, or a usage error, raised before the cluster is touched). A probe that cannot run still answers in the format asked for: "CANARY UNKNOWN - <reason>", or the JSON document with status UNKNOWN and a reason.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --create-canary',
    '<%= config.bin %> <%= command.id %> --samples 5 --warn-time-lag 200ms --crit-time-lag 2s --json',
    '<%= config.bin %> <%= command.id %> --keyspace ops_canary --table probe --samples 3',
  ]

  static override flags = {
    keyspace: Flags.string({description: 'Canary keyspace.', default: 'fleetops_canary'}),
    table: Flags.string({description: 'Canary table.', default: 'replication_canary'}),
    'create-canary': Flags.boolean({description: 'Create the canary keyspace and table if they do not exist.'}),
    samples: integerFlag({description: 'Canary writes to make.', default: '3', min: 1, max: 100}),
    interval: durationFlag({description: 'Pause between canary writes.', default: '200ms', allowZero: true}),
    timeout: durationFlag({description: 'How long a replica may take to show a write before it counts as missed (default: --crit-time-lag, else 10s).'}),
    ttl: durationFlag({description: 'TTL of the canary rows when the table is created.', default: '1h'}),
    'warn-time-lag': Flags.string({description: 'WARNING when a replica takes longer than this to show a write, e.g. 200ms.'}),
    'crit-time-lag': Flags.string({description: 'CRITICAL when a replica takes longer than this to show a write, e.g. 2s.'}),
    'schema-grace': durationFlag({description: 'How long a schema disagreement between nodes may last before it is a WARNING, e.g. 30s (0s: at once).', default: '30s', allowZero: true}),
    format: probeFormatFlag(['table', 'json']),
  }

  protected readonly service = 'CANARY'
  /** What an UNKNOWN document states about the probe, once the flags are read. */
  private canary: {keyspace: string; table: string; samples: number | null} = {keyspace: 'fleetops_canary', table: 'replication_canary', samples: null}

  async run(): Promise<CassandraProbeReport> {
    const {flags} = await this.parse(LagCassandra)
    this.format = this.jsonEnabled() ? 'json' : flags.format
    const t = parseLagThresholds({warnTimeLag: flags['warn-time-lag'], critTimeLag: flags['crit-time-lag']})
    const keyspace = cqlIdentifier(flags.keyspace, '--keyspace')
    const table = cqlIdentifier(flags.table, '--table')
    const {samples, interval: intervalMs, 'schema-grace': schemaGraceMs} = flags
    const timeoutMs = flags.timeout ?? t.critTimeLagMs ?? 10_000
    const ttlSeconds = Math.max(60, Math.round(flags.ttl / 1000))
    this.canary = {keyspace, table, samples}
    const conn = this.cassandraConnection(flags)
    const {probeCassandra} = await import('../../services/lag/cassandra.js')
    const report = await probeCassandra(conn, {
      keyspace,
      table,
      createCanary: flags['create-canary'],
      samples,
      intervalMs,
      timeoutMs,
      ttlSeconds,
      thresholds: {warnTimeLagMs: t.warnTimeLagMs, critTimeLagMs: t.critTimeLagMs},
      schemaGraceMs,
    })
    if (flags.format === 'json' && !this.jsonEnabled()) this.writeDocument(report)
    else if (!this.jsonEnabled()) this.log(renderCassandraProbe(report))
    process.exitCode = report.exitCode
    return report
  }

  protected unknownReport(unknown: ProbeUnknown, now: number): object {
    const {status, exitCode, reason, error} = unknown
    return {
      version: 1,
      status,
      exitCode,
      evaluatedAt: now,
      ...this.canary,
      reasons: [reason],
      p50Ms: null,
      maxMs: null,
      replicas: [],
      dcs: [],
      hints: [],
      consistency: null,
      coordinators: [],
      nodes: [],
      hintsAvailable: false,
      pendingHints: [],
      schema: null,
      gossip: [],
      gossipAvailable: false,
      notes: [],
      reason,
      error,
    }
  }
}

import {randomUUID} from 'node:crypto'

import type {CassandraConnection} from '../../core/connection.js'
import type {ReplicaObservation} from '../../core/lag/canary-probe.js'
import type {GossipObserverView, SchemaNodeView} from '../../core/lag/cassandra-agreement.js'
import {classifySdkError} from '../classify-error.js'
import {cassandra, connectCassandra} from './client.js'

/**
 * The Cassandra canary (lag-probes.md §3.4/3.5): a uniquely keyed row written at LOCAL_ONE
 * through one coordinator, then read at LOCAL_ONE from each replica pinned to that host (the
 * driver's `host` option), until each replica returns it. Remote-DC replicas are ignored
 * by the default load-balancing policy (no pool, NoHostAvailableError), so this adapter
 * opens one client per data centre and pins each read through its own DC's client.
 * Also: node states (driver metadata + system.peers) and pending hints from
 * system_views.pending_hints, discovered at runtime (Cassandra 4.1+).
 */

export interface CanaryNode {
  address: string
  dc: string
  rack: string
  state: 'UP' | 'DOWN' | 'UNKNOWN'
  hostId: string | null
}

export type {ReplicaObservation} from '../../core/lag/canary-probe.js'

export interface PendingHintRow {
  holder: string
  target: string
  targetHostId: string
  files: number
  oldest: number | null
}

type Client = InstanceType<typeof cassandra.Client>
type Host = ReturnType<Client['hosts']['values']>[number]

const ip = (address: string): string => address.replace(/:\d+$/, '')
const one = cassandra.types.consistencies.one
/** The canary's write and reads (core/lag/canary-probe.ts canaryConsistency states them in the report). */
const localOne = cassandra.types.consistencies.localOne

export class CassandraCanary {
  private constructor(
    private readonly main: Client,
    private readonly byDc: Map<string, Client>,
    readonly localDc: string | undefined,
  ) {}

  static async open(conn: CassandraConnection): Promise<CassandraCanary> {
    const main = await connectCassandra(conn)
    const byDc = new Map<string, Client>()
    const localDc = conn.localDc ?? main.hosts.values().find((h) => h.isUp())?.datacenter
    try {
      if (localDc) byDc.set(localDc, main)
      for (const dc of new Set(main.hosts.values().map((h) => h.datacenter))) {
        if (byDc.has(dc)) continue
        byDc.set(dc, await connectCassandra({...conn, localDc: dc}))
      }
    } catch (error) {
      await Promise.all([main, ...byDc.values()].map((c) => c.shutdown().catch(() => {})))
      throw classifySdkError(error, 'Cassandra')
    }
    return new CassandraCanary(main, byDc, localDc)
  }

  private hostIn(dc: string, address: string): {client: Client; host: Host | undefined} {
    const client = this.byDc.get(dc) ?? this.main
    return {client, host: client.hosts.get(address)}
  }

  /** Every node: the driver's view (UP/DOWN), plus peers from system.peers it does not know. */
  async nodes(): Promise<CanaryNode[]> {
    const out = new Map<string, CanaryNode>()
    for (const h of this.main.hosts.values()) {
      out.set(ip(h.address), {address: ip(h.address), dc: h.datacenter, rack: h.rack, state: h.isUp() ? 'UP' : 'DOWN', hostId: h.hostId ? String(h.hostId) : null})
    }
    try {
      const rs = await this.main.execute('SELECT peer, data_center, rack, host_id FROM system.peers', [], {consistency: one})
      for (const row of rs.rows) {
        const address = String(row.peer)
        if (!out.has(address)) {
          out.set(address, {address, dc: row.data_center ?? '?', rack: row.rack ?? '?', state: 'UNKNOWN', hostId: row.host_id ? String(row.host_id) : null})
        }
      }
    } catch {
      // The driver's view alone still lists every node it knows.
    }
    return [...out.values()].sort((a, b) => a.address.localeCompare(b.address, 'en', {numeric: true}))
  }

  async canaryExists(keyspace: string, table: string): Promise<boolean> {
    try {
      const t = await this.main.metadata.getTable(keyspace, table)
      return Boolean(t)
    } catch (error) {
      throw classifySdkError(error, 'Cassandra: reading the canary schema')
    }
  }

  /**
   * Keyspace with NetworkTopologyStrategy, RF = min(3, nodes) in every DC; table with
   * read_repair 'NONE' and speculative_retry 'NONE' (the probe must neither repair nor
   * hide what it measures) and a TTL so canary rows vanish. Names are checked identifiers.
   */
  async createCanary(keyspace: string, table: string, ttlSeconds: number): Promise<void> {
    const perDc = new Map<string, number>()
    for (const h of this.main.hosts.values()) perDc.set(h.datacenter, (perDc.get(h.datacenter) ?? 0) + 1)
    const replication = [...perDc].map(([dc, n]) => `'${dc.replace(/'/g, "''")}': ${Math.min(3, n)}`).join(', ')
    try {
      await this.main.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', ${replication}}`)
      await this.main.execute(
        `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (k text PRIMARY KEY, v timeuuid, written_at timestamp) ` +
          `WITH read_repair = 'NONE' AND speculative_retry = 'NONE' AND default_time_to_live = ${ttlSeconds} AND gc_grace_seconds = ${ttlSeconds}`,
      )
      await this.main.metadata.refreshKeyspace(keyspace)
    } catch (error) {
      throw classifySdkError(error, 'Cassandra: creating the canary', {needs: `CREATE on ALL KEYSPACES (or create ${keyspace}.${table} as an administrator)`})
    }
  }

  /** An UP node to coordinate the n-th write (rotating over the local DC). */
  coordinators(): string[] {
    return this.main.hosts
      .values()
      .filter((h) => h.isUp() && (this.localDc === undefined || h.datacenter === this.localDc))
      .map((h) => h.address)
      .sort()
  }

  /** Prepares the canary read on every UP node first, so no measurement pays for it. */
  async warmUp(keyspace: string, table: string): Promise<void> {
    await Promise.all(
      [...this.byDc].flatMap(([dc, client]) =>
        client.hosts
          .values()
          .filter((h) => h.isUp() && h.datacenter === dc)
          .map((host) =>
            client.execute(`SELECT v FROM ${keyspace}.${table} WHERE k = ?`, ['warm-up'], {prepare: true, consistency: localOne, host, isIdempotent: true}).catch(() => {}),
          ),
      ),
    )
  }

  /**
   * One canary write through `coordinator` and its visibility on every replica of the key.
   * `now` is the caller's clock; `pollMs` the pause between reads; `timeoutMs` how long a
   * replica may take before it counts as never having seen the write.
   */
  async writeAndObserve(
    keyspace: string,
    table: string,
    coordinator: string,
    opts: {now: () => number; sleep: (ms: number) => Promise<void>; timeoutMs: number; pollMs?: number},
  ): Promise<{key: string; replicas: ReplicaObservation[]}> {
    const key = `canary-${randomUUID()}`
    const value = cassandra.types.TimeUuid.now()
    const coord = this.main.hosts.get(coordinator)
    if (!coord) throw classifySdkError(new Error(`coordinator ${coordinator} is not a known host`), 'Cassandra canary')
    try {
      await this.main.execute(`INSERT INTO ${keyspace}.${table} (k, v, written_at) VALUES (?, ?, ?)`, [key, value, new Date()], {
        prepare: true,
        consistency: localOne,
        host: coord,
      })
    } catch (error) {
      throw classifySdkError(error, `Cassandra: canary write through ${ip(coordinator)}`, {needs: `MODIFY on table ${keyspace}.${table}`})
    }
    const ackAt = opts.now()
    const replicas = this.main.getReplicas(keyspace, Buffer.from(key, 'utf8')) ?? []
    const observations = await Promise.all(
      replicas.map(async (r): Promise<ReplicaObservation> => {
        const base = {address: ip(r.address), dc: r.datacenter, rack: r.rack, up: r.isUp()}
        const {client, host} = this.hostIn(r.datacenter, r.address)
        if (!host) return {...base, seenAfterMs: null, error: 'no connection to this replica (unknown to the driver)'}
        for (;;) {
          try {
            const rs = await client.execute(`SELECT v FROM ${keyspace}.${table} WHERE k = ?`, [key], {prepare: true, consistency: localOne, host, isIdempotent: true})
            const row = rs.first()
            if (row && String(row.v) === String(value)) return {...base, seenAfterMs: Math.max(0, opts.now() - ackAt)}
          } catch (error) {
            const e = error as {name?: string; message?: string; innerErrors?: Record<string, Error>}
            const inner = e.innerErrors ? Object.values(e.innerErrors)[0]?.message : undefined
            return {...base, seenAfterMs: null, error: `unreachable: ${inner ?? e.message ?? String(error)}`.split('\n')[0]!.slice(0, 200)}
          }
          if (opts.now() - ackAt > opts.timeoutMs) return {...base, seenAfterMs: null}
          await opts.sleep(opts.pollMs ?? 5)
        }
      }),
    )
    return {key, replicas: observations}
  }

  /** Every node the driver sees UP, each with the client of its own DC (reads pinned to it); the others are unreachable. */
  private pinnableHosts(): {reachable: {client: Client; host: Host}[]; unreachable: string[]} {
    const reachable: {client: Client; host: Host}[] = []
    const unreachable: string[] = []
    for (const h of this.main.hosts.values()) {
      const {client, host} = this.hostIn(h.datacenter, h.address)
      if (host && host.isUp()) reachable.push({client, host})
      else unreachable.push(ip(h.address))
    }
    return {reachable, unreachable}
  }

  /**
   * Each node's own schema view, asked of that node directly (pinned): system.local
   * (its version) and system.peers_v2 (the versions it holds for its peers; system.peers
   * before Cassandra 4.0). A node the driver sees DOWN, or that fails to answer, is unreachable.
   */
  async schemaViews(): Promise<{nodes: SchemaNodeView[]; unreachable: string[]}> {
    const {reachable, unreachable} = this.pinnableHosts()
    const nodes: SchemaNodeView[] = []
    await Promise.all(
      reachable.map(async ({client, host}) => {
        try {
          const local = await client.execute('SELECT schema_version, host_id FROM system.local', [], {host, consistency: one, isIdempotent: true})
          let peers
          try {
            peers = await client.execute('SELECT peer, schema_version, host_id FROM system.peers_v2', [], {host, consistency: one, isIdempotent: true})
          } catch {
            peers = await client.execute('SELECT peer, schema_version, host_id FROM system.peers', [], {host, consistency: one, isIdempotent: true})
          }
          const v = local.first()?.schema_version
          nodes.push({
            address: ip(host.address),
            schemaVersion: v ? String(v) : null,
            peers: peers.rows.map((r) => ({address: String(r.peer), schemaVersion: r.schema_version ? String(r.schema_version) : null})),
          })
        } catch {
          unreachable.push(ip(host.address))
        }
      }),
    )
    return {nodes, unreachable}
  }

  private gossipInfoExists: boolean | undefined

  /**
   * Each node's gossip view, asked of that node directly: system_views.gossip_info
   * (Cassandra 4.1+). null when the table does not exist.
   */
  async gossipViews(): Promise<GossipObserverView[] | null> {
    if (this.gossipInfoExists === undefined) {
      try {
        const rs = await this.main.execute("SELECT table_name FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'", [])
        this.gossipInfoExists = rs.rows.some((r) => r.table_name === 'gossip_info')
      } catch {
        this.gossipInfoExists = false
      }
    }
    if (!this.gossipInfoExists) return null
    const views: GossipObserverView[] = []
    await Promise.all(
      this.pinnableHosts().reachable.map(async ({client, host}) => {
        try {
          const rs = await client.execute('SELECT address, status, status_with_port, generation, heartbeat FROM system_views.gossip_info', [], {host, isIdempotent: true})
          views.push({
            observer: ip(host.address),
            endpoints: rs.rows.map((r) => ({
              address: String(r.address),
              status: (r.status_with_port ?? r.status ?? null) as string | null,
              generation: typeof r.generation === 'number' ? r.generation : null,
              heartbeat: typeof r.heartbeat === 'number' ? r.heartbeat : null,
            })),
          })
        } catch {
          // A node that does not answer is unreachable; the schema view lists it.
        }
      }),
    )
    return views
  }

  /** null when system_views.pending_hints does not exist (Cassandra < 4.1). */
  async pendingHints(): Promise<{rows: PendingHintRow[]; queried: string[]} | null> {
    try {
      const rs = await this.main.execute("SELECT table_name FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'", [])
      if (!rs.rows.some((r) => r.table_name === 'pending_hints')) return null
    } catch {
      return null // no virtual tables at all (Cassandra < 4.0)
    }
    const rows: PendingHintRow[] = []
    const queried: string[] = []
    for (const [, client] of this.byDc) {
      for (const host of client.hosts.values()) {
        if (!host.isUp() || this.byDc.get(host.datacenter) !== client) continue
        try {
          // Virtual tables are node-local: ask every node, pinned.
          const rs = await client.execute('SELECT host_id, address, files, oldest FROM system_views.pending_hints', [], {host})
          queried.push(ip(host.address))
          for (const row of rs.rows) {
            rows.push({
              holder: ip(host.address),
              target: row.address ? String(row.address) : String(row.host_id),
              targetHostId: String(row.host_id),
              files: Number(row.files ?? 0),
              oldest: row.oldest instanceof Date ? row.oldest.getTime() : null,
            })
          }
        } catch {
          // A node that stops answering is reported by the canary itself.
        }
      }
    }
    return {rows, queried}
  }

  async close(): Promise<void> {
    await Promise.all([...new Set([this.main, ...this.byDc.values()])].map((c) => c.shutdown().catch(() => {})))
  }
}

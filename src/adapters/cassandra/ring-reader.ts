import type cassandra from 'cassandra-driver'

import {type CassandraConnection, endpointHost} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {classifySdkError} from '../classify-error.js'
import {connectCassandra} from './client.js'

/** One node as the live cluster describes it; tokens are decimal strings (they exceed 2^53). */
export interface LiveRingNode {
  address: string
  dc: string
  rack: string
  /** UP/DOWN from the driver's view of the node (gossip events and its own connection). */
  state: 'UP' | 'DOWN'
  tokens: string[]
  hostId: string | null
  /**
   * The node's gossip STATUS (STATUS_WITH_PORT, else STATUS) word as the coordinator's gossip holds it: NORMAL,
   * BOOT (joining), BOOT_REPLACE, LEAVING, LEFT, MOVING, shutdown, removing, hibernate; null when unknown.
   */
  gossipStatus: string | null
  /** Gossip LOAD: the live disk space of its SSTables in bytes, as the node last broadcast it (every 60 s); null when unknown. */
  load: number | null
}

/** One endpoint of system_views.gossip_info (Cassandra 4.1+). */
interface GossipRow {
  address: string
  hostId: string | null
  status: string | null
  load: number | null
  dc: string
  rack: string
}

export interface LiveKeyspace {
  name: string
  /** Full replication map as stored in system_schema.keyspaces, `class` included. */
  replication: Record<string, string>
}

export interface LiveRing {
  /** Fully qualified partitioner class from system.local. */
  partitioner: string
  /** The node whose system tables were read (all of them from one node, so they agree). */
  readFrom: string
  nodes: LiveRingNode[]
  keyspaces: LiveKeyspace[]
  /** False when system_views.gossip_info could not be read (Cassandra < 4.1): no load, no joining/leaving/moving states. */
  gossipAvailable: boolean
}

/**
 * The coordinator's gossip (system_views.gossip_info, Cassandra 4.1+): each endpoint's STATUS and LOAD, and the
 * endpoints system.peers does not list yet (a joining node enters it only once NORMAL). null without the table.
 */
async function readGossip(client: cassandra.Client, opts: cassandra.QueryOptions): Promise<GossipRow[] | null> {
  let rs: cassandra.types.ResultSet
  try {
    rs = await client.execute('SELECT address, host_id, status, status_with_port, load, dc, rack FROM system_views.gossip_info', [], opts)
  } catch {
    return null
  }
  return rs.rows.map((r) => {
    const load = r.load === null || r.load === undefined ? NaN : Number(r.load)
    const status = (r.status_with_port ?? r.status ?? null) as string | null
    return {
      address: String(r.address),
      hostId: r.host_id ? String(r.host_id) : null,
      status: status === null ? null : status.split(',')[0],
      load: Number.isFinite(load) && load >= 0 ? Math.round(load) : null,
      dc: String(r.dc ?? ''),
      rack: String(r.rack ?? ''),
    }
  })
}

/** Peers matched to their gossip entry (by host id, else address), plus the gossip endpoints that are joining. */
function withGossip(nodes: Omit<LiveRingNode, 'gossipStatus' | 'load'>[], gossip: GossipRow[] | null): LiveRingNode[] {
  const rows = gossip ?? []
  const used = new Set<GossipRow>()
  const out: LiveRingNode[] = nodes.map((n) => {
    const g = rows.find((r) => n.hostId !== null && r.hostId === n.hostId) ?? rows.find((r) => r.address === n.address)
    if (g) used.add(g)
    return {...n, gossipStatus: g?.status ?? null, load: g?.load ?? null}
  })
  for (const g of rows) {
    if (used.has(g) || !g.status || !/^BOOT/.test(g.status)) continue
    out.push({address: g.address, dc: g.dc, rack: g.rack, state: 'UP', tokens: [], hostId: g.hostId, gossipStatus: g.status, load: g.load})
  }
  return out
}


/**
 * Reads the ring from one node's system.local + system.peers (tokens, DC,
 * rack, partitioner) and system_schema.keyspaces (replication), and the
 * driver's host metadata for UP/DOWN. All system tables come from the same
 * coordinator so local and peers describe one consistent view.
 */
export async function readLiveRing(conn: CassandraConnection): Promise<LiveRing> {
  const client = await connectCassandra(conn)
  try {
    const hosts = [...client.hosts.values()]
    // A node of the local DC: the driver keeps no connection to another DC's nodes, so a query
    // pinned to one of them fails with "All host(s) tried for query failed".
    const inLocalDc = (h: (typeof hosts)[number]) => conn.localDc === undefined || h.datacenter === conn.localDc
    const coordinator = hosts.find((h) => h.isUp() && inLocalDc(h)) ?? hosts.find((h) => h.isUp()) ?? hosts[0]
    if (!coordinator) throw new FleetopsError('UNAVAILABLE', 'Cassandra: the driver knows no node; check --contact-points')
    const opts = {host: coordinator, isIdempotent: true, prepare: false}
    const local = await client.execute(
      'SELECT broadcast_address, listen_address, rpc_address, data_center, rack, tokens, partitioner, host_id FROM system.local',
      [],
      opts,
    )
    const peers = await client.execute('SELECT peer, rpc_address, data_center, rack, tokens, host_id FROM system.peers', [], opts)
    const schema = await client.execute('SELECT keyspace_name, replication FROM system_schema.keyspaces', [], opts)
    const gossip = await readGossip(client, opts)

    const upByAddress = new Map<string, boolean>()
    for (const h of hosts) upByAddress.set(endpointHost(h.address), h.isUp())
    const stateOf = (address: string): 'UP' | 'DOWN' => (upByAddress.get(address) ? 'UP' : 'DOWN')

    const nodes: Omit<LiveRingNode, 'gossipStatus' | 'load'>[] = []
    const l = local.first()
    if (!l) throw new FleetopsError('INTERNAL', 'Cassandra: system.local returned no row')
    const localAddress = String(l.rpc_address ?? l.broadcast_address ?? l.listen_address ?? endpointHost(coordinator.address))
    nodes.push({
      address: localAddress,
      dc: String(l.data_center ?? ''),
      rack: String(l.rack ?? ''),
      state: stateOf(localAddress),
      tokens: [...(l.tokens ?? [])].map(String),
      hostId: l.host_id ? String(l.host_id) : null,
    })
    for (const p of peers.rows) {
      const address = String(p.rpc_address ?? p.peer)
      nodes.push({
        address,
        dc: String(p.data_center ?? ''),
        rack: String(p.rack ?? ''),
        state: stateOf(address),
        tokens: [...(p.tokens ?? [])].map(String),
        hostId: p.host_id ? String(p.host_id) : null,
      })
    }
    const keyspaces: LiveKeyspace[] = schema.rows.map((r) => ({
      name: String(r.keyspace_name),
      replication: Object.fromEntries(Object.entries((r.replication ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    }))
    keyspaces.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const merged = withGossip(nodes, gossip)
    merged.sort((a, b) => a.address.localeCompare(b.address, 'en', {numeric: true}))
    return {partitioner: String(l.partitioner ?? ''), readFrom: localAddress, nodes: merged, keyspaces, gossipAvailable: gossip !== null}
  } catch (error) {
    throw classifySdkError(error, 'Cassandra ring')
  } finally {
    await client.shutdown().catch(() => {})
  }
}

import type {Client, Host} from 'cassandra-driver'

import {type CassandraConnection, endpointHost} from '../../core/connection.js'
import {classifySdkError} from '../classify-error.js'
import {connectCassandra} from './client.js'

/**
 * Where the bytes of `ring plan` come from: every node's own
 * `system_views.disk_usage` (Cassandra 4.0+), the table metric
 * TotalDiskSpaceUsed per keyspace and table, in whole MiB.
 *
 * Why this source and not `system.size_estimates` / `system.table_estimates`:
 * - a bootstrap or decommission streams SSTable sections as they sit on disk
 *   (compressed chunks, or whole SSTables with zero-copy streaming), so the
 *   bytes on disk are the unit of what moves; size_estimates' figure
 *   (mean_partition_size × partitions_count) is the *uncompressed* partition
 *   size, and overstates the stream by the compression ratio (2-4× on
 *   ordinary data with the default LZ4);
 * - size_estimates covers only each node's primary ranges, its partition
 *   counts come from the index summary (a sample of 1 key in 128), and it is
 *   refreshed only every `cassandra.size_recorder_interval` seconds (300 by
 *   default, first run 30 s after start; `nodetool refreshsizeestimates`
 *   forces it, over JMX only), so right after a load it often reads zero;
 * - disk_usage is current (the metric, read when queried), on every node,
 *   and counts what that node actually holds for all its replicated ranges,
 *   so each sender's own density is used.
 * Its limits: whole MiB per table (floored), SSTables only (memtables are
 * flushed when a stream starts, so unflushed writes are missed), and
 * SSTables awaiting deletion after a compaction are counted for a moment.
 */
export const DATA_SIZES_SOURCE = 'system_views.disk_usage'

const MIB = 1024 * 1024

export interface LiveDataSizes {
  source: string
  /** address (as ring-reader lists it, the rpc address) → keyspace → bytes. */
  nodes: Record<string, Record<string, number>>
  /** Nodes that could not be asked (down, or a version without the virtual table), with the reason. */
  unread: {address: string; reason: string}[]
}

/**
 * Asks each node the driver knows, in turn, for its own disk usage per keyspace. A driver
 * connected for one local DC keeps no connections to other DCs' nodes (the DC-aware policy
 * ignores them), so each other DC is asked through a client of its own, as the canary does.
 */
export async function readDataSizes(conn: CassandraConnection): Promise<LiveDataSizes> {
  const main = await connectCassandra(conn)
  const byDc = new Map<string, Client | Error>()
  try {
    const out: LiveDataSizes = {source: DATA_SIZES_SOURCE, nodes: {}, unread: []}
    for (const host of main.hosts.values()) {
      const address = endpointHost(host.address)
      const client = await clientForDc(conn, main, host.datacenter, byDc)
      const pinned = client instanceof Error ? undefined : client.hosts.get(host.address)
      if (!host.isUp() || !pinned?.isUp()) {
        out.unread.push({address, reason: client instanceof Error ? client.message : 'node is down'})
        continue
      }
      try {
        out.nodes[address] = await nodeSizes(client as Client, pinned)
      } catch (error) {
        out.unread.push({address, reason: classifySdkError(error, `Cassandra ${DATA_SIZES_SOURCE} on ${address}`).message})
      }
    }
    return out
  } catch (error) {
    throw classifySdkError(error, 'Cassandra data sizes')
  } finally {
    const others = [...byDc.values()].filter((c): c is Client => !(c instanceof Error) && c !== main)
    await Promise.all([main, ...others].map((c) => c.shutdown().catch(() => {})))
  }
}

/** The client whose local DC is `dc` (the main one for its own DC), connected once; an Error when none connects. */
async function clientForDc(conn: CassandraConnection, main: Client, dc: string, byDc: Map<string, Client | Error>): Promise<Client | Error> {
  let client = byDc.get(dc)
  if (client === undefined) {
    const mainDc = conn.localDc ?? main.hosts.values().find((h) => h.isUp())?.datacenter
    client = dc === mainDc ? main : await connectCassandra({...conn, localDc: dc}).catch((error: unknown) => classifySdkError(error, `Cassandra DC ${dc}`))
    byDc.set(dc, client)
  }
  return client
}

async function nodeSizes(client: Client, host: Host): Promise<Record<string, number>> {
  // Virtual tables are node-local: the query must run on the node itself, hence `host`.
  const result = await client.execute(`SELECT keyspace_name, mebibytes FROM ${DATA_SIZES_SOURCE}`, [], {host, isIdempotent: true, prepare: false})
  const perKeyspace: Record<string, number> = {}
  for (const row of result.rows) {
    const ks = String(row.keyspace_name)
    perKeyspace[ks] = (perKeyspace[ks] ?? 0) + Number(row.mebibytes ?? 0) * MIB
  }
  return perKeyspace
}

import type cassandra from 'cassandra-driver'

import {cassandraContactPoints, cassandraLocalDc, kafkaBrokers, testCassandraClient} from '../support/cluster.js'
import {runCli} from '../support/cli.js'

/** Connection env for the built CLI, pointing at the test sandbox. */
export function clusterEnv(): Record<string, string> {
  return {
    FLEETOPS_BROKERS: kafkaBrokers().join(','),
    FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','),
    FLEETOPS_LOCAL_DC: cassandraLocalDc(),
  }
}

/** Retries `fn` until it returns a truthy value or the deadline passes (a wait, not a timing assertion). */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, pauseMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, pauseMs))
  }
}

/**
 * Waits until the driver sees every Cassandra node UP and they agree on one schema: the file
 * before may have just restarted nodes, and a probe should judge replication, not a node still joining.
 */
export async function waitForCassandraSettled(client: cassandra.Client, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    'every Cassandra node up with one schema',
    async () => {
      const local = await client.execute('SELECT schema_version FROM system.local')
      const peers = await client.execute('SELECT peer, schema_version FROM system.peers')
      const versions = new Set([...local.rows, ...peers.rows].map((r) => String(r.schema_version)))
      const hosts = [...client.hosts.values()]
      const down = hosts.filter((h) => !h.isUp()).map((h) => h.address)
      if (hosts.length < cassandraContactPoints().length || down.length > 0 || versions.size !== 1) {
        throw new Error(`${hosts.length} hosts, down: [${down.join(', ')}], schema versions: ${versions.size}`)
      }
      return true
    },
    timeoutMs,
  )
}

/**
 * Waits until no node holds hints for another: a file before that stopped a node leaves hints
 * that drain only some seconds after it is back, and pending hints are a WARNING of their own.
 * system_views.pending_hints is node-local, so every node is asked, pinned.
 */
export async function waitForHintsDrained(client: cassandra.Client, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    'hints held for other nodes to drain',
    async () => {
      const holding: string[] = []
      for (const host of client.hosts.values()) {
        const rs = await client.execute('SELECT address, files FROM system_views.pending_hints', [], {host})
        for (const row of rs.rows) holding.push(`${host.address} holds ${row.files} file(s) for ${row.address}`)
      }
      if (holding.length > 0) throw new Error(holding.join('; '))
      return true
    },
    timeoutMs,
  )
}

/** `fleetops lag cassandra --json` on one canary table, with the suite's connection env; `extra` adds flags. */
export function lagCassandraProbe(keyspace: string, table: string): (...extra: string[]) => ReturnType<typeof runCli> {
  const env = clusterEnv()
  return (...extra) => runCli(['lag', 'cassandra', '--keyspace', keyspace, '--table', table, '--json', ...extra], {env})
}

/** A connected test client, once every node is UP with one schema (see waitForCassandraSettled). */
export async function connectSettledCassandra(): Promise<cassandra.Client> {
  const client = testCassandraClient()
  await client.connect()
  await waitForCassandraSettled(client)
  return client
}

/**
 * Commits offsets for a group directly, as an admin tool does: one OffsetCommit to the group's
 * coordinator with generation -1 and no member id. kafkajs's admin.setOffsets joins the group
 * first (a rebalance per group), far too slow for the hundred groups of a sweep test. Uses
 * kafkajs's own cluster object, which its Kafka class keeps under a private symbol.
 */
export async function commitOffsetsDirectly(kafka: object, commits: {groupId: string; topic: string; offsets: Map<number, number>}[]): Promise<void> {
  type Broker = {offsetCommit(req: {groupId: string; groupGenerationId: number; memberId: string; topics: {topic: string; partitions: {partition: number; offset: string}[]}[]}): Promise<unknown>}
  type Cluster = {connect(): Promise<void>; disconnect(): Promise<void>; findGroupCoordinator(req: {groupId: string}): Promise<Broker>}
  const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  if (!create) throw new Error('kafkajs no longer keeps its cluster factory under private:Kafka:createCluster')
  const cluster = (kafka as Record<symbol, (opts: object) => Cluster>)[create]!({})
  await cluster.connect()
  try {
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < commits.length) {
        const {groupId, topic, offsets} = commits[next++]!
        const coordinator = await cluster.findGroupCoordinator({groupId})
        const partitions = [...offsets].map(([partition, offset]) => ({partition, offset: String(offset)}))
        await coordinator.offsetCommit({groupId, groupGenerationId: -1, memberId: '', topics: [{topic, partitions}]})
      }
    }
    await Promise.all(Array.from({length: 16}, worker))
  } finally {
    await cluster.disconnect()
  }
}

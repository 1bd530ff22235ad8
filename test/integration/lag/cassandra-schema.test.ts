/**
 * `lag cassandra` schema agreement and gossip views on the real sandbox: on the healthy
 * cluster every node, asked directly, reports one schema version and sees its peers at
 * it; a table created while one node is stopped leaves that node behind (its peers still
 * see it at the old version): a disagreement, WARNING past --schema-grace and named on the
 * Nagios line. The stopped node is DOWN in every other node's gossip (a consistent view:
 * no split-view WARNING). Once it is back it pulls the schema and the probe agrees again.
 */
import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cassandraContactPoints} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {clusterEnv, lagCassandraProbe, waitFor, connectSettledCassandra} from './support.js'

const KEYSPACE = 'fleetops_schema_canary_test'
const TABLE = 'replication_canary'
const probe = lagCassandraProbe(KEYSPACE, TABLE)
/** The node stopped for the test, its address, and whether it is still to be started again. */
const STOPPED = 2
let stoppedAddress = ''
let stopped = false
let client: cassandra.Client

const startStopped = async () => {
  if (!stopped) return
  const start = await runCli(['sandbox', 'start-node', 'node', String(STOPPED), ...sandboxFlags])
  expect(start.code, start.stdout + start.stderr).toBe(0)
  stopped = false
}

beforeAll(async () => {
  // The file before may have just restarted nodes: start once every node is up and the schema agrees,
  // so the probe judges replication, not a node that is still joining.
  client = await connectSettledCassandra()
  await client.execute(`DROP KEYSPACE IF EXISTS ${KEYSPACE}`)
  stoppedAddress = cassandraContactPoints()[STOPPED - 1]!.replace(/:\d+$/, '')
  // Creating the canary is itself a schema change: wait until the probe sees agreement again.
  await probe('--create-canary', '--samples', '1')
  await waitFor('the canary to be OK with one schema', async () => {
    const r = await probe('--samples', '1')
    return r.code === 0 && r.json.schema.agreement ? r : null
  }, 120_000, 2000)
}, 360_000)

afterAll(async () => {
  await startStopped().catch(() => {})
  await client?.execute(`DROP KEYSPACE IF EXISTS ${KEYSPACE}`).catch(() => {})
  await client?.shutdown().catch(() => {})
}, 300_000)

describe('lag cassandra: schema agreement and gossip views', () => {
  it('on the healthy cluster every node reports one schema version and sees every peer at it; no node is seen DOWN', async () => {
    const r = await probe('--samples', '2', '--schema-grace', '0s')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const nodes = r.json.schema.nodes
    expect(r.json.schema).toMatchObject({agreement: true, unreachable: [], disagreements: [], graceMs: 0, disagreementMs: null})
    expect(Object.keys(r.json.schema.versions)).toHaveLength(1)
    expect(nodes.length).toBeGreaterThanOrEqual(3)
    const version = nodes[0].schemaVersion
    for (const n of nodes) {
      expect(n.schemaVersion).toBe(version)
      expect(n.peers).toHaveLength(nodes.length - 1)
      for (const p of n.peers) expect(p.schemaVersion).toBe(version)
    }
    expect(r.json.gossipAvailable).toBe(true)
    expect(r.json.gossip).toHaveLength(nodes.length)
    for (const g of r.json.gossip) expect(g).toMatchObject({seenDownBy: [], state: 'OK'})
  })

  it('a table created while a node is down: disagreement WARNING past the grace period, the node DOWN for every peer; agreement once it is back', async () => {
    const stop = await runCli(['sandbox', 'stop-node', 'node', String(STOPPED), ...sandboxFlags])
    expect(stop.code, stop.stdout + stop.stderr).toBe(0)
    stopped = true
    try {
      await client.execute(`CREATE TABLE IF NOT EXISTS ${KEYSPACE}.while_down_${Date.now()} (k int PRIMARY KEY)`)
      const r = await probe('--samples', '2', '--schema-grace', '0s')
      // The DOWN replica is a missed replica (CRITICAL); the schema disagreement is a WARNING among the reasons.
      expect(r.code, r.stdout + r.stderr).toBe(2)
      expect(r.json.status).toBe('CRITICAL')
      expect(r.json.replicas.find((x: any) => x.address === stoppedAddress).reason).toMatch(/unreachable/)
      expect(r.json.schema.agreement).toBe(false)
      expect(r.json.schema.unreachable).toEqual([stoppedAddress])
      expect(r.json.schema.nodes.map((n: any) => n.address)).not.toContain(stoppedAddress)
      expect(Object.keys(r.json.schema.versions)).toHaveLength(1)
      const current = Object.keys(r.json.schema.versions)[0]
      for (const n of r.json.schema.nodes) {
        expect(n.schemaVersion).toBe(current)
        const seen = n.peers.find((p: any) => p.address === stoppedAddress)
        expect(seen.schemaVersion).not.toBe(current)
      }
      expect(r.json.schema.disagreements.join('\n')).toContain(`sees ${stoppedAddress} (unreachable) at`)
      expect(r.json.reasons.join('\n')).toMatch(/^schema disagreement for \d+ms \(grace 0ms\)/m)
      // Gossip: every other node sees the stopped one DOWN; a consistent view, so no split-view WARNING.
      const g = r.json.gossip.find((x: any) => x.address === stoppedAddress)
      expect(g.seenDownBy).toEqual(r.json.schema.nodes.map((n: any) => n.address))
      expect(g).toMatchObject({seenUpBy: [], state: 'OK'})
      expect(r.json.gossip.every((x: any) => x.state === 'OK')).toBe(true)
      expect(r.json.reasons.join('\n')).not.toMatch(/gossip split view/)

      // Within a grace period the probe re-checks every second until the disagreement has lasted it.
      const graced = await probe('--samples', '1', '--schema-grace', '2s')
      expect(graced.json.schema).toMatchObject({agreement: false, graceMs: 2000})
      expect(graced.json.schema.disagreementMs).toBeGreaterThanOrEqual(2000)
      expect(graced.json.schema.checks).toBeGreaterThanOrEqual(3)

      // The Nagios line names the disagreement.
      const nagios = await runCli(['lag', 'cassandra', '--keyspace', KEYSPACE, '--table', TABLE, '--samples', '1', '--schema-grace', '0s'], {env: clusterEnv()})
      expect(nagios.stdout.split('\n')[0]).toMatch(/^CANARY CRITICAL - .*schema disagreement for .*schema_versions=2$/)
    } finally {
      await startStopped()
    }
    const back = await waitFor('the probe to be OK with one schema again', async () => {
      const res = await probe('--samples', '1', '--schema-grace', '0s')
      return res.code === 0 && res.json.schema.agreement ? res : null
    }, 240_000, 3000)
    expect(back.json.schema.unreachable).toEqual([])
    expect(back.json.schema.nodes.map((n: any) => n.address)).toContain(stoppedAddress)
    expect(back.json.gossip.every((x: any) => x.seenDownBy.length === 0)).toBe(true)
  }, 420_000)
})

import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cassandraContactPoints, cassandraLocalDc, testCassandraClient} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {nodetool, parseNodetoolStatus} from '../support/nodetool.js'

/**
 * `ring show --keyspace KS` against Cassandra's own `nodetool status KS` (NodeTool from the jars the sandbox
 * resolved, over the first node's local JMX), on the same cluster at the same moment. Shared by the default
 * version's file (nodetool-status.test.ts) and the Cassandra 4.1 matrix (cassandra/version-41.test.ts); `sandbox`
 * names the cluster's sandbox.
 */
export function nodetoolStatusCases(sandbox: string[]): void {
  const dc = cassandraLocalDc()
  const env = {FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','), FLEETOPS_LOCAL_DC: dc, FLEETOPS_BROKERS: undefined}
  const ks = `nodetool_rf2_${Date.now().toString(36)}`
  const client = testCassandraClient()

  beforeAll(async () => {
    await client.connect()
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class':'NetworkTopologyStrategy','${dc}':2}`)
    await client.execute(`CREATE TABLE IF NOT EXISTS ${ks}.kv (k text PRIMARY KEY, v text)`)
    const quorum = {prepare: true, consistency: cassandra.types.consistencies.quorum}
    for (let i = 0; i < 300; i++) await client.execute(`INSERT INTO ${ks}.kv (k, v) VALUES (?, ?)`, [`k${i}`, 'x'.repeat(200)], quorum)
  })

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
  })

  describe('ring show vs nodetool status', () => {
    it('agrees with nodetool status on every node: status/state, tokens, effective ownership, host id, rack, and load', async () => {
      const status = (await runCli(['sandbox', 'status', ...sandbox, '--json'])).json
      const first = status.cassandra.nodes.find((n: {up: boolean}) => n.up)
      const [theirs, ours] = await Promise.all([nodetool(status, first.jmxPort, ['status', ks]), runCli(['ring', 'show', '--keyspace', ks, '--json'], {env})])
      expect(theirs.code, theirs.stderr.slice(-2000)).toBe(0)
      expect(ours.code, ours.stderr).toBe(0)
      const rows = parseNodetoolStatus(theirs.stdout)
      expect(rows.length, theirs.stdout).toBe(ours.json.status.length)
      for (const t of rows) {
        const o = ours.json.status.find((s: {address: string}) => s.address === t.address)
        expect(o, t.address).toBeDefined()
        expect(o.status).toBe(t.status)
        expect(o.hostId).toBe(t.hostId)
        expect(o.rack).toBe(t.rack)
        expect(o.tokens).toBe(t.tokens)
        // nodetool rounds Owns (effective) to 0.1 %.
        expect(Math.abs(o.owns * 100 - t.owns!), `${t.address} owns ${o.owns} vs nodetool ${t.owns}%`).toBeLessThanOrEqual(0.05 + 1e-9)
        // Load is the live SSTable bytes. nodetool prints the node it is connected to live and the others as their
        // gossip says; ours is every node's gossip LOAD, broadcast every 60 s. A flush or compaction within the
        // last minute can separate the two: allow 25 % or 256 KiB (nodetool also rounds to two decimals).
        expect(o.load, t.address).toEqual(expect.any(Number))
        const tolerance = Math.max(0.25 * t.load!, 256 * 1024)
        expect(Math.abs(o.load - t.load!), `${t.address} load ${o.load} vs nodetool ${t.load}`).toBeLessThanOrEqual(tolerance)
      }
      const sum = ours.json.status.reduce((a: number, s: {owns: number}) => a + s.owns, 0)
      expect(sum).toBeCloseTo(2, 9)
    })
  })
}

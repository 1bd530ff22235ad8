/**
 * `fleetops lag cassandra` against a real sandbox, as cases shared by the default version's
 * file (cassandra.test.ts, the shared test sandbox) and the Cassandra 4.1 matrix
 * (cassandra/version-41.test.ts, its own sandbox): the canary is seen by every replica
 * (min(3, nodes) of them); with node `stoppedNode` of sandbox `sandbox` stopped that replica
 * is unreachable and the probe is CRITICAL; after restarting it the hints drain (counted from
 * system_views.pending_hints) and the probe returns to OK.
 */
import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {cassandraContactPoints} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {clusterEnv, waitFor, connectSettledCassandra, waitForHintsDrained} from './support.js'

export function canaryCases(sandbox: string[], stoppedNode: number): void {
  const env = clusterEnv()
  const KEYSPACE = 'fleetops_canary_test'
  const TABLE = 'replication_canary'
  const STOPPED = stoppedNode
  let client: cassandra.Client
  let stopped = false
  let stoppedAddress = ''
  /** How many replicas the canary keyspace has: min(3, nodes) in the one DC. */
  let replicas = 0

  const probe = (...extra: string[]) => runCli(['lag', 'cassandra', '--keyspace', KEYSPACE, '--table', TABLE, '--json', ...extra], {env})

  beforeAll(async () => {
    // The file before may have just restarted nodes: start once every node is up and the schema agrees,
    // so the probe judges replication, not a node that is still joining.
    client = await connectSettledCassandra()
    // ...and no node holds hints from it: the probe would rightly say WARNING for those.
    await waitForHintsDrained(client)
    await client.execute(`DROP KEYSPACE IF EXISTS ${KEYSPACE}`)
    stoppedAddress = cassandraContactPoints()[STOPPED - 1]!.replace(/:\d+$/, '')
    replicas = Math.min(3, client.hosts.length)
  }, 420_000)

  afterAll(async () => {
    if (stopped) await runCli(['sandbox', 'start-node', 'node', String(STOPPED), ...sandbox])
    await client?.shutdown().catch(() => {})
  }, 300_000)

  describe('lag cassandra', () => {
    it('refuses to run without the canary unless --create-canary, then creates it with the safe options', async () => {
      const missing = await runCli(['lag', 'cassandra', '--keyspace', KEYSPACE, '--table', TABLE], {env})
      expect(missing.code).toBe(3)
      expect(missing.stderr.trim().split('\n')).toHaveLength(1)
      expect(missing.stderr).toMatch(/does not exist; rerun with --create-canary/)

      const r = await probe('--create-canary', '--samples', '3')
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const rs = await client.execute(
        'SELECT read_repair, speculative_retry, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?',
        [KEYSPACE, TABLE],
      )
      // Cassandra stores speculative_retry 'NONE' as 'NEVER'.
      expect(rs.first()!.read_repair).toBe('NONE')
      expect(['NONE', 'NEVER']).toContain(rs.first()!.speculative_retry)
      expect(rs.first()!.default_time_to_live).toBeGreaterThan(0)
    })

    it('on the healthy cluster every replica sees every canary write', async () => {
      const r = await probe('--samples', '4')
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.status).toBe('OK')
      expect(r.json.replicas).toHaveLength(replicas)
      for (const rep of r.json.replicas) expect(rep).toMatchObject({state: 'OK', seen: 4, missed: 0, maxSeenAfterMs: expect.any(Number)})
      expect(r.json.nodes.map((n: any) => n.state)).toEqual(Array(client.hosts.length).fill('UP'))
      expect(r.json.hintsAvailable).toBe(true)
      const table = await runCli(['lag', 'cassandra', '--keyspace', KEYSPACE, '--table', TABLE], {env})
      expect(table.code, table.stdout + table.stderr).toBe(0)
      expect(table.stdout).toMatch(new RegExp(`^CANARY OK - ${replicas} replicas saw every canary write`))
    })

    it('reports a stopped replica as unreachable and CRITICAL, then OK again once it is back and hints drained', async () => {
      const stop = await runCli(['sandbox', 'stop-node', 'node', String(STOPPED), ...sandbox])
      expect(stop.code, stop.stdout + stop.stderr).toBe(0)
      stopped = true
      try {
        const r = await probe('--samples', '5')
        expect(r.code, r.stdout + r.stderr).toBe(2)
        expect(r.json.status).toBe('CRITICAL')
        const down = r.json.replicas.find((x: any) => x.address === stoppedAddress)
        expect(down).toMatchObject({state: 'CRITICAL', seen: 0, missed: 5})
        expect(down.reason).toMatch(/unreachable/)
        for (const rep of r.json.replicas.filter((x: any) => x.address !== stoppedAddress)) expect(rep.state).toBe('OK')
        const node = r.json.nodes.find((n: any) => n.address === stoppedAddress)
        expect(node.state).toBe('DOWN')
        // pending_hints exists since 4.1; it lists finished hint files only, so the count may still be 0.
        expect(r.json.hintsAvailable).toBe(true)
        expect(node.hintsFor).toEqual(expect.any(Number))
        expect(r.json.reasons.join(' ')).toMatch(new RegExp(`${stoppedAddress.replace(/\./g, '\\.')} .*unreachable`))
      } finally {
        const start = await runCli(['sandbox', 'start-node', 'node', String(STOPPED), ...sandbox])
        expect(start.code, start.stdout + start.stderr).toBe(0)
        stopped = false
      }
      const back = await waitFor('the canary to be OK with no pending hints', async () => {
        const res = await probe('--samples', '2')
        return res.code === 0 ? res : null
      }, 240_000, 3000)
      expect(back.json.status).toBe('OK')
      expect(back.json.pendingHints).toEqual([])
      expect(back.json.nodes.every((n: any) => n.state === 'UP' && n.hintsFor === 0)).toBe(true)
    })
  })
}

import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseRingState} from '../../../src/core/ring/ring-state.js'
import {replicasForToken} from '../../../src/core/ring/placement.js'
import {cassandraContactPoints, cassandraLocalDc, testCassandraClient} from '../support/cluster.js'
import {runCli} from '../support/cli.js'

/**
 * `ring show` / `ring plan` against a real sandbox, as cases shared by the default version's
 * file (ring.test.ts, the shared test sandbox) and the Cassandra 4.1 matrix
 * (cassandra/version-41.test.ts, its own sandbox): the cluster is the one the test helpers
 * point at (cassandraContactPoints()) and `sandbox` names it for `sandbox add-node`. The
 * replication factors are min(3, nodes) and one less, so a 2-node cluster runs them too.
 * The last case bootstraps one more node with the planned tokens (later cases see it).
 */
export function ringCases(sandbox: string[]): void {
  const dc = cassandraLocalDc()
  const env = {FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','), FLEETOPS_LOCAL_DC: dc, FLEETOPS_BROKERS: undefined}
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-ring-'))
  const suffix = Date.now().toString(36)
  const ksHigh = `ring_rfhigh_${suffix}`
  const ksLow = `ring_rflow_${suffix}`
  const ksProof = `ring_proof_${suffix}`

  let client = testCassandraClient()
  const ip = (h: {address: string}) => h.address.split(':')[0]
  /** The highest replication factor the cluster takes in its one DC, up to 3. */
  const topRf = () => Math.min(3, [...client.hosts.values()].filter((h) => h.datacenter === dc).length)

  async function createKeyspace(name: string, rf: number, rows: number): Promise<string[]> {
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${name} WITH replication = {'class':'NetworkTopologyStrategy','${dc}':${rf}}`)
    await client.execute(`CREATE TABLE IF NOT EXISTS ${name}.kv (k text PRIMARY KEY, v int)`)
    const keys = Array.from({length: rows}, (_, i) => `key-${i}-${suffix}`)
    const quorum = {prepare: true, consistency: cassandra.types.consistencies.quorum}
    for (const [i, k] of keys.entries()) await client.execute(`INSERT INTO ${name}.kv (k, v) VALUES (?, ?)`, [k, i], quorum)
    return keys
  }

  /** For each key: Cassandra's token(k), our replicas for it, and the driver's replicas for the key. */
  async function compareReplicas(stateJson: unknown, keyspace: string, keys: string[]): Promise<number> {
    const state = parseRingState(stateJson)
    await client.metadata.refreshKeyspace(keyspace)
    let compared = 0
    for (const k of keys) {
      const rs = await client.execute(`SELECT token(k) AS t FROM ${keyspace}.kv WHERE k = ?`, [k], {prepare: true})
      const token = String(rs.first().t)
      const ours = replicasForToken(state, keyspace, token)
      const theirs = client.getReplicas(keyspace, Buffer.from(k, 'utf8')).map(ip)
      expect(new Set(ours), `replicas of ${k} (token ${token})`).toEqual(new Set(theirs))
      expect(ours.length).toBe(theirs.length)
      compared++
    }
    // Every range boundary too: each node token and the token just after it.
    for (const node of state.nodes) {
      for (const t of node.tokens) {
        for (const probe of [t, t === 2n ** 63n - 1n ? -(2n ** 63n) : t + 1n]) {
          const ours = replicasForToken(state, keyspace, probe)
          const theirs = client.metadata.getReplicas(keyspace, client.metadata.newToken(String(probe))).map(ip)
          expect(new Set(ours), `replicas of token ${probe}`).toEqual(new Set(theirs))
          compared++
        }
      }
    }
    return compared
  }

  beforeAll(async () => {
    await client.connect()
  })

  afterAll(async () => {
    await client.shutdown()
  })

  describe('ring show on the live sandbox', () => {
    it('lists every node with its tokens, DC, rack and state as the driver sees them', async () => {
      const r = await runCli(['ring', 'show', '--json'], {env})
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.partitioner).toBe('Murmur3Partitioner')
      const hosts = [...client.hosts.values()]
      expect(r.json.nodes.length).toBe(hosts.length)
      for (const h of hosts) {
        const node = r.json.nodes.find((n: {address: string}) => n.address === ip(h))
        expect(node, ip(h)).toBeDefined()
        expect(node.dc).toBe(h.datacenter)
        expect(node.rack).toBe(h.rack)
        expect(node.state).toBe(h.isUp() ? 'UP' : 'DOWN')
        expect([...node.tokens].sort()).toEqual([...h.tokens].map(String).sort())
      }
      // The output is a ring state file: it parses back, and the plan reads it.
      const file = join(dir, 'ring.json')
      writeFileSync(file, r.stdout)
      expect(parseRingState(r.stdout).nodes.length).toBe(hosts.length)
      const plan = await runCli(['ring', 'plan', '--state', file, '--add', '1', '--rf', '1', '--json'], {env: {FLEETOPS_CONTACT_POINTS: undefined}})
      expect(plan.code, plan.stdout + plan.stderr).toBe(0)
      expect(plan.json.proposed).toHaveLength(1)
    })

    it('each initial node holds the num_tokens its cassandra.yaml asks for, chosen by the allocator or given as initial_token', async () => {
      const status = await runCli(['sandbox', 'status', ...sandbox, '--json'])
      const hosts = new Map([...client.hosts.values()].map((h) => [ip(h), h]))
      for (const n of status.json.cassandra.nodes.filter((x: {up: boolean}) => x.up)) {
        const yaml = readFileSync(join(dirname(n.log), 'cassandra.yaml'), 'utf8')
        const numTokens = Number(/^num_tokens: (\d+)$/m.exec(yaml)![1])
        const tokens = [...(hosts.get(n.host)!.tokens ?? [])].map(String).sort()
        expect(tokens.length, n.host).toBe(numTokens)
        const initial = /^initial_token: (.+)$/m.exec(yaml)
        if (initial) {
          expect(tokens).toEqual(initial[1].split(',').sort())
        } else {
          // The allocator's own record of what it chose (TokenAllocation logs "Selected tokens [...]").
          expect(yaml).toMatch(/^allocate_tokens_for_local_replication_factor: 3$/m)
          const selected = /Selected tokens \[([^\]]+)\]/.exec(readFileSync(n.log, 'utf8'))
          expect(selected, `${n.host}: no "Selected tokens" line in ${n.log}`).not.toBeNull()
          expect(tokens).toEqual(selected![1].split(', ').sort())
        }
      }
    })

    it('places replicas exactly as Cassandra does: NetworkTopologyStrategy at RF min(3, nodes) and one less', async () => {
      const [high, low] = [topRf(), topRf() - 1]
      expect(low).toBeGreaterThanOrEqual(1)
      const keysHigh = await createKeyspace(ksHigh, high, 60)
      const keysLow = await createKeyspace(ksLow, low, 60)
      const rHigh = await runCli(['ring', 'show', '--keyspace', ksHigh, '--json'], {env})
      expect(rHigh.code, rHigh.stdout + rHigh.stderr).toBe(0)
      expect(rHigh.json.keyspaces[ksHigh]).toEqual({class: 'NetworkTopologyStrategy', replication: {[dc]: high}})
      expect(await compareReplicas(rHigh.stdout, ksHigh, keysHigh)).toBeGreaterThan(60)
      const rLow = await runCli(['ring', 'show', '--keyspace', ksLow, '--json'], {env})
      expect(rLow.code, rLow.stdout + rLow.stderr).toBe(0)
      expect(await compareReplicas(rLow.stdout, ksLow, keysLow)).toBeGreaterThan(60)
      // Ownership sums: raw to 1, effective to the RF.
      const sum = (rows: {raw: number; effective: number}[], k: 'raw' | 'effective') => rows.reduce((a, x) => a + x[k], 0)
      expect(sum(rLow.json.ownership.nodes, 'raw')).toBeCloseTo(1, 9)
      expect(sum(rLow.json.ownership.nodes, 'effective')).toBeCloseTo(low, 9)
      expect(sum(rHigh.json.ownership.nodes, 'effective')).toBeCloseTo(high, 9)
      // Human output: per-DC imbalance and a bar per node.
      const human = await runCli(['ring', 'show', '--keyspace', ksLow], {env})
      expect(human.code).toBe(0)
      expect(human.stdout).toMatch(new RegExp(`DC ${dc}: \\d+ node\\(s\\); raw max/mean [\\d.]+, max/min [\\d.]+; effective max/mean`))
      expect(human.stdout).toContain('█')
    })

    it('real cluster proof: the node added with the planned tokens owns exactly what the plan predicted', async () => {
      const keys = await createKeyspace(ksProof, topRf(), 100)
      const planned = await runCli(['ring', 'plan', '--add', '1', '--rack', 'rack1', '--tokens-per-node', '4', '--keyspace', ksProof, '--json'], {env})
      expect(planned.code, planned.stdout + planned.stderr).toBe(0)
      const [proposal] = planned.json.proposed
      expect(proposal.rack).toBe('rack1')
      expect(proposal.tokens).toHaveLength(4)
      const human = await runCli(['ring', 'plan', '--add', '1', '--rack', 'rack1', '--tokens-per-node', '4', '--keyspace', ksProof], {env})
      expect(human.stdout).toContain(`initial_token: ${proposal.tokens.join(',')}`)
      expect(planned.json.movedFraction).toBeGreaterThan(0)
      expect(planned.json.streams.every((s: {to: string}) => s.to === 'new-1')).toBe(true)

      const added = await runCli(['sandbox', 'add-node', ...sandbox, '--initial-token', proposal.tokens.join(','), '--rack', 'rack1', '--json'], {
        timeoutMs: 600_000,
      })
      expect(added.code, added.stderr || added.stdout).toBe(0)
      const newAddress = added.json.host as string

      // The node is NORMAL on its own once add-node returns; the node ring show reads from learns
      // that by gossip, a moment later on a loaded host (a read too early lists it as joining).
      let shown = await runCli(['ring', 'show', '--keyspace', ksProof, '--json'], {env})
      const listed = () => shown.json?.nodes?.some((n: {address: string; tokens: string[]}) => n.address === newAddress && n.tokens.length === proposal.tokens.length)
      for (let i = 0; i < 60 && !listed(); i++) {
        await new Promise((r) => setTimeout(r, 1000))
        shown = await runCli(['ring', 'show', '--keyspace', ksProof, '--json'], {env})
      }
      expect(shown.code, shown.stdout + shown.stderr).toBe(0)
      const node = shown.json.nodes.find((n: {address: string}) => n.address === newAddress)
      expect(node, `${newAddress} in ring show after 60 s: ${JSON.stringify(shown.json.status)}`).toBeDefined()
      expect(node.tokens).toEqual(proposal.tokens)
      expect(node.rack).toBe('rack1')
      const predicted = new Map(planned.json.ownership.after.map((o: {address: string}) => [o.address === 'new-1' ? newAddress : o.address, o]))
      expect(shown.json.ownership.nodes.length).toBe(predicted.size)
      for (const o of shown.json.ownership.nodes) {
        const p = predicted.get(o.address) as {raw: number; effective: number; rack: string}
        expect(p, o.address).toBeDefined()
        expect(o.raw).toBe(p.raw)
        expect(o.effective).toBe(p.effective)
        expect(o.rack).toBe(p.rack)
      }
      // And Cassandra agrees with the new ring, key by key (a fresh driver that knows the new
      // node); the data is all still there.
      await client.shutdown()
      client = testCassandraClient()
      await client.connect()
      for (let i = 0; i < 60 && ![...client.hosts.values()].some((h) => ip(h) === newAddress && h.tokens?.length === proposal.tokens.length); i++) {
        await new Promise((r) => setTimeout(r, 1000))
      }
      expect(await compareReplicas(shown.stdout, ksProof, keys.slice(0, 40))).toBeGreaterThan(40)
      const rs = await client.execute(`SELECT k FROM ${ksProof}.kv`, [], {consistency: cassandra.types.consistencies.quorum, fetchSize: 1000})
      expect(rs.rows.length).toBe(keys.length)
      // A bootstrap alone took nearly 4 minutes on a loaded 2-core host (4.1.10 beside other sandboxes).
    }, 600_000)
  })
}

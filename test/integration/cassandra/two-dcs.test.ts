import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {replicasForToken} from '../../../src/core/ring/placement.js'
import {parseRingState} from '../../../src/core/ring/ring-state.js'
import {runCli} from '../support/cli.js'

/**
 * Two datacenters, 2 × 2: this file starts its OWN Cassandra-only sandbox (`sandbox up
 * --cassandra-dcs 2 --cassandra-nodes 2`, c2dc-test on 127.0.61, never the shared test
 * sandbox's 127.0.10) and purges it when it ends. ring show / ring plan per DC with per-DC RF,
 * lag cassandra per DC with the consistency levels it states, and a look-back job that writes
 * its sink through its local DC at LOCAL_* while the other DC is down (the last test: it stops dc1).
 * Never assumes a token count per node.
 */
const NAME = 'c2dc-test'
const NETWORK = '127.0.61'
const host = (i: number) => `${NETWORK}.${i}`
const DC1 = [host(1), host(2)]
const DC2 = [host(3), host(4)]
const env = (localDc = 'dc1') => ({FLEETOPS_CONTACT_POINTS: [...DC1, ...DC2].join(','), FLEETOPS_LOCAL_DC: localDc, FLEETOPS_REQUEST_TIMEOUT: '15s'})

async function purge(): Promise<void> {
  const status = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
  if (!status.json?.exists) return
  const down = await runCli(['sandbox', 'down', '--name', NAME, '--purge', '--json'])
  if (down.code !== 0) throw new Error(`sandbox down --name ${NAME} failed (exit ${down.code}): ${down.stderr}`)
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

describe('two datacenters (2 DCs x 2 nodes)', () => {
  let client: cassandra.Client
  let up: any

  beforeAll(async () => {
    await purge()
    const t0 = Date.now()
    const r = await runCli(['sandbox', 'up', '--name', NAME, '--network', NETWORK, '--no-kafka', '--cassandra-dcs', '2', '--cassandra-nodes', '2', '--json'])
    if (r.code !== 0) throw new Error(`sandbox up --cassandra-dcs 2 failed (exit ${r.code}): ${r.stderr || r.stdout}`)
    process.stderr.write(`[two-dcs] 2 DCs x 2 Cassandra nodes started in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`)
    up = r.json
    client = new cassandra.Client({contactPoints: DC1, localDataCenter: 'dc1'})
    await client.connect()
    await client.execute("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2}")
    await client.execute("CREATE KEYSPACE IF NOT EXISTS uneven WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 2}")
  })

  afterAll(async () => {
    await client?.shutdown().catch(() => {})
    await purge()
  })

  it('sandbox up/status/env: dc1 takes .1-.2, dc2 .3-.4, racks per DC, FLEETOPS_LOCAL_DC the first DC', async () => {
    const status = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
    expect(status.code).toBe(0)
    const cass = status.json.cassandra
    expect(cass.dc).toBe('dc1')
    expect(cass.dcs).toEqual(['dc1', 'dc2'])
    expect(cass.nodes.map((n: any) => [n.host, n.dc, n.rack, n.up])).toEqual([
      [host(1), 'dc1', 'rack1', true],
      [host(2), 'dc1', 'rack2', true],
      [host(3), 'dc2', 'rack1', true],
      [host(4), 'dc2', 'rack2', true],
    ])
    expect(status.json.env).toEqual({FLEETOPS_CONTACT_POINTS: [...DC1, ...DC2].join(','), FLEETOPS_LOCAL_DC: 'dc1'})
    expect(up.cassandra.nodes.map((n: any) => n.pid)).toEqual(cass.nodes.map((n: any) => n.pid))
    const human = await runCli(['sandbox', 'env', '--name', NAME])
    expect(human.stdout).toContain(`# Cassandra dc1 (local): ${DC1.join(',')}`)
    expect(human.stdout).toContain(`# Cassandra dc2: ${DC2.join(',')}`)
    expect(human.stdout).toContain('export FLEETOPS_LOCAL_DC=dc1')
    // The nodes agree: each one's own system.local names the DC and rack the sandbox gave it.
    const rows = await client.execute('SELECT data_center, rack FROM system.local')
    expect([rows.first().data_center, rows.first().rack]).toEqual([expect.stringMatching(/^dc1$/), expect.stringMatching(/^rack[12]$/)])
  })

  it('ring show: per DC, raw ownership sums to 100 % and effective ownership to RF x 100 % under per-DC RF', async () => {
    for (const [ks, rf] of [['shop', {dc1: 2, dc2: 2}], ['uneven', {dc1: 1, dc2: 2}]] as const) {
      const r = await runCli(['ring', 'show', '--keyspace', ks, '--json'], {env: env()})
      expect(r.code, r.stderr).toBe(0)
      expect(r.json.nodes.map((n: any) => [n.address, n.dc, n.rack, n.state])).toEqual([
        [host(1), 'dc1', 'rack1', 'UP'],
        [host(2), 'dc1', 'rack2', 'UP'],
        [host(3), 'dc2', 'rack1', 'UP'],
        [host(4), 'dc2', 'rack2', 'UP'],
      ])
      expect(r.json.ownership.replication).toEqual({class: 'NetworkTopologyStrategy', replication: rf})
      for (const dc of ['dc1', 'dc2'] as const) {
        const inDc = r.json.ownership.nodes.filter((n: any) => n.dc === dc)
        expect(inDc).toHaveLength(2)
        expect(sum(inDc.map((n: any) => n.raw))).toBeCloseTo(1, 9)
        expect(sum(inDc.map((n: any) => n.effective))).toBeCloseTo(rf[dc], 9)
      }
      const human = await runCli(['ring', 'show', '--keyspace', ks], {env: env()})
      expect(human.stdout).toContain(`effective sum ${(rf.dc2 * 100).toFixed(2)}% (RF ${rf.dc2} in dc2)`)
    }
  })

  it('ring show --dc dc2 shows that DC\'s ownership and still prints the whole ring state; an unknown DC is one line, exit 2', async () => {
    const r = await runCli(['ring', 'show', '--keyspace', 'uneven', '--dc', 'dc2', '--json'], {env: env()})
    expect(r.code).toBe(0)
    expect(r.json.nodes).toHaveLength(4)
    expect(r.json.ownership.dc).toBe('dc2')
    expect(r.json.ownership.nodes.map((n: any) => n.address)).toEqual(DC2)
    expect(r.json.ownership.imbalance.map((i: any) => i.dc)).toEqual(['dc2'])
    const bad = await runCli(['ring', 'show', '--dc', 'dc9'], {env: env()})
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toEqual(['Error: DC "dc9" is not in the ring; use one of: dc1, dc2'])
  })

  it('our NetworkTopologyStrategy placement on the live ring equals the driver\'s replicas, DC by DC, for 200 keys', async () => {
    const r = await runCli(['ring', 'show', '--json'], {env: env()})
    const state = parseRingState(r.json)
    await client.metadata.refreshKeyspace('uneven')
    const tokenizer = (client.metadata as any).tokenizer
    for (let i = 0; i < 200; i++) {
      const key = Buffer.from(`key-${i}`)
      const token = tokenizer.hash(key).toString()
      const ours = replicasForToken(state, 'uneven', token)
      const theirs = (client.getReplicas('uneven', key) ?? []).map((h: any) => h.address.replace(/:\d+$/, ''))
      expect([...ours].sort()).toEqual([...theirs].sort())
      expect(ours.filter((a) => DC1.includes(a))).toHaveLength(1)
      expect(ours.filter((a) => DC2.includes(a))).toHaveLength(2)
    }
  })

  it('ring plan --add 1 --dc dc2: the new node joins dc2, only dc2 streams, dc1 ownership unchanged; --remove stays inside its DC', async () => {
    const add = await runCli(['ring', 'plan', '--add', '1', '--dc', 'dc2', '--keyspace', 'shop', '--json'], {env: env()})
    expect(add.code, add.stderr).toBe(0)
    expect(add.json.proposed).toHaveLength(1)
    expect(add.json.proposed[0].dc).toBe('dc2')
    const newcomer = add.json.proposed[0].address
    expect(add.json.streams.length).toBeGreaterThan(0)
    for (const s of add.json.streams) {
      expect(DC2).toContain(s.from)
      expect(s.to).toBe(newcomer)
    }
    const dc1 = (list: any[]) => list.filter((o) => o.dc === 'dc1').map((o) => [o.address, o.raw, o.effective])
    expect(dc1(add.json.ownership.after)).toEqual(dc1(add.json.ownership.before))
    const after2 = add.json.ownership.after.filter((o: any) => o.dc === 'dc2')
    expect(after2).toHaveLength(3)
    expect(sum(after2.map((o: any) => o.effective))).toBeCloseTo(2, 9)

    const remove = await runCli(['ring', 'plan', '--remove', host(4), '--keyspace', 'uneven', '--json'], {env: env()})
    expect(remove.code, remove.stderr).toBe(0)
    for (const s of remove.json.streams) expect([s.from, s.to]).toEqual([host(4), host(3)])
    expect(dc1(remove.json.ownership.after)).toEqual(dc1(remove.json.ownership.before))
    expect(remove.json.warnings.join(' ')).toMatch(/dc2 has 1 node\(s\), fewer than RF 2/)
  })

  it('lag cassandra reports per DC and states its consistency levels, from either DC as the local one', async () => {
    for (const local of ['dc1', 'dc2']) {
      const r = await runCli(['lag', 'cassandra', '--create-canary', '--samples', '2', '--crit-time-lag', '20s', '--json'], {env: env(local)})
      expect(r.code, r.stdout).toBe(0)
      expect(r.json.status).toBe('OK')
      expect(r.json.consistency).toMatchObject({write: 'LOCAL_ONE', read: 'LOCAL_ONE', coordinatorDc: local})
      expect(r.json.consistency.summary).toContain(`through a coordinator in ${local}`)
      const localNodes = local === 'dc1' ? DC1 : DC2
      for (const c of r.json.coordinators) expect(localNodes).toContain(c)
      // The canary keyspace has RF min(3, nodes) = 2 in each DC: two replicas per DC, every write seen.
      expect(r.json.dcs.map((d: any) => [d.dc, d.replicas, d.state, d.seen, d.missed])).toEqual([
        ['dc1', 2, 'OK', 4, 0],
        ['dc2', 2, 'OK', 4, 0],
      ])
      for (const d of r.json.dcs) expect(d.maxMs).toBeGreaterThanOrEqual(0)
      expect(r.json.replicas.map((x: any) => x.address).sort()).toEqual([...DC1, ...DC2])
    }
    const human = await runCli(['lag', 'cassandra', '--samples', '1'], {env: env('dc2')})
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/write\(s\) at LOCAL_ONE through 127\.0\.61\.[34].* \(dc2\); each replica, in every DC, read at LOCAL_ONE pinned to it/)
    expect(human.stdout).toMatch(/^dc2 \(local\)\s+2\s+2\/2/m)
    expect(human.stdout).toMatch(/^dc1\s+2\s+2\/2/m)
  })

  it('a look-back job with local DC dc2 reads and writes through dc2 at LOCAL_QUORUM while dc1 is down (QUORUM could not)', async () => {
    await client.execute("CREATE KEYSPACE IF NOT EXISTS lb2dc WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2}")
    await client.execute('CREATE TABLE IF NOT EXISTS lb2dc.events (day date, bucket int, ts timestamp, id text, user_id text, country text, amount double, PRIMARY KEY ((day, bucket), ts, id))')
    const days = ['2026-11-13', '2026-11-14', '2026-11-15']
    const expected = new Map<string, number>()
    for (const [d, day] of days.entries()) {
      for (let i = 0; i < 12; i++) {
        const country = ['de', 'fr', 'us'][i % 3]!
        const ts = new Date(Date.parse(`${day}T00:00:00Z`) + (d * 12 + i) * 60_000 + 3_600_000)
        await client.execute(
          'INSERT INTO lb2dc.events (day, bucket, ts, id, user_id, country, amount) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [cassandra.types.LocalDate.fromString(day), i % 2, ts, `e${d}-${i}`, `u${i}`, country, 1.5],
          {prepare: true, consistency: cassandra.types.consistencies.all},
        )
        expected.set(`${day}|${country}`, (expected.get(`${day}|${country}`) ?? 0) + 1)
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-2dc-'))
    const job = join(dir, 'job.yaml')
    writeFileSync(
      job,
      ['name: twodc', 'source:', '  cassandra:', '    keyspace: lb2dc', '    table: events', '    dayColumn: day', '    bucketColumn: bucket', '    buckets: 2', '    timeColumn: ts', 'window: 3d', 'groupBy: country', 'distinct: user_id', 'value: amount', 'sink:', '  keyspace: lb2dc', '  table: daily', ''].join('\n'),
    )
    for (const id of [1, 2]) {
      const stop = await runCli(['sandbox', 'stop-node', 'node', String(id), '--name', NAME, '--json'])
      expect(stop.code).toBe(0)
    }
    // The control: with dc1 down, QUORUM (3 of 4 replicas) is unavailable; LOCAL_QUORUM in dc2 (2 of 2) is not.
    const dc2 = new cassandra.Client({contactPoints: DC2, localDataCenter: 'dc2'})
    try {
      await dc2.connect()
      const write = (consistency: number) =>
        dc2.execute('INSERT INTO lb2dc.events (day, bucket, ts, id) VALUES (?, ?, ?, ?)', [cassandra.types.LocalDate.fromString('2020-01-01'), 0, new Date(0), 'probe'], {prepare: true, consistency})
      await expect(write(cassandra.types.consistencies.quorum)).rejects.toThrow(/Cannot achieve consistency level QUORUM|Not enough replicas/)
      await write(cassandra.types.consistencies.localQuorum)

      const r = await runCli(['lookback', 'run', '--job', job, '--as-of', '2026-11-15', '--create-sink', '--json'], {env: {...env('dc2'), FLEETOPS_HOME: dir}})
      expect(r.code, r.stderr || r.stdout).toBe(0)
      const got = new Map<string, number>()
      for (const day of days) {
        const rs = await dc2.execute('SELECT group_key, events FROM lb2dc.daily WHERE job = ? AND day = ?', ['twodc', cassandra.types.LocalDate.fromString(day)], {
          prepare: true,
          consistency: cassandra.types.consistencies.localQuorum,
        })
        for (const row of rs.rows) got.set(`${day}|${row.group_key}`, Number(row.events))
      }
      expect(got).toEqual(expected)
    } finally {
      await dc2.shutdown()
    }
  })
})

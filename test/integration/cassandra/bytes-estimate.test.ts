import {randomBytes} from 'node:crypto'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

/**
 * `ring plan` in bytes against a real bootstrap. This file starts its OWN 2-node Cassandra-only
 * sandbox (`cbytes-test` on 127.0.62, never the shared test sandbox), loads a known amount of
 * data (RF 2), plans adding a node, bootstraps that node with `sandbox add-node` on the proposed
 * tokens, and compares the planned bytes with what the new node holds once it has joined.
 *
 * Run it alone: FLEETOPS_TEST_BROKERS=127.0.62.1:9092 FLEETOPS_TEST_CONTACT_POINTS=127.0.62.1
 *   npx vitest run --project integration test/integration/cassandra/bytes-estimate.test.ts
 */
const NAME = 'cbytes-test'
const NETWORK = '127.0.62'
const DC = 'datacenter1'
const KEYSPACE = 'bytes_ks'
/** 1,600 partitions of 32 KiB of random (incompressible) bytes: 50 MiB, 100 MiB with RF 2. */
const ROWS = 1600
const ROW_BYTES = 32 * 1024
const MIB = 1024 * 1024
const connection = ['--contact-points', `${NETWORK}.1`, '--local-dc', DC]

async function purge(): Promise<void> {
  const status = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
  if (!status.json?.exists) return
  const down = await runCli(['sandbox', 'down', '--name', NAME, '--purge', '--json'])
  if (down.code !== 0) throw new Error(`sandbox down --name ${NAME} failed (exit ${down.code}): ${down.stderr}`)
}

async function client(): Promise<import('cassandra-driver').Client> {
  const cassandra = (await import('cassandra-driver')).default
  const c = new cassandra.Client({contactPoints: [`${NETWORK}.1`], localDataCenter: DC})
  await c.connect()
  return c
}

/** Each node's own system_views.disk_usage for the keyspace, in MiB (what the plan reads). */
async function diskUsage(c: import('cassandra-driver').Client): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const host of c.hosts.values()) {
    const r = await c.execute('SELECT mebibytes FROM system_views.disk_usage WHERE keyspace_name = ?', [KEYSPACE], {host, prepare: true})
    out.set(host.address.split(':')[0], r.rows.reduce((a, row) => a + Number(row.mebibytes), 0))
  }
  return out
}

/** Polls until every node reports the same non-zero figures twice in a row (flushes and compactions done). */
async function settledUsage(c: import('cassandra-driver').Client, nodes: number): Promise<Map<string, number>> {
  let last = ''
  for (let i = 0; i < 90; i++) {
    await new Promise((r) => setTimeout(r, 3000))
    await c.metadata.refreshKeyspaces().catch(() => {})
    const usage = await diskUsage(c)
    const key = JSON.stringify([...usage].sort())
    if (usage.size === nodes && [...usage.values()].every((v) => v > 0) && key === last) return usage
    last = key
  }
  throw new Error(`disk usage of ${KEYSPACE} did not settle: ${last}`)
}

describe('ring plan bytes vs a real bootstrap', () => {
  let c: import('cassandra-driver').Client

  beforeAll(async () => {
    await purge()
    const up = await runCli(['sandbox', 'up', '--name', NAME, '--network', NETWORK, '--no-kafka', '--cassandra-nodes', '2', '--json'])
    if (up.code !== 0) throw new Error(`sandbox up failed (exit ${up.code}): ${up.stderr || up.stdout}`)
    c = await client()
    await c.execute(`CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'NetworkTopologyStrategy', '${DC}': 2}`)
    await c.execute(`CREATE TABLE ${KEYSPACE}.kv (k int PRIMARY KEY, v blob)`)
    let next = 0
    const insert = `INSERT INTO ${KEYSPACE}.kv (k, v) VALUES (?, ?)`
    await Promise.all(
      Array.from({length: 8}, async () => {
        while (next < ROWS) await c.execute(insert, [next++, randomBytes(ROW_BYTES)], {prepare: true})
      }),
    )
    // The figures come from SSTables: flush the memtables (a CQL-only way: a 1 s flush period).
    await c.execute(`ALTER TABLE ${KEYSPACE}.kv WITH memtable_flush_period_in_ms = 1000`)
    await settledUsage(c, 2)
  }, 1_500_000)

  afterAll(async () => {
    await c?.shutdown().catch(() => {})
    await purge()
  }, 600_000)

  it('plans the new node within 25 % of the bytes it actually holds after joining', async () => {
    const before = await settledUsage(c, 2)
    const plan = await runCli(['ring', 'plan', ...connection, '--add', '1', '--json'])
    expect(plan.code).toBe(0)
    const bytes = plan.json.bytes
    expect(bytes.source).toBe('system_views.disk_usage')
    expect(bytes.keyspaces).toEqual([KEYSPACE])
    // The plan starts from each node's own figure, and its bytes balance.
    for (const [address, mib] of before) {
      expect(bytes.nodes.find((n: any) => n.address === address).before).toBe(mib * MIB)
    }
    const total = (k: string) => bytes.nodes.reduce((a: number, n: any) => a + n[k], 0)
    expect(total('sent')).toBe(total('received'))
    const [proposed] = plan.json.proposed
    const newcomer = bytes.nodes.find((n: any) => n.address === proposed.address)
    const estimate: number = newcomer.received
    expect(estimate).toBeGreaterThan(0)
    expect(bytes.streams.every((s: any) => s.to === proposed.address && s.keyspace === KEYSPACE)).toBe(true)

    const add = await runCli(
      ['sandbox', 'add-node', '--name', NAME, `--initial-token=${proposed.tokens.join(',')}`, '--rack', proposed.rack, '--json'],
      {timeoutMs: 1_200_000},
    )
    expect(add.code, add.stderr).toBe(0)
    const host = add.json.host as string
    await c.shutdown()
    c = await client()
    const after = await settledUsage(c, 3)
    // disk_usage floors to whole MiB: the actual lies in [mib, mib + 1).
    const actual = (after.get(host)! + 0.5) * MIB
    const error = (estimate - actual) / actual
    process.stderr.write(
      `[bytes-estimate] planned ${(estimate / MIB).toFixed(1)} MiB to ${host}; it holds ${after.get(host)} MiB after joining ` +
        `(system_views.disk_usage, whole MiB); error ${(error * 100).toFixed(1)} %\n`,
    )
    expect(Math.abs(error)).toBeLessThanOrEqual(0.25)
  }, 1_500_000)
})

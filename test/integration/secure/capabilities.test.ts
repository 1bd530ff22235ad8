/**
 * Every capability on the secure sandbox (TLS, SASL/SCRAM, Cassandra auth), through the
 * built CLI. The admin can do everything: describe, rebalance plan and execute, ring show
 * and plan, the three lag probes (creating the canary), a look-back run. The read-only user
 * can run everything that only reads; everything that would change a cluster fails with one
 * line naming the missing permission (exit 77; the Cassandra canary is a probe, so UNKNOWN,
 * exit 3, by its contract), no stack trace, no hang, and changes nothing (snapshot).
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type cassandra from 'cassandra-driver'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connectCassandra} from '../../../src/adapters/cassandra/client.js'
import {kafkajsConfig} from '../../../src/adapters/kafka/kafkajs-config.js'
import {snapshotClusters} from '../bad-input/snapshot.js'
import {type CliResult, runCli} from '../support/cli.js'
import {secureCassandra, secureEnv, secureKafka, type SecureUser} from '../support/secure.js'
import {createTopicsReady} from '../support/topics.js'

const run = Date.now().toString(36)
const SKEWED = `cap-skewed-${run}` // admin rebalances it
const READER_SKEWED = `cap-reader-${run}` // the reader may plan it, but not move it
const INFLIGHT = `cap-inflight-${run}` // moved by the admin with throttles left behind, for the reader's cancel
const GROUP = `cap-group-${run}`
const KS = 'cap_ks'
const SINK = `${KS}.daily`
const dir = mkdtempSync(join(tmpdir(), 'fleetops-capabilities-'))
const home = join(dir, 'home')
const bounded = {timeoutMs: 180_000}

const kafka = new Kafka({...kafkajsConfig(secureKafka('admin'), 'fleetops-capabilities-test'), logLevel: logLevel.NOTHING})
let cql: cassandra.Client

function cli(user: SecureUser, args: string[], timeoutMs = bounded.timeoutMs): Promise<CliResult> {
  return runCli(args, {env: secureEnv(user, {FLEETOPS_HOME: home, FLEETOPS_REQUEST_TIMEOUT: '20s'}), timeoutMs})
}

function ok(r: CliResult, what: string): void {
  expect(r.code, `${what}: ${r.stderr}${r.stdout.slice(0, 400)}`).toBe(0)
}

function refused(r: CliResult, exit: number, permission: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
  const context = `exit ${r.code}\n${r.stderr}\n${r.stdout.slice(0, 400)}`
  expect(r.code, context).toBe(exit)
  expect(lines, context).toHaveLength(1)
  expect(lines[0], context).toMatch(/^Error: .*permission denied/)
  expect(lines[0], context).toMatch(permission)
  expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

async function replicas(topic: string): Promise<number[][]> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const md = await admin.fetchTopicMetadata({topics: [topic]})
    return [...md.topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => p.replicas)
  } finally {
    await admin.disconnect()
  }
}

const job = (name: string): string =>
  ['name: ' + name, 'source:', '  kafka:', `    topic: ${SKEWED}`, 'window: 2d', 'groupBy: country', 'value: amount', 'sink:', `  keyspace: ${KS}`, '  table: daily', ''].join('\n')

beforeAll(async () => {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const skewed = (topic: string) => ({topic, replicaAssignment: [0, 1, 2].map((partition) => ({partition, replicas: partition % 2 ? [2, 1] : [1, 2]}))})
    await createTopicsReady(admin, {waitForLeaders: true, topics: [skewed(SKEWED), skewed(READER_SKEWED), skewed(INFLIGHT)]})
    const producer = kafka.producer()
    await producer.connect()
    const now = Date.now()
    await producer.send({
      topic: SKEWED,
      acks: -1,
      messages: Array.from({length: 60}, (_, i) => ({partition: i % 3, key: `k${i}`, value: JSON.stringify({country: i % 2 ? 'de' : 'fr', amount: i}), timestamp: String(now - 86_400_000 - i * 60_000)})),
    })
    // Several replica fetches' worth (a fetch takes up to 1 MB unthrottled), so a 2 KiB/s
    // throttle keeps these moves in flight for the whole file.
    const blob = 'x'.repeat(50_000)
    for (let i = 0; i < 60; i++) await producer.send({topic: INFLIGHT, acks: -1, messages: [0, 1, 2].map((partition) => ({partition, value: blob}))})
    await producer.disconnect()
    await admin.setOffsets({groupId: GROUP, topic: SKEWED, partitions: [0, 1, 2].map((partition) => ({partition, offset: '5'}))})
  } finally {
    await admin.disconnect()
  }
  cql = await connectCassandra(secureCassandra('admin'))
  await cql.execute(`CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}`)
  writeFileSync(join(dir, 'job.yaml'), job('capabilities'))
})

afterAll(async () => {
  await cql?.shutdown()
})

describe('admin: every capability works on the secure sandbox', () => {
  it('kafka describe', async () => {
    const r = await cli('admin', ['kafka', 'describe', '--topics', `^${SKEWED}$`, '--json'])
    ok(r, 'describe')
    expect(r.json.brokers.map((b: {id: number}) => b.id)).toEqual([1, 2, 3])
    expect(r.json.partitions).toHaveLength(3)
  })

  it('kafka rebalance plan, then execute --execute moves the skewed topic', async () => {
    const planPath = join(dir, 'admin-plan.json')
    const plan = await cli('admin', ['kafka', 'rebalance', 'plan', '--topics', `^${SKEWED}$`, '--output', planPath, '--json'])
    ok(plan, 'plan')
    expect(plan.json.reassignment.partitions.length).toBeGreaterThan(0)
    const exec = await cli('admin', ['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--poll-interval', '1s', '--json'])
    ok(exec, 'execute')
    expect(exec.json.outcome).toBe('done')
    const after = await replicas(SKEWED)
    expect(after.flat()).toContain(3)
    const target = JSON.parse(readFileSync(planPath, 'utf8')).reassignment.partitions
    for (const p of target) expect(after[p.partition]).toEqual(p.replicas)
  })

  it('ring show and ring plan', async () => {
    const show = await cli('admin', ['ring', 'show', '--keyspace', KS, '--json'])
    ok(show, 'ring show')
    expect(show.json.nodes).toHaveLength(3)
    const plan = await cli('admin', ['ring', 'plan', '--add', '1', '--keyspace', KS, '--json'])
    ok(plan, 'ring plan')
  })

  it('lag kafka on a group with committed offsets', async () => {
    const r = await cli('admin', ['lag', 'kafka', '--group', GROUP, '--json'])
    ok(r, 'lag kafka')
    expect(JSON.stringify(r.json)).toContain(GROUP)
  })

  it('lag replicas', async () => {
    const r = await cli('admin', ['lag', 'replicas', '--topics', `^${SKEWED}$`, '--json'])
    ok(r, 'lag replicas')
  })

  it('lag cassandra --create-canary', async () => {
    const r = await cli('admin', ['lag', 'cassandra', '--create-canary', '--samples', '2', '--json'])
    ok(r, 'lag cassandra')
  })

  it('lookback run --create-sink', async () => {
    const r = await cli('admin', ['lookback', 'run', '--job', join(dir, 'job.yaml'), '--create-sink', '--json'])
    ok(r, 'lookback run')
    expect(r.json.sink).toMatchObject({keyspace: KS, table: 'daily', written: true})
    const rows = await cql.execute(`SELECT group_key FROM ${SINK} WHERE job = ? ALLOW FILTERING`, ['capabilities'], {prepare: true})
    expect(rows.rowLength).toBeGreaterThan(0)
  })
})

describe('reader: reads work; every change is refused with the permission named, and nothing changes', () => {
  let before: Awaited<ReturnType<typeof snapshotClusters>>
  const inflightPlan = join(dir, 'inflight-plan.json')
  const readerPlan = join(dir, 'reader-plan.json')

  beforeAll(async () => {
    // Admin starts throttled moves and stops watching them (exit 68 at --timeout), so there is something to cancel.
    const plan = await cli('admin', ['kafka', 'rebalance', 'plan', '--topics', `^${INFLIGHT}$`, '--output', inflightPlan])
    ok(plan, 'in-flight plan')
    const exec = await cli('admin', ['kafka', 'rebalance', 'execute', '--plan', inflightPlan, '--execute', '--throttle', '2KiB/s', '--timeout', '3s', '--poll-interval', '1s'])
    expect(exec.code, exec.stdout + exec.stderr).toBe(68)
    // The moves finish on their own; the throttles fleetops set stay until a cancel (or a resume) clears them.
    const deadline = Date.now() + 150_000
    for (;;) {
      before = await snapshotClusters(kafka, cql, [SINK])
      if (before.reassignments.length === 0 || Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 2000))
    }
    expect(before.reassignments).toEqual([])
    expect(Object.keys(before.topicConfigs[INFLIGHT] ?? {}).join(',')).toMatch(/replication\.throttled\.replicas/)
  })

  afterAll(async () => {
    const cancel = await cli('admin', ['kafka', 'rebalance', 'cancel', '--plan', inflightPlan, '--execute'])
    ok(cancel, 'admin cancel')
  })

  it('read-only commands work: describe, rebalance plan, ring show/plan, lag kafka, lag replicas', async () => {
    ok(await cli('reader', ['kafka', 'describe', '--topics', `^${READER_SKEWED}$`]), 'describe')
    const plan = await cli('reader', ['kafka', 'rebalance', 'plan', '--topics', `^${READER_SKEWED}$`, '--output', readerPlan, '--json'])
    ok(plan, 'plan')
    expect(plan.json.reassignment.partitions.length).toBeGreaterThan(0)
    ok(await cli('reader', ['kafka', 'rebalance', 'status', '--plan', inflightPlan]), 'status')
    ok(await cli('reader', ['ring', 'show', '--keyspace', KS]), 'ring show')
    ok(await cli('reader', ['ring', 'plan', '--add', '2', '--keyspace', KS]), 'ring plan')
    ok(await cli('reader', ['lag', 'kafka', '--group', GROUP]), 'lag kafka')
    ok(await cli('reader', ['lag', 'replicas', '--topics', `^${READER_SKEWED}$`]), 'lag replicas')
  })

  it('rebalance execute --execute: exit 77, names ALTER on the cluster', async () => {
    refused(await cli('reader', ['kafka', 'rebalance', 'execute', '--plan', readerPlan, '--execute', '--poll-interval', '1s']), 77, /needs ALTER on the cluster/)
  })

  it('rebalance cancel --execute (the throttles the admin run left): exit 77, names ALTER_CONFIGS', async () => {
    refused(await cli('reader', ['kafka', 'rebalance', 'cancel', '--plan', inflightPlan, '--execute', '--wait', '5s']), 77, /needs ALTER_CONFIGS on the cluster/)
  })

  it('lag cassandra: the canary write is refused, named (MODIFY); a probe, so UNKNOWN (exit 3)', async () => {
    refused(await cli('reader', ['lag', 'cassandra', '--samples', '1']), 3, /MODIFY/)
    refused(await cli('reader', ['lag', 'cassandra', '--create-canary', '--keyspace', `cap_canary_${run}`, '--samples', '1']), 3, /CREATE/)
  })

  it('lookback run: exit 77, names the missing Cassandra permission', async () => {
    refused(await cli('reader', ['lookback', 'run', '--job', join(dir, 'job.yaml')]), 77, /MODIFY/)
    refused(await cli('reader', ['lookback', 'run', '--job', join(dir, 'job.yaml'), '--create-sink']), 77, /MODIFY/)
  })

  it('nothing changed: topics, replicas, reassignments, configs, offsets, keyspaces, tables, sink rows', async () => {
    const after = await snapshotClusters(kafka, cql, [SINK])
    expect(after).toEqual(before)
  })
})

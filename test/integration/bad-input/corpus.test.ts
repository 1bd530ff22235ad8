/**
 * The bad-input corpus (test/fixtures/bad-input/cases.json): every malformed or hostile
 * input, for every command, through the built CLI against the real sandbox. Each case must
 * exit with its documented code (2 for bad input; 3 where a probe's contract says UNKNOWN),
 * print exactly one stderr line that names the problem and no stack trace, write no file,
 * and change nothing in the clusters: a snapshot of topics, replicas, reassignments, dynamic
 * configs, committed offsets, keyspaces, tables and sink rows is taken before the corpus and
 * again after each command's cases, and must not move.
 */
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import cassandra from 'cassandra-driver'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {cassandraContactPoints, cassandraLocalDc, kafkaBrokers, testCassandraClient} from '../support/cluster.js'
import {type ClusterSnapshot, snapshotClusters} from './snapshot.js'
import {createTopicsReady} from '../support/topics.js'

interface FileSpec {
  content?: string
  mode?: string
  symlink?: string
  generate?: 'huge-truncated-state' | 'huge-deep-nesting' | 'huge-yaml'
  ringWith?: {duplicateToken?: boolean; tokenOutOfRange?: boolean}
}

interface BadInputCase {
  id: string
  category: string
  command: string[]
  files?: Record<string, string | FileSpec>
  env?: Record<string, string>
  expectExit: number
  expectMessage: string
  note?: string
}

const manifest = JSON.parse(readFileSync(new URL('../../fixtures/bad-input/cases.json', import.meta.url), 'utf8')) as {cases: BadInputCase[]}
const cases = manifest.cases

const TOPIC = 'corpus-orders'
const GROUP = 'corpus-group'
const SINK = 'corpus_ks.daily'
const PWNED = '/tmp/fleetops-pwned'
const HUGE = 5 * 1024 * 1024

const root = mkdtempSync(join(tmpdir(), 'fleetops-corpus-'))
const home = join(root, 'home')
const cwd = join(root, 'cwd')
const shared = join(root, 'shared')
for (const d of [home, cwd, shared]) mkdirSync(d)

const env: Record<string, string | undefined> = {
  FLEETOPS_BROKERS: kafkaBrokers().join(','),
  FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','),
  FLEETOPS_LOCAL_DC: cassandraLocalDc(),
  FLEETOPS_CONNECT_TIMEOUT: '5s',
  FLEETOPS_REQUEST_TIMEOUT: '10s',
  FLEETOPS_HOME: home,
  FLEETOPS_CONFIG: join(root, 'no-profiles.json'),
  FLEETOPS_SANDBOX: undefined,
  FLEETOPS_PROFILE: undefined,
}

const kafka = new Kafka({clientId: 'fleetops-corpus-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
let cql: cassandra.Client
let baseline: ClusterSnapshot
let ringText = ''

function generate(kind: NonNullable<FileSpec['generate']>): string {
  if (kind === 'huge-deep-nesting') return '['.repeat(HUGE)
  if (kind === 'huge-yaml') {
    const good = 'name: corpus\nsource:\n  kafka:\n    topic: corpus-orders\nwindow: 3d\nsink:\n  keyspace: corpus_ks\n  table: daily\n'
    return good + '# padding\n'.repeat(Math.ceil(HUGE / 10))
  }
  const head = '{"brokers": [{"id": 1, "host": "k1", "port": 9092, "rack": null, "alive": true}], "partitions": ['
  const parts: string[] = []
  let size = head.length
  for (let i = 0; size < HUGE; i++) {
    const p = `{"topic": "t${i % 997}", "partition": ${i}, "replicas": [1], "leader": 1, "isr": [1], "size": ${i * 7}},`
    parts.push(p)
    size += p.length
  }
  return `${head}${parts.join('')}{"topic": "t0", "parti` // cut off mid-record
}

function ringWith(opts: NonNullable<FileSpec['ringWith']>): string {
  const ring = JSON.parse(ringText)
  if (opts.duplicateToken) ring.nodes[1].tokens = [...ring.nodes[1].tokens, ring.nodes[0].tokens[0]]
  if (opts.tokenOutOfRange) ring.nodes[2].tokens = ['9223372036854775808']
  return JSON.stringify(ring)
}

const subst = (s: string, dir: string): string =>
  s.replaceAll('{dir}', dir).replaceAll('{plan}', join(shared, 'plan.json')).replaceAll('{state}', join(shared, 'state.json')).replaceAll('{ring}', join(shared, 'ring.json'))

function materialise(c: BadInputCase): {args: string[]; env: Record<string, string | undefined>} {
  const dir = join(root, 'cases', c.id)
  mkdirSync(dir, {recursive: true})
  for (const [name, spec] of Object.entries(c.files ?? {})) {
    const path = join(dir, name)
    if (typeof spec === 'string') writeFileSync(path, spec, {mode: 0o600})
    else if (spec.symlink) symlinkSync(spec.symlink, path)
    else if (spec.generate) writeFileSync(path, generate(spec.generate))
    else if (spec.ringWith) writeFileSync(path, ringWith(spec.ringWith))
    else {
      writeFileSync(path, spec.content ?? '')
      chmodSync(path, Number.parseInt(spec.mode ?? '600', 8))
    }
  }
  return {
    args: c.command.map((a) => subst(a, dir)),
    env: {...env, ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, subst(v, dir)]))},
  }
}

/** The command family a case belongs to: the clusters are compared after each family. */
const family = (c: BadInputCase): string => c.command.slice(0, c.command[0] === 'kafka' && c.command[1] === 'rebalance' ? 3 : 2).filter((a) => !a.startsWith('-')).join(' ')
const families = [...new Set(cases.map(family))]

beforeAll(async () => {
  // Relative paths in the corpus resolve here; nothing may ever be written to it.
  process.chdir(cwd)
  const admin = kafka.admin()
  await admin.connect()
  try {
    if (!(await admin.listTopics()).includes(TOPIC)) {
      // Skewed on purpose (brokers 1 and 2 only), so a plan has moves to make.
      await createTopicsReady(admin, {waitForLeaders: true, topics: [{topic: TOPIC, replicaAssignment: [{partition: 0, replicas: [1, 2]}, {partition: 1, replicas: [2, 1]}, {partition: 2, replicas: [1, 2]}]}]})
      const producer = kafka.producer()
      await producer.connect()
      await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 30}, (_, i) => ({partition: i % 3, key: `k${i}`, value: `{"n": ${i}}`}))})
      await producer.disconnect()
      await admin.setOffsets({groupId: GROUP, topic: TOPIC, partitions: [0, 1, 2].map((partition) => ({partition, offset: '4'}))})
    }
  } finally {
    await admin.disconnect()
  }
  cql = testCassandraClient({readTimeoutMs: 30_000})
  await cql.connect()
  await cql.execute("CREATE KEYSPACE IF NOT EXISTS corpus_ks WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}")
  await cql.execute(
    'CREATE TABLE IF NOT EXISTS corpus_ks.daily (job text, day date, group_key text, events bigint, distinct_count bigint, value_sum double, value_min double, value_max double, late_events bigint, updated_at timestamp, PRIMARY KEY ((job, day), group_key))',
  )
  for (const [day, group, events] of [['2026-01-01', 'de', 3], ['2026-01-01', 'fr', 5], ['2026-01-02', 'de', 7]] as const) {
    await cql.execute('INSERT INTO corpus_ks.daily (job, day, group_key, events, late_events) VALUES (?, ?, ?, ?, ?)', ['corpus', day, group, events, 0], {prepare: true})
  }

  // Valid inputs the cases corrupt or pass alongside their bad one.
  const described = await runCli(['kafka', 'describe', '--topics', `^${TOPIC}$`, '--json'], {env})
  expect(described.code, described.stdout + described.stderr).toBe(0)
  writeFileSync(join(shared, 'state.json'), described.stdout)
  const plan = await runCli(['kafka', 'rebalance', 'plan', '--state', join(shared, 'state.json'), '--output', join(shared, 'plan.json')], {env})
  expect(plan.code, plan.stdout + plan.stderr).toBe(0)
  const ring = await runCli(['ring', 'show', '--json'], {env})
  expect(ring.code, ring.stdout + ring.stderr).toBe(0)
  ringText = ring.stdout
  writeFileSync(join(shared, 'ring.json'), ringText)

  baseline = await snapshotClusters(kafka, cql, [SINK])
  expect(baseline.topics[TOPIC]).toHaveLength(3)
  expect(Object.keys(baseline.offsets[GROUP] ?? {})).toHaveLength(3)
  expect(baseline.rows[SINK]).toHaveLength(3)
})

afterAll(async () => {
  await cql?.shutdown()
})

describe('the corpus', () => {
  it('has at least 40 cases, unique ids, and covers every command and category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length)
    const commands = new Set(cases.map(family))
    for (const cmd of ['kafka describe', 'kafka rebalance plan', 'kafka rebalance execute', 'kafka rebalance status', 'kafka rebalance cancel', 'ring show', 'ring plan', 'hash simulate', 'hash kafka-partitions', 'lag kafka', 'lag replicas', 'lag cassandra', 'lookback run', 'doctor']) {
      expect(commands, cmd).toContain(cmd)
    }
    expect([...commands].some((c) => c.startsWith('sandbox'))).toBe(true)
    const categories = new Set(cases.map((c) => c.category))
    for (const cat of ['broken-json', 'broken-yaml', 'huge-json', 'huge-yaml', 'wrong-types', 'unknown-fields', 'duplicates', 'out-of-range', 'thresholds', 'durations', 'metacharacters', 'path-traversal', 'unicode']) {
      expect(categories, cat).toContain(cat)
    }
  })
})

for (const fam of families) {
  describe(fam, () => {
    it.concurrent.each(cases.filter((c) => family(c) === fam).map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const {args, env: caseEnv} = materialise(c)
      const r = await runCli(args, {env: caseEnv, timeoutMs: 120_000})
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
      const context = `${c.id}: exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`
      expect(r.code, context).toBe(c.expectExit)
      expect(lines, context).toHaveLength(1)
      expect(lines[0], context).toMatch(/^Error: /)
      expect(lines[0], context).toMatch(new RegExp(c.expectMessage))
      expect(r.stderr + r.stdout, context).not.toMatch(/\n\s+at .+:\d+:\d+/)
    })

    it('changed nothing in the clusters, and wrote nothing', async () => {
      expect(await snapshotClusters(kafka, cql, [SINK])).toEqual(baseline)
      expect(readdirSync(cwd)).toEqual([])
      expect(existsSync(join(home, 'lookback'))).toBe(false)
      expect(existsSync(join(home, 'sandbox'))).toBe(false)
      expect(existsSync(PWNED)).toBe(false)
    })
  })
}

/**
 * `kafka rebalance plan` and the refusals of `execute` on the REAL sandbox cluster: bad input
 * exits 2 with one line and leaves the cluster as it was; offline plans need no cluster; the
 * plan file is byte-identical for the same state; and Kafka's own ReassignPartitionsCommand
 * accepts our "reassignment" and carries it out.
 */
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import kafkajs, {type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, type CliResult} from '../support/cli.js'
import {kafkaBrokers} from '../support/cluster.js'
import {sandboxFlags} from '../support/sandbox.js'
import {createTopic, replicasOf, runId, scratchDir, waitFor} from './support.js'

const brokers = kafkaBrokers()
const cluster = ['--brokers', brokers.join(',')]
const SKEWED = `fleetops-reb-skew-${runId}`
const WIDE = `fleetops-reb-rf3-${runId}`
const STALE = `fleetops-reb-stale-${runId}`

let admin: Admin
let ids: number[]
let dir: string

const errorLines = (r: CliResult): string[] => r.stderr.trim().split('\n').filter((l) => l.length > 0)

async function snapshot(): Promise<string> {
  const out: string[] = []
  for (const t of [SKEWED, WIDE, STALE]) for (const [p, x] of await replicasOf(admin, t)) out.push(`${t}-${p}:${x.replicas.join(',')}`)
  const listed = (await admin.listPartitionReassignments({})) as unknown as {topics: {name: string}[]}
  out.push(`inflight:${listed.topics.filter((t) => [SKEWED, WIDE, STALE].includes(t.name)).length}`)
  return out.join(' ')
}

/** Runs a command that must be refused: exit 2, exactly one line on stderr, and the cluster unchanged. */
async function refused(args: string[], pattern: RegExp): Promise<void> {
  const before = await snapshot()
  const r = await runCli(args)
  expect(r.code, r.stderr + r.stdout).toBe(2)
  const lines = errorLines(r)
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(await snapshot()).toBe(before)
}

beforeAll(async () => {
  admin = new kafkajs.Kafka({clientId: 'fleetops-rebalance-plan-test', brokers, logLevel: kafkajs.logLevel.NOTHING}).admin()
  await admin.connect()
  ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b)
  expect(ids.length).toBeGreaterThanOrEqual(3)
  const [a, b, c] = ids as [number, number, number]
  // RF 1, everything on one broker: a plain rebalance spreads it.
  await createTopic(admin, SKEWED, Array.from({length: 6}, () => [a]))
  await createTopic(admin, WIDE, Array.from({length: 3}, () => [a, b, c]))
  await createTopic(admin, STALE, Array.from({length: 3}, () => [a]))
  dir = scratchDir()
}, 120_000)

afterAll(async () => {
  await admin.deleteTopics({topics: [SKEWED, WIDE, STALE]}).catch(() => {})
  await admin.disconnect()
})

describe('kafka rebalance plan: offline, deterministic, Kafka-compatible', () => {
  it('plans from --state with no cluster flags at all, and the same state gives a byte-identical plan file', async () => {
    const described = await runCli(['kafka', 'describe', '--topics', `^${SKEWED}$`, '--json', ...cluster])
    expect(described.code, described.stdout + described.stderr).toBe(0)
    const state = join(dir, 'state.json')
    writeFileSync(state, described.stdout)
    const env = {FLEETOPS_BROKERS: undefined, FLEETOPS_PROFILE: undefined}
    const one = await runCli(['kafka', 'rebalance', 'plan', '--state', state, '--output', join(dir, 'one.json')], {env})
    const two = await runCli(['kafka', 'rebalance', 'plan', '--state', state, '--output', join(dir, 'two.json'), '--json'], {env})
    expect(one.code, one.stdout + one.stderr).toBe(0)
    expect(two.code, two.stdout + two.stderr).toBe(0)
    expect(one.stdout).toMatch(/Replica moves\s+\d+\s+\(lower bound \d+\)/)
    expect(readFileSync(join(dir, 'one.json'), 'utf8')).toBe(readFileSync(join(dir, 'two.json'), 'utf8'))
    expect(two.json.summary.moves).toBe(two.json.summary.lowerBound)
    expect(Object.keys(two.json).sort()).toEqual(['original', 'reassignment', 'summary'])
  })

  it("Kafka's own ReassignPartitionsCommand --execute accepts the plan's reassignment and carries it out", async () => {
    const planPath = join(dir, 'kafka.json')
    const plan = await runCli(['kafka', 'rebalance', 'plan', '--topics', `^${SKEWED}$`, '--output', planPath, '--json', ...cluster])
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    expect(plan.json.summary.moves).toBeGreaterThan(0)
    const reassignment = join(dir, 'reassignment.json')
    writeFileSync(reassignment, JSON.stringify(JSON.parse(readFileSync(planPath, 'utf8')).reassignment))
    const status = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
    const lib = join(status.json.home, 'maven', `kafka-${status.json.kafka.version}`, 'lib')
    const java = spawnSync(
      'java',
      ['-Xmx256m', '-cp', `${lib}/*`, 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand', '--bootstrap-server', brokers.join(','), '--reassignment-json-file', reassignment, '--execute'],
      {encoding: 'utf8', timeout: 120_000},
    )
    expect(java.status, `${java.stdout}\n${java.stderr}`).toBe(0)
    expect(java.stdout).toMatch(/Successfully started partition reassignment/)
    const targets = new Map<number, number[]>(plan.json.reassignment.partitions.map((p: {partition: number; replicas: number[]}) => [p.partition, p.replicas]))
    await waitFor('Kafka to carry out the plan', async () => {
      const now = await replicasOf(admin, SKEWED)
      return [...targets].every(([p, r]) => now.get(p)!.replicas.join(',') === r.join(','))
    })
    // Our executor now sees a finished plan: a no-op.
    const again = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--json', ...cluster])
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(again.json.outcome).toBe('nothing-to-do')
  })
})

describe('kafka rebalance: bad input exits 2 with one line and touches nothing', () => {
  it('an unknown target broker (plan and execute)', async () => {
    await refused(['kafka', 'rebalance', 'plan', '--add-brokers', '999', ...cluster], /--add-brokers names broker 999, which is not in the cluster state/)
    const [a, b, c] = ids as [number, number, number]
    const hand = join(dir, 'to-999.json')
    writeFileSync(
      hand,
      JSON.stringify({
        version: 1,
        reassignment: {version: 1, partitions: [{topic: WIDE, partition: 0, replicas: [999, b, c]}]},
        original: {version: 1, partitions: [{topic: WIDE, partition: 0, replicas: [a, b, c]}]},
        summary: {moves: 1, warnings: []},
      }),
    )
    await refused(['kafka', 'rebalance', 'execute', '--plan', hand, '--execute', ...cluster], /broker 999, which is not alive in the cluster/)
  })

  it('RF greater than the racks available, and removing so many brokers that an RF cannot be met', async () => {
    const state = join(dir, 'racks.json')
    writeFileSync(
      state,
      JSON.stringify({
        brokers: [{id: 1, rack: 'r1'}, {id: 2, rack: 'r1'}, {id: 3, rack: 'r2'}],
        partitions: [{topic: 't', partition: 0, replicas: [1, 2, 3]}],
      }),
    )
    await refused(['kafka', 'rebalance', 'plan', '--state', state], /has 3 replicas but the brokers span only 2 racks.*--ignore-racks/)
    await refused(
      ['kafka', 'rebalance', 'plan', '--remove-brokers', ids.slice(0, ids.length - 2).join(','), '--topics', `^${WIDE}$`, ...cluster],
      /has 3 replicas but only 2 brokers would remain/,
    )
  })

  it('a malformed plan file', async () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"version": 1, "reassignment": ')
    await refused(['kafka', 'rebalance', 'execute', '--plan', bad, '--execute', ...cluster], /--plan .* is not valid JSON/)
    writeFileSync(bad, JSON.stringify({version: 1, reassignment: {version: 1, partitions: [{topic: WIDE, partition: 0, replicas: [1, 1, 2]}]}}))
    await refused(['kafka', 'rebalance', 'execute', '--plan', bad, '--execute', ...cluster], /plan file: .*lists broker 1 twice/)
  })

  it('a stale plan (the replicas changed since it was made)', async () => {
    const [a, b, c] = ids as [number, number, number]
    const planPath = join(dir, 'stale.json')
    const plan = await runCli(['kafka', 'rebalance', 'plan', '--topics', `^${STALE}$`, '--output', planPath, '--json', ...cluster])
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    const first = plan.json.reassignment.partitions[0] as {partition: number; replicas: number[]}
    expect(first).toBeDefined()
    // Someone moves that partition somewhere else after the plan was made.
    const elsewhere = [b, c].find((x) => x !== first.replicas[0])!
    await admin.alterPartitionReassignments({topics: [{topic: STALE, partitionAssignment: [{partition: first.partition, replicas: [elsewhere]}]}]})
    await waitFor('the other move', async () => {
      const listed = (await admin.listPartitionReassignments({})) as unknown as {topics: {name: string}[]}
      return (await replicasOf(admin, STALE)).get(first.partition)!.replicas.join(',') === String(elsewhere) && !listed.topics.some((t) => t.name === STALE)
    })
    expect(a).not.toBe(elsewhere)
    await refused(
      ['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', ...cluster],
      new RegExp(`${STALE}-${first.partition} now has replicas \\[${elsewhere}\\].*re-run`),
    )
  })
})

/**
 * `kafka rebalance plan/execute/status/cancel` end to end on the REAL sandbox cluster:
 * a broker joins (sandbox add-broker), a throttled execution loses that broker half-way
 * (sandbox stop-node), cancel reverts, a second run loses it again and --resume finishes.
 * Every message comes back, the new broker holds its share, leaders are balanced, no replica
 * count ever drops below the RF, and only the throttles fleetops set are removed.
 */
import {spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import kafkajs, {type Admin, type Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {KafkaProtocolClient} from '../../../src/adapters/kafka/protocol/index.js'
import {binPath, runCli, type CliResult} from '../support/cli.js'
import {kafkaBrokers} from '../support/cluster.js'
import {sandboxFlags} from '../support/sandbox.js'
import {consumeKeys, createTopic, dynamicConfigs, produce, replicasOf, runId, scratchDir, throttleKeys, waitFor} from './support.js'

const brokers = kafkaBrokers()
const cluster = ['--brokers', brokers.join(',')]
const TOPIC = `fleetops-reb-${runId}`
const PARTITIONS = 6
const PER_PARTITION = 1000
const MESSAGE_BYTES = 3000
/** Slow enough that the moves are still running when the broker is stopped. */
const SLOW = ['--throttle', '150KB/s', '--poll-interval', '1s']

let kafka: Kafka
let admin: Admin
let protocol: KafkaProtocolClient
let oldBrokers: number[]
let newBroker: number
let keys: string[]
let dir: string
let planPath: string
let original: Map<number, number[]>
let minReplicasSeen = Number.POSITIVE_INFINITY
let sampling = true
let sampler: Promise<void>

const oneLine = (r: CliResult): string[] => r.stderr.trim().split('\n').filter((l) => l.length > 0)

/** Starts `execute`, waits until its moves are in flight in Kafka, stops the new broker, and returns the run's result. */
async function executeAndLoseTheNewBroker(extra: string[]): Promise<CliResult> {
  const run = runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', ...SLOW, ...extra, ...cluster])
  await waitFor(
    'moves in flight',
    async () => {
      const progress = join(dir, 'plan.json.progress.json')
      if (!existsSync(progress)) return false
      const inFlight = JSON.parse(readFileSync(progress, 'utf8')).moves.some((m: {status: string}) => m.status === 'in-flight')
      if (!inFlight) return false
      const listed = (await admin.listPartitionReassignments({})) as unknown as {topics: {name: string}[]}
      return listed.topics.some((t) => t.name === TOPIC)
    },
    90_000,
  )
  const stop = await runCli(['sandbox', 'stop-node', 'broker', String(newBroker), ...sandboxFlags, '--json'])
  expect(stop.code, stop.stdout + stop.stderr).toBe(0)
  return run
}

async function startNewBroker(): Promise<void> {
  const start = await runCli(['sandbox', 'start-node', 'broker', String(newBroker), ...sandboxFlags, '--json'])
  expect(start.code, start.stdout + start.stderr).toBe(0)
  await waitFor(`broker ${newBroker} back in the metadata`, async () => (await admin.describeCluster()).brokers.some((b) => b.nodeId === newBroker), 120_000)
}

beforeAll(async () => {
  kafka = new kafkajs.Kafka({clientId: 'fleetops-rebalance-test', brokers, logLevel: kafkajs.logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  protocol = new KafkaProtocolClient({clientId: 'fleetops-rebalance-test', brokers})
  const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b)
  expect(ids.length).toBeGreaterThanOrEqual(3)
  oldBrokers = ids.slice(0, 3)
  const [a, b, c] = oldBrokers as [number, number, number]
  // Every partition on the first three brokers, in rotating order.
  await createTopic(admin, TOPIC, Array.from({length: PARTITIONS}, (_, p) => [[a, b, c], [b, c, a], [c, a, b]][p % 3]!), [{name: 'retention.ms', value: '86400000'}])
  keys = await produce(kafka, TOPIC, PARTITIONS, PER_PARTITION, MESSAGE_BYTES)
  original = new Map([...(await replicasOf(admin, TOPIC))].map(([p, x]) => [p, x.replicas]))
  // Pre-existing dynamic configs that are not ours: they must survive every run and the cancel.
  await protocol.incrementalAlterConfigs([
    {type: 'BROKER', name: String(a), configs: [{name: 'log.cleaner.backoff.ms', op: 'SET', value: '16000'}]},
    {type: 'TOPIC', name: TOPIC, configs: [{name: 'follower.replication.throttled.replicas', op: 'SET', value: `5:${c}`}]},
  ])
  dir = scratchDir()
  planPath = join(dir, 'plan.json')
  // RF watcher: the replica list of every partition, all the time.
  sampler = (async () => {
    while (sampling) {
      try {
        for (const p of (await replicasOf(admin, TOPIC)).values()) minReplicasSeen = Math.min(minReplicasSeen, p.replicas.length)
      } catch {}
      await new Promise((r) => setTimeout(r, 200))
    }
  })()
}, 300_000)

afterAll(async () => {
  sampling = false
  await sampler
  const [a] = oldBrokers
  await protocol.incrementalAlterConfigs([{type: 'BROKER', name: String(a), configs: [{name: 'log.cleaner.backoff.ms', op: 'DELETE'}]}]).catch(() => {})
  await admin.deleteTopics({topics: [TOPIC]}).catch(() => {})
  await protocol.close()
  await admin.disconnect()
})

describe('kafka rebalance onto a new broker', () => {
  it('sandbox add-broker adds an empty broker; plan --add-brokers moves exactly the lower bound onto it', async () => {
    const added = await runCli(['sandbox', 'add-broker', ...sandboxFlags, '--json'])
    expect(added.code, added.stdout + added.stderr).toBe(0)
    newBroker = added.json.id
    await waitFor('new broker in the metadata', async () => (await admin.describeCluster()).brokers.some((b) => b.nodeId === newBroker), 120_000)

    const plan = await runCli(['kafka', 'rebalance', 'plan', '--add-brokers', String(newBroker), '--topics', `^${TOPIC}$`, '--output', planPath, '--json', ...cluster])
    expect(plan.code, plan.stdout + plan.stderr).toBe(0)
    const s = plan.json.summary
    const n = (await admin.describeCluster()).brokers.length
    expect(s.mode).toBe('add')
    expect(s.moves).toBe(s.lowerBound)
    expect(s.moves).toBeGreaterThan(0)
    const row = s.brokers.find((b: {id: number}) => b.id === newBroker)
    expect(row.before.replicas).toBe(0)
    // Its share: at least ⌊R/n⌋, at most ⌈R/n⌉ (it takes more than ⌊R/n⌋ only to drain brokers above ⌈R/n⌉).
    expect(row.after.replicas).toBeGreaterThanOrEqual(Math.floor((PARTITIONS * 3) / n))
    expect(row.after.replicas).toBeLessThanOrEqual(Math.ceil((PARTITIONS * 3) / n))
    // Every target is a new broker or a replica the partition already had.
    for (const p of plan.json.reassignment.partitions) {
      expect(p.replicas).toHaveLength(3)
      for (const b of p.replicas) expect(original.get(p.partition)!.includes(b) || b === newBroker).toBe(true)
    }
    expect(JSON.parse(readFileSync(planPath, 'utf8')).reassignment).toEqual(plan.json.reassignment)
  })

  it('without --execute prints what it would do and changes nothing', async () => {
    const dry = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--throttle', '150KB/s', ...cluster])
    expect(dry.code, dry.stdout + dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/Would move \d+ of \d+ partitions/)
    expect(dry.stdout).toMatch(/Nothing was changed/)
    expect(existsSync(join(dir, 'plan.json.progress.json'))).toBe(false)
    const now = await replicasOf(admin, TOPIC)
    for (const [p, replicas] of original) expect(now.get(p)!.replicas).toEqual(replicas)
  })

  it('losing the new broker mid-run: reports the stuck moves and exits 68; cancel --execute then reverts and clears only our throttles', async () => {
    const run = await executeAndLoseTheNewBroker([])
    expect(run.code, run.stdout + run.stderr).toBe(68)
    const lines = oneLine(run)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`stuck: .*broker ${newBroker} down`))
    expect(lines[0]).toMatch(/--resume/)
    const saved = JSON.parse(readFileSync(join(dir, 'plan.json.progress.json'), 'utf8'))
    expect(saved.status).toBe('stopped')
    expect(saved.throttles.brokers.length).toBeGreaterThan(0)

    // While the broker is down, a run refuses to move anything onto it (exit 2, one line).
    const refused = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--resume', ...cluster])
    expect(refused.code).toBe(2)
    expect(oneLine(refused)).toHaveLength(1)
    expect(refused.stderr).toMatch(new RegExp(`broker ${newBroker}, which is not alive`))

    await startNewBroker()
    const status = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(status.code, status.stdout + status.stderr).toBe(0)
    expect(status.json.progress.status).toBe('stopped')

    const cancel = await runCli(['kafka', 'rebalance', 'cancel', '--plan', planPath, '--execute', '--json', ...cluster])
    expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0)
    expect(cancel.json.stillReverting).toEqual([])
    const listed = (await admin.listPartitionReassignments({})) as unknown as {topics: {name: string}[]}
    expect(listed.topics.some((t) => t.name === TOPIC)).toBe(false)
    const plan = JSON.parse(readFileSync(planPath, 'utf8'))
    const target = new Map<number, number[]>(plan.reassignment.partitions.map((p: {partition: number; replicas: number[]}) => [p.partition, p.replicas]))
    const now = await replicasOf(admin, TOPIC)
    for (const [p, replicas] of original) {
      // Reverted to the original replicas, unless that move had already finished (Kafka cannot cancel those).
      const r = now.get(p)!.replicas
      expect(r.join(',') === replicas.join(',') || r.join(',') === (target.get(p) ?? replicas).join(',')).toBe(true)
    }
    // Our throttles are gone; the configs that were there before are not.
    for (const b of [...oldBrokers, newBroker]) expect(throttleKeys(await dynamicConfigs(admin, 'BROKER', String(b)))).toEqual([])
    const topicCfg = await dynamicConfigs(admin, 'TOPIC', TOPIC)
    expect(throttleKeys(topicCfg)).toEqual(['follower.replication.throttled.replicas'])
    expect(topicCfg.get('follower.replication.throttled.replicas')).toBe(`5:${oldBrokers[2]}`)
    expect(topicCfg.get('retention.ms')).toBe('86400000')
    expect((await dynamicConfigs(admin, 'BROKER', String(oldBrokers[0]))).get('log.cleaner.backoff.ms')).toBe('16000')
  })

  it('losing it again mid-run, then --resume after it is back finishes the plan: all messages back, share on the new broker, leaders balanced', async () => {
    const run = await executeAndLoseTheNewBroker([])
    expect(run.code, run.stdout + run.stderr).toBe(68)
    expect(run.stderr).toMatch(new RegExp(`broker ${newBroker} down`))
    await startNewBroker()

    // Ctrl-C while it runs: progress saved, exit 130, and the message says how to go on.
    const child = spawn(process.execPath, [binPath, 'kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--resume', ...SLOW, ...cluster], {
      env: {...process.env, NO_COLOR: '1'},
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += String(d)))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await waitFor('the resumed run to take over the progress file', async () => {
      const p = JSON.parse(readFileSync(join(dir, 'plan.json.progress.json'), 'utf8'))
      return p.pid === child.pid && p.status === 'running'
    })
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/interrupted \(SIGINT\).*rerun with --resume/)
    expect(JSON.parse(readFileSync(join(dir, 'plan.json.progress.json'), 'utf8')).status).toBe('stopped')

    const resume = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--resume', '--throttle', '50MB/s', '--poll-interval', '1s', '--json', ...cluster])
    expect(resume.code, resume.stdout + resume.stderr).toBe(0)
    expect(resume.json.outcome).toBe('done')

    const plan = JSON.parse(readFileSync(planPath, 'utf8'))
    const now = await replicasOf(admin, TOPIC)
    for (const p of plan.reassignment.partitions) expect(now.get(p.partition)!.replicas).toEqual(p.replicas)
    // The new broker holds its share: the plan's ⌊R/n⌋.
    const onNew = [...now.values()].filter((p) => p.replicas.includes(newBroker)).length
    expect(onNew).toBe(plan.summary.brokers.find((b: {id: number}) => b.id === newBroker).after.replicas)
    // Leaders: the preferred election ran, so leaders are the first replicas and balanced within 1 among the brokers holding them.
    await waitFor('preferred leaders', async () => [...(await replicasOf(admin, TOPIC)).values()].every((p) => p.leader === p.replicas[0]), 60_000)
    const leaders = new Map<number, number>()
    for (const p of (await replicasOf(admin, TOPIC)).values()) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1)
    const holders = [...oldBrokers, newBroker].map((b) => leaders.get(b) ?? 0)
    expect(Math.max(...holders) - Math.min(...holders)).toBeLessThanOrEqual(1)

    // No message lost.
    const seen = await consumeKeys(kafka, TOPIC, keys.length)
    expect(seen.size).toBe(keys.length)
    for (const k of keys) expect(seen.has(k)).toBe(true)

    // No throttle of ours left; the others' configs are still there.
    for (const b of [...oldBrokers, newBroker]) expect(throttleKeys(await dynamicConfigs(admin, 'BROKER', String(b)))).toEqual([])
    const topicCfg = await dynamicConfigs(admin, 'TOPIC', TOPIC)
    expect(throttleKeys(topicCfg)).toEqual(['follower.replication.throttled.replicas'])
    expect(topicCfg.get('follower.replication.throttled.replicas')).toBe(`5:${oldBrokers[2]}`)
    expect(topicCfg.get('retention.ms')).toBe('86400000')
    expect((await dynamicConfigs(admin, 'BROKER', String(oldBrokers[0]))).get('log.cleaner.backoff.ms')).toBe('16000')

    // Kafka added before it removed: no partition ever had fewer replicas than its RF.
    expect(minReplicasSeen).toBe(3)
  })

  it('is idempotent: running the finished plan again is a no-op', async () => {
    const again = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--json', ...cluster])
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(again.json.outcome).toBe('nothing-to-do')
    const replan = await runCli(['kafka', 'rebalance', 'plan', '--add-brokers', String(newBroker), '--topics', `^${TOPIC}$`, '--json', ...cluster])
    expect(replan.code, replan.stdout + replan.stderr).toBe(0)
    expect(replan.json.summary.moves).toBe(0)
  })
})

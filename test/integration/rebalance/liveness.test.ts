/**
 * `kafka rebalance status` tells a live executor from a dead one, on the REAL sandbox: a
 * throttled `execute --execute` is killed with SIGKILL (no handler runs, the progress file still
 * says "running"); status then reads "interrupted" from the heartbeat (same host, pid gone), and
 * `execute --resume` finishes the plan. No broker is added: the plan moves one small topic of our
 * own from one broker to another.
 */
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import kafkajs, {type Admin, type Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {binPath, runCli} from '../support/cli.js'
import {kafkaBrokers} from '../support/cluster.js'
import {createTopic, produce, replicasOf, runId, scratchDir, waitFor} from './support.js'

const brokers = kafkaBrokers()
const cluster = ['--brokers', brokers.join(',')]
const TOPIC = `fleetops-live-${runId}`
const PARTITIONS = 2

let kafka: Kafka
let admin: Admin
let from: number
let to: number
let dir: string
let planPath: string
let progressPath: string
let finished = false

const readProgress = (): any => JSON.parse(readFileSync(progressPath, 'utf8'))

beforeAll(async () => {
  kafka = new kafkajs.Kafka({clientId: 'fleetops-liveness-test', brokers, logLevel: kafkajs.logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b)
  expect(ids.length).toBeGreaterThanOrEqual(2)
  from = ids[0]!
  to = ids[1]!
  // RF 1 on one broker, ~3 MB per partition: at 100KB/s a move takes half a minute.
  await createTopic(admin, TOPIC, Array.from({length: PARTITIONS}, () => [from]))
  await produce(kafka, TOPIC, PARTITIONS, 1000, 3000)
  dir = scratchDir()
  planPath = join(dir, 'plan.json')
  progressPath = `${planPath}.progress.json`
}, 300_000)

afterAll(async () => {
  // A failed run must not leave its throttles or moves behind on the shared sandbox.
  if (!finished && existsSync(progressPath)) await runCli(['kafka', 'rebalance', 'cancel', '--plan', planPath, '--execute', ...cluster]).catch(() => {})
  await admin.deleteTopics({topics: [TOPIC]}).catch(() => {})
  await admin.disconnect()
})

describe('kafka rebalance status after kill -9 of the executor', () => {
  it('reads running while the executor beats, interrupted once it is killed, and --resume finishes', async () => {
    // A plan by hand (as kafka-reassign-partitions would take it): every partition from one broker to another.
    // (plan --remove-brokers would also weigh Kafka's internal RF-3 topics, which a 3-broker sandbox cannot lose a broker for.)
    const partitions = (replicas: number[]) => Array.from({length: PARTITIONS}, (_, partition) => ({topic: TOPIC, partition, replicas}))
    const plan = {json: {version: 1, reassignment: {version: 1, partitions: partitions([to])}, original: {version: 1, partitions: partitions([from])}, summary: {moves: PARTITIONS, warnings: []}}}
    writeFileSync(planPath, JSON.stringify(plan.json))

    const child = spawn(process.execPath, [binPath, 'kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--throttle', '100KB/s', '--poll-interval', '1s', ...cluster], {
      env: {...process.env, NO_COLOR: '1'},
      stdio: 'ignore',
    })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await waitFor(
      'the executor to beat with moves in flight',
      async () => {
        if (!existsSync(progressPath)) return false
        const p = readProgress()
        return p.heartbeat?.pid === child.pid && p.moves.some((m: {status: string}) => m.status === 'in-flight')
      },
      90_000,
    )
    const hb = readProgress().heartbeat
    expect(hb.pollIntervalMs).toBe(1000)
    expect(typeof hb.host).toBe('string')
    // The heartbeat moves on while the executor polls, although no move has finished.
    await waitFor('a newer heartbeat', async () => readProgress().heartbeat.updatedAt > hb.updatedAt, 20_000)

    const live = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(live.code, live.stdout + live.stderr).toBe(0)
    expect(live.json.progress.status).toBe('running')
    expect(live.json.progress.interruptedReason).toBeNull()

    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    expect(readProgress().status).toBe('running') // nobody told the file

    const dead = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(dead.code, dead.stdout + dead.stderr).toBe(0)
    expect(dead.json.progress.status).toBe('interrupted')
    expect(dead.json.progress.interruptedReason).toBe(`the executor (pid ${child.pid} on ${hb.host}) is not running`)
    const human = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, ...cluster])
    expect(human.code, human.stdout + human.stderr).toBe(0)
    expect(human.stdout).toMatch(/: interrupted: rerun with --resume \(the executor \(pid \d+ on .+\) is not running\)/)

    const resume = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--resume', '--throttle', '50MB/s', '--poll-interval', '1s', '--json', ...cluster])
    expect(resume.code, resume.stdout + resume.stderr).toBe(0)
    expect(resume.json.outcome).toBe('done')
    finished = true
    const after = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(after.json.progress.status).toBe('done')
    expect(after.json.progress.heartbeat).toBeNull()
    const now = await replicasOf(admin, TOPIC)
    for (const p of plan.json.reassignment.partitions) expect(now.get(p.partition)!.replicas).toEqual(p.replicas)
  }, 300_000)

  it('a live pid with a fresh heartbeat holds the lock; with a stale one (a reused pid) it is interrupted and --resume may go on', async () => {
    expect(finished).toBe(true)
    const done = readProgress()
    const before = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(before.json.progress.status).toBe('done')
    // This test process stands in for an executor: its pid is alive on this host.
    const pretend = (ageMs: number) =>
      writeFileSync(
        progressPath,
        JSON.stringify({...done, status: 'running', pid: process.pid, heartbeat: {pid: process.pid, host: hostname(), updatedAt: new Date(Date.now() - ageMs).toISOString(), pollIntervalMs: 1000}}),
      )
    pretend(0)
    const live = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(live.json.progress.status).toBe('running')
    const locked = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--resume', ...cluster])
    expect(locked.code, locked.stdout + locked.stderr).toBe(75)

    pretend(5 * 60_000)
    const stale = await runCli(['kafka', 'rebalance', 'status', '--plan', planPath, '--json', ...cluster])
    expect(stale.json.progress.status).toBe('interrupted')
    expect(stale.json.progress.interruptedReason).toMatch(new RegExp(`^no heartbeat from the executor \\(pid ${process.pid} on .+\\) for 30\\d s \\(limit 60 s\\)$`))
    const resumed = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--resume', '--json', ...cluster])
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
    expect(readProgress().status).toBe('done')
  }, 120_000)
})

import {mkdtempSync, readFileSync, writeFileSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {FleetopsError} from '../../../src/core/errors.js'
import type {ProgressFile} from '../../../src/core/rebalance/index.js'
import {executePlan, type ExecuteOptions, type ExecutorEnv} from '../../../src/services/rebalance/executor.js'
import {writeJsonAtomic} from '../../../src/services/rebalance/files.js'
import {MemoryRebalanceAdmin} from './memory-admin.js'

// Three moves on topic t; with one move per broker at a time they run one batch each
// (every move involves broker 3).
const ORIGINAL = [
  {topic: 't', partition: 0, replicas: [1, 2]},
  {topic: 't', partition: 1, replicas: [2, 3]},
  {topic: 't', partition: 2, replicas: [3, 1]},
]
const TARGET = [
  {topic: 't', partition: 0, replicas: [1, 3]},
  {topic: 't', partition: 1, replicas: [2, 4]},
  {topic: 't', partition: 2, replicas: [4, 1]},
]
const START = Date.parse('2026-01-01T00:00:00.000Z')

function setup(): {admin: MemoryRebalanceAdmin; planPath: string; stateFile: string} {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-executor-'))
  const planPath = join(dir, 'plan.json')
  const plan = {version: 1, reassignment: {version: 1, partitions: TARGET}, original: {version: 1, partitions: ORIGINAL}, summary: {moves: 3, warnings: []}}
  writeFileSync(planPath, JSON.stringify(plan))
  const admin = new MemoryRebalanceAdmin([1, 2, 3, 4], ORIGINAL.map((p) => ({...p, size: 1000})))
  return {admin, planPath, stateFile: `${planPath}.progress.json`}
}

const options = (planPath: string, more: Partial<ExecuteOptions> = {}): ExecuteOptions => ({
  planPath,
  execute: true,
  throttle: 1000,
  perBroker: 1,
  cluster: 10,
  resume: false,
  pollIntervalMs: 10_000,
  timeoutMs: null,
  ...more,
})

/**
 * A clock that only moves when the executor sleeps; each sleep lets the memory cluster take one
 * step (after `onSleep`, which may kill a broker, cut the connection or send a signal).
 */
function fakeProcess(admin: MemoryRebalanceAdmin, onSleep: (n: number) => void = () => {}): {env: ExecutorEnv; sleeps: () => number; saved: ProgressFile[]} {
  let clock = START
  let sleeps = 0
  const saved: ProgressFile[] = []
  const env: ExecutorEnv = {
    now: () => clock,
    async sleep(ms) {
      clock += ms
      sleeps++
      onSleep(sleeps)
      admin.tick()
    },
    pid: process.pid,
    host: 'test-host',
    writeProgress(path, progress) {
      saved.push(structuredClone(progress))
      writeJsonAtomic(path, progress)
    },
  }
  return {env, sleeps: () => sleeps, saved}
}

const hooks = {progress() {}, trace() {}, warn() {}}
const open = (admin: MemoryRebalanceAdmin) => async () => admin
const progressOf = (stateFile: string): ProgressFile => JSON.parse(readFileSync(stateFile, 'utf8')) as ProgressFile
const statuses = (p: ProgressFile): string[] => p.moves.map((m) => `${m.topic}-${m.partition} ${m.status}`)

async function failure(run: Promise<unknown>): Promise<FleetopsError> {
  const error = await run.then(
    () => null,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(FleetopsError)
  return error as FleetopsError
}

/** Resumes the run to the end with the cluster healthy; returns the result. */
async function resumeToEnd(admin: MemoryRebalanceAdmin, planPath: string) {
  return executePlan(open(admin), options(planPath, {resume: true}), hooks, fakeProcess(admin).env)
}

describe('executePlan on an in-memory cluster', () => {
  it('carries out the plan batch by batch: throttle, record, move; then elect leaders and remove every throttle', async () => {
    const {admin, planPath, stateFile} = setup()
    const result = await executePlan(open(admin), options(planPath), hooks, fakeProcess(admin).env)
    expect(result).toMatchObject({outcome: 'done', batches: 3, election: {elected: 3, notNeeded: 0, failed: 0}, bytes: {total: 3000, moved: 3000}})
    expect(result.moves).toEqual({total: 3, alreadyDone: 0, done: 3, pending: 0, inFlight: 0})
    expect(result.elapsedMs).toBe(30_000)
    expect(admin.calls.filter((c) => c.startsWith('alter') || c.startsWith('elect') || c === 'close')).toEqual([
      'alter t-0>[1,3]',
      'alter t-1>[2,4]',
      'alter t-2>[4,1]',
      'elect t-0,t-1,t-2',
      'close',
    ])
    // Each batch's throttles are set before its move starts.
    expect(admin.calls.indexOf('configs TOPIC:t APPEND leader.replication.throttled.replicas, APPEND follower.replication.throttled.replicas')).toBeLessThan(
      admin.calls.indexOf('alter t-0>[1,3]'),
    )
    expect(admin.throttlesLeft()).toEqual([])
    expect(TARGET.map((p) => admin.replicas(p.topic, p.partition))).toEqual(TARGET.map((p) => p.replicas))
    const progress = progressOf(stateFile)
    expect(progress).toMatchObject({status: 'done', pid: null, heartbeat: null, elected: true, note: null, throttles: {brokers: [], topics: []}})
  })

  it('without --execute changes nothing and writes no progress file', async () => {
    const {admin, planPath, stateFile} = setup()
    const result = await executePlan(open(admin), options(planPath, {execute: false}), hooks, fakeProcess(admin).env)
    expect(result.outcome).toBe('dry-run')
    expect(result.firstBatch.map((m) => `${m.topic}-${m.partition} ${m.status}`)).toEqual(['t-0 would start'])
    expect(result.throttledBrokers).toEqual([1, 2, 3, 4])
    expect(admin.calls).toEqual(['close'])
    expect(existsSync(stateFile)).toBe(false)
  })

  it('Ctrl-C: no new moves, progress saved with the move in flight, exit 130; a plain rerun is refused, --resume finishes', async () => {
    const {admin, planPath, stateFile} = setup()
    // The signal arrives during the first wait, before the cluster finished the first move.
    const env = {...fakeProcess(admin).env, sleep: async (ms: number, abort: AbortSignal) => {
      process.emit('SIGINT')
      expect(abort.aborted).toBe(true)
      void ms
    }}
    const error = await failure(executePlan(open(admin), options(planPath), hooks, env))
    expect([error.code, error.exit]).toEqual(['INTERRUPTED', 130])
    expect(error.message).toContain('interrupted (SIGINT); 1 moves keep running in Kafka')
    expect(admin.calls.filter((c) => c.startsWith('alter'))).toEqual(['alter t-0>[1,3]'])
    expect(admin.calls.at(-1)).toBe('close')
    const stopped = progressOf(stateFile)
    expect(stopped).toMatchObject({status: 'stopped', pid: null, heartbeat: null, note: 'interrupted by SIGINT'})
    expect(statuses(stopped)).toEqual(['t-0 in-flight', 't-1 pending', 't-2 pending'])
    // The throttles of the move left running stay recorded (so a later run or cancel removes them).
    expect(stopped.throttles.brokers.map((b) => b.broker)).toEqual([1, 2, 3])
    expect(stopped.throttles.topics).toEqual([{topic: 't', leader: ['0:1', '0:2'], follower: ['0:3']}])

    const refused = await failure(executePlan(open(admin), options(planPath), hooks, fakeProcess(admin).env))
    expect([refused.code, refused.exit]).toEqual(['BAD_INPUT', 2])
    expect(refused.message).toContain('rerun with --resume')

    const result = await resumeToEnd(admin, planPath)
    expect(result).toMatchObject({outcome: 'done', batches: 2})
    expect(result.moves).toEqual({total: 3, alreadyDone: 0, done: 3, pending: 0, inFlight: 0})
    // t-0 was not submitted again: Kafka carried on with it while nobody watched.
    expect(admin.calls.filter((c) => c.startsWith('alter'))).toEqual(['alter t-0>[1,3]', 'alter t-1>[2,4]', 'alter t-2>[4,1]'])
    expect(progressOf(stateFile)).toMatchObject({status: 'done', elected: true, throttles: {brokers: [], topics: []}})
    expect(admin.throttlesLeft()).toEqual([])
  })

  it('a move whose broker died is reported stuck after two polls: exit 68, saved, resumable once the broker is back', async () => {
    const {admin, planPath, stateFile} = setup()
    const run = fakeProcess(admin, (n) => n === 1 && admin.alive.delete(3))
    const error = await failure(executePlan(open(admin), options(planPath), hooks, run.env))
    expect([error.code, error.exit]).toEqual(['PARTIAL', 68])
    expect(error.message).toContain('1 moves are stuck: t-0 (broker 3 down)')
    expect(error.message).toContain('once broker 3 is back, rerun with --resume')
    expect(run.sleeps()).toBe(2)
    // Nothing else started while broker 3 was down (every other move needs it).
    expect(admin.calls.filter((c) => c.startsWith('alter'))).toEqual(['alter t-0>[1,3]'])
    const stopped = progressOf(stateFile)
    expect(stopped).toMatchObject({status: 'stopped', note: 'stuck: t-0 (broker 3 down)'})
    expect(statuses(stopped)).toEqual(['t-0 in-flight', 't-1 pending', 't-2 pending'])

    admin.alive.add(3)
    const result = await resumeToEnd(admin, planPath)
    expect(result.outcome).toBe('done')
    expect(progressOf(stateFile).status).toBe('done')
  })

  it('a move that never completes stops the run at --timeout: exit 68, note "timeout"', async () => {
    const {admin, planPath, stateFile} = setup()
    admin.held.add('t-0')
    const run = fakeProcess(admin)
    const error = await failure(executePlan(open(admin), options(planPath, {timeoutMs: 30_000}), hooks, run.env))
    expect([error.code, error.exit]).toEqual(['PARTIAL', 68])
    expect(error.message).toContain('--timeout 30s reached with 1 moves in flight and 2 pending')
    expect(run.sleeps()).toBe(4)
    expect(progressOf(stateFile)).toMatchObject({status: 'stopped', note: 'timeout'})
  })

  it('a lost connection: three failed polls stop the run (exit 68) with progress saved; --resume finishes once the cluster answers', async () => {
    const {admin, planPath, stateFile} = setup()
    const traces: string[] = []
    const run = fakeProcess(admin, (n) => {
      if (n === 1) admin.failReads = 3
    })
    const error = await failure(executePlan(open(admin), options(planPath), {...hooks, trace: (t) => traces.push(t)}, run.env))
    expect([error.code, error.exit]).toEqual(['PARTIAL', 68])
    expect(error.message).toContain('lost the connection to the cluster (connection refused (memory cluster)); 1 moves in flight are not being watched')
    expect(run.sleeps()).toBe(3)
    expect(traces.filter((t) => t.startsWith('poll failed')).map((t) => t.slice(0, 17))).toEqual(['poll failed (1/3)', 'poll failed (2/3)', 'poll failed (3/3)'])
    expect(admin.calls.at(-1)).toBe('close')
    const stopped = progressOf(stateFile)
    expect(stopped).toMatchObject({status: 'stopped', pid: null, note: 'lost connection'})
    expect(statuses(stopped)).toEqual(['t-0 in-flight', 't-1 pending', 't-2 pending'])

    // The first move finished meanwhile: the resumed run finds it done and starts the rest.
    const result = await resumeToEnd(admin, planPath)
    expect(result).toMatchObject({outcome: 'done', batches: 2})
    expect(admin.calls.filter((c) => c.startsWith('alter'))).toEqual(['alter t-0>[1,3]', 'alter t-1>[2,4]', 'alter t-2>[4,1]'])
    expect(admin.throttlesLeft()).toEqual([])
  })

  it('saves before acting: a move is recorded in flight before Kafka is asked to start it', async () => {
    const {admin, planPath} = setup()
    const order: string[] = []
    const run = fakeProcess(admin)
    const write = run.env.writeProgress
    const env = {...run.env, writeProgress: (path: string, p: ProgressFile) => {
      order.push(`save ${statuses(p).filter((s) => s.endsWith('in-flight')).join(',')}`)
      write(path, p)
    }}
    const alter = admin.alterReassignments.bind(admin)
    admin.alterReassignments = async (a) => {
      order.push(`alter ${a.map((x) => `${x.topic}-${x.partition}`).join(',')}`)
      return alter(a)
    }
    await executePlan(open(admin), options(planPath), hooks, env)
    const firstAlter = order.indexOf('alter t-0')
    expect(order[firstAlter - 1]).toBe('save t-0 in-flight')
  })
})

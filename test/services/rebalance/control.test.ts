import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {ProgressFile} from '../../../src/core/rebalance/index.js'
import {cancelRebalance, rebalanceStatus} from '../../../src/services/rebalance/control.js'
import {executePlan, type ExecutorEnv} from '../../../src/services/rebalance/executor.js'
import {writeJsonAtomic} from '../../../src/services/rebalance/files.js'
import {MemoryRebalanceAdmin} from './memory-admin.js'

const ORIGINAL = [
  {topic: 't', partition: 0, replicas: [1, 2]},
  {topic: 't', partition: 1, replicas: [2, 3]},
]
const TARGET = [
  {topic: 't', partition: 0, replicas: [1, 3]},
  {topic: 't', partition: 1, replicas: [2, 4]},
]

/** A plan whose run was stopped by Ctrl-C with t-0 in flight (and its throttles set). */
async function interruptedRun(target = TARGET): Promise<{admin: MemoryRebalanceAdmin; planPath: string; stateFile: string}> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-control-'))
  const planPath = join(dir, 'plan.json')
  writeFileSync(planPath, JSON.stringify({version: 1, reassignment: {version: 1, partitions: target}, original: {version: 1, partitions: ORIGINAL}, summary: {moves: 2, warnings: []}}))
  const admin = new MemoryRebalanceAdmin([1, 2, 3, 4], ORIGINAL.map((p) => ({...p, size: 10})))
  const env: ExecutorEnv = {
    now: () => 0,
    async sleep() {
      process.emit('SIGINT')
    },
    pid: process.pid,
    host: 'test-host',
    writeProgress: writeJsonAtomic,
  }
  const opts = {planPath, execute: true, throttle: 100, perBroker: 1, cluster: 10, resume: false, pollIntervalMs: 1000, timeoutMs: null}
  await expect(executePlan(async () => admin, opts, {progress() {}, trace() {}, warn() {}}, env)).rejects.toMatchObject({exit: 130})
  return {admin, planPath, stateFile: `${planPath}.progress.json`}
}

describe('rebalance status and cancel on an in-memory cluster', () => {
  it('status lists the reassignment in flight as the plan\'s, and the stopped run\'s progress', async () => {
    const {admin, planPath, stateFile} = await interruptedRun()
    const status = await rebalanceStatus(async () => admin, {planPath})
    expect(status.inFlight).toEqual([{topic: 't', partition: 0, replicas: [1, 3, 2], adding: [3], removing: [2], inPlan: true}])
    expect(status.progress).toMatchObject({stateFile, status: 'stopped', note: 'interrupted by SIGINT', moves: {total: 2, done: 0, inFlight: 1, pending: 1}})
    expect(admin.closed).toBe(true)
  })

  it('cancel without --execute only says what it would revert; with --execute reverts, clears our throttles and marks the file cancelled', async () => {
    const {admin, planPath, stateFile} = await interruptedRun()
    const opts = {planPath, execute: false, waitMs: 1000, pollIntervalMs: 1}
    const preview = await cancelRebalance(async () => admin, opts, {progress() {}})
    expect(preview.reverted).toEqual([{topic: 't', partition: 0, from: [1, 3, 2], to: [1, 2]}])
    expect(admin.moving.size).toBe(1)
    const callsBefore = admin.calls.length

    const result = await cancelRebalance(async () => admin, {...opts, execute: true}, {progress() {}})
    expect(result).toMatchObject({executed: true, alreadyMoved: 0, notOurs: [], stillReverting: [], throttlesCleared: {brokers: [1, 2, 3], topics: ['t']}})
    // A null target (Kafka aborts the move), never the original replicas as a new target while it runs.
    expect(admin.calls.slice(callsBefore)[0]).toBe('cancel t-0')
    expect(admin.calls.slice(callsBefore).filter((c) => c.startsWith('alter'))).toEqual([])
    expect(admin.moving.size).toBe(0)
    expect(admin.replicas('t', 0)).toEqual([1, 2])
    expect(admin.throttlesLeft()).toEqual([])
    const progress = JSON.parse(readFileSync(stateFile, 'utf8')) as ProgressFile
    expect(progress).toMatchObject({status: 'cancelled', note: 'cancelled', pid: null, heartbeat: null, throttles: {brokers: [], topics: []}})
    expect(progress.moves.map((m) => m.status)).toEqual(['pending', 'pending'])
  })

  it('cancel puts the original replica order back when the aborted move left the replicas in another order', async () => {
    // t-0 [1,2] -> [2,3]: in flight [2,3,1]; the abort drops 3 and leaves [2,1], so 1 no longer leads.
    const {admin, planPath} = await interruptedRun([{topic: 't', partition: 0, replicas: [2, 3]}, TARGET[1]!])
    const callsBefore = admin.calls.length
    const result = await cancelRebalance(async () => admin, {planPath, execute: true, waitMs: 1000, pollIntervalMs: 1}, {progress() {}})
    expect(result).toMatchObject({reverted: [{topic: 't', partition: 0, from: [2, 3, 1], to: [1, 2]}], stillReverting: []})
    expect(admin.calls.slice(callsBefore).filter((c) => !c.startsWith('configs'))).toEqual(['cancel t-0', 'alter t-0>[1,2]', 'close'])
    expect(admin.replicas('t', 0)).toEqual([1, 2])
  })

  it('cancel moves a partition back with its original replicas as the target when its move finished before the cancel', async () => {
    const {admin, planPath} = await interruptedRun()
    let cancelSent = false
    const cancel = admin.cancelReassignments.bind(admin)
    admin.cancelReassignments = async (partitions) => {
      admin.tick() // t-0 reaches [1,3] just before the controller gets the cancel
      cancelSent = true
      return cancel(partitions)
    }
    const list = admin.reassignmentsInFlight.bind(admin)
    admin.reassignmentsInFlight = async () => {
      if (cancelSent) admin.tick() // the move back completes while cancel waits
      return list()
    }
    const callsBefore = admin.calls.length
    const result = await cancelRebalance(async () => admin, {planPath, execute: true, waitMs: 1000, pollIntervalMs: 1}, {progress() {}})
    expect(result).toMatchObject({reverted: [{topic: 't', partition: 0, to: [1, 2]}], stillReverting: []})
    expect(admin.calls.slice(callsBefore).filter((c) => !c.startsWith('configs'))).toEqual(['cancel t-0', 'alter t-0>[1,2]', 'close'])
    expect(admin.replicas('t', 0)).toEqual([1, 2])
  })
})

import {fc, test as propTest} from '@fast-check/vitest'
import {describe, expect, test} from 'vitest'

import {
  heartbeatDue,
  judgeExecutor,
  MIN_STALE_MS,
  newProgress,
  parseProgressFile,
  staleLimitMs,
  type ExecutorHeartbeat,
  type RunStatus,
} from '../../../src/core/rebalance/index.js'

const T0 = Date.parse('2026-12-07T01:00:00.000Z')
const beat = (over: Partial<ExecutorHeartbeat> = {}): ExecutorHeartbeat => ({pid: 4242, host: 'ops-1', updatedAt: new Date(T0).toISOString(), pollIntervalMs: 10_000, ...over})

describe('staleLimitMs', () => {
  test('3 poll intervals, never under 60 s', () => {
    expect(staleLimitMs(1000)).toBe(60_000)
    expect(staleLimitMs(10_000)).toBe(60_000)
    expect(staleLimitMs(30_000)).toBe(90_000)
    expect(staleLimitMs(Number.NaN)).toBe(60_000)
  })
})

describe('heartbeatDue', () => {
  test('first beat, then at most every 2 s (and again if the clock went back)', () => {
    expect(heartbeatDue(null, T0)).toBe(true)
    expect(heartbeatDue(T0, T0 + 1999)).toBe(false)
    expect(heartbeatDue(T0, T0 + 2000)).toBe(true)
    expect(heartbeatDue(T0, T0 - 5)).toBe(true)
  })
})

describe('judgeExecutor', () => {
  const judge = (hb: ExecutorHeartbeat | null, o: {status?: RunStatus; now?: number; host?: string; pidAlive?: boolean | null} = {}) =>
    judgeExecutor({status: o.status ?? 'running', heartbeat: hb, now: o.now ?? T0 + 5000, host: o.host ?? 'ops-1', pidAlive: o.pidAlive === undefined ? true : o.pidAlive})

  test('a fresh heartbeat from a live pid is running', () => {
    expect(judge(beat())).toEqual({state: 'running', reason: null})
  })
  test('same host, pid gone (kill -9): interrupted at once', () => {
    const j = judge(beat(), {pidAlive: false})
    expect(j.state).toBe('interrupted')
    expect(j.reason).toBe('the executor (pid 4242 on ops-1) is not running')
  })
  test('another host: the pid is not judged, only the heartbeat age', () => {
    expect(judge(beat(), {host: 'ops-2', pidAlive: null}).state).toBe('running')
    const j = judge(beat(), {host: 'ops-2', pidAlive: null, now: T0 + 60_001})
    expect(j.state).toBe('interrupted')
    expect(j.reason).toMatch(/^no heartbeat from the executor \(pid 4242 on ops-1\) for 60 s \(limit 60 s\)$/)
  })
  test('stale even when the pid is alive (a recycled pid, or a hung executor)', () => {
    expect(judge(beat({pollIntervalMs: 30_000}), {now: T0 + 90_000}).state).toBe('running')
    expect(judge(beat({pollIntervalMs: 30_000}), {now: T0 + 90_001}).state).toBe('interrupted')
  })
  test('an unreadable heartbeat time is interrupted', () => {
    expect(judge(beat({updatedAt: 'yesterday'})).state).toBe('interrupted')
  })
  test('only running files are judged; files without a heartbeat keep their word', () => {
    for (const status of ['stopped', 'done', 'cancelled'] as const) expect(judge(beat(), {status, pidAlive: false})).toEqual({state: status, reason: null})
    expect(judge(null, {pidAlive: false, now: T0 + 10 * MIN_STALE_MS})).toEqual({state: 'running', reason: null})
  })

  propTest.prop([
    fc.integer({min: 0, max: 3_600_000}),
    fc.integer({min: 0, max: 600_000}),
    fc.boolean(),
    fc.option(fc.boolean(), {nil: null}),
    fc.constantFrom<RunStatus>('running', 'stopped', 'done', 'cancelled'),
  ], {numRuns: 200})('interrupted exactly when running and (same host and pid dead, or the beat is too old)', (age, poll, sameHost, pidAlive, status) => {
    const j = judgeExecutor({status, heartbeat: beat({pollIntervalMs: poll}), now: T0 + age, host: sameHost ? 'ops-1' : 'ops-2', pidAlive})
    const dead = sameHost && pidAlive === false
    const stale = age > Math.max(60_000, 3 * poll)
    const expected = status === 'running' && (dead || stale) ? 'interrupted' : status
    expect(j.state).toBe(expected)
    expect(j.reason === null).toBe(expected !== 'interrupted')
    // A live executor's heartbeat, however old the last beat within the limit, is never judged dead.
    if (status === 'running' && !dead && age <= staleLimitMs(poll)) expect(j.state).toBe('running')
  })
})

describe('progress file heartbeat', () => {
  const base = () => JSON.parse(JSON.stringify(newProgress([], {planDigest: 'x', throttle: null, now: new Date(T0).toISOString(), pid: 1})))
  test('new files have none; a heartbeat round-trips; files without one (older fleetops) read as null', () => {
    expect(parseProgressFile(base()).heartbeat).toBeNull()
    const hb = beat()
    expect(parseProgressFile({...base(), heartbeat: hb}).heartbeat).toEqual(hb)
    const old = base()
    delete old.heartbeat
    expect(parseProgressFile(old).heartbeat).toBeNull()
  })
  test('a malformed heartbeat is a one-line bad-input error', () => {
    expect(() => parseProgressFile({...base(), heartbeat: {pid: -1, host: 'h', updatedAt: 'x', pollIntervalMs: 1}})).toThrow(/heartbeat.pid/)
    expect(() => parseProgressFile({...base(), heartbeat: 'now'})).toThrow(/"heartbeat" must be an object/)
  })
})

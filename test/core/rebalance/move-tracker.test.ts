import {describe, expect, test} from 'vitest'

import {MoveTracker, newProgress, type ProgressFile} from '../../../src/core/rebalance/index.js'

const T0 = Date.parse('2026-01-01T00:00:00.000Z')

function tracker(): {t: MoveTracker; saved: ProgressFile[]; tick: (ms: number) => void} {
  let now = T0
  const saved: ProgressFile[] = []
  const progress = newProgress(
    [
      {topic: 'b', partition: 0, from: [1], to: [2]},
      {topic: 'a', partition: 1, from: [1], to: [3]},
    ],
    {planDigest: 'd', throttle: null, now: new Date(T0).toISOString(), pid: 7},
  )
  progress.status = 'stopped'
  const t = new MoveTracker(progress, {now: () => now, pid: 42, host: 'h', pollIntervalMs: 1000, write: (p) => saved.push(structuredClone(p))})
  return {t, saved, tick: (ms) => (now += ms)}
}

describe('MoveTracker', () => {
  test('begin marks the run as this process and saves it with a heartbeat', () => {
    const {t, saved} = tracker()
    t.begin(500)
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({status: 'running', pid: 42, note: null, throttle: 500, heartbeat: {pid: 42, host: 'h', pollIntervalMs: 1000, updatedAt: '2026-01-01T00:00:00.000Z'}})
  })

  test('moves go pending -> in flight -> done, each change saved', () => {
    const {t, saved} = tracker()
    t.begin(null)
    expect(t.pending().map((m) => m.topic)).toEqual(['a', 'b'])
    t.started([{topic: 'a', partition: 1, from: [1], to: [3]}])
    expect(saved.at(-1)!.moves.map((m) => m.status)).toEqual(['in-flight', 'pending'])
    expect(t.finished).toBe(false)
    t.markDone(t.inFlight())
    t.started([{topic: 'b', partition: 0, from: [1], to: [2]}])
    t.markDone(t.inFlight())
    expect(t.finished).toBe(true)
    expect(t.done()).toHaveLength(2)
    expect(t.unfinished()).toEqual([])
    expect(saved).toHaveLength(5)
  })

  test('stop records why and drops the pid and heartbeat; complete marks the file done', () => {
    const {t, saved, tick} = tracker()
    t.begin(null)
    tick(5000)
    t.stop('timeout')
    expect(saved.at(-1)).toMatchObject({status: 'stopped', pid: null, note: 'timeout', heartbeat: null, updatedAt: '2026-01-01T00:00:05.000Z'})
    t.complete()
    expect(saved.at(-1)).toMatchObject({status: 'done', pid: null, heartbeat: null})
  })

  test('beat writes the heartbeat at most every 2 s, without touching updatedAt', () => {
    const {t, saved, tick} = tracker()
    t.begin(null)
    tick(1000)
    t.beat()
    expect(saved).toHaveLength(1)
    tick(1000)
    t.beat()
    expect(saved).toHaveLength(2)
    expect(saved[1].updatedAt).toBe('2026-01-01T00:00:00.000Z')
    expect(saved[1].heartbeat!.updatedAt).toBe('2026-01-01T00:00:02.000Z')
  })
})

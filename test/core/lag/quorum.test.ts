import {fc, test as prop} from '@fast-check/vitest'
import {describe, expect, test} from 'vitest'

import {DEFAULT_REACHABLE_MS, detectElections, evaluateQuorum, quorumSummaryLine, renderQuorumPrometheus, type QuorumSample, type QuorumThresholds} from '../../../src/core/lag/quorum.js'

const NOW = 1_700_000_100_000
const NONE: QuorumThresholds = {warnLag: null, critLag: null, warnTimeLagMs: null, critTimeLagMs: null, maxElections: null}
const replica = (id: number, leo: number, agoMs: number | null = 100) => ({
  replicaId: id,
  logEndOffset: leo,
  lastFetchTimestamp: agoMs === null ? -1 : NOW - agoMs,
  lastCaughtUpTimestamp: agoMs === null ? -1 : NOW - agoMs,
})
const sample = (over: Partial<QuorumSample> = {}): QuorumSample => ({
  at: NOW,
  leaderId: 1,
  leaderEpoch: 5,
  highWatermark: 1000,
  voters: [replica(1, 1000, 0), replica(2, 1000), replica(3, 998)],
  observers: [],
  ...over,
})

describe('evaluateQuorum', () => {
  test('a healthy quorum is OK; lag is measured against the leader log end offset', () => {
    const e = evaluateQuorum([sample()], NONE, NOW)
    expect(e.status).toBe('OK')
    expect(e).toMatchObject({leaderId: 1, leaderEpoch: 5, highWatermark: 1000, healthyVoters: 3, majority: 2, elections: []})
    expect(e.voters.map((v) => [v.replicaId, v.leader, v.lag, v.lastFetchAgoMs])).toEqual([
      [1, true, 0, 0],
      [2, false, 0, 100],
      [3, false, 2, 100],
    ])
    expect(quorumSummaryLine(e, NONE)).toMatch(/^QUORUM OK - leader 1 epoch 5, 3\/3 voters caught up \(majority 2\).* \| voters_caught_up=3;;;0;3 max_voter_lag=2;;;0 /)
  })

  test('one voter not fetching (stopped) is WARNING and named; the majority holds', () => {
    const e = evaluateQuorum([sample({voters: [replica(1, 1000, 0), replica(2, 1000), replica(3, 900, 60_000)]})], NONE, NOW)
    expect(e.status).toBe('WARNING')
    expect(e.healthyVoters).toBe(2)
    expect(e.voters[2]).toMatchObject({replicaId: 3, status: 'WARNING', reason: expect.stringMatching(/^voter 3: no fetch for/)})
    expect(e.reasons[0]).toMatch(/voter 3/)
  })

  test('two of three voters gone is CRITICAL: no majority', () => {
    const e = evaluateQuorum([sample({voters: [replica(1, 1000, 0), replica(2, 900, 60_000), replica(3, 900, 60_000)]})], NONE, NOW)
    expect(e.status).toBe('CRITICAL')
    expect(e.reasons[0]).toBe('only 1 of 3 voters caught up and fetching (majority 2)')
  })

  test('no leader is CRITICAL', () => {
    expect(evaluateQuorum([sample({leaderId: -1})], NONE, NOW)).toMatchObject({status: 'CRITICAL', healthyVoters: 0, reasons: ['no quorum leader']})
  })

  test('record and time thresholds', () => {
    const t = {...NONE, warnLag: 1, critLag: 50, warnTimeLagMs: 1000, critTimeLagMs: 5000}
    const e = evaluateQuorum([sample({voters: [replica(1, 1000, 0), replica(2, 990, 2000), replica(3, 900)]})], t, NOW)
    expect(e.voters[1]).toMatchObject({status: 'WARNING', reason: 'voter 2: lag 10 exceeds warn 1; voter 2: last caught up 2.0s ago, over warn 1.0s'})
    expect(e.voters[2]).toMatchObject({status: 'CRITICAL', reason: 'voter 3: lag 100 exceeds crit 50'})
    // voter 3 beyond --crit-lag does not count: 2 of 3 still a majority
    expect(e).toMatchObject({status: 'WARNING', healthyVoters: 2})
  })

  test('v0 answers (no timestamps) are judged by log end offset only', () => {
    const e = evaluateQuorum([sample({voters: [replica(1, 1000, null), replica(2, 1000, null), replica(3, -1, null)]})], NONE, NOW)
    expect(e.voters[0]).toMatchObject({lastFetchAgoMs: null, lastCaughtUpAgoMs: null, status: 'OK'})
    expect(e.voters[2]).toMatchObject({logEndOffset: null, lag: null, status: 'WARNING'})
    expect(e).toMatchObject({status: 'WARNING', healthyVoters: 2})
  })

  test('elections between samples; --max-elections', () => {
    const samples = [sample({at: 1}), sample({at: 2}), sample({at: 3, leaderId: 2, leaderEpoch: 6, voters: [replica(1, 1000), replica(2, 1000, 0), replica(3, 1000)]})]
    const e = evaluateQuorum(samples, NONE, NOW)
    expect(e.elections).toEqual([{at: 3, fromLeaderId: 1, toLeaderId: 2, fromEpoch: 5, toEpoch: 6}])
    expect(e.status).toBe('OK')
    expect(evaluateQuorum(samples, {...NONE, maxElections: 0}, NOW)).toMatchObject({status: 'WARNING', reasons: ['1 leader election(s) in the window, over --max-elections 0']})
    expect(evaluateQuorum(samples, {...NONE, maxElections: 1}, NOW).status).toBe('OK')
  })

  test('prometheus text', () => {
    const text = renderQuorumPrometheus(evaluateQuorum([sample()], NONE, NOW))
    expect(text).toContain('fleetops_quorum_status 0\n')
    expect(text).toContain('fleetops_quorum_voter_lag{replica="3",role="voter"} 2\n')
    expect(text).toContain('# TYPE fleetops_quorum_leader_epoch gauge\n')
  })
})

const arbReplica = (id: number) =>
  fc.record({
    replicaId: fc.constant(id),
    logEndOffset: fc.integer({min: -1, max: 2000}),
    lastFetchTimestamp: fc.oneof(fc.constant(-1), fc.integer({min: NOW - 120_000, max: NOW + 1000})),
    lastCaughtUpTimestamp: fc.oneof(fc.constant(-1), fc.integer({min: NOW - 120_000, max: NOW + 1000})),
  })
const arbSample = fc.integer({min: 1, max: 5}).chain((n) =>
  fc.record({
    at: fc.constant(NOW),
    leaderId: fc.integer({min: -1, max: n}),
    leaderEpoch: fc.integer({min: 0, max: 100}),
    highWatermark: fc.integer({min: 0, max: 2000}),
    voters: fc.tuple(...Array.from({length: n}, (_, i) => arbReplica(i + 1))),
    observers: fc.array(arbReplica(100), {maxLength: 2}),
  }),
)
const arbThresholds = fc.record({
  warnLag: fc.option(fc.nat(500), {nil: null}),
  critLag: fc.option(fc.nat(500), {nil: null}),
  warnTimeLagMs: fc.option(fc.nat(60_000), {nil: null}),
  critTimeLagMs: fc.option(fc.nat(60_000), {nil: null}),
  maxElections: fc.option(fc.nat(3), {nil: null}),
})

describe('evaluateQuorum properties', () => {
  prop.prop([arbSample, arbThresholds], {numRuns: 300})('CRITICAL exactly when there is no leader or no healthy majority; lags are never negative', (s, t) => {
    const e = evaluateQuorum([s], t, NOW)
    const noMajority = e.healthyVoters < e.majority
    expect(e.status === 'CRITICAL').toBe(noMajority)
    expect(e.majority).toBe(Math.floor(s.voters.length / 2) + 1)
    for (const r of [...e.voters, ...e.observers]) {
      if (r.lag !== null) expect(r.lag).toBeGreaterThanOrEqual(0)
      if (r.lastFetchAgoMs !== null) expect(r.lastFetchAgoMs).toBeGreaterThanOrEqual(0)
      // a replica that is not OK is named in the reasons
      if (r.status !== 'OK') expect(e.reasons.some((x) => x.includes(`${r.replicaId}:`))).toBe(true)
    }
    if (e.status === 'OK') expect(e.reasons).toEqual([])
    else expect(e.reasons.length).toBeGreaterThan(0)
  })

  prop.prop([arbSample, fc.nat(1000)], {numRuns: 200})('raising the record thresholds never makes the status worse', (s, bump) => {
    const order = ['OK', 'UNKNOWN', 'WARNING', 'CRITICAL']
    const t = {...NONE, warnLag: 10, critLag: 100, critTimeLagMs: DEFAULT_REACHABLE_MS}
    const looser = {...t, warnLag: 10 + bump, critLag: 100 + bump}
    expect(order.indexOf(evaluateQuorum([s], looser, NOW).status)).toBeLessThanOrEqual(order.indexOf(evaluateQuorum([s], t, NOW).status))
  })

  prop.prop([fc.array(fc.record({leaderId: fc.integer({min: 1, max: 3}), leaderEpoch: fc.integer({min: 0, max: 5})}), {maxLength: 10})], {numRuns: 200})(
    'an election is counted exactly at each change of leader or epoch',
    (seq) => {
      const samples = seq.map((x, i) => sample({...x, at: i}))
      let changes = 0
      for (let i = 1; i < seq.length; i++) if (seq[i]!.leaderId !== seq[i - 1]!.leaderId || seq[i]!.leaderEpoch !== seq[i - 1]!.leaderEpoch) changes++
      expect(detectElections(samples)).toHaveLength(changes)
    },
  )
})

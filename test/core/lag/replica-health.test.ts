import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {nagiosSeverity} from '../../../src/core/lag/nagios.js'
import {classifyReplicaHealth, type PartitionReplicas} from '../../../src/core/lag/replica-health.js'

const p = (over: Partial<PartitionReplicas>): PartitionReplicas => ({topic: 't', partition: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, ...over})
const one = (part: PartitionReplicas, opts: Partial<Parameters<typeof classifyReplicaHealth>[1]> = {}) =>
  classifyReplicaHealth([part], {topicMinIsr: {t: 2}, ...opts}).partitions[0]

describe('classifyReplicaHealth examples', () => {
  it('healthy partition is OK with nothing flagged', () => {
    const r = one(p({}))
    expect(r).toMatchObject({state: 'OK', offline: false, underReplicated: false, underMinIsr: false, atMinIsr: false, reassigning: false, missingFromIsr: [], minIsr: 2})
    expect(r.reasons).toEqual([])
  })

  it('under-replicated is WARNING and names the broker missing from the ISR', () => {
    const report = classifyReplicaHealth([p({isr: [1, 3]}), p({partition: 1, isr: [1, 3], leader: 3})], {topicMinIsr: {t: 1}})
    expect(report.partitions[0]).toMatchObject({state: 'WARNING', underReplicated: true, missingFromIsr: [2], atMinIsr: false})
    expect(report.partitions[0].reasons).toEqual(['under-replicated: broker(s) 2 not in ISR'])
    expect(report.brokers).toEqual([
      {broker: 1, replicas: 2, leaders: 1, missingFromIsr: 0},
      {broker: 2, replicas: 2, leaders: 0, missingFromIsr: 2},
      {broker: 3, replicas: 2, leaders: 1, missingFromIsr: 0},
    ])
    expect(report.counts).toMatchObject({partitions: 2, underReplicated: 2, offline: 0})
    expect(report.state).toBe('WARNING')
  })

  it('under min ISR is CRITICAL; at min ISR is OK unless escalated', () => {
    expect(one(p({isr: [1]}))).toMatchObject({state: 'CRITICAL', underMinIsr: true})
    const atMin = p({replicas: [1, 2], isr: [1, 2]})
    expect(one(atMin)).toMatchObject({state: 'OK', atMinIsr: true, underReplicated: false})
    expect(one(atMin, {escalate: {atMinIsr: 'WARNING'}}).state).toBe('WARNING')
  })

  it('no leader (-1 or null) or a dead leader is offline and CRITICAL', () => {
    for (const leader of [-1, null]) expect(one(p({leader}))).toMatchObject({offline: true, underMinIsr: true, state: 'CRITICAL', leader: null})
    expect(one(p({leader: 3}), {liveBrokers: [1, 2]})).toMatchObject({offline: true, state: 'CRITICAL'})
    expect(one(p({leader: 3}), {liveBrokers: [1, 2, 3]}).offline).toBe(false)
  })

  it('replicas still being added are not missing; reassigning is OK with a note unless escalated', () => {
    const moving = p({replicas: [1, 2, 3, 4], isr: [1, 2, 3], addingReplicas: [4], removingReplicas: [1]})
    const r = one(moving)
    expect(r).toMatchObject({state: 'OK', underReplicated: false, reassigning: true, missingFromIsr: []})
    expect(r.reasons).toEqual(['reassigning (adding 4; removing 1)'])
    expect(one(moving, {escalate: {reassigning: 'WARNING'}}).state).toBe('WARNING')
  })

  it('an adding replica already in the ISR does not hide a missing one (set comparison, not count)', () => {
    expect(one(p({replicas: [1, 2, 3, 4], isr: [1, 2, 4], addingReplicas: [4]}))).toMatchObject({underReplicated: true, missingFromIsr: [3]})
  })

  it('min.insync.replicas unknown: min-ISR checks skipped, said so; default applies when given', () => {
    const r = classifyReplicaHealth([p({topic: 'other', isr: [1]})], {topicMinIsr: {}}).partitions[0]
    expect(r).toMatchObject({minIsr: null, underMinIsr: false, state: 'WARNING'})
    expect(r.reasons).toContain('min.insync.replicas unknown for topic other; min-ISR checks skipped')
    expect(classifyReplicaHealth([p({topic: 'other', isr: [1]})], {topicMinIsr: {}, defaultMinIsr: 2}).partitions[0].state).toBe('CRITICAL')
    expect(() => classifyReplicaHealth([p({})], {topicMinIsr: {t: 0}})).toThrow(/min.insync.replicas 0/)
    expect(() => classifyReplicaHealth([p({replicas: []})], {topicMinIsr: {}})).toThrow(/no replicas/)
  })
})

describe('follower gap', () => {
  it('is leader LEO minus follower LEO when both are measured, otherwise null with the reason', () => {
    const r = one(
      p({
        replicaLogEnds: [
          {broker: 1, logEndOffset: 1000n},
          {broker: 2, logEndOffset: 990},
          {broker: 3, logEndOffset: null, error: 'request timed out'},
        ],
      }),
    )
    expect(r.followers).toEqual([
      {broker: 2, adding: false, inIsr: true, logEndOffset: 990, gap: 10},
      {broker: 3, adding: false, inIsr: true, logEndOffset: null, gap: null, gapNote: 'log end offset of broker 3 could not be read: request timed out'},
    ])
  })

  it('never invents a number: unmeasured, leaderless, or follower ahead of leader', () => {
    expect(one(p({})).followers[0]).toMatchObject({gap: null, gapNote: expect.stringMatching(/not measured .*replica_id=-2/)})
    const leaderless = one(p({leader: -1, replicaLogEnds: [{broker: 1, logEndOffset: 5}, {broker: 2, logEndOffset: 4}]}))
    expect(leaderless.followers.map((f) => f.gap)).toEqual([null, null, null])
    expect(leaderless.followers[0].gapNote).toMatch(/no live leader/)
    const ahead = one(p({replicaLogEnds: [{broker: 1, logEndOffset: 5}, {broker: 2, logEndOffset: 7}, {broker: 3, logEndOffset: 5}]}))
    expect(ahead.followers[0]).toMatchObject({broker: 2, gap: null, logEndOffset: 7, gapNote: expect.stringMatching(/ahead of the leader/)})
    expect(ahead.followers[1]).toMatchObject({broker: 3, gap: 0})
    const noLeaderLeo = one(p({replicaLogEnds: [{broker: 2, logEndOffset: 7}]}))
    expect(noLeaderLeo.followers[0].gapNote).toMatch(/^leader log end offset of broker 1 was not measured/)
  })
})

describe('classifyReplicaHealth properties', () => {
  const partition = fc
    .uniqueArray(fc.integer({min: 1, max: 6}), {minLength: 1, maxLength: 5})
    .chain((replicas) =>
      fc.record({
        topic: fc.constantFrom('a', 'b'),
        partition: fc.nat(50),
        replicas: fc.constant(replicas),
        isr: fc.subarray(replicas),
        leader: fc.oneof(fc.constantFrom(...replicas), fc.constant(-1), fc.constant(null)),
        addingReplicas: fc.subarray(replicas),
        removingReplicas: fc.subarray(replicas),
        replicaLogEnds: fc.array(fc.record({broker: fc.constantFrom(...replicas), logEndOffset: fc.option(fc.nat(100), {nil: null})}), {maxLength: 5}),
      }),
    )
  const escalate = fc.record(
    {
      underReplicated: fc.constantFrom('WARNING' as const, 'CRITICAL' as const),
      atMinIsr: fc.constantFrom('WARNING' as const, 'CRITICAL' as const),
      reassigning: fc.constantFrom('WARNING' as const, 'CRITICAL' as const),
    },
    {requiredKeys: []},
  )

  it('adding replicas are never missing; offline is always CRITICAL; counts add up; gaps are measured or null', () => {
    fc.assert(
      fc.property(fc.array(partition, {maxLength: 8}), fc.option(fc.integer({min: 1, max: 3}), {nil: undefined}), escalate, (parts, minA, esc) => {
        const report = classifyReplicaHealth(parts, {topicMinIsr: minA === undefined ? {} : {a: minA}, defaultMinIsr: undefined, escalate: esc})
        let missingTotal = 0
        parts.forEach((input, i) => {
          const r = report.partitions[i]
          for (const b of input.addingReplicas) expect(r.missingFromIsr).not.toContain(b)
          const expectedMissing = input.replicas.filter((b) => !input.addingReplicas.includes(b) && !input.isr.includes(b))
          expect(r.missingFromIsr).toEqual(expectedMissing)
          expect(r.underReplicated).toBe(expectedMissing.length > 0)
          missingTotal += expectedMissing.length
          const offline = input.leader === null || input.leader === -1
          expect(r.offline).toBe(offline)
          if (offline) expect(r.state).toBe('CRITICAL')
          if (r.underMinIsr) expect(r.state).toBe('CRITICAL')
          if (r.underReplicated) expect(nagiosSeverity(r.state)).toBeGreaterThanOrEqual(nagiosSeverity('WARNING'))
          expect(nagiosSeverity(r.state)).toBeLessThanOrEqual(nagiosSeverity(report.state))
          for (const f of r.followers) {
            expect(f.broker).not.toBe(input.leader)
            if (f.gap === null) expect(f.gapNote).toBeTruthy()
            else {
              expect(f.gap).toBeGreaterThanOrEqual(0)
              expect(offline).toBe(false)
              expect(f.logEndOffset).not.toBeNull()
            }
          }
        })
        expect(report.brokers.reduce((n, b) => n + b.missingFromIsr, 0)).toBe(missingTotal)
        expect(report.counts.offline).toBe(report.partitions.filter((r) => r.state === 'CRITICAL' && r.offline).length)
      }),
      {numRuns: 200},
    )
  })
})

describe('eligible leader replicas (KIP-966)', () => {
  it('under min ISR with a live ELR replica is electable and WARNING', () => {
    // RF 3, min 2: follower 2 fell out of the ISR while it was already at min, so it joined the ELR; it is still up.
    const r = one(p({isr: [1], elr: [2], lastKnownElr: []}), {liveBrokers: [1, 2, 3]})
    expect(r).toMatchObject({underMinIsr: true, underMinIsrElectable: true, underMinIsrNoEligibleLeader: false, eligibleLeaders: [2], elr: [2], lastKnownElr: [], state: 'WARNING'})
    expect(r.reasons[0]).toBe('under min ISR: 1 in sync < min.insync.replicas 2; electable: 2 could take over cleanly (ISR 1, ELR 2)')
  })

  it('under min ISR whose ELR is down (or empty) has no eligible leader and is CRITICAL', () => {
    const down = one(p({isr: [1], elr: [2], lastKnownElr: [3], offlineReplicas: [2, 3]}), {liveBrokers: [1]})
    expect(down).toMatchObject({underMinIsrElectable: false, underMinIsrNoEligibleLeader: true, eligibleLeaders: [], state: 'CRITICAL'})
    expect(down.reasons[0]).toBe(
      'under min ISR: 1 in sync < min.insync.replicas 2; no eligible leader but 1: one more loss takes it offline; ELR 2 down, can lead again once back; last known ELR 3 only by unclean election',
    )
    expect(one(p({isr: [1], elr: []}))).toMatchObject({underMinIsrNoEligibleLeader: true, state: 'CRITICAL'})
    // offlineReplicas alone marks a replica as not live when liveBrokers is not given
    expect(one(p({isr: [1], elr: [2], offlineReplicas: [2]}))).toMatchObject({underMinIsrNoEligibleLeader: true, state: 'CRITICAL'})
  })

  it('a live ISR member other than the leader is eligible too (min ISR above the ISR size)', () => {
    const r = one(p({isr: [1, 2], elr: []}), {topicMinIsr: {t: 3}, liveBrokers: [1, 2, 3]})
    expect(r).toMatchObject({underMinIsrElectable: true, eligibleLeaders: [2], state: 'WARNING'})
  })

  it('unknown ELR (no API 75, feature off) keeps the old verdict: under min ISR is CRITICAL, no flag set', () => {
    for (const elr of [undefined, null]) {
      const r = one(p({isr: [1], elr}))
      expect(r).toMatchObject({state: 'CRITICAL', elr: null, lastKnownElr: null, eligibleLeaders: null, underMinIsrElectable: false, underMinIsrNoEligibleLeader: false})
    }
  })

  it('offline stays CRITICAL and says who may lead; counts add the two flags', () => {
    const report = classifyReplicaHealth(
      [p({leader: -1, isr: [], elr: [2, 3], offlineReplicas: [1]}), p({partition: 1, leader: -1, isr: [], elr: [1], offlineReplicas: [1]}), p({partition: 2, leader: 2, isr: [2], elr: [3]})],
      {topicMinIsr: {t: 2}, liveBrokers: [2, 3]},
    )
    const [a, b] = report.partitions
    expect(a).toMatchObject({offline: true, state: 'CRITICAL', underMinIsrElectable: true, eligibleLeaders: [2, 3]})
    expect(a.reasons[0]).toBe('offline: no leader (offline replica(s) 1); eligible to lead: 2,3')
    expect(b).toMatchObject({offline: true, state: 'CRITICAL', underMinIsrNoEligibleLeader: true})
    expect(b.reasons[0]).toBe('offline: no leader (offline replica(s) 1); ELR 1 (down) can lead once back')
    expect(report.partitions[2]).toMatchObject({offline: false, state: 'WARNING', underMinIsrElectable: true, eligibleLeaders: [3]})
    expect(report.counts).toMatchObject({offline: 2, underMinIsr: 3, underMinIsrElectable: 2, underMinIsrNoEligibleLeader: 1})
  })

  const withElr = fc
    .uniqueArray(fc.integer({min: 1, max: 6}), {minLength: 1, maxLength: 5})
    .chain((replicas) =>
      fc.record({
        topic: fc.constant('t'),
        partition: fc.nat(50),
        replicas: fc.constant(replicas),
        isr: fc.subarray(replicas),
        leader: fc.oneof(fc.constantFrom(...replicas), fc.constant(-1)),
        elr: fc.option(fc.subarray(replicas), {nil: null}),
        lastKnownElr: fc.option(fc.subarray(replicas), {nil: null}),
        offlineReplicas: fc.subarray(replicas),
      }),
    )
  const opts = fc.record({min: fc.integer({min: 1, max: 4}), live: fc.option(fc.uniqueArray(fc.integer({min: 1, max: 6})), {nil: undefined})})

  it('the two flags split under-min-ISR exactly when the ELR is known; electable means a live clean candidate', () => {
    fc.assert(
      fc.property(withElr, opts, (input, o) => {
        const r = one(input, {topicMinIsr: {t: o.min}, liveBrokers: o.live})
        expect(r.underMinIsrElectable && r.underMinIsrNoEligibleLeader).toBe(false)
        if (input.elr === null) {
          expect(r.eligibleLeaders).toBeNull()
          expect(r.underMinIsrElectable || r.underMinIsrNoEligibleLeader).toBe(false)
          return
        }
        expect(r.underMinIsrElectable || r.underMinIsrNoEligibleLeader).toBe(r.underMinIsr)
        for (const id of r.eligibleLeaders!) {
          expect(id).not.toBe(r.leader)
          expect([...input.isr, ...input.elr]).toContain(id)
          expect(input.offlineReplicas).not.toContain(id)
          if (o.live) expect(o.live).toContain(id)
        }
        if (r.underMinIsrNoEligibleLeader) expect(r.state).toBe('CRITICAL')
        if (r.offline) expect(r.state).toBe('CRITICAL')
        if (r.underMinIsrElectable && !r.offline) expect(r.state).toBe('WARNING')
      }),
      {numRuns: 300},
    )
  })

  it('knowing the ELR never makes a verdict worse than not knowing it', () => {
    fc.assert(
      fc.property(withElr, opts, (input, o) => {
        const o2 = {topicMinIsr: {t: o.min}, liveBrokers: o.live}
        const known = one(input, o2)
        const unknown = one({...input, elr: null, lastKnownElr: null}, o2)
        expect(nagiosSeverity(known.state)).toBeLessThanOrEqual(nagiosSeverity(unknown.state))
        expect({...known, elr: null, lastKnownElr: null, eligibleLeaders: null, underMinIsrElectable: false, underMinIsrNoEligibleLeader: false, state: null, reasons: null}).toEqual({
          ...unknown,
          state: null,
          reasons: null,
        })
      }),
      {numRuns: 300},
    )
  })
})

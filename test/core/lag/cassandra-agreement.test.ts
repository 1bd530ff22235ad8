import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {
  checkSchemaAgreement,
  disagreementAgeMs,
  evaluateGossipViews,
  GOSSIP_HEARTBEAT_LAG,
  judgeSchemaAgreement,
  schemaRecheckDelay,
  type GossipObserverView,
  type SchemaNodeView,
  type TimedSchemaCheck,
} from '../../../src/core/lag/cassandra-agreement.js'

const A = 'aaaaaaaa-0000-0000-0000-000000000000'
const B = 'bbbbbbbb-0000-0000-0000-000000000000'
const ADDR = ['10.0.0.1', '10.0.0.2', '10.0.0.3']

/** Every node at its own version, seeing each peer at that peer's version (a consistent cluster). */
const consistent = (own: string[]): SchemaNodeView[] =>
  own.map((v, i) => ({address: ADDR[i]!, schemaVersion: v, peers: own.flatMap((pv, j) => (j === i ? [] : [{address: ADDR[j]!, schemaVersion: pv}]))}))

const agreeing = checkSchemaAgreement(consistent([A, A, A]))
const split = checkSchemaAgreement(consistent([A, A, B]))
const timed = (...xs: [number, boolean][]): TimedSchemaCheck[] => xs.map(([at, ok]) => ({at, check: ok ? agreeing : split}))

describe('checkSchemaAgreement', () => {
  it('one version everywhere agrees', () => {
    expect(agreeing).toMatchObject({agreement: true, versions: {[A]: ADDR}, disagreements: []})
  })

  it('two versions among the nodes that answered disagree, and each node seeing a peer elsewhere is named', () => {
    expect(split.agreement).toBe(false)
    expect(split.versions).toEqual({[A]: ['10.0.0.1', '10.0.0.2'], [B]: ['10.0.0.3']})
    expect(split.disagreements[0]).toBe('2 schema versions: aaaaaaaa (10.0.0.1, 10.0.0.2), bbbbbbbb (10.0.0.3)')
    expect(split.disagreements).toContain('10.0.0.1 (at aaaaaaaa) sees 10.0.0.3 at bbbbbbbb')
    expect(split.disagreements).toContain('10.0.0.3 (at bbbbbbbb) sees 10.0.0.2 at aaaaaaaa')
  })

  it('an unreachable node its peers still see at an older version is a disagreement (schema changed while it was down)', () => {
    const up = consistent([B, B, A]).slice(0, 2)
    const r = checkSchemaAgreement(up, ['10.0.0.3'])
    expect(r.agreement).toBe(false)
    expect(r.versions).toEqual({[B]: ['10.0.0.1', '10.0.0.2']})
    expect(r.unreachable).toEqual(['10.0.0.3'])
    expect(r.disagreements).toEqual(['10.0.0.1 (at bbbbbbbb) sees 10.0.0.3 (unreachable) at aaaaaaaa', '10.0.0.2 (at bbbbbbbb) sees 10.0.0.3 (unreachable) at aaaaaaaa'])
  })

  it('a peer whose version is not known yet (null) is not a disagreement', () => {
    const views = consistent([A, A])
    views[0]!.peers[0]!.schemaVersion = null
    expect(checkSchemaAgreement(views).agreement).toBe(true)
  })

  test.prop([fc.array(fc.constantFrom(A, B), {minLength: 1, maxLength: 3}), fc.subarray([0, 1, 2])], {numRuns: 100})(
    'property: agreement holds exactly when every node that answered, and every peer view, has one version',
    (own, hidden) => {
      const views = consistent(own).filter((_, i) => !hidden.includes(i))
      const r = checkSchemaAgreement(views)
      const seen = new Set(views.flatMap((v) => [v.schemaVersion, ...v.peers.map((p) => p.schemaVersion)]))
      expect(r.agreement).toBe(seen.size <= 1)
      expect(Object.values(r.versions).flat().sort()).toEqual(views.map((v) => v.address).sort())
    },
  )
})

describe('schema grace period', () => {
  it('the age of a disagreement runs from the first of the trailing disagreeing checks', () => {
    expect(disagreementAgeMs(timed([0, false], [500, true], [1000, false], [4000, false]))).toBe(3000)
    expect(disagreementAgeMs(timed([0, false], [500, true]))).toBeNull()
    expect(disagreementAgeMs([])).toBeNull()
  })

  it('re-checks every second until the disagreement has lasted the grace period, never past it', () => {
    expect(schemaRecheckDelay(timed([0, true], [900, true]), 30_000, 900)).toBeNull()
    expect(schemaRecheckDelay(timed([0, false], [900, false]), 30_000, 900)).toBe(1000)
    expect(schemaRecheckDelay(timed([0, false], [29_500, false]), 30_000, 29_600)).toBe(400)
    expect(schemaRecheckDelay(timed([0, false], [30_000, false]), 30_000, 30_000)).toBeNull()
    expect(schemaRecheckDelay(timed([0, false]), 0, 0)).toBeNull()
  })

  it('WARNING when the last check disagrees and the disagreement has lasted the grace period; OK with a note within it', () => {
    const w = judgeSchemaAgreement(timed([0, false], [30_000, false]), 30_000)
    expect(w).toMatchObject({state: 'WARNING', agreement: false, disagreementMs: 30_000, note: null})
    expect(w.reason).toMatch(/^schema disagreement for 30s \(grace 30s\): 2 schema versions/)
    const within = judgeSchemaAgreement(timed([0, false], [1000, false]), 30_000)
    expect(within).toMatchObject({state: 'OK', agreement: false, disagreementMs: 1000, reason: null})
    expect(within.note).toMatch(/within the grace period/)
    expect(judgeSchemaAgreement(timed([0, false], [1000, true]), 30_000)).toMatchObject({state: 'OK', agreement: true, note: expect.stringMatching(/resolved/)})
    expect(judgeSchemaAgreement(timed([0, false]), 0).state).toBe('WARNING')
  })

  test.prop([fc.array(fc.tuple(fc.nat(5000), fc.boolean()), {minLength: 1, maxLength: 8}), fc.nat(20_000)], {numRuns: 200})(
    'property: WARNING exactly when the last check disagrees and has for at least the grace period; a recheck is asked only before that',
    (steps, graceMs) => {
      let at = 0
      const checks = timed(...steps.map(([d, ok]): [number, boolean] => [(at += d), ok]))
      const j = judgeSchemaAgreement(checks, graceMs)
      const age = disagreementAgeMs(checks)
      expect(j.state === 'WARNING').toBe(age !== null && age >= graceMs)
      expect(j.agreement).toBe(checks[checks.length - 1]!.check.agreement)
      const delay = schemaRecheckDelay(checks, graceMs, at)
      if (j.state === 'WARNING' || j.agreement) expect(delay).toBeNull()
      else expect(delay).toBeGreaterThan(0)
    },
  )
})

const ep = (address: string, heartbeat: number, status: string | null = 'NORMAL,1', generation = 100) => ({address, status, generation, heartbeat})

describe('evaluateGossipViews', () => {
  it('a node every other node saw shut down is DOWN for all: no split view, no WARNING', () => {
    const views: GossipObserverView[] = ADDR.slice(0, 2).map((o) => ({observer: o, endpoints: [ep(ADDR[0]!, 50), ep(ADDR[1]!, 51), ep(ADDR[2]!, 2147483647, 'shutdown,true')]}))
    const r = evaluateGossipViews(views)
    expect(r.find((g) => g.address === ADDR[2])).toEqual({address: ADDR[2], seenDownBy: ADDR.slice(0, 2), seenUpBy: [], state: 'OK'})
    expect(r.every((g) => g.state === 'OK')).toBe(true)
    expect(r.find((g) => g.address === ADDR[0])).toMatchObject({seenDownBy: [], seenUpBy: [ADDR[1]]})
  })

  it('a node one peer has stopped hearing from (stale heartbeat) while others hear it is a split view: WARNING', () => {
    const views: GossipObserverView[] = [
      {observer: ADDR[0]!, endpoints: [ep(ADDR[0]!, 500), ep(ADDR[1]!, 500), ep(ADDR[2]!, 500)]},
      {observer: ADDR[1]!, endpoints: [ep(ADDR[0]!, 499), ep(ADDR[1]!, 500), ep(ADDR[2]!, 500 - GOSSIP_HEARTBEAT_LAG - 1)]},
      {observer: ADDR[2]!, endpoints: [ep(ADDR[0]!, 498), ep(ADDR[1]!, 500), ep(ADDR[2]!, 500)]},
    ]
    const r = evaluateGossipViews(views)
    expect(r.find((g) => g.address === ADDR[2])).toEqual({address: ADDR[2], seenDownBy: [ADDR[1]], seenUpBy: [ADDR[0]], state: 'WARNING'})
    expect(r.filter((g) => g.state === 'WARNING')).toHaveLength(1)
  })

  it('an observer still holding an older generation (it missed a restart) sees the node DOWN', () => {
    const views: GossipObserverView[] = [
      {observer: ADDR[0]!, endpoints: [ep(ADDR[2]!, 3, 'NORMAL,1', 200)]},
      {observer: ADDR[1]!, endpoints: [ep(ADDR[2]!, 900, 'NORMAL,1', 100)]},
    ]
    expect(evaluateGossipViews(views)[0]).toMatchObject({address: ADDR[2], seenDownBy: [ADDR[1]], seenUpBy: [ADDR[0]], state: 'WARNING'})
  })

  test.prop(
    [
      fc.array(
        fc.record({observer: fc.constantFrom(...ADDR), endpoints: fc.array(fc.record({address: fc.constantFrom(...ADDR), status: fc.constantFrom('NORMAL,1', 'shutdown,true', null), generation: fc.constantFrom(1, 2), heartbeat: fc.nat(40)}), {maxLength: 4})}),
        {maxLength: 4},
      ),
    ],
    {numRuns: 200},
  )('property: a node never judges itself, no observer is both UP and DOWN, WARNING exactly for split views', (views) => {
    for (const g of evaluateGossipViews(views)) {
      expect(g.seenDownBy).not.toContain(g.address)
      expect(g.seenUpBy).not.toContain(g.address)
      expect(g.seenDownBy.filter((o) => g.seenUpBy.includes(o))).toEqual([])
      expect(g.state === 'WARNING').toBe(g.seenDownBy.length > 0 && g.seenUpBy.length > 0)
    }
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {evaluateCanary, type CanaryReplica} from '../../../src/core/lag/canary.js'
import {nagiosSeverity} from '../../../src/core/lag/nagios.js'

const th = {warnTimeLagMs: 500, critTimeLagMs: 5000}
const rep = (address: string, dc: string, delays: (number | null)[], over: Partial<CanaryReplica> = {}): CanaryReplica => ({
  address,
  dc,
  rack: 'r1',
  state: 'UP',
  samples: delays.map((seenAfterMs) => ({seenAfterMs})),
  ...over,
})

describe('evaluateCanary', () => {
  it('all replicas saw the write quickly: OK with p50 and max over all measurements', () => {
    const r = evaluateCanary({replicas: [rep('10.0.0.1', 'dc1', [3, 5]), rep('10.0.0.2', 'dc1', [4]), rep('10.1.0.1', 'dc2', [120, 80])]}, th)
    expect(r.state).toBe('OK')
    expect(r.p50Ms).toBe(5) // sorted 3,4,5,80,120
    expect(r.maxMs).toBe(120)
    expect(r.dcs).toEqual([
      {dc: 'dc1', replicas: 2, p50Ms: 4, maxMs: 5, state: 'OK', seen: 3, missed: 0},
      {dc: 'dc2', replicas: 1, p50Ms: 80, maxMs: 120, state: 'OK', seen: 2, missed: 0},
    ])
    expect(r.reasons).toEqual([])
  })

  it('per DC: the worst state of its replicas and the writes they saw and missed; a remote DC that misses a write does not taint the local one', () => {
    const r = evaluateCanary({replicas: [rep('a', 'dc1', [3, 4]), rep('b', 'dc1', [5, 6]), rep('c', 'dc2', [70, null]), rep('d', 'dc2', [900, 80])]}, th)
    expect(r.dcs).toEqual([
      {dc: 'dc1', replicas: 2, p50Ms: 4, maxMs: 6, state: 'OK', seen: 4, missed: 0},
      {dc: 'dc2', replicas: 2, p50Ms: 80, maxMs: 900, state: 'CRITICAL', seen: 3, missed: 1},
    ])
    expect(r.state).toBe('CRITICAL')
  })

  it('slow propagation over warn is WARNING, over crit is CRITICAL', () => {
    const r = evaluateCanary({replicas: [rep('a', 'dc1', [10]), rep('b', 'dc2', [900])]}, th)
    expect(r.state).toBe('WARNING')
    expect(r.replicas[1]).toMatchObject({state: 'WARNING', reason: 'slow propagation 900ms exceeds warn 500ms', maxSeenAfterMs: 900})
    expect(evaluateCanary({replicas: [rep('b', 'dc2', [6000])]}, th).replicas[0].reason).toBe('propagation 6.0s exceeds crit 5.0s')
  })

  it('a replica that never saw the write, failed, or is DOWN is CRITICAL', () => {
    const r = evaluateCanary(
      {
        replicas: [
          rep('a', 'dc1', [10, null]),
          {...rep('b', 'dc2', []), samples: [{seenAfterMs: null, error: 'NoHostAvailableError'}]},
          rep('c', 'dc2', [5], {state: 'DOWN'}),
        ],
      },
      th,
    )
    expect(r.replicas.map((x) => [x.state, x.reason])).toEqual([
      ['CRITICAL', 'never saw 1 of 2 canary write(s)'],
      ['CRITICAL', 'unreachable: NoHostAvailableError'],
      ['CRITICAL', 'replica is DOWN'],
    ])
    expect(r.state).toBe('CRITICAL')
    expect(r.p50Ms).toBe(5) // 10 and 5 are the only measurements
    expect(r.maxMs).toBe(10)
  })

  it('unprobed replicas are UNKNOWN; no replicas at all is UNKNOWN', () => {
    expect(evaluateCanary({replicas: [rep('a', 'dc1', [])]}, th).state).toBe('UNKNOWN')
    const none = evaluateCanary({replicas: []}, th)
    expect(none).toMatchObject({state: 'UNKNOWN', p50Ms: null, maxMs: null, reasons: ['no replicas were probed']})
  })

  it('pending hints warn; an unavailable hints table is only a note', () => {
    const r = evaluateCanary({replicas: [rep('a', 'dc1', [1])], hints: [{address: 'a', pendingHints: 3}, {address: 'b', pendingHints: null}, {address: 'c', pendingHints: 0}]}, th)
    expect(r.state).toBe('WARNING')
    expect(r.reasons).toEqual(['a holds 3 pending hint(s): a replica missed writes'])
    expect(r.hints[1]).toEqual({address: 'b', pendingHints: null, note: 'system_views.pending_hints not available (needs Cassandra 4.1+)'})
    expect(evaluateCanary({replicas: [rep('a', 'dc1', [1])], hints: [{address: 'b', pendingHints: null}]}, th).state).toBe('OK')
    expect(() => evaluateCanary({replicas: [rep('a', 'dc1', [-1])]}, th)).toThrow(/not a duration/)
  })

  it('property: overall state is at least every replica state, and a replica that missed a write is CRITICAL', () => {
    const replica = fc.record({
      address: fc.string({maxLength: 5}),
      dc: fc.constantFrom('dc1', 'dc2'),
      rack: fc.constant('r'),
      state: fc.constantFrom('UP' as const, 'DOWN' as const, 'UNKNOWN' as const),
      samples: fc.array(fc.record({seenAfterMs: fc.option(fc.nat(10_000), {nil: null})}), {maxLength: 4}),
    })
    fc.assert(
      fc.property(fc.array(replica, {minLength: 1, maxLength: 6}), (replicas) => {
        const r = evaluateCanary({replicas}, th)
        replicas.forEach((input, i) => {
          expect(nagiosSeverity(r.replicas[i].state)).toBeLessThanOrEqual(nagiosSeverity(r.state))
          if (input.samples.some((s) => s.seenAfterMs === null)) expect(r.replicas[i].state).toBe('CRITICAL')
        })
        const seen = replicas.flatMap((x) => x.samples.map((s) => s.seenAfterMs)).filter((v): v is number => v !== null)
        expect(r.maxMs).toBe(seen.length ? Math.max(...seen) : null)
        if (r.p50Ms !== null) expect(r.p50Ms).toBeLessThanOrEqual(r.maxMs!)
      }),
    )
  })
})

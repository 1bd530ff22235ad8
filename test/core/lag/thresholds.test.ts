import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {BURROW_STATUSES} from '../../../src/core/lag/burrow.js'
import {nagiosExitCode, nagiosSeverity, worstNagiosState} from '../../../src/core/lag/nagios.js'
import {evaluateLagState, NO_THRESHOLDS, parseLagThresholds, type LagThresholds} from '../../../src/core/lag/thresholds.js'
import {thrownFleetopsError} from '../../support/thrown-fleetops-error.js'

describe('parseLagThresholds', () => {
  it('parses message counts and durations; unset flags are null', () => {
    expect(parseLagThresholds({warnLag: '1000', critLag: ' 5000 ', warnTimeLag: '30s', critTimeLag: '5m'})).toEqual({
      warnLag: 1000,
      critLag: 5000,
      warnTimeLagMs: 30_000,
      critTimeLagMs: 300_000,
    })
    expect(parseLagThresholds({})).toEqual(NO_THRESHOLDS)
    expect(parseLagThresholds({warnLag: '0', critLag: '0', warnTimeLag: '0s'})).toEqual({warnLag: 0, critLag: 0, warnTimeLagMs: 0, critTimeLagMs: null})
  })

  it('rejects non-integers, negatives and unit-less durations with a one-line fix', () => {
    for (const bad of ['-1', '1.5', 'abc', '', '1e3', '99999999999999999999']) {
      const err = thrownFleetopsError(() => parseLagThresholds({warnLag: bad}))
      expect(err.code).toBe('BAD_INPUT')
      expect(err.exit).toBe(2)
      expect(err.message).toMatch(/^--warn-lag .* use an integer >= 0, e\.g\. --warn-lag 1000$/)
      expect(err.message).not.toContain('\n')
    }
    expect(thrownFleetopsError(() => parseLagThresholds({critTimeLag: '30'})).message).toMatch(/--crit-time-lag "30" is not a duration/)
  })

  it('warn above crit is refused, equal is allowed', () => {
    expect(thrownFleetopsError(() => parseLagThresholds({warnLag: '5001', critLag: '5000'})).message).toBe(
      '--warn-lag 5001 is above --crit-lag 5000; warn must not exceed crit, so lower --warn-lag or raise --crit-lag',
    )
    expect(thrownFleetopsError(() => parseLagThresholds({warnTimeLag: '5m', critTimeLag: '1m'})).message).toMatch(/warn must not exceed crit/)
    expect(parseLagThresholds({warnLag: '7', critLag: '7'})).toMatchObject({warnLag: 7, critLag: 7})
  })

  it('property: parsing succeeds exactly when warn <= crit', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat({max: 3600}), fc.nat({max: 3600}), (w, c, wt, ct) => {
        const ok = w <= c && wt <= ct
        const run = () => parseLagThresholds({warnLag: String(w), critLag: String(c), warnTimeLag: `${wt}s`, critTimeLag: `${ct}s`})
        if (ok) {
          const t = run()
          expect(t.warnLag! <= t.critLag!).toBe(true)
          expect(t.warnTimeLagMs).toBe(wt * 1000)
        } else expect(run).toThrow(/warn must not exceed crit/)
      }),
    )
  })
})

describe('nagios states', () => {
  it('exit codes follow the plugin API', () => {
    expect([nagiosExitCode('OK'), nagiosExitCode('WARNING'), nagiosExitCode('CRITICAL'), nagiosExitCode('UNKNOWN')]).toEqual([0, 1, 2, 3])
  })
  it('worst: CRITICAL > WARNING > UNKNOWN > OK; empty is UNKNOWN', () => {
    expect(worstNagiosState(['OK', 'UNKNOWN'])).toBe('UNKNOWN')
    expect(worstNagiosState(['UNKNOWN', 'WARNING'])).toBe('WARNING')
    expect(worstNagiosState(['CRITICAL', 'WARNING', 'OK'])).toBe('CRITICAL')
    expect(worstNagiosState([])).toBe('UNKNOWN')
    expect(worstNagiosState([], 'OK')).toBe('OK')
  })
})

describe('evaluateLagState', () => {
  const t: LagThresholds = {warnLag: 1000, critLag: 5000, warnTimeLagMs: 60_000, critTimeLagMs: 300_000}

  it('alerts when a value exceeds the threshold', () => {
    expect(evaluateLagState({lag: 1000, timeLagMs: null}, t)).toEqual({state: 'OK', reason: 'lag 1000'})
    expect(evaluateLagState({lag: 1001, timeLagMs: null}, t)).toEqual({state: 'WARNING', reason: 'lag 1001 exceeds warn 1000'})
    // Exactly at a threshold does not alert (Nagios "~:N" ranges alert only above N).
    expect(evaluateLagState({lag: 5000, timeLagMs: 300_000}, t).state).toBe('WARNING')
    expect(evaluateLagState({lag: 5001, timeLagMs: 1000}, t)).toEqual({state: 'CRITICAL', reason: 'lag 5001 exceeds crit 5000, time lag 1.0s'})
    expect(evaluateLagState({lag: 10, timeLagMs: 301_000}, t)).toEqual({state: 'CRITICAL', reason: 'time lag 5m1s exceeds crit 5m0s, lag 10'})
  })

  it('maps Burrow statuses: STOP/STALL critical, WARN/REWIND warning, INCOMPLETE no evidence', () => {
    const expected = {OK: 'OK', INCOMPLETE: 'OK', WARN: 'WARNING', REWIND: 'WARNING', STALL: 'CRITICAL', STOP: 'CRITICAL'} as const
    for (const b of BURROW_STATUSES) expect(evaluateLagState({lag: 5, timeLagMs: null, burrowStatus: b}, NO_THRESHOLDS).state).toBe(expected[b])
    expect(evaluateLagState({lag: 5, timeLagMs: null, burrowStatus: 'STALL'}, NO_THRESHOLDS).reason).toBe('burrow STALL, lag 5')
    // The mapping can be overridden, e.g. to ignore rewinds.
    expect(evaluateLagState({lag: 5, timeLagMs: null, burrowStatus: 'REWIND'}, NO_THRESHOLDS, {REWIND: null}).state).toBe('OK')
  })

  it('unknown lag is UNKNOWN only without other evidence', () => {
    expect(evaluateLagState({lag: null, timeLagMs: null}, t)).toEqual({state: 'UNKNOWN', reason: 'lag unknown (no committed offset) and no other evidence'})
    expect(evaluateLagState({lag: null, timeLagMs: null, burrowStatus: 'INCOMPLETE'}, t).state).toBe('UNKNOWN')
    expect(evaluateLagState({lag: null, timeLagMs: null, burrowStatus: 'STOP'}, t).state).toBe('CRITICAL')
    expect(evaluateLagState({lag: null, timeLagMs: 120_000}, t).state).toBe('WARNING')
  })

  const thresholds = fc
    .tuple(fc.option(fc.nat(10_000), {nil: null}), fc.option(fc.nat(10_000), {nil: null}), fc.option(fc.nat(600_000), {nil: null}), fc.option(fc.nat(600_000), {nil: null}))
    .map(([a, b, c, d]): LagThresholds => ({
      warnLag: a !== null && b !== null ? Math.min(a, b) : a,
      critLag: a !== null && b !== null ? Math.max(a, b) : b,
      warnTimeLagMs: c !== null && d !== null ? Math.min(c, d) : c,
      critTimeLagMs: c !== null && d !== null ? Math.max(c, d) : d,
    }))
  const burrow = fc.option(fc.constantFrom(...BURROW_STATUSES), {nil: null})
  const time = fc.option(fc.nat(1_000_000), {nil: null})

  it('property: raising lag or time lag never improves the state', () => {
    fc.assert(
      fc.property(thresholds, fc.nat(20_000), fc.nat(20_000), time, burrow, (th, a, b, tl, bs) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        const low = evaluateLagState({lag: lo, timeLagMs: tl, burrowStatus: bs}, th)
        const high = evaluateLagState({lag: hi, timeLagMs: tl, burrowStatus: bs}, th)
        expect(nagiosSeverity(high.state)).toBeGreaterThanOrEqual(nagiosSeverity(low.state))
        if (tl !== null) {
          const later = evaluateLagState({lag: lo, timeLagMs: tl + b, burrowStatus: bs}, th)
          expect(nagiosSeverity(later.state)).toBeGreaterThanOrEqual(nagiosSeverity(low.state))
        }
      }),
    )
  })

  it('property: a known lag is never UNKNOWN, and is at least WARNING above warn', () => {
    fc.assert(
      fc.property(thresholds, fc.nat(20_000), time, burrow, (th, lag, tl, bs) => {
        const v = evaluateLagState({lag, timeLagMs: tl, burrowStatus: bs}, th)
        expect(v.state).not.toBe('UNKNOWN')
        if (th.warnLag !== null && lag > th.warnLag) expect(nagiosSeverity(v.state)).toBeGreaterThanOrEqual(nagiosSeverity('WARNING'))
        if (th.critLag !== null && lag > th.critLag) expect(v.state).toBe('CRITICAL')
      }),
    )
  })

  it('property: null lag with no time lag and no Burrow judgement is never OK', () => {
    fc.assert(
      fc.property(thresholds, fc.constantFrom(null, 'INCOMPLETE' as const), (th, bs) => {
        expect(evaluateLagState({lag: null, timeLagMs: null, burrowStatus: bs}, th).state).toBe('UNKNOWN')
      }),
    )
  })
})

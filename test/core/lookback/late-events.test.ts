import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {LateEventLog, isLate, isNewStraggler} from '../../../src/core/lookback/late-events.js'

const day = {day: '2026-11-19', startMs: Date.UTC(2026, 10, 19), endMs: Date.UTC(2026, 10, 20)}
const B = Date.UTC(2026, 10, 20) // previous run covered up to 11-19 (its as-of)

describe('isLate', () => {
  it('first run: late only if it arrived at or after the end of its day', () => {
    expect(isLate(day, day.endMs - 1, null)).toBe(false)
    expect(isLate(day, day.endMs, null)).toBe(true)
  })

  it('a day the previous run covered: late only if it arrived at or after that run\'s boundary', () => {
    const earlier = {day: '2026-11-17', startMs: Date.UTC(2026, 10, 17), endMs: Date.UTC(2026, 10, 18)}
    expect(isLate(earlier, Date.UTC(2026, 10, 19, 12), B)).toBe(false) // after its day, but before the boundary: already published
    expect(isLate(earlier, B - 1, B)).toBe(false)
    expect(isLate(earlier, B, B)).toBe(true)
  })

  it('a day after the previous run\'s as-of: late if it arrived after its own day', () => {
    const newer = {day: '2026-11-20', startMs: Date.UTC(2026, 10, 20), endMs: Date.UTC(2026, 10, 21)}
    expect(isLate(newer, Date.UTC(2026, 10, 20, 23), B)).toBe(false)
    expect(isLate(newer, newer.endMs, B)).toBe(true)
  })

  it('unknown arrival times are never late', () => {
    expect(isLate(day, -1, null)).toBe(false)
    expect(isLate(day, NaN, B)).toBe(false)
  })

  it('equals "arrival >= max(day end, boundary)" and is monotone in arrival', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 2e12}), fc.integer({min: 0, max: 2e12}), fc.option(fc.integer({min: 0, max: 2e12}), {nil: null}), fc.nat(1e9), (end, arrival, boundary, later) => {
        const interval = {endMs: end}
        const late = isLate(interval, arrival, boundary)
        expect(late).toBe(arrival >= end && (boundary === null || arrival >= boundary))
        if (late) expect(isLate(interval, arrival + later, boundary)).toBe(true)
      }),
      {numRuns: 300},
    )
  })
})

describe('LateEventLog', () => {
  it('counts exactly per day, names the first few events and survives a checkpoint', () => {
    const a = new LateEventLog(2)
    for (let offset = 0; offset < 5; offset++) {
      a.add({ref: {kind: 'kafka', topic: 't', partition: 1, offset: String(offset)}, day: offset < 3 ? '2026-11-18' : '2026-11-19', group: 'g', eventMs: 1, arrivalMs: 2})
    }
    const b = LateEventLog.fromState(JSON.parse(JSON.stringify(a.toState())), 2)
    b.add({ref: {kind: 'cassandra', key: {day: '2026-11-18', bucket: '3', ts: '1', id: 'x'}}, day: '2026-11-18', group: '', eventMs: 1, arrivalMs: 2})
    expect(b.count('2026-11-18')).toBe(4)
    expect(b.count('2026-11-19')).toBe(2)
    expect(b.count()).toBe(6)
    expect(b.exampleList().map((e) => (e.ref.kind === 'kafka' ? e.ref.offset : 'cassandra'))).toEqual(['0', '1'])
    expect(() => LateEventLog.fromState({perDay: {x: 1}, examples: []})).toThrow(/malformed/)
  })
})

describe('isNewStraggler', () => {
  const day = {endMs: Date.UTC(2026, 10, 19)}
  const B = Date.UTC(2026, 10, 21)
  it('is late against the previous boundary and unseen by the previous run', () => {
    expect(isNewStraggler(day, B + 1, B, false)).toBe(true)
    expect(isNewStraggler(day, B - 1, B, false)).toBe(false)
    // Seen by the previous run (offset below its end offsets): not new, whatever its arrival.
    expect(isNewStraggler(day, B + 1, B, true)).toBe(false)
    // First run: late means arrived after its own day.
    expect(isNewStraggler(day, day.endMs, null, false)).toBe(true)
    expect(isNewStraggler(day, day.endMs - 1, null, false)).toBe(false)
  })
})

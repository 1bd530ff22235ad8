import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {ADVICE_FRACTION, LatenessProfile, smallestWindow} from '../../../src/core/lookback/lateness.js'
import {dayInterval} from '../../../src/core/lookback/zoned-day.js'

const TZ = 'America/New_York'
const DAYS = ['2026-10-31', '2026-11-01', '2026-11-02'] // 11-01 is the DST-end day (25 h)
const HOUR = 3_600_000

/** An event: its day index, an offset into that day, and how long after it happened it arrived. */
const eventArb = fc.record({day: fc.integer({min: 0, max: 2}), at: fc.integer({min: 0, max: 24 * HOUR - 1}), delay: fc.oneof(fc.integer({min: 0, max: 10_000}), fc.integer({min: 0, max: 9 * 24 * HOUR})), unknown: fc.boolean()})
type Ev = {day: number; at: number; delay: number; unknown: boolean}

function feed(profile: LatenessProfile, events: readonly Ev[]): void {
  for (const e of events) {
    const interval = dayInterval(DAYS[e.day]!, TZ)
    const eventMs = interval.startMs + e.at
    profile.add(DAYS[e.day]!, interval, eventMs, e.unknown && e.delay % 7 === 0 ? -1 : eventMs + e.delay)
  }
}

/** The window each late event needed, counted from calendar days in the zone (independently of the profile). */
function neededWindows(events: readonly Ev[]): number[] {
  const localDay = (ms: number): string => new Intl.DateTimeFormat('en-CA', {timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit'}).format(ms)
  const out: number[] = []
  for (const e of events) {
    if (e.unknown && e.delay % 7 === 0) continue
    const interval = dayInterval(DAYS[e.day]!, TZ)
    const arrival = interval.startMs + e.at + e.delay
    if (arrival < interval.endMs) continue
    out.push((Date.parse(localDay(arrival)) - Date.parse(DAYS[e.day]!)) / 86_400_000 + 1)
  }
  return out
}

describe('LatenessProfile', () => {
  it('merged from any split of the events equals the single pass, and survives its state', () => {
    fc.assert(
      fc.property(fc.array(eventArb, {maxLength: 80}), fc.integer({min: 0, max: 80}), (events, cut) => {
        const whole = new LatenessProfile(TZ)
        feed(whole, events)
        const a = new LatenessProfile(TZ)
        const b = new LatenessProfile(TZ)
        feed(a, events.slice(0, cut))
        feed(b, events.slice(cut))
        b.merge(a)
        expect(b.toState()).toEqual(whole.toState())
        expect(LatenessProfile.fromState(JSON.parse(JSON.stringify(whole.toState())), TZ).toState()).toEqual(whole.toState())
      }),
    )
  })

  it('counts late events, their max lateness and the window each needed, as calendar days in the zone say', () => {
    fc.assert(
      fc.property(fc.array(eventArb, {maxLength: 60}), (events) => {
        const p = new LatenessProfile(TZ)
        feed(p, events)
        const needed = neededWindows(events)
        const advice = p.windowAdvice()
        expect(advice.lateEvents).toBe(needed.length)
        const sorted = [...needed].sort((x, y) => x - y)
        expect(advice.windowDays).toBe(needed.length === 0 ? 1 : sorted[Math.ceil(ADVICE_FRACTION * needed.length) - 1])
        const known = events.filter((e) => !(e.unknown && e.delay % 7 === 0))
        const days = p.days(DAYS)
        expect(days.reduce((n, d) => n + d.events, 0)).toBe(known.length)
        for (const [i, d] of days.entries()) {
          const mine = known.filter((e) => e.day === i).map((e) => e.delay)
          expect(d.maxMs).toBe(mine.length === 0 ? null : Math.max(...mine))
          if (mine.length > 0) {
            const exact = [...mine].sort((x, y) => x - y)[Math.floor(0.5 * (mine.length - 1))]!
            expect(Math.abs(d.p50Ms! - exact)).toBeLessThanOrEqual(exact * 0.01 + 0.5)
          }
        }
      }),
    )
  })

  it('knows the DST-end day is 25 hours long: an event at 23:30 arriving 1 h later is on time', () => {
    const p = new LatenessProfile(TZ)
    const d = dayInterval('2026-11-01', TZ)
    expect(d.endMs - d.startMs).toBe(25 * HOUR)
    p.add('2026-11-01', d, d.startMs + 24 * HOUR, d.startMs + 24 * HOUR + 30 * 60_000) // 23:00 local, arrives 23:30
    p.add('2026-11-01', d, d.startMs + 24 * HOUR, d.endMs) // arrives at midnight: late, caught by a 2-day window
    expect(p.windowAdvice()).toEqual({lateEvents: 1, windowDays: 2, fraction: ADVICE_FRACTION})
    expect(p.bucket('2026-11-01')).toEqual({lateEvents: 1, latest: {eventMs: d.startMs + 24 * HOUR, arrivalMs: d.endMs}})
  })

  it('rejects a tampered state', () => {
    const p = new LatenessProfile(TZ)
    feed(p, [{day: 0, at: 0, delay: 3 * 24 * HOUR, unknown: false}])
    const state = JSON.parse(JSON.stringify(p.toState()))
    state['2026-10-31'].late = 5
    expect(() => LatenessProfile.fromState(state, TZ)).toThrow(/lateness section is malformed/)
  })
})

describe('smallestWindow', () => {
  it('is the smallest window whose late events reach the fraction', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 2, max: 40}), {minLength: 1, maxLength: 200}), fc.double({min: 0.5, max: 1, noNaN: true}), (windows, fraction) => {
        const hist = new Map<number, number>()
        for (const w of windows) hist.set(w, (hist.get(w) ?? 0) + 1)
        const w = smallestWindow(hist, windows.length, fraction)
        const caught = (x: number): number => windows.filter((v) => v <= x).length
        expect(caught(w)).toBeGreaterThanOrEqual(Math.ceil(fraction * windows.length - 1e-9))
        expect(caught(w - 1)).toBeLessThan(Math.ceil(fraction * windows.length - 1e-9))
      }),
    )
    expect(smallestWindow(new Map(), 0, 0.999)).toBe(1)
  })
})

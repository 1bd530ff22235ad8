import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {computeWindow, dayInWindow, locateInWindow, parseAsOf} from '../../../src/core/lookback/window.js'
import {dayInterval, dayOf, dayOfUncached} from '../../../src/core/lookback/zoned-day.js'

const H = 3_600_000
const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min)
const NOW = utc(2026, 11, 21, 12) // 2026-11-21 12:00Z

function expectBadInput(fn: () => unknown, message: RegExp): void {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(FleetopsError)
    expect((error as FleetopsError).code).toBe('BAD_INPUT')
    expect((error as FleetopsError).message).toMatch(message)
    return
  }
  throw new Error('expected BAD_INPUT')
}

describe('computeWindow', () => {
  it('covers 11-18..11-20 for a 3-day window as of 2026-11-20 (UTC), end exclusive', () => {
    expect(computeWindow({windowDays: 3, asOf: '2026-11-20', timezone: 'UTC', now: NOW})).toEqual({
      asOf: '2026-11-20',
      timezone: 'UTC',
      days: ['2026-11-18', '2026-11-19', '2026-11-20'],
      intervals: [
        {day: '2026-11-18', startMs: utc(2026, 11, 18), endMs: utc(2026, 11, 19)},
        {day: '2026-11-19', startMs: utc(2026, 11, 19), endMs: utc(2026, 11, 20)},
        {day: '2026-11-20', startMs: utc(2026, 11, 20), endMs: utc(2026, 11, 21)},
      ],
      startMs: utc(2026, 11, 18),
      endMs: utc(2026, 11, 21),
    })
  })

  it('defaults as-of to yesterday in the job time zone', () => {
    const now = utc(2026, 11, 21, 3) // 2026-11-20 22:00 in New York (EST, UTC-5)
    expect(computeWindow({windowDays: 1, timezone: 'UTC', now}).asOf).toBe('2026-11-20')
    expect(computeWindow({windowDays: 1, timezone: 'America/New_York', now}).asOf).toBe('2026-11-19')
    expect(computeWindow({windowDays: 2, timezone: 'Asia/Tokyo', now: utc(2026, 11, 20, 15)}).days).toEqual(['2026-11-19', '2026-11-20'])
  })

  it('crosses month and year boundaries', () => {
    expect(computeWindow({windowDays: 3, asOf: '2026-01-01', timezone: 'UTC', now: NOW}).days).toEqual(['2025-12-30', '2025-12-31', '2026-01-01'])
    expect(computeWindow({windowDays: 2, asOf: '2024-03-01', timezone: 'UTC', now: NOW}).days).toEqual(['2024-02-29', '2024-03-01'])
  })

  it('gives 23 h and 25 h days across DST in America/New_York (hand-checked instants)', () => {
    // 2026-03-08: 02:00 EST -> 03:00 EDT. Midnight is 05:00Z (UTC-5); next midnight 04:00Z (UTC-4).
    const spring = computeWindow({windowDays: 3, asOf: '2026-03-09', timezone: 'America/New_York', now: NOW})
    expect(spring.intervals).toEqual([
      {day: '2026-03-07', startMs: utc(2026, 3, 7, 5), endMs: utc(2026, 3, 8, 5)},
      {day: '2026-03-08', startMs: utc(2026, 3, 8, 5), endMs: utc(2026, 3, 9, 4)},
      {day: '2026-03-09', startMs: utc(2026, 3, 9, 4), endMs: utc(2026, 3, 10, 4)},
    ])
    expect(spring.intervals[1].endMs - spring.intervals[1].startMs).toBe(23 * H)
    // 2026-11-01: 02:00 EDT -> 01:00 EST.
    const fall = dayInterval('2026-11-01', 'America/New_York')
    expect(fall).toEqual({day: '2026-11-01', startMs: utc(2026, 11, 1, 4), endMs: utc(2026, 11, 2, 5)})
    expect(fall.endMs - fall.startMs).toBe(25 * H)
  })

  it('gives 23 h and 25 h days across DST in Europe/Berlin (hand-checked instants)', () => {
    // 2026-03-29: 02:00 CET -> 03:00 CEST; 2026-10-25: 03:00 CEST -> 02:00 CET.
    expect(dayInterval('2026-03-29', 'Europe/Berlin')).toEqual({day: '2026-03-29', startMs: utc(2026, 3, 28, 23), endMs: utc(2026, 3, 29, 22)})
    expect(dayInterval('2026-10-25', 'Europe/Berlin')).toEqual({day: '2026-10-25', startMs: utc(2026, 10, 24, 22), endMs: utc(2026, 10, 25, 23)})
    const w = computeWindow({windowDays: 7, asOf: '2026-10-27', timezone: 'Europe/Berlin', now: NOW})
    expect(w.startMs).toBe(utc(2026, 10, 20, 22))
    expect(w.endMs).toBe(utc(2026, 10, 27, 23))
    expect(w.endMs - w.startMs).toBe(7 * 24 * H + H)
  })

  it('starts a day at the end of a DST gap when local midnight does not exist', () => {
    // Brazil, 2018-11-04: clocks jumped from 00:00 (-03) to 01:00 (-02); the day starts 01:00 -02 = 03:00Z.
    expect(dayInterval('2018-11-04', 'America/Sao_Paulo')).toEqual({day: '2018-11-04', startMs: utc(2018, 11, 4, 3), endMs: utc(2018, 11, 5, 2)})
    expect(dayInterval('2018-11-03', 'America/Sao_Paulo')).toEqual({day: '2018-11-03', startMs: utc(2018, 11, 3, 3), endMs: utc(2018, 11, 4, 3)})
  })

  it('refuses an as-of in the future, allows today', () => {
    expectBadInput(() => computeWindow({windowDays: 3, asOf: '2026-11-22', timezone: 'UTC', now: NOW}), /after today \(2026-11-21 in UTC\)/)
    expect(computeWindow({windowDays: 1, asOf: '2026-11-21', timezone: 'UTC', now: NOW}).days).toEqual(['2026-11-21'])
    // 2026-11-21 12:00Z is still 2026-11-21 in Honolulu, already 11-22 in Kiritimati (UTC+14)
    expectBadInput(() => computeWindow({windowDays: 1, asOf: '2026-11-22', timezone: 'Pacific/Honolulu', now: NOW}), /after today/)
    expect(computeWindow({windowDays: 1, asOf: '2026-11-22', timezone: 'Pacific/Kiritimati', now: NOW}).asOf).toBe('2026-11-22')
  })

  it('refuses bad window sizes and time zones', () => {
    expectBadInput(() => computeWindow({windowDays: 0, timezone: 'UTC', now: NOW}), /1 to 366 days/)
    expectBadInput(() => computeWindow({windowDays: 367, timezone: 'UTC', now: NOW}), /1 to 366 days/)
    expectBadInput(() => computeWindow({windowDays: 1.5, timezone: 'UTC', now: NOW}), /1 to 366 days/)
    expectBadInput(() => computeWindow({windowDays: 1, timezone: 'Nowhere/City', now: NOW}), /not a known IANA/)
  })
})

describe('parseAsOf', () => {
  it('accepts strict real dates only', () => {
    expect(parseAsOf('2026-11-20')).toBe('2026-11-20')
    expect(parseAsOf('2024-02-29')).toBe('2024-02-29')
    for (const bad of ['2026-2-01', '2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-11-20T00:00', ' 2026-11-20', '20261120', '1969-12-31']) {
      expectBadInput(() => parseAsOf(bad), /--as-of/)
    }
  })
})

describe('dayOf and locateInWindow', () => {
  it('matches hand-checked boundaries', () => {
    expect(dayOf(utc(2026, 3, 8, 4, 59), 'America/New_York')).toBe('2026-03-07')
    expect(dayOf(utc(2026, 3, 8, 5), 'America/New_York')).toBe('2026-03-08')
    expect(dayOf(utc(2026, 11, 2, 4, 30), 'America/New_York')).toBe('2026-11-01') // 23:30 EST
    expect(dayOf(utc(2026, 10, 24, 22) - 1, 'Europe/Berlin')).toBe('2026-10-24')
    expect(dayOf(utc(2026, 10, 24, 22), 'Europe/Berlin')).toBe('2026-10-25')
  })

  it('agrees with plain UTC arithmetic in UTC and fixed-offset zones', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 4_102_444_800_000}), (ms) => {
        expect(dayOf(ms, 'UTC')).toBe(new Date(ms).toISOString().slice(0, 10))
        // Etc/GMT-5 is UTC+5 (POSIX sign convention)
        expect(dayOf(ms, 'Etc/GMT-5')).toBe(new Date(ms + 5 * H).toISOString().slice(0, 10))
      }),
      {numRuns: 500},
    )
  })

  it('the cached lookup equals the direct Intl lookup in DST zones', () => {
    fc.assert(
      fc.property(fc.integer({min: utc(2025, 1, 1), max: utc(2027, 1, 1)}), fc.constantFrom('America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Sao_Paulo'), (ms, tz) => {
        expect(dayOf(ms, tz)).toBe(dayOfUncached(ms, tz))
      }),
      {numRuns: 500},
    )
  })

  it('places every instant of the window in the interval of its own day', () => {
    const w = computeWindow({windowDays: 30, asOf: '2026-11-10', timezone: 'America/New_York', now: NOW})
    fc.assert(
      fc.property(fc.integer({min: w.startMs - 2 * 86_400_000, max: w.endMs + 2 * 86_400_000}), (ms) => {
        const position = locateInWindow(w, ms)
        if (ms < w.startMs) expect(position.kind).toBe('before')
        else if (ms >= w.endMs) expect(position.kind).toBe('after')
        else {
          expect(position.kind).toBe('in')
          if (position.kind !== 'in') return
          expect(position.interval.startMs <= ms && ms < position.interval.endMs).toBe(true)
          expect(position.interval.day).toBe(dayOfUncached(ms, 'America/New_York'))
        }
      }),
      {numRuns: 500},
    )
  })
})

describe('dayInWindow', () => {
  it('gives the day an event falls in, or counts it on its side of the window', () => {
    const window = computeWindow({windowDays: 2, asOf: '2026-11-20', timezone: 'UTC', now: Date.parse('2026-11-21T00:00:00Z')})
    const counted: string[] = []
    const outside = {addOutOfWindow: (position: 'before' | 'after') => void counted.push(position)}
    expect(dayInWindow(window, Date.parse('2026-11-19T12:00:00Z'), outside)?.day).toBe('2026-11-19')
    expect(dayInWindow(window, Date.parse('2026-11-20T23:59:59.999Z'), outside)?.day).toBe('2026-11-20')
    expect(dayInWindow(window, Date.parse('2026-11-18T23:59:59.999Z'), outside)).toBeNull()
    expect(dayInWindow(window, Date.parse('2026-11-21T00:00:00Z'), outside)).toBeNull()
    expect(counted).toEqual(['before', 'after'])
  })
})

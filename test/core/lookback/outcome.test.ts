import {describe, expect, it} from 'vitest'
import {ExitCode} from '../../../src/core/errors.js'
import {incompleteDaysForRetention, lookbackOutcome} from '../../../src/core/lookback/outcome.js'

const base = {incompleteDays: [], rejects: 0, failedUnits: 0, interrupted: false}

describe('lookbackOutcome', () => {
  it('picks the most serious condition', () => {
    expect(lookbackOutcome(base)).toEqual({exit: 0, status: 'ok'})
    expect(lookbackOutcome({...base, rejects: 3})).toEqual({exit: 0, status: 'ok_with_rejects'})
    expect(lookbackOutcome({...base, rejects: 3, incompleteDays: ['2026-11-18']})).toEqual({exit: ExitCode.PARTIAL, status: 'incomplete'})
    // Retention gaps are never a silent success: the documented partial code, 68.
    expect(lookbackOutcome({...base, incompleteDays: ['2026-11-18']}).exit).toBe(68)
    expect(lookbackOutcome({...base, incompleteDays: ['2026-11-18'], interrupted: true})).toEqual({exit: 130, status: 'interrupted'})
    expect(lookbackOutcome({...base, incompleteDays: ['2026-11-18'], failedUnits: 1})).toEqual({exit: 68, status: 'partial'})
    expect(lookbackOutcome({...base, failedUnits: 1, interrupted: true})).toEqual({exit: 130, status: 'interrupted'})
  })
})

describe('incompleteDaysForRetention', () => {
  const H = 3_600_000
  const days = ['2026-11-18', '2026-11-19', '2026-11-20'].map((day, i) => ({day, startMs: Date.UTC(2026, 10, 18 + i), endMs: Date.UTC(2026, 10, 19 + i)}))

  it('marks the days before the earliest retained record of a truncated partition', () => {
    const partitions = [
      {partition: 0, logStartOffset: '0', earliestTimestampMs: Date.UTC(2026, 10, 20)}, // never truncated: young topic
      {partition: 1, logStartOffset: '5000', earliestTimestampMs: Date.UTC(2026, 10, 19, 6)},
    ]
    expect(incompleteDaysForRetention(days, partitions)).toEqual(['2026-11-18', '2026-11-19'])
    expect(incompleteDaysForRetention(days, [partitions[0]])).toEqual([])
  })

  it('applies the skew margin and treats a truncated empty partition as losing everything', () => {
    const atStart = [{partition: 0, logStartOffset: '10', earliestTimestampMs: Date.UTC(2026, 10, 18)}]
    expect(incompleteDaysForRetention(days, atStart)).toEqual([])
    expect(incompleteDaysForRetention(days, atStart, 2 * H)).toEqual(['2026-11-18'])
    expect(incompleteDaysForRetention(days, [{partition: 0, logStartOffset: '10', earliestTimestampMs: null}])).toEqual(['2026-11-18', '2026-11-19', '2026-11-20'])
  })
})

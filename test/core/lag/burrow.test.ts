import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {
  BURROW_STATUSES,
  burrowSeverity,
  evaluateBurrowWindow,
  worstBurrowStatus,
  type OffsetSample,
} from '../../../src/core/lag/burrow.js'

const t0 = 1_700_000_000_000
const s = 1000
const windowMs = 600 * s

/** [seconds after t0, committed, logEnd] oldest first. */
function win(rows: [number, number | null, number][], commitAt?: (number | null)[]): OffsetSample[] {
  return rows.map(([sec, c, end], i) => ({at: t0 + sec * s, committedOffset: c, logEndOffset: end, commitAt: commitAt?.[i]}))
}

describe('evaluateBurrowWindow: one hand-built window per status', () => {
  it('OK when the newest sample is caught up', () => {
    const r = evaluateBurrowWindow(win([[0, 100, 100], [60, 200, 260], [120, 300, 300]]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('OK')
    expect(r.currentLag).toBe(0)
    expect(r.complete).toBe(1)
  })

  it('OK when the consumer moves and lag decreases', () => {
    const r = evaluateBurrowWindow(win([[0, 100, 200], [60, 250, 320], [120, 330, 360]]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('OK') // lags 100, 70, 30
  })

  it('WARN when offsets move but lag never decreases and is never zero', () => {
    // lags 50, 60, 80
    const r = evaluateBurrowWindow(win([[0, 100, 150], [60, 160, 220], [120, 220, 300]]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('WARN')
    expect(r.currentLag).toBe(80)
    expect(r.reason).toBe('lag never decreased across 3 samples (50 -> 80)')
  })

  it('WARN also when the consumer exactly keeps pace (constant non-zero lag)', () => {
    const r = evaluateBurrowWindow(win([[0, 100, 140], [60, 200, 240], [120, 300, 340]]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('WARN')
  })

  it('STALL when commits keep arriving at the same offset while lag > 0', () => {
    const rows: [number, number, number][] = [[0, 100, 150], [60, 100, 160], [120, 100, 170]]
    const r = evaluateBurrowWindow(win(rows, [t0, t0 + 60 * s, t0 + 120 * s]), {now: t0 + 125 * s, windowMs})
    expect(r.status).toBe('STALL')
    expect(r.lastCommitAt).toBe(t0 + 120 * s)
    // Without commit times, the offset has been unchanged for 130s < window: still STALL, not STOP.
    expect(evaluateBurrowWindow(win(rows), {now: t0 + 130 * s, windowMs}).status).toBe('STALL')
  })

  it('STOP when the offset has not changed for longer than the window and lag > 0', () => {
    const r = evaluateBurrowWindow(win([[0, 100, 150], [300, 100, 180], [600, 100, 200]]), {now: t0 + 700 * s, windowMs})
    expect(r.status).toBe('STOP')
    expect(r.lastCommitAt).toBe(t0) // inferred: unchanged since the first sample
    expect(r.reason).toBe('no commit for 700000ms (> window 600000ms) with lag 100')
  })

  it('STOP from an explicit commit time even though samples are recent', () => {
    const rows: [number, number, number][] = [[0, 100, 150], [60, 120, 170], [120, 140, 190]]
    const r = evaluateBurrowWindow(win(rows, [null, null, t0 - 700 * s]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('STOP')
  })

  it('not STOP when the consumer had caught up to a logged end offset (slow producer, Burrow checkIfRecentLagZero)', () => {
    const r = evaluateBurrowWindow(win([[0, 100, 100], [300, 100, 100], [600, 100, 103]]), {now: t0 + 700 * s, windowMs})
    expect(r.status).toBe('OK') // lag was zero inside the window
  })

  it('REWIND when the committed offset went backwards and has not regained it', () => {
    const r = evaluateBurrowWindow(win([[0, 500, 700], [60, 600, 800], [120, 200, 900]]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('REWIND')
    expect(r.reason).toBe('committed offset went back from 600 to 200 and is still below it')
  })

  it('not REWIND once the pre-rewind offset is regained', () => {
    // lags 200, 700, 300: regained 500 and lag decreased
    const r = evaluateBurrowWindow(win([[0, 500, 700], [60, 100, 800], [120, 600, 900]]), {now: t0 + 130 * s, windowMs})
    expect(r.status).toBe('OK')
  })

  it('STOP is checked before REWIND (Burrow rule order)', () => {
    const r = evaluateBurrowWindow(win([[0, 500, 900], [300, 200, 900], [600, 200, 900]]), {now: t0 + 1000 * s, windowMs})
    expect(r.status).toBe('STOP') // unchanged since 300s: 700s > 600s
  })

  it('INCOMPLETE with too few samples that have a committed offset', () => {
    const r = evaluateBurrowWindow(win([[0, null, 100], [60, 100, 150], [120, 120, 170]]), {now: t0 + 130 * s, windowMs})
    expect(r).toMatchObject({status: 'INCOMPLETE', samplesUsed: 2, currentLag: 50})
    expect(r.complete).toBeCloseTo(2 / 3)
    const none = evaluateBurrowWindow([], {now: t0, windowMs})
    expect(none).toMatchObject({status: 'INCOMPLETE', currentLag: null, lastCommitAt: null, complete: 0})
    expect(evaluateBurrowWindow(win([[0, 100, 150], [60, 160, 220]]), {now: t0 + 70 * s, windowMs, minSamples: 2}).status).toBe('WARN')
  })

  it('allowed lag: at or below it the partition is OK', () => {
    const rows: [number, number, number][] = [[0, 100, 105], [60, 100, 105], [120, 100, 105]]
    expect(evaluateBurrowWindow(rows.map(([a, c, e]) => ({at: t0 + a * s, committedOffset: c, logEndOffset: e})), {now: t0 + 130 * s, windowMs}).status).toBe('STALL')
    expect(evaluateBurrowWindow(win(rows), {now: t0 + 130 * s, windowMs, allowedLag: 5}).status).toBe('OK')
  })

  it('rejects unsorted samples and bad options with one-line fixes', () => {
    expect(() => evaluateBurrowWindow(win([[60, 1, 2], [0, 1, 2]]), {now: t0, windowMs})).toThrow(/oldest first.*sort them/)
    expect(() => evaluateBurrowWindow([], {now: t0, windowMs: 0})).toThrow(/must be positive/)
    expect(() => evaluateBurrowWindow([], {now: t0, windowMs, minSamples: 1})).toThrow(/>= 2/)
    expect(() => evaluateBurrowWindow([], {now: t0, windowMs, allowedLag: -1})).toThrow(/>= 0/)
  })
})

describe('worstBurrowStatus', () => {
  it('orders OK < INCOMPLETE < WARN < REWIND < STALL < STOP', () => {
    expect(worstBurrowStatus(['OK', 'WARN', 'INCOMPLETE'])).toBe('WARN')
    expect(worstBurrowStatus(['REWIND', 'STALL'])).toBe('STALL')
    expect(worstBurrowStatus(['STOP', 'OK'])).toBe('STOP')
    expect(worstBurrowStatus(['OK'])).toBe('OK')
    expect(worstBurrowStatus([])).toBe('INCOMPLETE')
  })

  it('property: the worst is one of the inputs and no input is more severe', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...BURROW_STATUSES), {minLength: 1}), (statuses) => {
        const worst = worstBurrowStatus(statuses)
        expect(statuses).toContain(worst)
        for (const st of statuses) expect(burrowSeverity(st)).toBeLessThanOrEqual(burrowSeverity(worst))
      }),
    )
  })
})

describe('evaluateBurrowWindow properties', () => {
  const sampleRows = fc.array(
    fc.record({
      gap: fc.integer({min: 1, max: 300_000}),
      committed: fc.option(fc.integer({min: 0, max: 1000}), {nil: null, freq: 5}),
      end: fc.integer({min: 0, max: 1200}),
    }),
    {maxLength: 8},
  )

  it('status is justified by the samples it saw; current lag is never negative', () => {
    fc.assert(
      fc.property(sampleRows, fc.integer({min: 0, max: 2_000_000}), fc.integer({min: 0, max: 20}), (rows, after, allowedLag) => {
        let at = t0
        const samples = rows.map((r) => ({at: (at += r.gap), committedOffset: r.committed, logEndOffset: r.end}))
        const r = evaluateBurrowWindow(samples, {now: at + after, windowMs, allowedLag})
        const used = samples.filter((x) => x.committedOffset !== null) as {at: number; committedOffset: number; logEndOffset: number}[]
        const lags = used.map((x) => Math.max(0, x.logEndOffset - x.committedOffset))
        expect(r.samplesUsed).toBe(used.length)
        if (r.currentLag !== null) expect(r.currentLag).toBeGreaterThanOrEqual(0)
        if (used.length < 3) expect(r.status).toBe('INCOMPLETE')
        if (r.status !== 'OK' && r.status !== 'INCOMPLETE') expect(lags[lags.length - 1]).toBeGreaterThan(allowedLag)
        if (r.status === 'STALL') expect(new Set(used.map((x) => x.committedOffset)).size).toBe(1)
        if (r.status === 'STALL' || r.status === 'WARN') for (const l of lags) expect(l).toBeGreaterThan(allowedLag)
        if (r.status === 'WARN') for (let i = 1; i < lags.length; i++) expect(lags[i]).toBeGreaterThanOrEqual(lags[i - 1])
        if (r.status === 'REWIND') expect(used.some((x, i) => i > 0 && x.committedOffset < used[i - 1].committedOffset)).toBe(true)
        if (r.status === 'STOP') expect(at + after - r.lastCommitAt!).toBeGreaterThan(windowMs)
      }),
    )
  })
})

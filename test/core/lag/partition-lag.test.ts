import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {computePartitionLag, NOTE_NO_COMMIT, NOTE_RECORD_GONE} from '../../../src/core/lag/partition-lag.js'

const now = 1_700_000_000_000

describe('computePartitionLag', () => {
  it('lag is log end minus committed; time lag is the age of the record at the committed offset', () => {
    expect(computePartitionLag({committedOffset: 100, logEndOffset: 150, committedRecordTimestamp: now - 5000}, now)).toEqual({
      committedOffset: 100,
      logEndOffset: 150,
      lag: 50,
      timeLagMs: 5000,
    })
  })

  it('no committed offset gives null lag (not the log size), also for kafkajs -1', () => {
    for (const committedOffset of [null, -1, -1n]) {
      const r = computePartitionLag({committedOffset, logEndOffset: 9000, committedRecordTimestamp: null}, now)
      expect(r).toEqual({committedOffset: null, logEndOffset: 9000, lag: null, timeLagMs: null, note: NOTE_NO_COMMIT})
    }
  })

  it('clamps a commit beyond the log end to 0 with a note, and time lag is then 0', () => {
    const r = computePartitionLag({committedOffset: 200, logEndOffset: 150, committedRecordTimestamp: 'gone'}, now)
    expect(r.lag).toBe(0)
    expect(r.timeLagMs).toBe(0)
    expect(r.committedOffset).toBe(200)
    expect(r.note).toBe('committed offset 200 is beyond log end 150 (truncation or stale end offset); lag clamped to 0')
  })

  it('time lag is 0 when caught up, whatever the last record age', () => {
    const r = computePartitionLag({committedOffset: 150, logEndOffset: 150, committedRecordTimestamp: now - 86_400_000}, now)
    expect(r).toEqual({committedOffset: 150, logEndOffset: 150, lag: 0, timeLagMs: 0})
  })

  it('a record deleted by retention/compaction gives null time lag with the note', () => {
    const r = computePartitionLag({committedOffset: 10, logEndOffset: 20, committedRecordTimestamp: 'gone'}, now)
    expect(r.lag).toBe(10)
    expect(r.timeLagMs).toBeNull()
    expect(r.note).toBe(NOTE_RECORD_GONE)
    expect(NOTE_RECORD_GONE).toBe('record at committed offset is gone (retention/compaction)')
  })

  it('an unmeasured or future timestamp leaves time lag unknown rather than 0', () => {
    expect(computePartitionLag({committedOffset: 10, logEndOffset: 20, committedRecordTimestamp: null}, now).timeLagMs).toBeNull()
    const future = computePartitionLag({committedOffset: 10, logEndOffset: 20, committedRecordTimestamp: now + 2000}, now)
    expect(future.timeLagMs).toBeNull()
    expect(future.note).toMatch(/2000ms in the future/)
  })

  it('keeps bigint offsets exact up to 2^53-1 and refuses what a number cannot hold', () => {
    const top = 2n ** 53n - 1n
    const r = computePartitionLag({committedOffset: top - 9n, logEndOffset: top, committedRecordTimestamp: now - 1}, now)
    expect(r).toEqual({committedOffset: 9_007_199_254_740_982, logEndOffset: 9_007_199_254_740_991, lag: 9, timeLagMs: 1})
    expect(() => computePartitionLag({committedOffset: 1n, logEndOffset: top + 2n, committedRecordTimestamp: null}, now)).toThrow(FleetopsError)
    // 2^53 + 2 as a number may already be rounded, so it is refused rather than trusted.
    expect(() => computePartitionLag({committedOffset: 2 ** 53 + 2, logEndOffset: 1, committedRecordTimestamp: null}, now)).toThrow(/not an exact whole offset/)
    expect(() => computePartitionLag({committedOffset: 1.5, logEndOffset: 3, committedRecordTimestamp: null}, now)).toThrow(/bigint or as integers/)
    expect(() => computePartitionLag({committedOffset: 1, logEndOffset: -1, committedRecordTimestamp: null}, now)).toThrow(/negative/)
  })

  it('property: lag is never negative, null exactly when there is no commit, else end - committed floored at 0', () => {
    const offset = fc.bigInt({min: 0n, max: 2n ** 53n - 1n})
    fc.assert(
      fc.property(
        fc.option(fc.bigInt({min: -1n, max: 2n ** 53n - 1n}), {nil: null}),
        offset,
        fc.oneof(fc.constant<'gone'>('gone'), fc.constant(null), fc.integer({min: 0, max: now})),
        (committed, end, ts) => {
          const r = computePartitionLag({committedOffset: committed, logEndOffset: end, committedRecordTimestamp: ts}, now)
          if (committed === null || committed < 0n) {
            expect(r.lag).toBeNull()
            expect(r.timeLagMs).toBeNull()
          } else {
            expect(r.lag).not.toBeNull()
            expect(r.lag!).toBeGreaterThanOrEqual(0)
            expect(BigInt(r.lag!)).toBe(end >= committed ? end - committed : 0n)
            if (r.lag === 0) expect(r.timeLagMs).toBe(0)
            if (r.timeLagMs !== null) expect(r.timeLagMs).toBeGreaterThanOrEqual(0)
          }
        },
      ),
    )
  })

  it('gives the same result, field for field and in the same key order, for offsets as numbers and as bigints', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({min: -1, max: Number.MAX_SAFE_INTEGER}), {nil: null}),
        fc.integer({min: 0, max: Number.MAX_SAFE_INTEGER}),
        fc.oneof(fc.constant<'gone'>('gone'), fc.constant(null), fc.integer({min: now - 10 * 86_400_000, max: now + 60_000})),
        (committed, end, ts) => {
          const asNumbers = computePartitionLag({committedOffset: committed, logEndOffset: end, committedRecordTimestamp: ts}, now)
          const asBigints = computePartitionLag({committedOffset: committed === null ? null : BigInt(committed), logEndOffset: BigInt(end), committedRecordTimestamp: ts}, now)
          expect(JSON.stringify(asNumbers)).toBe(JSON.stringify(asBigints))
        },
      ),
      {numRuns: 2000},
    )
  })
})

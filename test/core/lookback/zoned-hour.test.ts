import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {addDays, dayInterval, dayOf} from '../../../src/core/lookback/zoned-day.js'
import {
  dayOfHourBucket,
  hourBucketOf,
  hourBucketsOfDay,
  hourBucketsOfDays,
  hourBucketsOfDayUncached,
  hourBucketStartMs,
} from '../../../src/core/lookback/zoned-hour.js'

const H = 3_600_000
const M = 60_000
const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min)
const NY = 'America/New_York'

/** [local hour, UTC offset minutes, start] of each bucket, for compact expectations. */
const shape = (day: string, zone: string): Array<[number, number, number]> => hourBucketsOfDay(day, zone).map((b) => [b.hour, b.offsetMinutes, b.startMs])

function expectContiguous(day: string, zone: string): void {
  const buckets = hourBucketsOfDay(day, zone)
  const {startMs, endMs} = dayInterval(day, zone)
  expect(buckets[0].startMs).toBe(startMs)
  expect(buckets[buckets.length - 1].endMs).toBe(endMs)
  for (let i = 1; i < buckets.length; i++) expect(buckets[i].startMs).toBe(buckets[i - 1].endMs)
  for (const b of buckets) {
    expect(b.endMs).toBeGreaterThan(b.startMs)
    expect(b.day).toBe(day)
  }
}

/** The day has `count` contiguous buckets, the first ones as given ([local hour, offset minutes, start]). */
function expectDay(day: string, zone: string, count: number, first: Array<[number, number, number]>): void {
  const s = shape(day, zone)
  expect(s).toHaveLength(count)
  expect(s.slice(0, first.length)).toEqual(first)
  expectContiguous(day, zone)
}

describe('hour buckets in America/New_York', () => {
  it('a normal day has 24 one-hour buckets starting at local midnight', () => {
    const buckets = hourBucketsOfDay('2026-06-15', NY)
    expect(buckets).toHaveLength(24)
    expect(buckets[0]).toEqual({startMs: utc(2026, 6, 15, 4), endMs: utc(2026, 6, 15, 5), day: '2026-06-15', hour: 0, offsetMinutes: -240})
    expect(buckets.map((b) => b.hour)).toEqual([...Array(24).keys()])
    expect(buckets.every((b) => b.endMs - b.startMs === H)).toBe(true)
  })

  it('DST start (2026-03-08): 23 buckets, local 02:00 does not exist', () => {
    expectDay('2026-03-08', NY, 23, [
      [0, -300, utc(2026, 3, 8, 5)],
      [1, -300, utc(2026, 3, 8, 6)],
      [3, -240, utc(2026, 3, 8, 7)],
      [4, -240, utc(2026, 3, 8, 8)],
    ])
    expect(shape('2026-03-08', NY).map(([hour]) => hour)).not.toContain(2)
  })

  it('DST end (2026-11-01): 25 buckets, the two local 01:00 hours are different buckets', () => {
    expectDay('2026-11-01', NY, 25, [
      [0, -240, utc(2026, 11, 1, 4)],
      [1, -240, utc(2026, 11, 1, 5)],
      [1, -300, utc(2026, 11, 1, 6)],
      [2, -300, utc(2026, 11, 1, 7)],
    ])
    expect(hourBucketStartMs(utc(2026, 11, 1, 5, 59), NY)).toBe(utc(2026, 11, 1, 5))
    expect(hourBucketStartMs(utc(2026, 11, 1, 6, 0), NY)).toBe(utc(2026, 11, 1, 6))
    expect(hourBucketStartMs(utc(2026, 11, 1, 6, 30), NY)).toBe(utc(2026, 11, 1, 6))
  })

  it('maps a bucket to its local day, late evening included', () => {
    const lastOfDay = hourBucketOf(utc(2026, 11, 2, 4, 30), NY) // 2026-11-01 23:30 EST
    expect(lastOfDay).toMatchObject({day: '2026-11-01', hour: 23, startMs: utc(2026, 11, 2, 4)})
    expect(dayOfHourBucket(lastOfDay.startMs, NY)).toBe('2026-11-01')
    expect(dayOfHourBucket(utc(2026, 11, 2, 5), NY)).toBe('2026-11-02')
  })
})

describe('hour buckets in other zones', () => {
  it('Europe/London: 23 buckets on 2026-03-29, 25 on 2026-10-25', () => {
    expectDay('2026-03-29', 'Europe/London', 23, [
      [0, 0, utc(2026, 3, 29, 0)],
      [2, 60, utc(2026, 3, 29, 1)],
      [3, 60, utc(2026, 3, 29, 2)],
    ])
    expectDay('2026-10-25', 'Europe/London', 25, [
      [0, 60, utc(2026, 10, 24, 23)],
      [1, 60, utc(2026, 10, 25, 0)],
      [1, 0, utc(2026, 10, 25, 1)],
      [2, 0, utc(2026, 10, 25, 2)],
    ])
  })

  it('Asia/Kolkata (+05:30): local hours start at :30 UTC', () => {
    const buckets = hourBucketsOfDay('2026-03-08', 'Asia/Kolkata')
    expect(buckets).toHaveLength(24)
    expect(buckets[0]).toMatchObject({startMs: utc(2026, 3, 7, 18, 30), hour: 0, offsetMinutes: 330})
    expect(hourBucketStartMs(utc(2026, 3, 8, 4, 29), 'Asia/Kolkata')).toBe(utc(2026, 3, 8, 3, 30))
    expect(hourBucketStartMs(utc(2026, 3, 8, 4, 30), 'Asia/Kolkata')).toBe(utc(2026, 3, 8, 4, 30))
  })

  it('Asia/Kathmandu (+05:45): local hours start at :15 UTC', () => {
    const buckets = hourBucketsOfDay('2026-11-01', 'Asia/Kathmandu')
    expect(buckets).toHaveLength(24)
    expect(buckets[0]).toMatchObject({startMs: utc(2026, 10, 31, 18, 15), hour: 0, offsetMinutes: 345})
    expect(buckets[23]).toMatchObject({startMs: utc(2026, 11, 1, 17, 15), endMs: utc(2026, 11, 1, 18, 15), hour: 23})
    expect(hourBucketStartMs(utc(2026, 11, 1, 0, 14), 'Asia/Kathmandu')).toBe(utc(2026, 10, 31, 23, 15))
  })

  it('Australia/Lord_Howe (30-minute DST): the shift makes a short bucket, not a lost or merged one', () => {
    const end = hourBucketsOfDay('2026-04-05', 'Australia/Lord_Howe')
    const endLengths = end.map((b) => (b.endMs - b.startMs) / M)
    expect(endLengths.filter((m) => m === 30)).toHaveLength(1)
    expect(end).toHaveLength(25)
    const start = hourBucketsOfDay('2026-10-04', 'Australia/Lord_Howe')
    expect(start.map((b) => (b.endMs - b.startMs) / M).filter((m) => m === 30)).toHaveLength(1)
    expect(start).toHaveLength(24)
    expectContiguous('2026-04-05', 'Australia/Lord_Howe')
    expectContiguous('2026-10-04', 'Australia/Lord_Howe')
  })

  it('UTC buckets are whole UTC hours; the cached and uncached enumerations agree', () => {
    expect(hourBucketStartMs(utc(2026, 1, 1, 13, 59) + 59_999, 'UTC')).toBe(utc(2026, 1, 1, 13))
    expect(hourBucketsOfDay('2026-11-01', NY)).toEqual(hourBucketsOfDayUncached('2026-11-01', NY))
  })

  it('enumerates the buckets of several days in order (a 3-day window across DST end)', () => {
    const buckets = hourBucketsOfDays(['2026-10-31', '2026-11-01', '2026-11-02'], NY)
    expect(buckets).toHaveLength(24 + 25 + 24)
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].startMs).toBe(buckets[i - 1].endMs)
  })
})

describe('hour bucket properties', () => {
  const zones = ['UTC', NY, 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham']
  const instant = fc.integer({min: utc(2020, 1, 1), max: utc(2030, 12, 31)})

  it('every instant falls in exactly one bucket of its local day, and that bucket is hourBucketOf', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const day = dayOf(t, zone)
        const holding = hourBucketsOfDay(day, zone).filter((b) => b.startMs <= t && t < b.endMs)
        expect(holding).toHaveLength(1)
        expect(hourBucketOf(t, zone)).toEqual(holding[0])
        expect(dayOfHourBucket(holding[0].startMs, zone)).toBe(day)
      }),
      {numRuns: 300},
    )
  })

  // 23 to 25 hours; a zone whose change is not on the hour has one more bucket: Chatham falls
  // back from 03:45 to 02:45, so the repeated 02:45-03:45 is 45 minutes of the first 03:00 hour
  // and 15 of the second 02:00 hour (26 buckets, 25 hours).
  it('the buckets of a day are increasing and contiguous, 23 to 26 of them, at most an hour long, 22 to 25 hours in all', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const day = dayOf(t, zone)
        expectContiguous(day, zone)
        const buckets = hourBucketsOfDay(day, zone)
        expect(buckets.length).toBeGreaterThanOrEqual(23)
        expect(buckets.length).toBeLessThanOrEqual(26)
        const hours = (buckets[buckets.length - 1].endMs - buckets[0].startMs) / H
        expect(hours >= 22 && hours <= 25).toBe(true)
        expect(buckets.every((b) => b.endMs - b.startMs <= H)).toBe(true)
        // Consecutive days join up too.
        expect(hourBucketsOfDay(addDays(day, 1), zone)[0].startMs).toBe(buckets[buckets.length - 1].endMs)
      }),
      {numRuns: 200},
    )
  })

  it("Chatham's fall-back day (03:45 to 02:45): 26 buckets over 25 hours, the repeated hour split 45 + 15 minutes", () => {
    const day = dayOf(1901700900000, 'Pacific/Chatham')
    const buckets = hourBucketsOfDay(day, 'Pacific/Chatham')
    expect(buckets).toHaveLength(26)
    expect((buckets[25].endMs - buckets[0].startMs) / H).toBe(25)
    expect(buckets.map((b) => (b.endMs - b.startMs) / 60_000).filter((m) => m !== 60).sort((a, b) => a - b)).toEqual([15, 45])
  })
})

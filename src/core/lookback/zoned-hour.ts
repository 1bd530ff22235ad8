import {type Day, dayInterval, dayOf, wallClockMs} from './zoned-day.js'

/**
 * Hour buckets in an IANA time zone. A bucket is a maximal run of instants
 * with the same local date, local hour AND UTC offset, identified by its
 * start instant (epoch ms). So:
 * - on a DST-end day the two local 01:00 hours are two buckets (same label,
 *   different offsets);
 * - on a DST-start day the skipped local hour has no bucket;
 * - a local day has 23, 24 or 25 buckets (zones with 30-minute DST shifts,
 *   e.g. Australia/Lord_Howe, get a short bucket instead of a missing one);
 * - a bucket never crosses local midnight, so every bucket belongs to exactly
 *   one local day and the window's day logic applies unchanged.
 * Half- and quarter-hour offsets (Asia/Kolkata, Asia/Kathmandu) just shift
 * where local hours start; nothing special is needed.
 *
 * Assumes at most one offset change inside any one local hour (true of every
 * zone in the tz database since 1970).
 */
export interface HourBucket {
  /** The bucket's first instant: its identity, and what the sink's `hour` column stores. */
  startMs: number
  /** Exclusive. */
  endMs: number
  /** The local day the bucket belongs to. */
  day: Day
  /** Local hour of day, 0-23. */
  hour: number
  /** UTC offset in minutes during the bucket (tells the two 01:00 hours of a DST end apart). */
  offsetMinutes: number
}

const MS_PER_HOUR = 3_600_000
const MS_PER_MINUTE = 60_000

function offsetMs(instantMs: number, timeZone: string): number {
  return wallClockMs(instantMs, timeZone) - instantMs
}

/** First instant in (fromMs, toMs] whose offset differs from fromMs's; toMs + 1 when there is none at the ends. */
function firstOffsetChange(fromMs: number, toMs: number, timeZone: string): number {
  const offset = offsetMs(fromMs, timeZone)
  if (offsetMs(toMs, timeZone) === offset) return toMs + 1
  let lo = fromMs
  let hi = toMs
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (offsetMs(mid, timeZone) === offset) lo = mid
    else hi = mid
  }
  return hi
}

/** The start of the next bucket after the one starting at startMs (capped at dayEndMs). */
function nextBucketStart(startMs: number, dayEndMs: number, timeZone: string): number {
  const intoHour = ((wallClockMs(startMs, timeZone) % MS_PER_HOUR) + MS_PER_HOUR) % MS_PER_HOUR
  const nextLocalHour = Math.min(startMs + MS_PER_HOUR - intoHour, dayEndMs)
  // An offset change before the next local hour ends the bucket early (DST start/end).
  const change = firstOffsetChange(startMs, nextLocalHour - 1, timeZone)
  return Math.min(change, nextLocalHour)
}

function bucketAt(startMs: number, endMs: number, day: Day, timeZone: string): HourBucket {
  const wall = wallClockMs(startMs, timeZone)
  const hour = Math.floor((((wall % 86_400_000) + 86_400_000) % 86_400_000) / MS_PER_HOUR)
  return {startMs, endMs, day, hour, offsetMinutes: Math.round((wall - startMs) / MS_PER_MINUTE)}
}

/** The hour buckets of a local day, oldest first, contiguous from the day's start to its end. */
export function hourBucketsOfDayUncached(day: Day, timeZone: string): HourBucket[] {
  const {startMs, endMs} = dayInterval(day, timeZone)
  const buckets: HourBucket[] = []
  for (let start = startMs; start < endMs; ) {
    const end = nextBucketStart(start, endMs, timeZone)
    buckets.push(bucketAt(start, end, day, timeZone))
    start = end
  }
  return buckets
}

const MAX_CACHED_DAYS = 10_000
const cachedDays = new Map<string, HourBucket[]>()

/** hourBucketsOfDay, cached per zone and day (callers must not mutate the result). */
export function hourBucketsOfDay(day: Day, timeZone: string): readonly HourBucket[] {
  const key = `${timeZone}|${day}`
  let buckets = cachedDays.get(key)
  if (buckets === undefined) {
    if (cachedDays.size >= MAX_CACHED_DAYS) cachedDays.clear()
    buckets = hourBucketsOfDayUncached(day, timeZone)
    cachedDays.set(key, buckets)
  }
  return buckets
}

/** The bucket holding an instant: a cached day lookup and a binary search, safe to call per event. */
export function hourBucketOf(instantMs: number, timeZone: string): HourBucket {
  const buckets = hourBucketsOfDay(dayOf(instantMs, timeZone), timeZone)
  let lo = 0
  let hi = buckets.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (buckets[mid].startMs <= instantMs) lo = mid
    else hi = mid - 1
  }
  return buckets[lo]
}

/** The bucket (start instant) of an instant. */
export function hourBucketStartMs(instantMs: number, timeZone: string): number {
  return hourBucketOf(instantMs, timeZone).startMs
}

/** The local day an hour bucket (given by its start instant) belongs to. */
export function dayOfHourBucket(bucketStartMs: number, timeZone: string): Day {
  return dayOf(bucketStartMs, timeZone)
}

/** The hour buckets of several days (e.g. a window's days), oldest first. */
export function hourBucketsOfDays(days: readonly Day[], timeZone: string): HourBucket[] {
  return days.flatMap((day) => hourBucketsOfDay(day, timeZone))
}

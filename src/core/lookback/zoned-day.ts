import {badInput} from '../errors.js'
import {printable} from '../units.js'

/**
 * Calendar days in an IANA time zone. A day is the half-open instant range
 * [start, end) between two local midnights, so it lasts 23 or 25 hours on DST
 * changes. When midnight itself is skipped by a DST gap, the day starts at the
 * first instant whose local date is that day.
 */

/** 'YYYY-MM-DD' */
export type Day = string

export interface DayInterval {
  day: Day
  startMs: number
  /** Exclusive. */
  endMs: number
}

const MS_PER_DAY = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch {
      throw badInput(`time zone "${printable(timeZone)}" is not a known IANA zone; use e.g. UTC, Europe/Berlin or America/New_York`)
    }
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** Validates an IANA time zone name and returns its canonical spelling. */
export function checkTimeZone(value: unknown, what = 'timezone'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    throw badInput(`${what} "${printable(value)}" is not a time zone; use an IANA name such as UTC or Europe/Berlin`)
  }
  try {
    return formatterFor(value).resolvedOptions().timeZone
  } catch {
    throw badInput(`${what} "${printable(value)}" is not a known IANA time zone; use e.g. UTC, Europe/Berlin or America/New_York`)
  }
}

/** The local wall-clock reading at an instant, expressed as if it were UTC milliseconds. */
export function wallClockMs(instantMs: number, timeZone: string): number {
  const fields: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const wall = new Date(0)
  wall.setUTCFullYear(fields.year, fields.month - 1, fields.day)
  wall.setUTCHours(fields.hour, fields.minute, fields.second, 0)
  const subSecond = instantMs - Math.floor(instantMs / 1000) * 1000
  return wall.getTime() + subSecond
}

export function formatDay(year: number, month: number, day: number): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function dayFromUtcMs(ms: number): Day {
  const d = new Date(ms)
  return formatDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}

/** Midnight of the day as UTC milliseconds (the day's "wall clock" origin). */
function dayOriginMs(day: Day): number {
  const [y, m, d] = day.split('-').map(Number)
  const origin = new Date(0)
  origin.setUTCFullYear(y, m - 1, d)
  return origin.getTime()
}

/** Parses a strict, real calendar date 'YYYY-MM-DD' (years 1970-9999). */
export function parseDay(value: unknown, what: string): Day {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null
  if (m === null) throw badInput(`${what} "${printable(value)}" is not a date; use YYYY-MM-DD, e.g. 2026-11-20`)
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (year < 1970 || month < 1 || month > 12 || day < 1 || dayFromUtcMs(dayOriginMs(m[0])) !== m[0]) {
    throw badInput(`${what} "${printable(value)}" is not a real calendar date (years from 1970); use YYYY-MM-DD`)
  }
  return m[0]
}

export function addDays(day: Day, days: number): Day {
  return dayFromUtcMs(dayOriginMs(day) + days * MS_PER_DAY)
}

/** The local date at an instant, via Intl (slow; dayOf caches). */
export function dayOfUncached(instantMs: number, timeZone: string): Day {
  return dayFromUtcMs(Math.floor(wallClockMs(instantMs, timeZone) / MS_PER_DAY) * MS_PER_DAY)
}

/** First instant of the day in the zone. */
export function startOfDayMs(day: Day, timeZone: string): number {
  const origin = dayOriginMs(day)
  // Offsets never exceed ±14 h, so the instant is within 14 h of the origin and
  // the offsets in force 14 h either side cover any single transition.
  const candidates = [origin - 14 * 3_600_000, origin, origin + 14 * 3_600_000]
    .map((probe) => origin - (wallClockMs(probe, timeZone) - probe))
    .filter((instant) => wallClockMs(instant, timeZone) === origin)
  if (candidates.length > 0) return Math.min(...candidates)
  // Midnight falls in a DST gap: find the first instant whose wall clock is past it.
  let lo = origin - 15 * 3_600_000
  let hi = origin + 15 * 3_600_000
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (wallClockMs(mid, timeZone) >= origin) hi = mid
    else lo = mid
  }
  return hi
}

export function dayInterval(day: Day, timeZone: string): DayInterval {
  return {day, startMs: startOfDayMs(day, timeZone), endMs: startOfDayMs(addDays(day, 1), timeZone)}
}

/**
 * Per-zone cache of day intervals, sorted by start, so the local day of an
 * instant is a binary search; Intl is only consulted for a day not seen yet.
 */
class DayLocator {
  private intervals: DayInterval[] = []

  constructor(private readonly timeZone: string) {}

  locate(instantMs: number): Day {
    const found = this.find(instantMs)
    if (found !== undefined) return found.day
    const day = dayOfUncached(instantMs, this.timeZone)
    const interval = dayInterval(day, this.timeZone)
    if (instantMs >= interval.startMs && instantMs < interval.endMs) this.insert(interval)
    return day
  }

  private find(instantMs: number): DayInterval | undefined {
    let lo = 0
    let hi = this.intervals.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const interval = this.intervals[mid]
      if (instantMs < interval.startMs) hi = mid - 1
      else if (instantMs >= interval.endMs) lo = mid + 1
      else return interval
    }
    return undefined
  }

  private insert(interval: DayInterval): void {
    if (this.intervals.length >= 10_000) this.intervals = []
    let i = this.intervals.length
    while (i > 0 && this.intervals[i - 1].startMs > interval.startMs) i--
    this.intervals.splice(i, 0, interval)
  }
}

const locators = new Map<string, DayLocator>()

/** The local date ('YYYY-MM-DD') of an instant in the zone; cached, safe to call per event. */
export function dayOf(instantMs: number, timeZone: string): Day {
  let locator = locators.get(timeZone)
  if (locator === undefined) {
    formatterFor(timeZone)
    locator = new DayLocator(timeZone)
    locators.set(timeZone, locator)
  }
  return locator.locate(instantMs)
}

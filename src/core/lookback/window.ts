import {badInput} from '../errors.js'
import {addDays, checkTimeZone, type Day, type DayInterval, dayInterval, dayOf, parseDay} from './zoned-day.js'

/**
 * The look-back window: the last N whole local days up to and including the
 * as-of day. Everything is derived from the explicit as-of, never from the
 * clock inside the job, so a rerun or `--resume` covers exactly the same days.
 */
export interface LookbackWindow {
  asOf: Day
  timezone: string
  /** Oldest first. */
  days: Day[]
  intervals: DayInterval[]
  startMs: number
  /** Exclusive: the start of the day after as-of. */
  endMs: number
}

export interface WindowRequest {
  windowDays: number
  /** 'YYYY-MM-DD'; default: yesterday in `timezone` relative to `now`. */
  asOf?: string
  timezone: string
  now: number
}

export const MAX_WINDOW_DAYS = 366

/**
 * Computes the window. An as-of later than today (in the zone) is refused:
 * those days have no data yet and a cron typo should not look like success.
 * Today itself is allowed (a deliberate partial day).
 */
export function computeWindow(request: WindowRequest): LookbackWindow {
  const {windowDays, now} = request
  if (!Number.isSafeInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) {
    throw badInput(`window must be 1 to ${MAX_WINDOW_DAYS} days, got ${windowDays}`)
  }
  if (!Number.isFinite(now)) throw badInput('now must be a finite epoch-millisecond time')
  const timezone = checkTimeZone(request.timezone)
  const today = dayOf(now, timezone)
  const asOf = request.asOf === undefined ? addDays(today, -1) : parseAsOf(request.asOf)
  if (asOf > today) {
    throw badInput(`--as-of ${asOf} is after today (${today} in ${timezone}); use a past date or omit --as-of for yesterday`)
  }
  const days: Day[] = []
  for (let i = windowDays - 1; i >= 0; i--) days.push(addDays(asOf, -i))
  const intervals = days.map((day) => dayInterval(day, timezone))
  return {asOf, timezone, days, intervals, startMs: intervals[0].startMs, endMs: intervals[intervals.length - 1].endMs}
}

/**
 * `--from A --to B`: the local days A..B inclusive, as a window with as-of B, so resume,
 * retention checks and the sink write treat an explicit backfill like any other run.
 */
export function rangeWindow(request: {from: string; to: string; timezone: string; now: number}): LookbackWindow {
  const from = parseDay(request.from, '--from')
  const to = parseDay(request.to, '--to')
  if (from > to) throw badInput(`--from ${from} is after --to ${to}; give the older day first`)
  const days = daysBetween(from, to) + 1
  if (days > MAX_WINDOW_DAYS) throw badInput(`--from ${from} --to ${to} spans ${days} days; the most one run recomputes is ${MAX_WINDOW_DAYS}: split the range`)
  try {
    return computeWindow({windowDays: days, asOf: to, timezone: request.timezone, now: request.now})
  } catch (error) {
    throw error instanceof Error ? badInput(error.message.replace('--as-of', '--to').replace('omit --as-of for yesterday', 'end the range yesterday or earlier')) : error
  }
}

/** --from and --to come together or not at all (run and status say it in the same words). */
export function checkRangePair(from: string | undefined, to: string | undefined): void {
  if ((from === undefined) !== (to === undefined)) throw badInput(`--${from === undefined ? 'to' : 'from'} needs --${from === undefined ? 'from' : 'to'}: give the range's first and last day (YYYY-MM-DD)`)
}

/** Whole calendar days from `a` to `b` (both 'YYYY-MM-DD'). */
export function daysBetween(a: Day, b: Day): number {
  const epochDay = (d: Day): number => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000
  return epochDay(b) - epochDay(a)
}

/** `--as-of`: strictly YYYY-MM-DD and a real date. */
export function parseAsOf(value: unknown): Day {
  return parseDay(value, '--as-of')
}

export type WindowPosition = {kind: 'before'} | {kind: 'after'} | {kind: 'in'; index: number; interval: DayInterval}

/**
 * Where an instant falls relative to the window: a range check and a binary
 * search over the precomputed day boundaries, no Intl, so it is cheap per event.
 */
export function locateInWindow(window: LookbackWindow, instantMs: number): WindowPosition {
  if (!(instantMs >= window.startMs)) return {kind: 'before'}
  if (instantMs >= window.endMs) return {kind: 'after'}
  let lo = 0
  let hi = window.intervals.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (window.intervals[mid].startMs <= instantMs) lo = mid
    else hi = mid - 1
  }
  return {kind: 'in', index: lo, interval: window.intervals[lo]}
}

/** The window day an event falls in, or null once it is counted as out of the window. */
export function dayInWindow(window: LookbackWindow, instantMs: number, outside: {addOutOfWindow(position: 'before' | 'after'): void}): DayInterval | null {
  const pos = locateInWindow(window, instantMs)
  if (pos.kind === 'in') return pos.interval
  outside.addOutOfWindow(pos.kind)
  return null
}

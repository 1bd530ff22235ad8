/**
 * Event times accepted in a record: epoch milliseconds as a number or a string
 * of digits, or ISO-8601 with an explicit zone (Z or ±hh:mm). A local time
 * without a zone is refused rather than guessed: the same text means different
 * instants in different zones, and guessing would move events between days.
 */

/** 1970-01-01 to 9999-12-31: outside this an event time is a unit mistake (seconds, µs), not data. */
export const MIN_EVENT_MS = 0
export const MAX_EVENT_MS = 253_402_300_799_999

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/

export type EventTimeResult = {ok: true; ms: number} | {ok: false; reason: string}

export function parseEventTime(value: unknown): EventTimeResult {
  let ms: number
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return {ok: false, reason: 'time is not a finite number'}
    // Fractions of a millisecond cannot move an event to another day except at the
    // boundary, where flooring matches how ISO sub-millisecond digits are cut.
    ms = Math.floor(value)
  } else if (value instanceof Date) {
    ms = value.getTime()
    if (!Number.isFinite(ms)) return {ok: false, reason: 'time is an invalid date'}
  } else if (typeof value === 'string') {
    if (/^-?\d{1,16}$/.test(value)) ms = Number(value)
    else {
      const parsed = parseIsoWithZone(value)
      if (parsed === null) return {ok: false, reason: 'time is neither epoch milliseconds nor ISO-8601 with a zone'}
      ms = parsed
    }
  } else {
    return {ok: false, reason: value === undefined || value === null ? 'time field missing' : `time is a ${Array.isArray(value) ? 'array' : typeof value}`}
  }
  if (ms < MIN_EVENT_MS || ms > MAX_EVENT_MS) return {ok: false, reason: 'time outside 1970..9999 (seconds or microseconds instead of milliseconds?)'}
  return {ok: true, ms}
}

function parseIsoWithZone(text: string): number | null {
  const m = ISO.exec(text)
  if (m === null) return null
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]))
  const second = m[6] === undefined ? 0 : Number(m[6])
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3))
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  if (date.getUTCDate() !== day) return null
  date.setUTCHours(hour, minute, second, millis)
  let offsetMinutes = 0
  const zone = m[8]
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '')
    const zoneHours = Number(digits.slice(0, 2))
    const zoneMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0
    if (zoneHours > 23 || zoneMinutes > 59) return null
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes)
  }
  return date.getTime() - offsetMinutes * 60_000
}

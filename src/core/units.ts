import {badInput} from './errors.js'

/**
 * Parsers for the human units users type on the command line. Each throws a
 * one-line BAD_INPUT error naming the flag and an example of a valid value.
 */

const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** Upper bound for any duration: a year. Anything longer is a typo, not a plan. */
export const MAX_DURATION_MS = 366 * 86_400_000

/**
 * Parses `500ms`, `10s`, `5m`, `1h30m`, `3d`. A bare number is rejected because
 * its unit would be a guess.
 */
export function parseDuration(input: string, what = 'duration', opts: {allowZero?: boolean} = {}): number {
  const text = String(input).trim()
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(text)) {
    throw badInput(`${what} "${printable(text)}" is not a duration; use a number with a unit, e.g. 30s, 5m, 2h or 3d`)
  }
  let total = 0
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * durationUnits[m[2]]
  if (!Number.isFinite(total) || total > MAX_DURATION_MS) {
    throw badInput(`${what} "${printable(text)}" is longer than a year; use a value such as 5m or 3d`)
  }
  if (total === 0 && !opts.allowZero) throw badInput(`${what} must be greater than zero; use e.g. 10s`)
  return Math.round(total)
}

const sizeUnits: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
}

/** Parses a byte size such as `1234`, `50MB`, `1.5GiB`. */
export function parseBytes(input: string, what = 'size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(String(input).trim())
  if (!m) throw badInput(`${what} "${printable(input)}" is not a size; use e.g. 50MB, 512KiB or 1GB`)
  const value = Number(m[1]) * sizeUnits[(m[2] ?? 'b').toLowerCase()]
  if (!Number.isFinite(value) || value > 1e15) throw badInput(`${what} "${printable(input)}" is too large`)
  return Math.round(value)
}

/** Parses a throughput such as `50MB/s` (the `/s` is optional) into bytes per second. */
export function parseByteRate(input: string, what = 'rate'): number {
  const text = String(input).trim().replace(/\/s(ec)?$/i, '')
  const value = parseBytes(text, what)
  if (value < 1024) throw badInput(`${what} "${printable(input)}" is below 1KB/s; use e.g. 50MB/s`)
  return value
}

/** Parses a non-negative integer within [min, max]. */
export function parseIntInRange(input: string | number, what: string, min: number, max: number): number {
  const text = String(input).trim()
  if (!/^-?\d+$/.test(text)) throw badInput(`${what} "${printable(text)}" is not a whole number`)
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw badInput(`${what} must be between ${min} and ${max}, got ${printable(text)}`)
  }
  return n
}

/** Parses a comma-separated list of integer ids, rejecting duplicates. */
export function parseIdList(input: string, what: string, min = 0, max = 2_147_483_647): number[] {
  const parts = String(input)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  if (parts.length === 0) throw badInput(`${what} is empty; give a comma-separated list such as 4,5`)
  const ids = parts.map((p) => parseIntInRange(p, what, min, max))
  const seen = new Set<number>()
  for (const id of ids) {
    if (seen.has(id)) throw badInput(`${what} lists ${id} twice`)
    seen.add(id)
  }
  return ids
}

/**
 * Makes untrusted text safe to echo in a one-line error: control characters,
 * bidi overrides and newlines are escaped and long values are cut.
 */
export function printable(value: unknown, max = 80): string {
  let text: string
  try {
    text = String(value)
  } catch {
    text = Object.prototype.toString.call(value) // e.g. an object without a prototype or with a throwing toString
  }
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes)
  if (abs < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let v = abs
  let i = -1
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${bytes < 0 ? '-' : ''}${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}

/**
 * A duration in the largest fitting unit pair: 850ms, 9.5s, 42s, 5m7s, 3h12m, 2d4h.
 * Rounds to the unit shown first, then splits, so a value never shows 60 of a smaller unit
 * (3599.7 s is "1h0m", not "59m60s").
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms < 0) return `-${formatDuration(-ms)}`
  const millis = Math.round(ms)
  if (millis < 1000) return `${millis}ms`
  const tenths = Math.round(ms / 100)
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}s`
  const secs = Math.round(ms / 1000)
  if (secs < 60) return `${secs}s`
  if (secs < 3600) return `${Math.floor(secs / 60)}m${secs % 60}s`
  const mins = Math.round(ms / 60_000)
  if (mins < 48 * 60) return `${Math.floor(mins / 60)}h${mins % 60}m`
  const hours = Math.round(ms / 3_600_000)
  return `${Math.floor(hours / 24)}d${hours % 24}h`
}

/** 1234567 -> "1,234,567" without Intl, whose first use costs tens of ms of start-up. */
export function formatCount(n: number): string {
  const [int, frac] = String(n).split('.')
  const sign = int.startsWith('-') ? '-' : ''
  const digits = sign ? int.slice(1) : int
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${grouped}${frac ? `.${frac}` : ''}`
}

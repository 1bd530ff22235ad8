import {badInput} from './errors.js'
import {printable} from './units.js'

/**
 * The one rule for every path fleetops WRITES (`kafka rebalance plan --output`, the
 * `--state-file` progress file of execute/cancel and its default `<plan>.progress.json`,
 * `lookback run --checkpoint-dir`). Pure: string checks only; the I/O half (what is at the
 * path now) is src/services/output-file.ts.
 *
 * Refused (exit 2, before any cluster is touched):
 *  - an empty path;
 *  - control characters (NUL included), bidi overrides, zero-width characters or lone
 *    surrogates: a name that does not look like what it is;
 *  - any `..` segment: write the path you mean. A relative path then always stays inside
 *    the current directory; an absolute path says plainly where it goes, and is allowed;
 *  - for a file: a name that is a directory (trailing `/`, `.`).
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export type OutputKind = 'file' | 'directory'

export interface CheckedOutputPath {
  /** The path as given (used to write: relative paths stay relative to the current directory). */
  path: string
  /** The parent directory part of `path` ('.' when none). */
  parent: string
}

export function checkOutputPath(raw: unknown, what: string, kind: OutputKind = 'file'): CheckedOutputPath {
  if (typeof raw !== 'string' || raw.trim() === '') throw badInput(`${what} is empty; give a ${kind} path`)
  const shown = printable(raw)
  if (INVISIBLE.test(raw) || LONE_SURROGATE.test(raw)) {
    throw badInput(`${what} "${shown}" contains a control, invisible or invalid character; use a plain path`)
  }
  if (raw.length > 4096) throw badInput(`${what} is ${raw.length} characters long; use a path under 4096 characters`)
  const segments = raw.split('/')
  if (segments.includes('..')) {
    throw badInput(`${what} "${shown}" has a ".." segment; fleetops never writes through "..": give a path inside the current directory, or an absolute path`)
  }
  if (kind === 'file') {
    const last = segments[segments.length - 1]
    if (last === '' || last === '.') throw badInput(`${what} "${shown}" names a directory; give a file name`)
  }
  const cut = raw.replace(/\/+$/, '').lastIndexOf('/')
  const parent = cut < 0 ? '.' : cut === 0 ? '/' : raw.slice(0, cut)
  return {path: raw, parent}
}

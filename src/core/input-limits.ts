import {badInput} from './errors.js'

/**
 * The documented maxima for input files and counts (README "Input limits"). Generous for
 * real fleets; anything beyond is refused with one line (exit 2) before it can exhaust memory,
 * the call stack or a cluster.
 */
const MiB = 1024 * 1024

/** Largest input file of each kind, in bytes. */
export const MAX_FILE_BYTES = {
  /** Kafka cluster state (`kafka describe --json`): 2,000,000 partitions are about 200 MB. */
  'cluster state file': 480 * MiB,
  /** Rebalance plan: the same scale as a state file. */
  'plan file': 480 * MiB,
  /** Rebalance progress file. */
  'progress file': 480 * MiB,
  /** Cassandra ring state (`ring show --json`). */
  'ring state file': 64 * MiB,
  /** Look-back job definition (a few dozen lines). */
  'job file': 1 * MiB,
  /** Look-back checkpoint. */
  'checkpoint file': 64 * MiB,
  /** PEM certificate or key. */
  'PEM file': 1 * MiB,
  /** A password (--password-file and its kin). */
  'password file': 64 * 1024,
  /** The profiles file (~/.config/fleetops/config.json). */
  'profile file': 1 * MiB,
} as const

export type InputFileKind = keyof typeof MAX_FILE_BYTES

/** Largest counts inside input files and flags. */
export const MAX_COUNT = {
  brokers: 10_000,
  partitions: 2_000_000,
  replicasPerPartition: 64,
  ringNodes: 10_000,
  tokensPerNode: 1_536,
  ringTokens: 1_000_000,
  /** hash simulate: nodes × vnodes points on the ring. */
  ringPoints: 10_000_000,
  /** hash simulate --scheme rendezvous: keys × nodes hashes per placement. */
  rendezvousWork: 1_000_000_000,
} as const

/** Deepest nesting of arrays/objects accepted in a JSON input file (ours need 4). */
export const MAX_JSON_NESTING = 64

/** Refuses a count over its maximum with one line. */
export function checkCount(count: number, max: number, what: string, fix: string): void {
  if (count > max) throw badInput(`${what}: ${count} is more than the maximum of ${max}; ${fix}`)
}

/**
 * Parses JSON text without ever quoting it in an error: V8's messages include the text
 * ("Unexpected token 'p', "password123" is not valid JSON"), so they are replaced by the line and
 * column and what is wrong. Nesting deeper than MAX_JSON_NESTING is refused before parsing, so
 * nothing later can recurse as deep as the input says.
 */
export function parseJsonText(text: string, label: string): unknown {
  const depthAt = nestingBeyond(text, MAX_JSON_NESTING)
  if (depthAt >= 0) {
    const {line, column} = lineColumn(text, depthAt)
    throw badInput(`${label}:${line}:${column}: nesting deeper than ${MAX_JSON_NESTING} levels; this is not a fleetops file`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw badInput(`${label} is not valid JSON (${describeJsonError(text, error)}); check the file`)
  }
}

/** Index of the bracket that first goes deeper than max, or -1. Strings are skipped. Iterative. */
export function nestingBeyond(text: string, max: number): number {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return -1
}

/** 1-based line and column of a character index. */
export function lineColumn(text: string, index: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  const end = Math.min(index, text.length)
  for (let k = text.indexOf('\n'); k !== -1 && k < end; k = text.indexOf('\n', k + 1)) {
    line++
    lineStart = k + 1
  }
  return {line, column: end - lineStart + 1}
}

/** What went wrong in JSON.parse, by position only: never any of the text. */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : ''
  const m = /at position (\d+)/.exec(message)
  if (m) {
    const at = Number(m[1])
    if (at >= text.trimEnd().length) return 'it ends too early: truncated'
    const {line, column} = lineColumn(text, at)
    const what = /Bad control character/.test(message)
      ? 'a control character inside a string'
      : /Bad escaped character|Bad Unicode escape/.test(message)
        ? 'a bad escape in a string'
        : /Unterminated string/.test(message)
          ? 'an unterminated string'
          : /after JSON/.test(message)
            ? 'unexpected text after the JSON value'
            : /Expected/.test(message)
              ? 'a missing or misplaced character'
              : 'an unexpected character'
    return `${what} at line ${line} column ${column}`
  }
  if (/end of JSON input|Unterminated/.test(message) || text.trim().length === 0) return 'it ends too early: truncated or empty'
  // Node 20 omits the position for some errors ("Unexpected token 'p', "..." is not valid JSON").
  const first = text.search(/\S/)
  const {line, column} = lineColumn(text, first < 0 ? 0 : first)
  return /^\s*[[{"\-0-9tfn]/.test(text) ? 'an unexpected character' : `it does not start like JSON (line ${line} column ${column})`
}

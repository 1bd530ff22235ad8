import type {LookbackJobSpec} from './job-spec.js'
import {murmur3x86128} from './measures/murmur3-x86-128.js'

/**
 * A fingerprint of what a job computes: everything in its spec but the window length (a
 * flag may change it and --resume checks it by itself). A checkpoint or a shared run keeps
 * it, so a run resumed or joined with an edited job file (another sink, where, dimension
 * or measure) is refused as bad input instead of merging states of two different jobs.
 */
export function jobFingerprint(job: LookbackJobSpec): string {
  const {windowDays: _ignored, ...what} = job
  return murmur3x86128(canonicalJson(what))
    .map((word) => (word >>> 0).toString(16).padStart(8, '0'))
    .join('')
}

/** JSON with object keys sorted at every level, so equal specs give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

import {badInput} from '../errors.js'

export interface ProgressEstimate {
  /** Share done, 0..1. */
  readonly fraction: number
  readonly remainingBytes: number
  /** Average rate so far; null before anything measurable happened. */
  readonly bytesPerSecond: number | null
  /** Milliseconds left at the average rate so far; null when it cannot be estimated yet. */
  readonly etaMs: number | null
}

function nonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw badInput(`${what} must be a finite number of 0 or more, got ${String(value)}`)
  }
  return value
}

/** Linear ETA from bytes copied so far. Done bytes above the total (sizes grow while copying) clamp to done. */
export function progressEstimate(doneBytes: number, totalBytes: number, elapsedMs: number): ProgressEstimate {
  const total = nonNegative(totalBytes, 'total bytes')
  const done = Math.min(nonNegative(doneBytes, 'bytes done'), total)
  const elapsed = nonNegative(elapsedMs, 'elapsed time')
  const remainingBytes = total - done
  if (remainingBytes === 0) return {fraction: 1, remainingBytes: 0, bytesPerSecond: elapsed > 0 ? (done / elapsed) * 1000 : null, etaMs: 0}
  if (done === 0 || elapsed === 0) return {fraction: done / total, remainingBytes, bytesPerSecond: null, etaMs: null}
  const perMs = done / elapsed
  return {fraction: done / total, remainingBytes, bytesPerSecond: perMs * 1000, etaMs: Math.round(remainingBytes / perMs)}
}

import type {LookbackJobSpec} from './job-spec.js'
import {type DayLateness, type LatenessEntryState, LatenessProfile, type WindowAdvice} from './lateness.js'
import {bucketKeysOfDays} from './measures-event.js'
import type {LookbackWindow} from './window.js'
import {dayOfHourBucket} from './zoned-hour.js'

/**
 * What a job's state table (fleetops_lookback_buckets) keeps per bucket: the run that last
 * wrote it, what it wrote, whether the bucket was complete then, and its lateness. A run
 * writes the rows of the buckets it wrote to the sink, at the sink's write timestamp, so the
 * newest run wins here exactly as it does in the sink.
 */
export interface BucketState {
  bucket: string
  day: string
  runId: string
  runAtMs: number
  rows: number
  events: number
  /** False when the run read before the bucket had ended (an as-of of today). */
  complete: boolean
  lateness: LatenessEntryState | null
}

export type BucketCondition = 'complete' | 'incomplete' | 'missing'

/** One line of `lookback status`. */
export interface BucketStatusLine {
  bucket: string
  day: string
  state: BucketCondition
  lastRunId: string | null
  lastRunAtMs: number | null
  rows: number | null
  events: number | null
  /** Events that arrived after their local day ended (as the sink's late_events). */
  lateEvents: number | null
  /** The late event that arrived last. */
  latestLateEvent: {eventMs: number; arrivalMs: number} | null
}

/** The bucket keys of days, oldest first: the days themselves for a daily or legacy job, the local hours for an hourly one. */
export function jobBucketsOfDays(job: LookbackJobSpec, days: readonly string[]): string[] {
  return job.shape === 'measures' ? bucketKeysOfDays(job, days) : [...days]
}

/** The local day a bucket key belongs to. */
export function dayOfBucket(job: LookbackJobSpec, bucket: string): string {
  return job.shape === 'measures' && job.granularity === 'hour' ? dayOfHourBucket(Date.parse(bucket), job.timezone) : bucket
}

/** When a bucket ends: its day's end, or its hour's (an hour bucket is one real hour, DST or not). */
function bucketEndMs(job: LookbackJobSpec, bucket: string, window: LookbackWindow): number {
  if (job.shape === 'measures' && job.granularity === 'hour') return Date.parse(bucket) + 3_600_000
  return window.intervals[window.days.indexOf(bucket)]!.endMs
}

/**
 * The states a finished run records: one per bucket it wrote, with the rows and events it
 * wrote there. A bucket is complete when it had ended by the time the run started reading.
 */
export function writtenBucketStates(input: {
  job: LookbackJobSpec
  window: LookbackWindow
  buckets: readonly string[]
  rows: ReadonlyArray<{bucket: string; events: number}>
  runId: string
  runStartedAtMs: number
  lateness: LatenessProfile
}): BucketState[] {
  const {job, window, runId, runStartedAtMs, lateness} = input
  const perBucket = new Map<string, {rows: number; events: number}>()
  for (const r of input.rows) {
    const b = perBucket.get(r.bucket) ?? {rows: 0, events: 0}
    b.rows++
    b.events += r.events
    perBucket.set(r.bucket, b)
  }
  return input.buckets.map((bucket) => ({
    bucket,
    day: dayOfBucket(job, bucket),
    runId,
    runAtMs: runStartedAtMs,
    rows: perBucket.get(bucket)?.rows ?? 0,
    events: perBucket.get(bucket)?.events ?? 0,
    complete: bucketEndMs(job, bucket, window) <= runStartedAtMs,
    lateness: lateness.bucketState(bucket),
  }))
}

/** Each expected bucket with its recorded state: complete, incomplete, or missing (never written). */
export function bucketStatus(job: LookbackJobSpec, days: readonly string[], states: readonly BucketState[]): BucketStatusLine[] {
  const byBucket = new Map(states.map((s) => [s.bucket, s]))
  return jobBucketsOfDays(job, days).map((bucket) => {
    const s = byBucket.get(bucket)
    if (s === undefined) {
      return {bucket, day: dayOfBucket(job, bucket), state: 'missing', lastRunId: null, lastRunAtMs: null, rows: null, events: null, lateEvents: null, latestLateEvent: null}
    }
    const latest = s.lateness?.latest ?? null
    return {
      bucket,
      day: s.day,
      state: s.complete ? 'complete' : 'incomplete',
      lastRunId: s.runId,
      lastRunAtMs: s.runAtMs,
      rows: s.rows,
      events: s.events,
      lateEvents: s.lateness?.late ?? 0,
      latestLateEvent: latest === null ? null : {eventMs: latest[0], arrivalMs: latest[1]},
    }
  })
}

/** The buckets `--fill-gaps` recomputes: missing or incomplete, oldest first. */
export function gapBuckets(lines: readonly BucketStatusLine[]): string[] {
  return lines.filter((l) => l.state !== 'complete').map((l) => l.bucket)
}

/** The recorded lateness of the days (each bucket as its last run saw it), per day and as window advice. */
export function recordedLateness(states: readonly BucketState[], days: readonly string[], timezone: string): {perDay: DayLateness[]; advice: WindowAdvice} {
  const state: Record<string, LatenessEntryState> = {}
  for (const s of states) if (s.lateness !== null && days.includes(s.day)) state[s.bucket] = s.lateness
  const profile = LatenessProfile.fromState(state, timezone)
  return {perDay: profile.days(days), advice: profile.windowAdvice(days)}
}

import {FleetopsError} from '../errors.js'
import {isCount} from './day-aggregator.js'
import {DDSketch} from './measures/ddsketch.js'
import {type QuantileState, sketchFromState, sketchState} from './measures/quantile.js'
import {daysBetween} from './window.js'
import {dayOf} from './zoned-day.js'

/**
 * How late events arrive, per bucket: the distribution of lateness (arrival minus event
 * time, 0 when it arrived first) and, for the events that arrived after their local day
 * ended, how long a look-back window would have had to be to catch them.
 *
 * A nightly run with as-of A recomputes the W days up to A. An event of day D that arrived
 * on local day R (R > D: it is late) is first read by the run with as-of R, which covers it
 * when W ≥ R − D + 1: that is the event's "window needed". The smallest W catching 99.9 %
 * of the late events is the window a job needs; `lookback status` aggregates it over days.
 *
 * Everything merges exactly and commutatively (sketch counts, maxima, histograms), so the
 * profile of a rerun or of --share-work units equals the single-pass one.
 */
export interface LatenessEntryState {
  day: string
  /** Events with a known arrival time. */
  n: number
  sketch: QuantileState
  maxMs: number
  /** Events that arrived after their local day ended. */
  late: number
  /** Late events by the window (days) that would have caught them, ascending. */
  needed: [number, number][]
  /** The late event that arrived last: [eventMs, arrivalMs]. */
  latest: [number, number] | null
}

/** Bucket key (the day, or the hour bucket's key) → its entry, keys sorted. */
export type LatenessState = Record<string, LatenessEntryState>

export interface DayLateness {
  day: string
  events: number
  lateEvents: number
  p50Ms: number | null
  p99Ms: number | null
  maxMs: number | null
}

export interface WindowAdvice {
  lateEvents: number
  /** The smallest window (days) that catches `fraction` of the late events; 1 with none. */
  windowDays: number
  fraction: number
}

/** The share of late events the advised window must catch. */
export const ADVICE_FRACTION = 0.999

class Entry {
  sketch = new DDSketch()
  n = 0
  maxMs = 0
  late = 0
  readonly needed = new Map<number, number>()
  latest: [number, number] | null = null

  constructor(readonly day: string) {}

  addLate(neededDays: number, count: number, latest: [number, number]): void {
    this.late += count
    this.needed.set(neededDays, (this.needed.get(neededDays) ?? 0) + count)
    if (this.latest === null || latest[1] > this.latest[1] || (latest[1] === this.latest[1] && latest[0] > this.latest[0])) this.latest = latest
  }
}

export class LatenessProfile {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly timezone: string) {}

  /**
   * One event of `bucket` (in local day `day`, which ends at `dayEndMs`). An unknown arrival
   * (Kafka's -1, a missing WRITETIME) says nothing about lateness and is left out.
   */
  add(bucket: string, day: {day: string; endMs: number}, eventMs: number, arrivalMs: number): void {
    if (!Number.isFinite(arrivalMs) || arrivalMs < 0) return
    const entry = this.entryOf(bucket, day.day)
    const lateness = Math.max(0, arrivalMs - eventMs)
    entry.sketch.add(lateness)
    entry.n++
    if (lateness > entry.maxMs) entry.maxMs = lateness
    if (arrivalMs >= day.endMs) entry.addLate(daysBetween(day.day, dayOf(arrivalMs, this.timezone)) + 1, 1, [eventMs, arrivalMs])
  }

  merge(other: LatenessProfile): void {
    for (const [bucket, theirs] of other.entries) {
      const ours = this.entryOf(bucket, theirs.day)
      ours.sketch.merge(theirs.sketch)
      ours.n += theirs.n
      ours.maxMs = Math.max(ours.maxMs, theirs.maxMs)
      for (const [days, count] of theirs.needed) ours.addLate(days, count, theirs.latest!)
    }
  }

  /** The late events of one bucket, and the one that arrived last. */
  bucket(bucket: string): {lateEvents: number; latest: {eventMs: number; arrivalMs: number} | null} {
    const e = this.entries.get(bucket)
    return {lateEvents: e?.late ?? 0, latest: e?.latest ? {eventMs: e.latest[0], arrivalMs: e.latest[1]} : null}
  }

  /** Per day (its buckets together): lateness p50, p99 and max, and the late events. */
  days(days: readonly string[]): DayLateness[] {
    return days.map((day) => {
      const merged = new Entry(day)
      for (const e of this.entries.values()) {
        if (e.day !== day) continue
        merged.sketch.merge(e.sketch)
        merged.n += e.n
        merged.maxMs = Math.max(merged.maxMs, e.maxMs)
        merged.late += e.late
      }
      const known = merged.n > 0
      return {day, events: merged.n, lateEvents: merged.late, p50Ms: known ? roundMs(merged.sketch.quantile(0.5)!) : null, p99Ms: known ? roundMs(merged.sketch.quantile(0.99)!) : null, maxMs: known ? merged.maxMs : null}
    })
  }

  /** The smallest window catching ADVICE_FRACTION of the late events seen (in `days`, or all). */
  windowAdvice(days?: readonly string[]): WindowAdvice {
    const needed = new Map<number, number>()
    let late = 0
    for (const e of this.entries.values()) {
      if (days !== undefined && !days.includes(e.day)) continue
      late += e.late
      for (const [d, count] of e.needed) needed.set(d, (needed.get(d) ?? 0) + count)
    }
    return {lateEvents: late, windowDays: smallestWindow(needed, late, ADVICE_FRACTION), fraction: ADVICE_FRACTION}
  }

  toState(): LatenessState {
    const state: LatenessState = {}
    for (const bucket of [...this.entries.keys()].sort()) state[bucket] = this.bucketState(bucket)!
    return state
  }

  /** Rebuilds a profile from toState() (a checkpoint, a unit result, the bucket table), validated. */
  static fromState(state: unknown, timezone: string): LatenessProfile {
    const profile = new LatenessProfile(timezone)
    if (state === undefined) return profile
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw malformed()
    for (const [bucket, value] of Object.entries(state as Record<string, unknown>)) profile.entries.set(bucket, entryFromState(value))
    return profile
  }

  /** One bucket's state (for the bucket table), or null when the bucket saw no event. */
  bucketState(bucket: string): LatenessEntryState | null {
    const e = this.entries.get(bucket)
    if (e === undefined) return null
    return {day: e.day, n: e.n, sketch: sketchState(e.sketch), maxMs: e.maxMs, late: e.late, needed: [...e.needed.entries()].sort((a, b) => a[0] - b[0]), latest: e.latest}
  }

  private entryOf(bucket: string, day: string): Entry {
    let e = this.entries.get(bucket)
    if (e === undefined) this.entries.set(bucket, (e = new Entry(day)))
    return e
  }
}

/** Smallest W with (late events needing ≤ W days) ≥ fraction × all; 1 when there are none. */
export function smallestWindow(needed: ReadonlyMap<number, number>, late: number, fraction: number): number {
  if (late === 0) return 1
  const target = Math.ceil(fraction * late - 1e-9)
  let caught = 0
  for (const [days, count] of [...needed.entries()].sort((a, b) => a[0] - b[0])) {
    caught += count
    if (caught >= target) return days
  }
  throw new FleetopsError('INTERNAL', 'late-event histogram does not add up to its total')
}

/** Sketch answers are within 1 %; whole milliseconds are as precise as the input. */
function roundMs(x: number): number {
  return Math.round(x)
}

function malformed(): FleetopsError {
  return new FleetopsError('BAD_INPUT', 'checkpoint lateness section is malformed; delete the checkpoint and rerun without --resume')
}

function entryFromState(value: unknown): Entry {
  const s = value as Partial<LatenessEntryState> | null
  if (s === null || typeof s !== 'object' || typeof s.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s.day)) throw malformed()
  if (!isCount(s.n) || !isCount(s.late) || typeof s.maxMs !== 'number' || !(s.maxMs >= 0) || !Array.isArray(s.needed)) throw malformed()
  const e = new Entry(s.day)
  e.sketch = sketchFromState(s.sketch, 'lateness')
  if (e.sketch.count !== s.n) throw malformed()
  e.n = s.n
  e.maxMs = s.maxMs
  let late = 0
  for (const pair of s.needed) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[0]) || !isCount(pair[1]) || pair[1] === 0) throw malformed()
    e.needed.set(pair[0], pair[1])
    late += pair[1]
  }
  if (late !== s.late) throw malformed()
  if (s.latest !== null && (!Array.isArray(s.latest) || s.latest.length !== 2 || !s.latest.every((x) => Number.isFinite(x)))) throw malformed()
  if ((s.latest === null) !== (late === 0)) throw malformed()
  e.late = late
  e.latest = s.latest === null || s.latest === undefined ? null : [s.latest[0], s.latest[1]]
  return e
}

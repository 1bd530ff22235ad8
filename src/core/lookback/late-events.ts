import {FleetopsError} from '../errors.js'
import type {EventRef} from './event-ref.js'
import type {DayInterval} from './zoned-day.js'

/**
 * Whether an event is "late": it arrived after the results for its event day
 * could last have been published.
 *
 * Let D = [D.start, D.end) be the event's local day, A its arrival time (Kafka
 * record timestamp, i.e. ingestion time under LogAppendTime; for Cassandra the
 * row's write time) and B the previous successful run's boundary: the end
 * instant of the last day that run covered (its as-of day), stored per job.
 *
 *   late  ⇔  A ≥ max(D.end, B)          (B = null: first run ⇒ A ≥ D.end)
 *
 * So an event is late when it arrived both after its own day had ended and
 * after the previous run's cut-off. For a day the previous run covered
 * (D.end ≤ B) that is "arrived after the previous run's boundary"; for a day
 * it did not cover (and on the first run) it is "arrived after its day ended".
 * Ends are exclusive, so arriving exactly at D.end or B is late.
 *
 * The boundary, not the previous run's actual read snapshot, is the cut-off:
 * an event arriving between B and the moment the previous run read its end
 * offsets is counted late although that run may have seen it (an over-count
 * bounded by how long after midnight the job runs). An unknown arrival time
 * (negative or not finite, e.g. Kafka's -1) is never late.
 */
export function isLate(eventDay: Pick<DayInterval, 'endMs'>, arrivalMs: number, previousRunBoundaryMs: number | null): boolean {
  if (!Number.isFinite(arrivalMs) || arrivalMs < 0) return false
  const cutOff = previousRunBoundaryMs === null ? eventDay.endMs : Math.max(eventDay.endMs, previousRunBoundaryMs)
  return arrivalMs >= cutOff
}

/**
 * The two late-event numbers a run produces:
 *
 * - the sink column `late_events` counts events that arrived after their own day ended
 *   (`isLate(day, arrival, null)`). It depends only on the events, so recomputing a day
 *   gives the same value whatever ran before: reruns and overlapping runs converge and a
 *   rerun with nothing new changes no row;
 * - the report's stragglers are the events that are late against the previous run
 *   (`isLate(day, arrival, boundary)`) and that the previous run did not read: with the
 *   previous run's end offsets (Kafka) or start time (Cassandra WRITETIME) known, a record
 *   it already read is not new. This makes the straggler report exact instead of
 *   over-counting events that arrived between the boundary and the previous run's snapshot.
 */
export function isNewStraggler(eventDay: Pick<DayInterval, 'endMs'>, arrivalMs: number, previousRunBoundaryMs: number | null, seenByPreviousRun: boolean): boolean {
  return !seenByPreviousRun && isLate(eventDay, arrivalMs, previousRunBoundaryMs)
}

export interface LateExample {
  ref: EventRef
  day: string
  group: string
  eventMs: number
  arrivalMs: number
}

export interface LateLogState {
  perDay: Record<string, number>
  examples: LateExample[]
}

/**
 * Exact late-event counts per day plus the first few late events by name
 * (topic/partition/offset or Cassandra key), so the report can say which
 * records changed a published day without keeping them all.
 */
export class LateEventLog {
  private readonly perDay = new Map<string, number>()
  private readonly examples: LateExample[] = []

  constructor(readonly maxExamples = 20) {}

  add(example: LateExample): void {
    this.perDay.set(example.day, (this.perDay.get(example.day) ?? 0) + 1)
    if (this.examples.length < this.maxExamples) this.examples.push(example)
  }

  count(day?: string): number {
    if (day !== undefined) return this.perDay.get(day) ?? 0
    let n = 0
    for (const c of this.perDay.values()) n += c
    return n
  }

  exampleList(): readonly LateExample[] {
    return this.examples
  }

  merge(other: LateEventLog | LateLogState): void {
    const state = other instanceof LateEventLog ? other.toState() : other
    for (const [day, n] of Object.entries(state.perDay)) this.perDay.set(day, (this.perDay.get(day) ?? 0) + n)
    for (const example of state.examples) {
      if (this.examples.length >= this.maxExamples) break
      this.examples.push(example)
    }
  }

  toState(): LateLogState {
    const perDay: Record<string, number> = {}
    for (const day of [...this.perDay.keys()].sort()) perDay[day] = this.perDay.get(day)!
    return {perDay, examples: [...this.examples]}
  }

  static fromState(state: unknown, maxExamples = 20): LateEventLog {
    const s = state as Partial<LateLogState> | null
    const ok =
      s !== null &&
      typeof s === 'object' &&
      s.perDay !== null &&
      typeof s.perDay === 'object' &&
      Object.entries(s.perDay).every(([day, n]) => /^\d{4}-\d{2}-\d{2}$/.test(day) && Number.isSafeInteger(n) && n >= 0) &&
      Array.isArray(s.examples)
    if (!ok) throw new FleetopsError('BAD_INPUT', 'checkpoint late-event section is malformed; delete the checkpoint and rerun without --resume')
    const log = new LateEventLog(maxExamples)
    log.merge(s as LateLogState)
    return log
  }
}

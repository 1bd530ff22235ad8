import type {UnitPartial} from '../../core/lookback/checkpoint.js'
import {unitPartial} from '../../core/lookback/checkpoint.js'
import {DayAggregator} from '../../core/lookback/day-aggregator.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import type {ExtractResult} from '../../core/lookback/extract-event.js'
import type {JobSpec} from '../../core/lookback/job-spec.js'
import {LateEventLog, isLate, isNewStraggler} from '../../core/lookback/late-events.js'
import {LatenessProfile} from '../../core/lookback/lateness.js'
import {RejectCollector} from '../../core/lookback/rejects.js'
import {type LookbackWindow, dayInWindow} from '../../core/lookback/window.js'

/**
 * One unit's running result: the day aggregation, the straggler log and the rejects. The
 * sink's late_events column counts events that arrived after their own day (stable across
 * reruns); the straggler log holds events new since the previous run (see isNewStraggler).
 */
export class UnitAccumulator {
  readonly aggregation: DayAggregator
  readonly late: LateEventLog
  readonly rejects: RejectCollector
  readonly lateness: LatenessProfile
  events = 0

  constructor(
    job: JobSpec,
    private readonly window: LookbackWindow,
    private readonly previousRunBoundaryMs: number | null,
    partial?: UnitPartial,
  ) {
    this.aggregation = partial ? DayAggregator.fromState(partial.aggregation) : DayAggregator.forJob(job)
    this.late = partial ? LateEventLog.fromState(partial.late) : new LateEventLog()
    this.rejects = partial ? RejectCollector.fromState(partial.rejects) : new RejectCollector()
    this.lateness = LatenessProfile.fromState(partial?.lateness, window.timezone)
  }

  /** Adds one extracted record. `ref` is only called for rejects and stragglers. */
  add(result: ExtractResult, arrivalMs: number, seenByPreviousRun: boolean, ref: () => EventRef): void {
    this.events++
    if (!result.ok) {
      this.rejects.add(result.reason, result.detail, ref())
      return
    }
    const event = result.event
    const interval = dayInWindow(this.window, event.eventMs, this.aggregation)
    if (interval === null) return
    const day = interval.day
    this.aggregation.add(day, event, isLate(interval, arrivalMs, null))
    this.lateness.add(day, interval, event.eventMs, arrivalMs)
    if (isNewStraggler(interval, arrivalMs, this.previousRunBoundaryMs, seenByPreviousRun)) {
      this.late.add({ref: ref(), day, group: event.group, eventMs: event.eventMs, arrivalMs})
    }
  }

  /** `records` source records that could not be read at all (an undecodable batch): counted rejects. */
  addUnreadable(records: number, detail: string, ref: () => EventRef): void {
    if (records <= 0) return
    this.events += records
    this.rejects.add('undecodable-batch', detail, ref(), records)
  }

  partial(): UnitPartial {
    return unitPartial(this)
  }
}

import {type UnitPartial, unitPartial} from '../../core/lookback/checkpoint.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import type {MeasuresJobSpec} from '../../core/lookback/job-spec.js'
import {LateEventLog, isLate, isNewStraggler} from '../../core/lookback/late-events.js'
import {LatenessProfile} from '../../core/lookback/lateness.js'
import {type MeasuresExtractResult, aggregatorDimensions, aggregatorMeasures, bucketKeyOf} from '../../core/lookback/measures-event.js'
import {BucketAggregator} from '../../core/lookback/measures/bucket-aggregator.js'
import {RejectCollector} from '../../core/lookback/rejects.js'
import {type LookbackWindow, dayInWindow} from '../../core/lookback/window.js'

/**
 * UnitAccumulator's sibling for the measures form: one unit's bucket aggregation, straggler
 * log, rejects and filtered count. Late means what it means for the legacy form: the event
 * arrived after its local day ended (for an hourly bucket, the day holding that hour), so the
 * sink's late_events is stable across reruns.
 */
export class MeasuresUnitAccumulator {
  readonly aggregation: BucketAggregator
  readonly late: LateEventLog
  readonly rejects: RejectCollector
  readonly lateness: LatenessProfile
  filtered: number
  events = 0

  constructor(
    private readonly job: MeasuresJobSpec,
    private readonly window: LookbackWindow,
    private readonly previousRunBoundaryMs: number | null,
    partial?: UnitPartial,
  ) {
    this.aggregation = partial ? BucketAggregator.fromState(partial.aggregation) : new BucketAggregator({dimensions: aggregatorDimensions(job), measures: aggregatorMeasures(job.measures)})
    this.late = partial ? LateEventLog.fromState(partial.late) : new LateEventLog()
    this.rejects = partial ? RejectCollector.fromState(partial.rejects) : new RejectCollector()
    this.filtered = partial?.filtered ?? 0
    this.lateness = LatenessProfile.fromState(partial?.lateness, window.timezone)
  }

  /** Adds one extracted record. `ref` is only called for rejects and stragglers. */
  add(result: MeasuresExtractResult, arrivalMs: number, seenByPreviousRun: boolean, ref: () => EventRef): void {
    this.events++
    if (result.kind === 'reject') {
      this.rejects.add(result.reason, result.detail, ref())
      return
    }
    if (result.kind === 'filtered') {
      this.filtered++
      return
    }
    const event = result.event
    const interval = dayInWindow(this.window, event.eventMs, this.aggregation)
    if (interval === null) return
    const bucket = bucketKeyOf(this.job, event.eventMs, interval.day)
    this.aggregation.add(bucket, event.dims, event.values, isLate(interval, arrivalMs, null))
    this.lateness.add(bucket, interval, event.eventMs, arrivalMs)
    if (isNewStraggler(interval, arrivalMs, this.previousRunBoundaryMs, seenByPreviousRun)) {
      this.late.add({ref: ref(), day: interval.day, group: JSON.stringify(event.dims), eventMs: event.eventMs, arrivalMs})
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

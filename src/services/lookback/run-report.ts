import type {Checkpoint} from '../../core/lookback/checkpoint.js'
import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {LateEventLog} from '../../core/lookback/late-events.js'
import type {DayLateness, LatenessProfile} from '../../core/lookback/lateness.js'
import type {MeasuresDiff} from '../../core/lookback/measures-sink.js'
import type {RejectCollector} from '../../core/lookback/rejects.js'
import type {SinkDiff} from '../../core/lookback/sink-diff.js'
import type {SinkRow} from '../../core/lookback/sink-row.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import type {DayReport, LookbackReport} from './report.js'

/** The merged done units of either job form (mergeDoneUnits, mergeDoneMeasuresUnits). */
export interface MergedUnits {
  aggregation: {readonly outOfWindow: {before: number; after: number}; readonly eventCount: number}
  late: LateEventLog
  rejects: RejectCollector
  lateness: LatenessProfile
  /** Measures form only: records the job's `where` left out. */
  filtered?: number
}

/** What every report of a run says, however it ended. */
export interface ReportBasis {
  job: LookbackJobSpec
  checkpoint: Checkpoint
  window: LookbackWindow
  instance: string
  dryRun: boolean
  resumed: boolean
  shared: boolean
  merged: MergedUnits
  incompleteDays: string[]
  units: LookbackReport['units']
  sinkCreated: boolean
  durationMs: number
}

/** A report with no sink rows written yet: status ok, no days, no changes. */
export function baseReport(b: ReportBasis): LookbackReport {
  const {job, checkpoint: cp, window, merged} = b
  return {
    job: job.name,
    runId: cp.runId,
    instance: b.instance,
    status: 'ok',
    exit: 0,
    message: null,
    dryRun: b.dryRun,
    resumed: b.resumed,
    shared: b.shared,
    asOf: cp.asOf,
    timezone: cp.timezone,
    window: {days: window.days, startMs: window.startMs, endMs: window.endMs},
    source: sourceInfo(job, b.units.total),
    previousRunBoundaryMs: cp.previousRunBoundaryMs,
    days: [],
    changes: [],
    late: {total: merged.late.count(), perDay: merged.late.toState().perDay, examples: [...merged.late.exampleList()]},
    lateness: {...merged.lateness.windowAdvice(), windowDaysUsed: window.days.length},
    rejects: {total: merged.rejects.total, counts: merged.rejects.toState().counts as Record<string, number>, examples: [...merged.rejects.exampleList()]},
    outOfWindow: merged.aggregation.outOfWindow,
    incompleteDays: b.incompleteDays,
    units: b.units,
    sink: {keyspace: job.sink.keyspace, table: job.sink.table, created: b.sinkCreated, rowsWritten: 0, written: false},
    events: merged.aggregation.eventCount + merged.rejects.total + merged.aggregation.outOfWindow.before + merged.aggregation.outOfWindow.after + (merged.filtered ?? 0),
    ...(merged.filtered === undefined ? {} : {filtered: merged.filtered}),
    durationMs: b.durationMs,
  }
}

function sourceInfo(job: LookbackJobSpec, totalUnits: number): LookbackReport['source'] {
  return job.source.kind === 'kafka'
    ? {kind: 'kafka', topic: job.source.topic, partitions: totalUnits}
    : {kind: 'cassandra', keyspace: job.source.keyspace, table: job.source.table, buckets: job.source.buckets}
}

/** One line per day of the window: its events and groups, how many groups the sink diff changed. */
export function dayReports(window: LookbackWindow, rows: readonly SinkRow[], diff: SinkDiff, merged: MergedUnits, incompleteDays: readonly string[]): DayReport[] {
  const dayRows = new Map<string, number[]>()
  for (const r of rows) dayRows.set(r.day, [...(dayRows.get(r.day) ?? []), r.events])
  const lateness = latenessByDay(window, merged)
  return window.days.map((day) => {
    const d = diff.days.find((x) => x.day === day)
    const events = dayRows.get(day) ?? []
    return {
      day,
      events: events.reduce((a, b) => a + b, 0),
      groups: events.length,
      groupsChanged: d ? d.added.length + d.changed.length + d.removed.length : 0,
      lateEvents: merged.late.count(day),
      complete: !incompleteDays.includes(day),
      lateness: lateness.get(day)!,
    }
  })
}

function latenessByDay(window: LookbackWindow, merged: MergedUnits): Map<string, Omit<DayLateness, 'day'>> {
  return new Map(merged.lateness.days(window.days).map(({day, ...rest}) => [day, rest]))
}

/**
 * dayReports for the measures form: per day, its events and rows (all the day's buckets) and
 * how many rows the diff added, changed or removed. `bucketDay` maps a bucket key to its day.
 */
export function measuresDayReports(
  window: LookbackWindow,
  rows: ReadonlyArray<{bucket: string; events: number}>,
  diff: MeasuresDiff,
  bucketDay: (bucket: string) => string,
  merged: MergedUnits,
  incompleteDays: readonly string[],
): DayReport[] {
  const perDay = new Map<string, {events: number; groups: number; changed: number}>()
  const of = (day: string): {events: number; groups: number; changed: number} => {
    let d = perDay.get(day)
    if (d === undefined) perDay.set(day, (d = {events: 0, groups: 0, changed: 0}))
    return d
  }
  for (const r of rows) {
    const d = of(bucketDay(r.bucket))
    d.events += r.events
    d.groups++
  }
  for (const c of diff.changes) of(bucketDay(c.bucket)).changed++
  const lateness = latenessByDay(window, merged)
  return window.days.map((day) => ({
    day,
    events: perDay.get(day)?.events ?? 0,
    groups: perDay.get(day)?.groups ?? 0,
    groupsChanged: perDay.get(day)?.changed ?? 0,
    lateEvents: merged.late.count(day),
    complete: !incompleteDays.includes(day),
    lateness: lateness.get(day)!,
  }))
}


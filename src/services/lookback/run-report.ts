import type {Checkpoint, mergeDoneUnits} from '../../core/lookback/checkpoint.js'
import type {JobSpec} from '../../core/lookback/job-spec.js'
import type {SinkDiff} from '../../core/lookback/sink-diff.js'
import type {SinkRow} from '../../core/lookback/sink-row.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import type {DayReport, LookbackReport} from './report.js'

export type MergedUnits = ReturnType<typeof mergeDoneUnits>

/** What every report of a run says, however it ended. */
export interface ReportBasis {
  job: JobSpec
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
    rejects: {total: merged.rejects.total, counts: merged.rejects.toState().counts as Record<string, number>, examples: [...merged.rejects.exampleList()]},
    outOfWindow: merged.aggregation.outOfWindow,
    incompleteDays: b.incompleteDays,
    units: b.units,
    sink: {keyspace: job.sink.keyspace, table: job.sink.table, created: b.sinkCreated, rowsWritten: 0, written: false},
    events: merged.aggregation.eventCount + merged.rejects.total + merged.aggregation.outOfWindow.before + merged.aggregation.outOfWindow.after,
    durationMs: b.durationMs,
  }
}

function sourceInfo(job: JobSpec, totalUnits: number): LookbackReport['source'] {
  return job.source.kind === 'kafka'
    ? {kind: 'kafka', topic: job.source.topic, partitions: totalUnits}
    : {kind: 'cassandra', keyspace: job.source.keyspace, table: job.source.table, buckets: job.source.buckets}
}

/** One line per day of the window: its events and groups, how many groups the sink diff changed. */
export function dayReports(window: LookbackWindow, rows: readonly SinkRow[], diff: SinkDiff, merged: MergedUnits, incompleteDays: readonly string[]): DayReport[] {
  const dayRows = new Map<string, number[]>()
  for (const r of rows) dayRows.set(r.day, [...(dayRows.get(r.day) ?? []), r.events])
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
    }
  })
}

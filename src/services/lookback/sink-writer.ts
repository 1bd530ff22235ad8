import type {JobSpec} from '../../core/lookback/job-spec.js'
import {type SinkDiff, diffSinkRows} from '../../core/lookback/sink-diff.js'
import type {SinkRow} from '../../core/lookback/sink-row.js'
import type {RowChange} from './report.js'
import type {SinkStore} from './store.js'

/**
 * The sink side of a run: reads what the sink holds for the days being recomputed,
 * diffs it against the new rows (old and new values per changed row) and replaces each
 * day's partition with upserts USING TIMESTAMP = run start (and a partition delete one µs
 * earlier, so groups that vanished disappear). Incomplete days are neither read nor written.
 */
export class SinkWriter {
  constructor(
    private readonly store: SinkStore,
    private readonly job: JobSpec,
  ) {}

  async diff(days: readonly string[], rows: readonly SinkRow[], sinkExists: boolean): Promise<SinkDiff> {
    const before = sinkExists ? await this.store.readSinkRows(this.job.sink.keyspace, this.job.sink.table, this.job.name, days) : []
    const daySet = new Set(days)
    return diffSinkRows(before, rows.filter((r) => daySet.has(r.day)))
  }

  async write(days: readonly string[], rows: readonly SinkRow[], writeTimestampMicros: number, updatedAtMs: number): Promise<number> {
    return this.store.replaceSinkDays(this.job.sink.keyspace, this.job.sink.table, this.job.name, days, rows, writeTimestampMicros, updatedAtMs)
  }
}

const values = (r: SinkRow): RowChange['after'] => ({
  events: r.events,
  distinct_count: r.distinct_count,
  value_sum: r.value_sum,
  value_min: r.value_min,
  value_max: r.value_max,
  late_events: r.late_events,
})

/** The diff as a flat list of changed rows for the report. */
export function rowChanges(diff: SinkDiff): RowChange[] {
  const out: RowChange[] = []
  for (const d of diff.days) {
    for (const r of d.added) out.push({day: d.day, group: r.group_key, kind: 'added', columns: [], before: null, after: values(r)})
    for (const c of d.changed) out.push({day: d.day, group: c.after.group_key, kind: 'changed', columns: c.columns, before: values(c.before), after: values(c.after)})
    for (const r of d.removed) out.push({day: d.day, group: r.group_key, kind: 'removed', columns: [], before: values(r), after: null})
  }
  return out
}

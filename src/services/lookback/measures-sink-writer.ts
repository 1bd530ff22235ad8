import type {MeasuresJobSpec} from '../../core/lookback/job-spec.js'
import {bucketKeysOfDays} from '../../core/lookback/measures-event.js'
import {type MeasuresDiff, type MeasuresSinkRow, diffMeasuresRows} from '../../core/lookback/measures-sink.js'
import {type SinkLayout, sinkLayout} from '../../core/lookback/sink-layout.js'
import type {MeasuresSinkStore} from './store.js'

/**
 * SinkWriter for the measures form: the buckets of the recomputed days are read for the diff
 * and replaced whole (partition delete at T-1, rows at T). An hourly job's day is its 23, 24
 * or 25 local hours, so a DST day's buckets are exactly those of the day.
 */
export class MeasuresSinkWriter {
  readonly layout: SinkLayout

  /** --fill-gaps: only these buckets are read and replaced. */
  private readonly only: ReadonlySet<string> | null

  constructor(
    private readonly store: MeasuresSinkStore,
    private readonly job: MeasuresJobSpec,
    only?: readonly string[],
  ) {
    this.layout = sinkLayout(job)
    this.only = only ? new Set(only) : null
  }

  private bucketsOf(days: readonly string[]): string[] {
    return bucketKeysOfDays(this.job, days).filter((b) => this.only === null || this.only.has(b))
  }

  async ensure(create: boolean): Promise<'exists' | 'created'> {
    return this.store.ensureMeasuresSink(this.layout, create)
  }

  async diff(days: readonly string[], rows: readonly MeasuresSinkRow[], sinkExists: boolean): Promise<MeasuresDiff> {
    const buckets = this.bucketsOf(days)
    const before = sinkExists ? await this.store.readMeasuresRows(this.layout, this.job.name, buckets) : []
    const bucketSet = new Set(buckets)
    return diffMeasuresRows(this.layout, before, rows.filter((r) => bucketSet.has(r.bucket)))
  }

  async write(days: readonly string[], rows: readonly MeasuresSinkRow[], writeTimestampMicros: number, updatedAtMs: number): Promise<number> {
    return this.store.replaceMeasuresBuckets(this.layout, this.job.name, this.bucketsOf(days), rows, writeTimestampMicros, updatedAtMs)
  }
}

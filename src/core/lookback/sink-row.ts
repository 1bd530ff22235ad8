/**
 * One row of the sink table
 *   PRIMARY KEY ((job, day), group_key)
 * The writer adds updated_at and writes with USING TIMESTAMP = run start (µs);
 * neither is part of the recomputed value, so neither is here.
 */
export interface SinkRow {
  job: string
  day: string
  /** '' when the job has no groupBy. */
  group_key: string
  events: number
  /** null when the job has no distinct field. */
  distinct_count: number | null
  /** null when the job has no value field or the group had no values. */
  value_sum: number | null
  value_min: number | null
  value_max: number | null
  late_events: number
}

/** The recomputed columns, in sink order. */
export const SINK_VALUE_COLUMNS = ['events', 'distinct_count', 'value_sum', 'value_min', 'value_max', 'late_events'] as const
export type SinkValueColumn = (typeof SINK_VALUE_COLUMNS)[number]

/** The primary key as one string (JSON keeps the parts unambiguous). */
export function sinkRowKey(row: Pick<SinkRow, 'job' | 'day' | 'group_key'>): string {
  return JSON.stringify([row.job, row.day, row.group_key])
}

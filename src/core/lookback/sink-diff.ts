import {FleetopsError} from '../errors.js'
import {printable} from '../units.js'
import {SINK_VALUE_COLUMNS, type SinkRow, type SinkValueColumn, sinkRowKey} from './sink-row.js'

export interface ChangedRow {
  before: SinkRow
  after: SinkRow
  /** Columns whose value differs. */
  columns: SinkValueColumn[]
}

export interface DayDiff {
  day: string
  added: SinkRow[]
  changed: ChangedRow[]
  /** Rows whose group vanished on recomputation: they must be deleted. */
  removed: SinkRow[]
  unchanged: number
}

export interface SinkDiff {
  /** Days present in either input, oldest first; rows within a day by group key. */
  days: DayDiff[]
  totals: {added: number; changed: number; removed: number; unchanged: number}
  /** Primary keys to delete (the removed rows), for the writer. */
  deletes: Array<Pick<SinkRow, 'job' | 'day' | 'group_key'>>
}

/**
 * Compares the sink rows read before writing with the recomputed rows.
 * Values are compared exactly (Object.is): recomputation is deterministic
 * (exact sums), so any difference is a real change, not float noise.
 */
export function diffSinkRows(before: readonly SinkRow[], after: readonly SinkRow[]): SinkDiff {
  const old = indexRows(before, 'before')
  const next = indexRows(after, 'after')
  const byDay = new Map<string, DayDiff>()
  const dayDiff = (day: string): DayDiff => {
    let d = byDay.get(day)
    if (d === undefined) {
      d = {day, added: [], changed: [], removed: [], unchanged: 0}
      byDay.set(day, d)
    }
    return d
  }
  for (const [key, row] of next) {
    const previous = old.get(key)
    const d = dayDiff(row.day)
    if (previous === undefined) d.added.push(row)
    else {
      const columns = SINK_VALUE_COLUMNS.filter((c) => !Object.is(previous[c], row[c]))
      if (columns.length === 0) d.unchanged++
      else d.changed.push({before: previous, after: row, columns})
    }
  }
  for (const [key, row] of old) if (!next.has(key)) dayDiff(row.day).removed.push(row)

  const byGroup = (a: SinkRow, b: SinkRow): number => compare(a.job, b.job) || compare(a.group_key, b.group_key)
  const days = [...byDay.values()].sort((a, b) => compare(a.day, b.day))
  const totals = {added: 0, changed: 0, removed: 0, unchanged: 0}
  for (const d of days) {
    d.added.sort(byGroup)
    d.removed.sort(byGroup)
    d.changed.sort((a, b) => byGroup(a.after, b.after))
    totals.added += d.added.length
    totals.changed += d.changed.length
    totals.removed += d.removed.length
    totals.unchanged += d.unchanged
  }
  const deletes = days.flatMap((d) => d.removed.map(({job, day, group_key}) => ({job, day, group_key})))
  return {days, totals, deletes}
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function indexRows(rows: readonly SinkRow[], side: string): Map<string, SinkRow> {
  const index = new Map<string, SinkRow>()
  for (const row of rows) {
    const key = sinkRowKey(row)
    if (index.has(key)) {
      throw new FleetopsError('INTERNAL', `sink rows (${side}) contain the key (${printable(row.job)}, ${row.day}, "${printable(row.group_key)}") twice`)
    }
    index.set(key, row)
  }
  return index
}

import {FleetopsError} from '../errors.js'
import {ExactSum} from './exact-sum.js'
import type {JobSpec} from './job-spec.js'
import type {SinkRow} from './sink-row.js'
import {setOwn} from './text-limits.js'
import {WindowedAggregation} from './windowed-aggregation.js'

/** What a job aggregates besides the event count. */
export interface AggregateShape {
  distinct: boolean
  value: boolean
}

/** The part of an event the aggregator uses (a LookbackEvent fits). */
export interface AggregatedEvent {
  group: string
  distinct: string | null
  value: number | null
}

/**
 * Compact, JSON-safe checkpoint form. Per (day, group) one tuple:
 * [events, late, valueCount, min, max, sumPartials, distinctKeys].
 */
export interface AggregationState {
  v: 1
  distinct: boolean
  value: boolean
  before: number
  after: number
  days: Record<string, Record<string, CellTuple>>
}
type CellTuple = [number, number, number, number | null, number | null, number[], string[]]

interface Cell {
  events: number
  late: number
  valueCount: number
  sum: ExactSum
  min: number
  max: number
  distinct: Set<string> | null
}

/**
 * Per (day, group): event count, exact distinct count, exact sum / min / max
 * of the value, and late-event count. Every part is a commutative, associative
 * merge (counts add, sets unite, exact sums add, min/max of min/max), so the
 * result is the same whatever the event order and however events are split
 * into partial aggregations (partitions, instances, checkpointed units).
 *
 * Memory grows with the number of (day, group) cells and distinct keys, not
 * with the number of events.
 */
export class DayAggregator extends WindowedAggregation {
  private readonly days = new Map<string, Map<string, Cell>>()

  constructor(readonly shape: AggregateShape) {
    super()
  }

  static forJob(job: JobSpec): DayAggregator {
    return new DayAggregator({distinct: job.distinct !== null, value: job.value !== null})
  }

  add(day: string, event: AggregatedEvent, late = false): void {
    const cell = this.cell(day, event.group)
    cell.events++
    if (late) cell.late++
    if (cell.distinct !== null && event.distinct !== null) cell.distinct.add(event.distinct)
    if (this.shape.value && event.value !== null) {
      cell.valueCount++
      cell.sum.add(event.value)
      cell.min = Math.min(cell.min, event.value)
      cell.max = Math.max(cell.max, event.value)
    }
  }

  protected *cellEventCounts(): Iterable<number> {
    for (const groups of this.days.values()) for (const cell of groups.values()) yield cell.events
  }

  merge(other: DayAggregator): void {
    this.checkShape(other.shape)
    this.mergeOutOfWindow(other)
    for (const [day, groups] of other.days) {
      for (const [group, theirs] of groups) {
        const mine = this.cell(day, group)
        mine.events += theirs.events
        mine.late += theirs.late
        mine.valueCount += theirs.valueCount
        mine.sum.merge(theirs.sum)
        mine.min = Math.min(mine.min, theirs.min)
        mine.max = Math.max(mine.max, theirs.max)
        if (mine.distinct !== null && theirs.distinct !== null) for (const key of theirs.distinct) mine.distinct.add(key)
      }
    }
  }

  /** Sink rows, ordered by day then group key. */
  rows(job: string): SinkRow[] {
    const rows: SinkRow[] = []
    for (const day of [...this.days.keys()].sort()) {
      const groups = this.days.get(day)!
      for (const group of [...groups.keys()].sort()) {
        const cell = groups.get(group)!
        const hasValues = this.shape.value && cell.valueCount > 0
        rows.push({
          job,
          day,
          group_key: group,
          events: cell.events,
          distinct_count: cell.distinct === null ? null : cell.distinct.size,
          value_sum: hasValues ? cell.sum.value() : null,
          value_min: hasValues ? cell.min : null,
          value_max: hasValues ? cell.max : null,
          late_events: cell.late,
        })
      }
    }
    return rows
  }

  toState(): AggregationState {
    const days: Record<string, Record<string, CellTuple>> = {}
    for (const day of [...this.days.keys()].sort()) {
      const groups: Record<string, CellTuple> = {}
      const cells = this.days.get(day)!
      for (const group of [...cells.keys()].sort()) {
        const c = cells.get(group)!
        const has = c.valueCount > 0
        setOwn(groups, group, [c.events, c.late, c.valueCount, has ? c.min : null, has ? c.max : null, c.sum.toPartials(), c.distinct === null ? [] : [...c.distinct].sort()])
      }
      setOwn(days, day, groups)
    }
    return {v: 1, distinct: this.shape.distinct, value: this.shape.value, before: this.before, after: this.after, days}
  }

  /** Rebuilds from toState() output (e.g. read back from a checkpoint file), validating it. */
  static fromState(state: unknown): DayAggregator {
    const s = state as Partial<AggregationState> | null
    if (s === null || typeof s !== 'object' || s.v !== 1 || typeof s.distinct !== 'boolean' || typeof s.value !== 'boolean') throw corrupt('header')
    if (!isCount(s.before) || !isCount(s.after) || s.days === null || typeof s.days !== 'object') throw corrupt('header')
    const aggregator = new DayAggregator({distinct: s.distinct, value: s.value})
    aggregator.before = s.before
    aggregator.after = s.after
    for (const [day, groups] of Object.entries(s.days)) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || groups === null || typeof groups !== 'object') throw corrupt(`day ${day}`)
      for (const [group, tuple] of Object.entries(groups as Record<string, unknown>)) {
        if (!Array.isArray(tuple) || tuple.length !== 7) throw corrupt(`cell ${day}/${group}`)
        const [events, late, valueCount, min, max, partials, keys] = tuple as unknown[]
        const finiteOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x))
        if (!isCount(events) || !isCount(late) || !isCount(valueCount) || late > events || valueCount > events) throw corrupt(`cell ${day}/${group}`)
        if (!finiteOrNull(min) || !finiteOrNull(max) || (valueCount > 0) !== (min !== null && max !== null)) throw corrupt(`cell ${day}/${group}`)
        if (!Array.isArray(partials) || !partials.every((p) => typeof p === 'number' && Number.isFinite(p))) throw corrupt(`cell ${day}/${group}`)
        if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string') || (!s.distinct && keys.length > 0)) throw corrupt(`cell ${day}/${group}`)
        const cell = aggregator.cell(day, group)
        cell.events = events
        cell.late = late
        cell.valueCount = valueCount
        cell.sum = ExactSum.fromPartials(partials as number[])
        if (min !== null) cell.min = min as number
        if (max !== null) cell.max = max as number
        if (cell.distinct !== null) for (const key of keys as string[]) cell.distinct.add(key)
      }
    }
    return aggregator
  }

  private checkShape(shape: AggregateShape): void {
    if (shape.distinct !== this.shape.distinct || shape.value !== this.shape.value) {
      throw new FleetopsError('INTERNAL', 'cannot merge aggregations of different job shapes (distinct/value fields differ)')
    }
  }

  private cell(day: string, group: string): Cell {
    let groups = this.days.get(day)
    if (groups === undefined) {
      groups = new Map()
      this.days.set(day, groups)
    }
    let cell = groups.get(group)
    if (cell === undefined) {
      cell = {events: 0, late: 0, valueCount: 0, sum: new ExactSum(), min: Infinity, max: -Infinity, distinct: this.shape.distinct ? new Set() : null}
      groups.set(group, cell)
    }
    return cell
  }
}

export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
}

export function corrupt(where: string): FleetopsError {
  return new FleetopsError('BAD_INPUT', `checkpoint aggregation is malformed (${where}); delete the checkpoint and rerun without --resume`)
}

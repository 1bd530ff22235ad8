import type {EventRef} from '../../core/lookback/event-ref.js'
import type {DayLateness, WindowAdvice} from '../../core/lookback/lateness.js'
import type {MeasuresRowChange} from '../../core/lookback/measures-sink.js'
import type {LookbackStatus} from '../../core/lookback/outcome.js'
import type {RejectExample} from '../../core/lookback/rejects.js'
import type {SinkRow, SinkValueColumn} from '../../core/lookback/sink-row.js'

/** The stable --json output of `fleetops lookback run`. */
export interface LookbackReport {
  job: string
  runId: string
  /** This process (differs from runId's creator when joining a shared run). */
  instance: string
  status: LookbackStatus
  exit: number
  /** One line saying what to do next when exit != 0. */
  message: string | null
  dryRun: boolean
  resumed: boolean
  shared: boolean
  asOf: string
  timezone: string
  window: {days: string[]; startMs: number; endMs: number}
  source: {kind: 'kafka'; topic: string; partitions: number} | {kind: 'cassandra'; keyspace: string; table: string; buckets: number}
  previousRunBoundaryMs: number | null
  days: DayReport[]
  /** Legacy form: the changed sink rows (the measures form lists them in bucketChanges). */
  changes: RowChange[]
  /** Measures form only: the added, changed and removed sink rows, by bucket and dimension values. */
  bucketChanges?: MeasuresRowChange[]
  /** --fill-gaps only: the missing or incomplete buckets this run recomputed and wrote (none: nothing to fill). */
  filledBuckets?: string[]
  /** Measures form only: records the job's `where` left out (not rejects). */
  filtered?: number
  late: {total: number; perDay: Record<string, number>; examples: {ref: EventRef; day: string; group: string; eventMs: number; arrivalMs: number}[]}
  /**
   * Over every event read in the window: how many arrived after their local day ended, and
   * the smallest window (days) that catches `fraction` of those (see core/lookback/lateness.ts).
   */
  lateness: WindowAdvice & {windowDaysUsed: number}
  rejects: {total: number; counts: Record<string, number>; examples: RejectExample[]}
  outOfWindow: {before: number; after: number}
  incompleteDays: string[]
  units: {total: number; done: number; processedHere: number; failed: string[]}
  sink: {keyspace: string; table: string; created: boolean; rowsWritten: number; written: boolean}
  events: number
  durationMs: number
}

export interface DayReport {
  day: string
  events: number
  groups: number
  groupsChanged: number
  lateEvents: number
  complete: boolean
  /** Arrival minus event time of the day's events: p50, p99 (within 1 %) and max; lateEvents here = arrived after the day ended. */
  lateness: Omit<DayLateness, 'day'>
}

export interface RowChange {
  day: string
  group: string
  kind: 'added' | 'changed' | 'removed'
  columns: SinkValueColumn[]
  before: Omit<SinkRow, 'job' | 'day' | 'group_key'> | null
  after: Omit<SinkRow, 'job' | 'day' | 'group_key'> | null
}

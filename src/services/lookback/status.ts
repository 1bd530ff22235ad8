import {type BucketStatusLine, bucketStatus, jobBucketsOfDays, recordedLateness} from '../../core/lookback/bucket-status.js'
import type {DayLateness, WindowAdvice} from '../../core/lookback/lateness.js'
import {type LookbackWindow, computeWindow, rangeWindow, checkRangePair} from '../../core/lookback/window.js'
import {badInput} from '../../core/errors.js'
import {systemClock, type Clock} from '../lag/clock.js'
import {loadJob} from './runner.js'
import type {BucketStateStore, LookbackStore} from './store.js'

export interface LookbackStatusOptions {
  jobPath: string
  /** The last N days up to --as-of (default: the job's window). */
  days?: number
  asOf?: string
  from?: string
  to?: string
}

/** The stable --json output of `fleetops lookback status`. */
export interface LookbackStatusReport {
  job: string
  timezone: string
  granularity: 'day' | 'hour'
  range: {from: string; to: string; days: number}
  summary: {buckets: number; complete: number; incomplete: number; missing: number}
  buckets: BucketStatusLine[]
  /** As the last run of each day recorded it: per day, and the window that would have caught 99.9 % of the late events. */
  lateness: {perDay: DayLateness[]} & WindowAdvice & {windowDaysConfigured: number}
}

type StatusStore = BucketStateStore & Pick<LookbackStore, 'close'>

/** Each bucket of the range with its last run, rows and completeness, and the recorded lateness. */
export async function lookbackStatus(opts: LookbackStatusOptions, openStore: () => Promise<StatusStore>, clock: Clock = systemClock): Promise<LookbackStatusReport> {
  const job = loadJob(opts.jobPath)
  const window = statusWindow(opts, job.windowDays, job.timezone, clock.now())
  const buckets = jobBucketsOfDays(job, window.days)
  const store = await openStore()
  try {
    const states = await store.readBucketStates(job.sink.keyspace, job.name, buckets[0]!, buckets[buckets.length - 1]!)
    const lines = bucketStatus(job, window.days, states)
    const lateness = recordedLateness(states, window.days, job.timezone)
    const count = (state: BucketStatusLine['state']): number => lines.filter((l) => l.state === state).length
    return {
      job: job.name,
      timezone: job.timezone,
      granularity: job.shape === 'measures' ? job.granularity : 'day',
      range: {from: window.days[0]!, to: window.asOf, days: window.days.length},
      summary: {buckets: lines.length, complete: count('complete'), incomplete: count('incomplete'), missing: count('missing')},
      buckets: lines,
      lateness: {perDay: lateness.perDay, ...lateness.advice, windowDaysConfigured: job.windowDays},
    }
  } finally {
    await store.close()
  }
}

function statusWindow(opts: LookbackStatusOptions, windowDays: number, timezone: string, now: number): LookbackWindow {
  checkRangePair(opts.from, opts.to)
  if (opts.from !== undefined && opts.to !== undefined) {
    if (opts.days !== undefined || opts.asOf !== undefined) throw badInput('--from/--to replace --days and --as-of; drop one or the other')
    return rangeWindow({from: opts.from, to: opts.to, timezone, now})
  }
  return computeWindow({windowDays: opts.days ?? windowDays, asOf: opts.asOf, timezone, now})
}

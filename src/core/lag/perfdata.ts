import {nagiosSeverity, type NagiosState} from './nagios.js'
import type {GroupResult, LagResult} from './rollup.js'
import type {LagThresholds} from './thresholds.js'

/**
 * Nagios plugin output: `SERVICE STATE - text | label=value[UOM];warn;crit;min;max ...`
 * (Nagios Plugin API, monitoring-plugins guidelines). One line, for cron and humans.
 */

export type PerfUnit = '' | 's' | 'ms' | 'us' | '%' | 'B' | 'KB' | 'MB' | 'TB' | 'c'

export interface PerfDatum {
  label: string
  /** null is written as "U" (undetermined), never as 0. */
  value: number | null
  uom?: PerfUnit
  warn?: number | null
  crit?: number | null
  min?: number | null
  max?: number | null
}

function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  return String(Number(value.toFixed(3)))
}

/** Labels with spaces, '=' or quotes are single-quoted; a quote inside is doubled. */
function perfLabel(label: string): string {
  const clean = label.replace(/[\r\n|]/g, '_')
  return /[\s='"]/.test(clean) ? `'${clean.replace(/'/g, "''")}'` : clean
}

export function formatPerfdata(data: readonly PerfDatum[]): string {
  return data
    .map((d) => {
      const value = d.value === null || !Number.isFinite(d.value) ? 'U' : `${num(d.value)}${d.uom ?? ''}`
      const fields = [num(d.warn), num(d.crit), num(d.min), num(d.max)]
      while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop()
      return `${perfLabel(d.label)}=${[value, ...fields].join(';')}`
    })
    .join(' ')
}

/** Text before the '|' must stay on one line and must not contain '|'. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '/')
}

export function formatNagiosLine(service: string, state: NagiosState, text: string, perfdata: readonly PerfDatum[] = []): string {
  const head = `${oneLine(service)} ${state} - ${oneLine(text)}`
  return perfdata.length === 0 ? head : `${head} | ${formatPerfdata(perfdata)}`
}

/**
 * `LAG WARNING - 3 groups; orders/payments-2: lag 1200 exceeds warn 1000 | lag=1500;1000;5000;0 time_lag=12s;60;300;0`
 * lag = sum of known lags, time_lag = the largest known time lag; both "U" when unknown.
 * Names up to three of the worst partitions so the alert says where to look.
 */
export function lagSummaryLine(result: LagResult, thresholds: LagThresholds): string {
  return new LagSummaryTally().add(result.groups).line(result.status, thresholds)
}

/** A partition that is not OK, as the summary line names it. */
interface BadPartition {
  where: string
  status: NagiosState
  reason: string
}

/**
 * lagSummaryLine's figures gathered group by group (the pages of a sweep, in order), so the line
 * can be written without keeping the groups: the line of groups added in any number of calls
 * equals lagSummaryLine of them all at once.
 */
export class LagSummaryTally {
  private groups = 0
  private lagSum = 0
  private anyLag = false
  private timeUnknown = false
  private maxTime: number | null = null
  /** The worst three so far: by severity, then in the order seen (a stable sort's first three). */
  private readonly worst: BadPartition[] = []
  private bad = 0

  add(groups: readonly GroupResult[]): this {
    for (const g of groups) {
      this.groups++
      if (g.lag !== null) {
        this.lagSum += g.lag
        this.anyLag = true
      }
      // A group with messages waiting but no time lag has a lagging partition whose time lag is
      // unknown: the headline is then unknown ("U"), never the largest of the others or 0s.
      if (g.timeLagMs === null && g.lag !== null && g.lag > 0) this.timeUnknown = true
      if (g.timeLagMs !== null && (this.maxTime === null || g.timeLagMs > this.maxTime)) this.maxTime = g.timeLagMs
      for (const t of g.topics) for (const p of t.partitions) if (p.status !== 'OK') this.addBad({where: `${g.group}/${t.topic}-${p.partition}`, status: p.status, reason: p.reason})
    }
    return this
  }

  private addBad(b: BadPartition): void {
    this.bad++
    const severity = nagiosSeverity(b.status)
    let at = this.worst.length
    while (at > 0 && nagiosSeverity(this.worst[at - 1]!.status) < severity) at--
    if (at < 3) this.worst.splice(at, 0, b)
    if (this.worst.length > 3) this.worst.pop()
  }

  /** The Nagios line for the groups added, under the result's `status`. */
  line(status: NagiosState, thresholds: LagThresholds): string {
    const details = this.worst.map(({where, reason}) => `${where}: ${reason}`)
    if (this.bad > 3) details.push(`${this.bad - 3} more`)
    const text = [`${this.groups} group${this.groups === 1 ? '' : 's'}`, ...details].join('; ')
    const sec = (ms: number | null): number | null => (ms === null ? null : ms / 1000)
    return formatNagiosLine('LAG', status, text, [
      {label: 'lag', value: this.anyLag ? this.lagSum : null, warn: thresholds.warnLag, crit: thresholds.critLag, min: 0},
      {
        label: 'time_lag',
        value: this.timeUnknown || this.maxTime === null ? null : this.maxTime / 1000,
        uom: 's',
        warn: sec(thresholds.warnTimeLagMs),
        crit: sec(thresholds.critTimeLagMs),
        min: 0,
      },
    ])
  }
}

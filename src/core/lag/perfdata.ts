import {nagiosSeverity, type NagiosState} from './nagios.js'
import type {LagResult} from './rollup.js'
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
  const groups = result.groups.length
  const lags = result.groups.map((g) => g.lag).filter((v): v is number => v !== null)
  // A group with messages waiting but no time lag has a lagging partition whose time lag is
  // unknown: the headline is then unknown ("U"), never the largest of the others or 0s.
  const timeUnknown = result.groups.some((g) => g.timeLagMs === null && g.lag !== null && g.lag > 0)
  const times = result.groups.map((g) => g.timeLagMs).filter((v): v is number => v !== null)
  const bad = result.groups
    .flatMap((g) => g.topics.flatMap((t) => t.partitions.map((p) => ({where: `${g.group}/${t.topic}-${p.partition}`, p}))))
    .filter(({p}) => p.status !== 'OK')
    .sort((a, b) => nagiosSeverity(b.p.status) - nagiosSeverity(a.p.status))
  const details = bad.slice(0, 3).map(({where, p}) => `${where}: ${p.reason}`)
  if (bad.length > 3) details.push(`${bad.length - 3} more`)
  const text = [`${groups} group${groups === 1 ? '' : 's'}`, ...details].join('; ')
  const sec = (ms: number | null): number | null => (ms === null ? null : ms / 1000)
  return formatNagiosLine('LAG', result.status, text, [
    {label: 'lag', value: lags.length ? lags.reduce((a, b) => a + b, 0) : null, warn: thresholds.warnLag, crit: thresholds.critLag, min: 0},
    {
      label: 'time_lag',
      value: timeUnknown || times.length === 0 ? null : Math.max(...times) / 1000,
      uom: 's',
      warn: sec(thresholds.warnTimeLagMs),
      crit: sec(thresholds.critTimeLagMs),
      min: 0,
    },
  ])
}

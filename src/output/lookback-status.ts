import {formatDuration} from '../core/units.js'
import type {LookbackStatusReport} from '../services/lookback/status.js'
import {latenessAdvice} from './lookback.js'
import {style} from './style.js'
import {renderTable} from './table.js'

/** Human output of `lookback status`: one line per bucket, the per-day lateness, the window advice. */
export function renderLookbackStatus(report: LookbackStatusReport): string {
  const c = style()
  const s = report.summary
  const out: string[] = [
    `job ${report.job}: ${report.range.from} .. ${report.range.to} (${report.timezone}), ${s.buckets} ${report.granularity} buckets: ${s.complete} complete, ${s.incomplete} incomplete, ${s.missing} missing`,
    '',
    renderTable(report.buckets, [
      {header: 'BUCKET', get: (b) => b.bucket},
      {header: 'STATE', get: (b) => (b.state === 'complete' ? c.green('complete') : b.state === 'incomplete' ? c.yellow('incomplete') : c.red('missing'))},
      {header: 'LAST RUN', get: (b) => b.lastRunId},
      {header: 'RUN AT', get: (b) => (b.lastRunAtMs === null ? null : new Date(b.lastRunAtMs).toISOString())},
      {header: 'ROWS', get: (b) => b.rows, align: 'right'},
      {header: 'EVENTS', get: (b) => b.events, align: 'right'},
      {header: 'LATE', get: (b) => b.lateEvents, align: 'right'},
      {header: 'LATEST LATE EVENT', get: (b) => (b.latestLateEvent ? `event ${new Date(b.latestLateEvent.eventMs).toISOString()} arrived ${new Date(b.latestLateEvent.arrivalMs).toISOString()}` : null)},
    ]),
  ]
  const days = report.lateness.perDay.filter((d) => d.events > 0)
  if (days.length > 0) {
    out.push(
      '',
      renderTable(days, [
        {header: 'DAY', get: (d) => d.day},
        {header: 'EVENTS', get: (d) => d.events, align: 'right'},
        {header: 'LATE', get: (d) => d.lateEvents, align: 'right'},
        {header: 'LATENESS P50', get: (d) => (d.p50Ms === null ? null : formatDuration(d.p50Ms)), align: 'right'},
        {header: 'P99', get: (d) => (d.p99Ms === null ? null : formatDuration(d.p99Ms)), align: 'right'},
        {header: 'MAX', get: (d) => (d.maxMs === null ? null : formatDuration(d.maxMs)), align: 'right'},
      ]),
    )
  }
  out.push('', latenessAdvice(report.lateness, `the job's window: ${report.lateness.windowDaysConfigured}d`))
  if (s.incomplete + s.missing > 0) out.push(c.dim(`Recompute the ${s.incomplete + s.missing} incomplete or missing buckets with: fleetops lookback run --job <file> --fill-gaps --from ${report.range.from} --to ${report.range.to}`))
  return out.join('\n')
}

import {formatEventRef} from '../core/lookback/event-ref.js'
import {formatDuration, printable} from '../core/units.js'
import type {MeasuresRowChange} from '../core/lookback/measures-sink.js'
import type {DayReport, LookbackReport, RowChange} from '../services/lookback/report.js'
import {style} from './style.js'
import {renderTable} from './table.js'

/** Human output of `lookback run`: a status line, the per-day table, changed rows, stragglers and rejects. */
export function renderLookbackReport(report: LookbackReport): string {
  const c = style()
  const out: string[] = []
  const status =
    report.status === 'ok' ? c.green('OK') : report.status === 'ok_with_rejects' ? c.yellow('OK (with rejects)') : report.status === 'interrupted' ? c.magenta('INTERRUPTED') : c.yellow(report.status.toUpperCase())
  const src = report.source.kind === 'kafka' ? `kafka ${report.source.topic}` : `cassandra ${report.source.keyspace}.${report.source.table}`
  out.push(
    `${status} job ${report.job}: ${report.window.days[0]} .. ${report.asOf} (${report.timezone}) from ${src}, ${report.events.toLocaleString('en-US')} records in ${formatDuration(report.durationMs)}` +
      `${report.dryRun ? c.dim(' [dry run: nothing written]') : ''}${report.resumed ? c.dim(' [resumed]') : ''}${report.shared ? c.dim(` [shared: ${report.units.processedHere}/${report.units.total} units here]`) : ''}`,
  )
  out.push(c.dim(`run ${report.runId}`))
  if (report.message) out.push(c.yellow(report.message))
  if (report.days.length > 0) {
    const totals: DayReport & {rejects: number | null} = {
      day: 'total',
      events: report.days.reduce((a, d) => a + d.events, 0),
      groups: report.days.reduce((a, d) => a + d.groups, 0),
      groupsChanged: report.days.reduce((a, d) => a + d.groupsChanged, 0),
      lateEvents: report.late.total,
      complete: report.incompleteDays.length === 0,
      lateness: {events: 0, lateEvents: report.lateness.lateEvents, p50Ms: null, p99Ms: null, maxMs: null},
      rejects: report.rejects.total,
    }
    const rows: (DayReport & {rejects: number | null})[] = [...report.days.map((d) => ({...d, rejects: null})), totals]
    out.push(
      '',
      renderTable(rows, [
        {header: 'DAY', get: (d) => d.day},
        {header: 'EVENTS', get: (d) => d.events, align: 'right'},
        {header: 'GROUPS', get: (d) => d.groups, align: 'right'},
        {header: 'CHANGED', get: (d) => d.groupsChanged, align: 'right'},
        {header: 'LATE', get: (d) => d.lateEvents, align: 'right'},
        {header: 'REJECTS', get: (d) => d.rejects, align: 'right'},
        {header: 'LATENESS P50/P99/MAX', get: (d) => latenessCell(d.lateness)},
        {header: 'COMPLETE', get: (d) => (d.day === 'total' ? '' : d.complete ? 'yes' : c.red('NO (retention)'))},
      ]),
    )
  }
  if (report.days.length > 0) out.push('', latenessAdvice(report.lateness, `this run: ${report.lateness.windowDaysUsed}d`))
  const lines = [...report.changes.map(changeLine), ...(report.bucketChanges ?? []).map(bucketChangeLine)]
  if (lines.length > 0) {
    out.push('', `Changed rows (${lines.length}):`)
    for (const line of lines.slice(0, 50)) out.push(`  ${line}`)
    if (lines.length > 50) out.push(c.dim(`  … ${lines.length - 50} more (see --json)`))
  } else if (report.days.length > 0) out.push('', c.dim('No sink row changed.'))
  if (report.late.total > 0) {
    out.push('', `Late events since the previous run (${report.late.total}):`)
    for (const e of report.late.examples.slice(0, 10)) {
      out.push(`  ${formatEventRef(e.ref)} day ${e.day}${e.group ? ` group ${printable(e.group)}` : ''}: event ${new Date(e.eventMs).toISOString()}, arrived ${new Date(e.arrivalMs).toISOString()}`)
    }
  }
  if (report.rejects.total > 0) {
    const counts = Object.entries(report.rejects.counts).map(([k, v]) => `${k} ${v}`).join(', ')
    out.push('', c.yellow(`Rejected records: ${report.rejects.total} (${counts})`))
    for (const r of report.rejects.examples.slice(0, 5)) out.push(`  ${r.ref ? `${formatEventRef(r.ref)}: ` : ''}${r.reason}: ${printable(r.detail, 120)}`)
  }
  if (report.filtered !== undefined && report.filtered > 0) out.push(c.dim(`Left out by the job's where: ${report.filtered.toLocaleString('en-US')} records.`))
  const oow = report.outOfWindow
  if (oow.before + oow.after > 0) out.push(c.dim(`Outside the window (not aggregated): ${oow.before} older, ${oow.after} newer.`))
  if (report.sink.written) out.push(c.dim(`Wrote ${report.sink.rowsWritten} rows to ${report.sink.keyspace}.${report.sink.table}${report.sink.created ? ' (created)' : ''}.`))
  return out.join('\n')
}

function latenessCell(l: DayReport['lateness']): string {
  return l.p50Ms === null ? '' : [l.p50Ms, l.p99Ms!, l.maxMs!].map((ms) => formatDuration(ms)).join(' / ')
}

/** The window advice: how many events arrived after their day, and the window that catches 99.9 % of them. */
export function latenessAdvice(l: {lateEvents: number; windowDays: number; fraction: number}, current: string): string {
  if (l.lateEvents === 0) return `Lateness: no event arrived after its day ended; a 1-day window would have caught every event (${current}).`
  return `Lateness: ${l.lateEvents.toLocaleString('en-US')} events arrived after their day ended; a ${l.windowDays}-day window would have caught ${l.fraction * 100} % of them (${current}).`
}

function changeLine(ch: RowChange): string {
  const group = ch.group === '' ? '(all)' : printable(ch.group)
  if (ch.kind === 'added') return `+ ${ch.day} ${group}: events ${ch.after!.events}, distinct ${ch.after!.distinct_count ?? '-'}, sum ${ch.after!.value_sum ?? '-'}`
  if (ch.kind === 'removed') return `- ${ch.day} ${group}: removed (had ${ch.before!.events} events)`
  const parts = ch.columns.map((col) => `${col} ${ch.before![col] ?? '-'} → ${ch.after![col] ?? '-'}`)
  return `~ ${ch.day} ${group}: ${parts.join(', ')}`
}

function bucketChangeLine(ch: MeasuresRowChange): string {
  const dims = Object.entries(ch.dimensions).map(([k, v]) => `${k}=${printable(v === '' ? '(none)' : v)}`)
  const where = [ch.bucket, ...dims].join(' ')
  if (ch.kind === 'added') return `+ ${where}: ${Object.entries(ch.after!).map(([k, v]) => `${k} ${v ?? '-'}`).join(', ')}`
  if (ch.kind === 'removed') return `- ${where}: removed`
  return `~ ${where}: ${ch.columns.map((col) => `${col} ${ch.before![col] ?? '-'} → ${ch.after![col] ?? '-'}`).join(', ')}`
}

import {quorumSummaryLine, type QuorumThresholds} from '../core/lag/quorum.js'
import {formatDuration} from '../core/units.js'
import type {QuorumProbeReport} from '../services/lag/quorum.js'
import {style} from './style.js'
import {renderTable} from './table.js'

/** Human output of `lag quorum`: the Nagios line, then one row per voter and observer. */
export function renderQuorum(report: QuorumProbeReport, t: QuorumThresholds): string {
  const c = style()
  const e = {
    ...report,
    leaderId: report.leaderId ?? -1,
    leaderEpoch: report.leaderEpoch ?? -1,
    highWatermark: report.highWatermark ?? -1,
    healthyVoters: report.healthyVoters ?? 0,
    majority: report.majority ?? 0,
    reasons: report.notes.filter((n) => !n.startsWith('sample at ') && !n.startsWith('DescribeQuorum v0')),
  }
  const ago = (v: number | null) => (v === null ? null : formatDuration(v))
  const rows = [...report.voters.map((r) => ({...r, role: r.leader ? 'leader' : 'voter'})), ...report.observers.map((r) => ({...r, role: 'observer'}))]
  const out = [quorumSummaryLine(e, t), '']
  out.push(
    renderTable(rows, [
      {header: 'REPLICA', get: (r) => r.replicaId, align: 'right'},
      {header: 'ROLE', get: (r) => r.role},
      {header: 'LOG-END', get: (r) => r.logEndOffset, align: 'right'},
      {header: 'LAG', get: (r) => r.lag, align: 'right'},
      {header: 'LAST-FETCH', get: (r) => ago(r.lastFetchAgoMs), align: 'right'},
      {header: 'CAUGHT-UP', get: (r) => ago(r.lastCaughtUpAgoMs), align: 'right'},
      {header: 'STATUS', get: (r) => (r.status === 'OK' ? c.green(r.status) : r.status === 'WARNING' ? c.yellow(r.status) : c.red(r.status))},
      {header: 'REASON', get: (r) => r.reason},
    ]),
  )
  for (const el of report.elections) out.push(`election at ${new Date(el.at).toISOString()}: leader ${el.fromLeaderId} (epoch ${el.fromEpoch}) -> ${el.toLeaderId} (epoch ${el.toEpoch})`)
  for (const n of report.notes.filter((n) => n.startsWith('sample at ') || n.startsWith('DescribeQuorum v0'))) out.push(c.dim(n))
  return out.join('\n')
}

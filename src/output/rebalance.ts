import type {PlanResult} from '../core/rebalance/index.js'
import {formatBytes, formatDuration} from '../core/units.js'
import type {CancelResult, StatusResult} from '../services/rebalance/control.js'
import type {ExecuteResult} from '../services/rebalance/executor.js'
import {style} from './style.js'
import {bar, renderTable} from './table.js'

const arrow = (before: number, after: number): string => (before === after ? String(after) : `${before} → ${after}`)

/** `kafka rebalance plan`: per-broker before/after table and bars, then the totals and warnings. */
export function renderPlan(plan: PlanResult, meta: {written: string | null; source: string}): string {
  const c = style()
  const s = plan.summary
  const rows = [...s.brokers]
  const table = renderTable(rows, [
    {header: 'BROKER', get: (b) => b.id, align: 'right'},
    {header: 'RACK', get: (b) => b.rack},
    {header: 'ROLE', get: (b) => (b.role === 'kept' ? '' : b.role === 'added' ? c.green('added') : c.yellow('removed'))},
    {header: 'REPLICAS', get: (b) => arrow(b.before.replicas, b.after.replicas), align: 'right'},
    {header: 'LEADERS', get: (b) => arrow(b.before.leaders, b.after.leaders), align: 'right'},
    {header: 'BYTES', get: (b) => (b.before.bytes === b.after.bytes ? formatBytes(b.after.bytes) : `${formatBytes(b.before.bytes)} → ${formatBytes(b.after.bytes)}`), align: 'right'},
  ])
  const metric = s.balanceBy === 'size' ? 'bytes' : 'replicas'
  const value = (l: {replicas: number; bytes: number}): number => (s.balanceBy === 'size' ? l.bytes : l.replicas)
  const max = Math.max(1, ...rows.flatMap((b) => [value(b.before), value(b.after)]))
  const bars = rows.flatMap((b) => [
    `${String(b.id).padStart(6)} before ${c.dim(bar(value(b.before), max, 40) || '·')} ${s.balanceBy === 'size' ? formatBytes(b.before.bytes) : b.before.replicas}`,
    `${' '.repeat(6)} after  ${c.cyan(bar(value(b.after), max, 40) || '·')} ${s.balanceBy === 'size' ? formatBytes(b.after.bytes) : b.after.replicas}`,
  ])
  const bound =
    s.lowerBoundWithRacks !== s.lowerBound
      ? `${s.lowerBound} (without racks), ${s.lowerBoundWithRacks} with racks`
      : String(s.lowerBound)
  const lines = [
    `Rebalance plan (${s.mode === 'balance' ? 'balance' : s.mode === 'add' ? 'add brokers' : 'remove brokers'}, by ${s.balanceBy}${s.rackAware ? ', rack-aware' : ''}) from the ${meta.source === 'state-file' ? 'state file' : 'live cluster'}`,
    '',
    table,
    '',
    `${metric} per broker:`,
    ...bars,
    '',
    `Partitions considered   ${s.partitionsConsidered}`,
    `Partitions changed      ${s.partitionsChanged}`,
    `Replica moves           ${s.moves}  (lower bound ${bound})`,
    `Bytes to move           ${formatBytes(s.bytesToMove)}${s.balanceBy === 'size' ? `  (lower bound ${formatBytes(s.bytesLowerBound)})` : ''}`,
    `Leader changes          ${s.leaderChanges}  (lower bound ${s.leaderLowerBound})`,
    `Rack violations         ${s.rackViolationsBefore} before, ${s.rackViolationsAfter} after${s.rackFixMoves > 0 ? ` (${s.rackFixMoves} moves fix racks)` : ''}`,
  ]
  for (const w of s.warnings) lines.push(c.yellow(`Warning: ${w}`))
  if (s.moves === 0 && s.leaderChanges === 0) lines.push('', c.green('Nothing to do: the cluster is already balanced for these settings.'))
  else if (meta.written) lines.push('', `Plan written to ${meta.written}. Review it, then: fleetops kafka rebalance execute --plan ${meta.written} --execute`)
  else lines.push('', 'Write the plan with --output FILE, then run it with `fleetops kafka rebalance execute --plan FILE --execute`.')
  return lines.join('\n')
}

function moveLine(m: {topic: string; partition: number; from: number[]; to: number[]}): string {
  return `  ${m.topic}-${m.partition}  [${m.from.join(',')}] → [${m.to.join(',')}]`
}

export function renderExecute(r: ExecuteResult): string {
  const c = style()
  const lines: string[] = []
  if (r.outcome === 'nothing-to-do') {
    lines.push(c.green(`Nothing to do: all ${r.moves.total} partitions of ${r.plan} are already where the plan puts them.`))
  } else if (r.outcome === 'dry-run') {
    lines.push(
      `Would move ${r.moves.pending + r.moves.inFlight} of ${r.moves.total} partitions (${r.moves.alreadyDone} already done), ${formatBytes(r.bytes.total - r.bytes.moved)} of data,`,
      `at most ${r.limits.perBroker} moves per broker and ${r.limits.cluster} in the cluster at once,`,
      r.throttle === null
        ? 'without a replication throttle (consider --throttle, e.g. 50MB/s).'
        : `throttled to ${formatBytes(r.throttle)}/s on brokers ${r.throttledBrokers.join(',') || '-'} only.`,
      'Then a preferred leader election for the moved partitions.',
      '',
      'First batch:',
      ...(r.firstBatch.length > 0 ? r.firstBatch.map(moveLine) : ['  (none can start now)']),
    )
    if (r.heldBack.length > 0) lines.push('', 'Held back:', ...r.heldBack.map((h) => `  ${h.topic}-${h.partition}: ${h.reason}`))
    lines.push('', `Nothing was changed. Add --execute to run it (progress goes to ${r.stateFile}).`)
  } else {
    lines.push(
      c.green(`Done: ${r.moves.total} partitions where the plan puts them (${r.moves.alreadyDone} were already), ${formatBytes(r.bytes.total)} moved in ${formatDuration(r.elapsedMs)}.`),
    )
    if (r.election) lines.push(`Preferred leaders: ${r.election.elected} elected, ${r.election.notNeeded} already leading, ${r.election.failed} failed.`)
    lines.push(`Throttles set by this run removed. Progress: ${r.stateFile}`)
  }
  for (const w of r.warnings) lines.push(c.yellow(`Warning: ${w}`))
  return lines.join('\n')
}

export function renderStatus(r: StatusResult): string {
  const lines: string[] = []
  if (r.inFlight.length === 0) lines.push('No partition reassignments in flight.')
  else {
    lines.push(`${r.inFlight.length} partition reassignments in flight:`, '')
    lines.push(
      renderTable(r.inFlight, [
        {header: 'TOPIC', get: (x) => x.topic},
        {header: 'PARTITION', get: (x) => x.partition, align: 'right'},
        {header: 'REPLICAS', get: (x) => x.replicas.join(',')},
        {header: 'ADDING', get: (x) => x.adding.join(',') || '-'},
        {header: 'REMOVING', get: (x) => x.removing.join(',') || '-'},
        {header: 'PLAN', get: (x) => (x.inPlan ? 'yes' : '')},
      ]),
    )
  }
  if (r.progress) {
    const p = r.progress
    lines.push(
      '',
      p.status === 'interrupted'
        ? `Progress file ${p.stateFile}: interrupted: rerun with --resume (${p.interruptedReason ?? 'the executor is gone'}), updated ${p.updatedAt}`
        : `Progress file ${p.stateFile}: ${p.status}${p.note ? ` (${p.note})` : ''}, updated ${p.updatedAt}`,
      `  moves: ${p.moves.done} done, ${p.moves.inFlight} in flight, ${p.moves.pending} pending of ${p.moves.total}`,
      `  throttles set by fleetops: ${p.throttles.brokers.length > 0 ? `rate on brokers ${p.throttles.brokers.map((b) => b.broker).join(',')}` : 'no broker rates'}${
        p.throttles.topics.length > 0 ? `, replicas on topics ${p.throttles.topics.map((t) => t.topic).join(',')}` : ''
      }`,
    )
  }
  return lines.join('\n')
}

export function renderCancel(r: CancelResult): string {
  const c = style()
  const lines: string[] = []
  if (r.reverted.length === 0) lines.push('No move of this plan is in flight.')
  else {
    lines.push(`${r.executed ? 'Reverted' : 'Would revert'} ${r.reverted.length} in-flight moves to their original replicas:`, ...r.reverted.map(moveLine))
  }
  const cleared = r.throttlesCleared
  if (cleared.brokers.length > 0 || cleared.topics.length > 0) {
    lines.push(
      `${r.executed ? 'Cleared' : 'Would clear'} the throttles fleetops set: ${cleared.brokers.length > 0 ? `rates on brokers ${cleared.brokers.join(',')}` : ''}${
        cleared.brokers.length > 0 && cleared.topics.length > 0 ? ', ' : ''
      }${cleared.topics.length > 0 ? `replica lists on ${cleared.topics.join(',')}` : ''}.`,
    )
  }
  for (const w of r.warnings) lines.push(c.yellow(`Warning: ${w}`))
  if (!r.executed) lines.push('', 'Nothing was changed. Add --execute to cancel.')
  return lines.join('\n')
}

import {formatDuration} from '../core/units.js'
import {lagSummaryLine, type GroupResult, type LagThresholds, type NagiosState} from '../core/lag/index.js'
import type {KafkaLagReport} from '../services/lag/kafka.js'
import type {ReplicaProbeReport} from '../services/lag/replicas.js'
import type {CassandraProbeReport} from '../services/lag/cassandra.js'
import {style} from './style.js'
import {renderTable} from './table.js'

/** Human output of the lag probes: a Nagios-style first line, then tables. */

function stateText(state: string): string {
  const c = style()
  if (state === 'OK') return c.green(state)
  if (state === 'WARNING' || state === 'WARN' || state === 'REWIND' || state === 'INCOMPLETE') return c.yellow(state)
  if (state === 'CRITICAL' || state === 'STALL' || state === 'STOP') return c.red(state)
  return c.magenta(state)
}

const ms = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : formatDuration(v))

export function renderKafkaLag(report: KafkaLagReport, thresholds: LagThresholds): string {
  return [...kafkaLagHeadLines(report, lagSummaryLine(report, thresholds)), ...report.groups.flatMap((g) => kafkaLagGroupLines(g, report.mode))].join('\n')
}

/** The first lines of renderKafkaLag: the Nagios line (`summary`, of every group) and the legend. */
export function kafkaLagHeadLines(report: Pick<KafkaLagReport, 'endOffsetKind' | 'mode' | 'samples' | 'intervalMs'>, summary: string): string[] {
  const c = style()
  const endLabel = report.endOffsetKind === 'high-watermark' ? 'high watermark (read_uncommitted)' : 'last stable offset (read_committed)'
  return [
    summary,
    c.dim(
      `LOG-END = ${endLabel}; time lag = age of the record at the committed offset` +
        (report.mode === 'single' ? '' : `; Burrow rules over ${report.samples} samples ${formatDuration(report.intervalMs ?? 0)} apart`),
    ),
  ]
}

/** One group's lines of renderKafkaLag (after a blank line): its headline, partitions and members. */
export function kafkaLagGroupLines(g: GroupResult, mode: KafkaLagReport['mode']): string[] {
  const c = style()
  const out: string[] = ['']
  out.push(
    `${c.bold(`Group ${g.group}`)}${g.type ? `  type ${g.type}` : ''}  state ${g.state ?? '-'}` +
      (g.groupEpoch === null ? '' : `  epoch ${g.groupEpoch} (assignment ${g.assignmentEpoch ?? '-'})`) +
      `  status ${stateText(g.status)}${g.burrowStatus ? `  burrow ${stateText(g.burrowStatus)}` : ''}` +
      `  lag ${g.lag ?? '-'}  time lag ${ms(g.timeLagMs) ?? '-'}  partitions ${g.partitionCount}` +
      (g.unknownLagPartitions > 0 ? `  (${g.unknownLagPartitions} without a committed offset)` : ''),
  )
  for (const note of g.notes) out.push(c.dim(`  note: ${note}`))
  if (g.type === 'share') out.push(c.dim('  share group: CURRENT-OFFSET is the share-partition start offset (the earliest record not yet acknowledged)'))
  const rows = g.topics.flatMap((t) => t.partitions.map((p) => ({t, p})))
  if (rows.length === 0) out.push('  no partitions (the group has no committed offsets and no assignments)')
  else {
    out.push(
      renderTable(rows, [
        {header: 'TOPIC', get: (r) => r.t.topic},
        {header: 'PARTITION', get: (r) => r.p.partition, align: 'right'},
        {header: 'CURRENT-OFFSET', get: (r) => r.p.committedOffset, align: 'right'},
        {header: 'LOG-END-OFFSET', get: (r) => r.p.logEndOffset, align: 'right'},
        {header: 'LAG', get: (r) => r.p.lag, align: 'right'},
        {header: 'TIME-LAG', get: (r) => ms(r.p.timeLagMs), align: 'right'},
        {header: 'STATUS', get: (r) => stateText(r.p.status)},
        ...(mode === 'single' ? [] : [{header: 'BURROW', get: (r: {p: {burrowStatus: string | null}}) => (r.p.burrowStatus ? stateText(r.p.burrowStatus) : null)}]),
        {header: 'CONSUMER-ID', get: (r) => r.p.owner?.memberId},
        {header: 'HOST', get: (r) => r.p.owner?.host},
        {header: 'CLIENT-ID', get: (r) => r.p.owner?.clientId},
        {header: 'NOTE', get: (r) => r.p.note ?? (r.p.status === 'OK' ? '' : r.p.reason)},
      ]),
    )
  }
  if (g.members.length > 0) {
    out.push(
      renderTable(g.members, [
        {header: 'CONSUMER-ID', get: (m) => m.memberId},
        {header: 'HOST', get: (m) => m.host},
        {header: 'CLIENT-ID', get: (m) => m.clientId},
        {header: '#PARTITIONS', get: (m) => m.assignments.reduce((n, a) => n + a.partitions.length, 0), align: 'right'},
        {header: 'ASSIGNMENT', get: (m) => m.assignments.map((a) => `${a.topic}(${a.partitions.join(',')})`).join(', ')},
      ]),
    )
  } else {
    out.push(c.dim(`  Consumer group '${g.group}' has no active members.`))
  }
  return out
}

export function renderReplicaHealth(report: ReplicaProbeReport): string {
  const c = style()
  const k = report.counts
  const out = [
    `REPLICAS ${report.status} - ${k.partitions} partitions: ${k.offline} offline, ${k.underReplicated} under-replicated, ${k.underMinIsr} under min ISR` +
      (k.underMinIsrElectable + k.underMinIsrNoEligibleLeader > 0 ? ` (${k.underMinIsrElectable} electable, ${k.underMinIsrNoEligibleLeader} no eligible leader)` : '') +
      `, ${k.atMinIsr} at min ISR, ${k.reassigning} reassigning` +
      ` | offline=${k.offline};;;0 under_replicated=${k.underReplicated};;;0 under_min_isr=${k.underMinIsr};;;0 at_min_isr=${k.atMinIsr};;;0` +
      ` under_min_isr_no_eligible_leader=${k.underMinIsrNoEligibleLeader};;;0`,
  ]
  out.push('')
  out.push(
    renderTable(report.brokers, [
      {header: 'BROKER', get: (b) => b.broker, align: 'right'},
      {header: 'LIVE', get: (b) => (b.live ? c.green('yes') : c.red('no'))},
      {header: 'REPLICAS', get: (b) => b.replicas, align: 'right'},
      {header: 'LEADERS', get: (b) => b.leaders, align: 'right'},
      {header: 'NOT-IN-ISR', get: (b) => b.missingFromIsr, align: 'right'},
    ]),
  )
  const flagged = report.partitions.filter((p) => p.state !== 'OK' || p.offline || p.underReplicated || p.underMinIsr || p.atMinIsr || p.reassigning)
  out.push('')
  if (flagged.length === 0) out.push(c.green('All partitions are fully replicated.'))
  else {
    out.push(
      renderTable(flagged, [
        {header: 'TOPIC', get: (p) => p.topic},
        {header: 'PARTITION', get: (p) => p.partition, align: 'right'},
        {header: 'LEADER', get: (p) => p.leader ?? 'none'},
        {header: 'REPLICAS', get: (p) => p.replicas.join(',')},
        {header: 'ISR', get: (p) => p.isr.join(',')},
        {header: 'MIN-ISR', get: (p) => p.minIsr, align: 'right'},
        ...(flagged.some((p) => p.elr !== null)
          ? [{header: 'ELR', get: (p: (typeof flagged)[number]) => (p.elr === null ? 'n/a' : `${p.elr.join(',') || '-'}${p.lastKnownElr?.length ? ` (last known ${p.lastKnownElr.join(',')})` : ''}`)}]
          : []),
        {header: 'STATE', get: (p) => stateText(p.state)},
        {
          header: 'FOLLOWER GAP',
          get: (p) => p.followers.map((f) => `${f.broker}:${f.gap === null ? 'unmeasured' : f.gap}`).join(' '),
        },
        {header: 'WHY', get: (p) => p.reasons.join('; ')},
      ]),
    )
  }
  const notes = [...report.notes, ...report.gapNotes]
  if (notes.length > 0) out.push('', ...notes.map((n) => c.dim(n)))
  return out.join('\n')
}

export function renderCassandraProbe(report: CassandraProbeReport): string {
  const c = style()
  const shown = report.reasons.slice(0, 3)
  // The Nagios line always says when the schema disagrees, even behind other reasons.
  const schemaReason = report.reasons.find((r) => r.startsWith('schema disagreement'))
  if (schemaReason && !shown.includes(schemaReason)) shown.push(schemaReason)
  if (!report.schema.agreement && !schemaReason) shown.push(`schema disagreement within grace ${report.schema.graceMs}ms`)
  const head = shown.length > 0 ? shown.join('; ') : `${report.replicas.length} replicas saw every canary write`
  // Distinct versions anywhere: the nodes' own and those they hold for their peers (a DOWN node left behind counts).
  const versions = new Set(report.schema.nodes.flatMap((n) => [n.schemaVersion, ...n.peers.map((p) => p.schemaVersion)]).filter((v) => v !== null)).size
  const out = [
    `CANARY ${report.status} - ${head} | propagation_p50=${report.p50Ms === null ? 'U' : `${report.p50Ms}ms`} propagation_max=${report.maxMs === null ? 'U' : `${report.maxMs}ms`} schema_versions=${versions}`,
    c.dim(
      `canary ${report.keyspace}.${report.table}, ${report.samples} write(s) at ${report.consistency.write} through ${report.coordinators.join(', ')}${report.consistency.coordinatorDc ? ` (${report.consistency.coordinatorDc})` : ''}; each replica, in every DC, read at ${report.consistency.read} pinned to it`,
    ),
    '',
    renderTable(report.dcs, [
      {header: 'DC', get: (d) => (d.dc === report.consistency.coordinatorDc ? `${d.dc} (local)` : d.dc)},
      {header: 'REPLICAS', get: (d) => d.replicas, align: 'right'},
      {header: 'SEEN', get: (d) => `${d.seen}/${d.seen + d.missed}`, align: 'right'},
      {header: 'P50', get: (d) => ms(d.p50Ms), align: 'right'},
      {header: 'MAX', get: (d) => ms(d.maxMs), align: 'right'},
      {header: 'STATUS', get: (d) => stateText(d.state)},
    ]),
    '',
    renderTable(report.replicas, [
      {header: 'REPLICA', get: (r) => r.address},
      {header: 'DC', get: (r) => r.dc},
      {header: 'RACK', get: (r) => r.rack},
      {header: 'SEEN', get: (r) => `${r.seen}/${r.seen + r.missed}`, align: 'right'},
      {header: 'MAX-DELAY', get: (r) => ms(r.maxSeenAfterMs), align: 'right'},
      {header: 'STATUS', get: (r) => stateText(r.state)},
      {header: 'WHY', get: (r) => r.reason},
    ]),
    '',
    renderTable(report.nodes, [
      {header: 'NODE', get: (n) => n.address},
      {header: 'DC', get: (n) => n.dc},
      {header: 'RACK', get: (n) => n.rack},
      {header: 'STATE', get: (n) => (n.state === 'UP' ? c.green('UP') : n.state === 'DOWN' ? c.red('DOWN') : n.state)},
      {header: 'HINTS-HELD', get: (n) => (report.hintsAvailable ? n.hintsHeld : 'n/a'), align: 'right'},
      {header: 'HINTS-FOR', get: (n) => (report.hintsAvailable ? n.hintsFor : 'n/a'), align: 'right'},
    ]),
  ]
  out.push(
    '',
    renderTable(report.schema.nodes, [
      {header: 'NODE', get: (n) => n.address},
      {header: 'SCHEMA', get: (n) => (n.schemaVersion ?? 'unknown').slice(0, 8)},
      {header: 'PEERS SEEN AT', get: (n) => n.peers.map((p) => `${p.address}=${(p.schemaVersion ?? 'unknown').slice(0, 8)}`).join(' ')},
    ]),
  )
  if (report.schema.unreachable.length > 0) out.push(c.dim(`not asked (unreachable): ${report.schema.unreachable.join(', ')}`))
  for (const g of report.gossip) {
    if (g.seenDownBy.length > 0) out.push(`gossip: ${g.address} seen DOWN by ${g.seenDownBy.join(', ')}${g.seenUpBy.length > 0 ? `, UP by ${g.seenUpBy.join(', ')}` : ''}`)
  }
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => c.dim(n)))
  return out.join('\n')
}

export function nagiosWord(state: NagiosState): string {
  return stateText(state)
}

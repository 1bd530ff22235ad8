import type {BytesPlan} from '../core/ring/bytes-plan.js'
import type {NodeStatusRow} from '../core/ring/node-status.js'
import type {DcImbalance, NodeOwnership} from '../core/ring/ownership.js'
import {formatBytes} from '../core/units.js'
import type {RingPlanResult, RingShowResult} from '../services/ring/ring.js'
import {style} from './style.js'
import {bar, percent, renderTable} from './table.js'

const ratio = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '∞')

function imbalanceLine(i: DcImbalance, withEffective: boolean): string {
  const raw = `raw max/mean ${ratio(i.raw.maxOverMean)}, max/min ${ratio(i.raw.maxOverMin)}`
  const eff = withEffective ? `; effective max/mean ${ratio(i.effective.maxOverMean)}, max/min ${ratio(i.effective.maxOverMin)}` : ''
  return `DC ${i.dc}: ${i.nodes} node(s); ${raw}${eff}`
}

export function renderRingShow(r: RingShowResult, readFrom?: string): string {
  const c = style()
  const o = r.ownership
  const withEffective = o.replication !== null
  const tokens = r.nodes.reduce((a, n) => a + n.tokens.length, 0)
  const lines = [
    c.bold(`Ring: ${r.nodes.length} node(s), ${tokens} token(s), ${r.partitioner}${readFrom ? ` (read from ${readFrom})` : ''}${o.dc === null ? '' : `; showing DC ${o.dc}`}`),
    withEffective
      ? `Effective ownership for ${o.basis}: ${formatReplication(o.replication!)}`
      : 'Effective ownership: not shown (raw only); pass --keyspace',
    '',
  ]
  const statusOf = new Map(r.status.map((s) => [s.address, s]))
  const code = (s: NodeStatusRow | undefined) => (s === undefined ? '-' : s.status === 'UN' ? c.green(s.status) : s.up ? c.yellow(s.status) : c.red(s.status))
  const load = (s: NodeStatusRow | undefined) => (s?.load === null || s?.load === undefined ? '?' : formatBytes(s.load))
  for (const imb of o.imbalance) {
    const byAddress = new Map(r.nodes.map((n) => [n.address, n]))
    const rows = o.nodes.filter((n) => n.dc === imb.dc).map((n) => ({n, node: byAddress.get(n.address)!, s: statusOf.get(n.address)}))
    // Each DC holds its own RF of replicas: its effective ownership sums to RF x 100 %.
    const sum = withEffective ? `; effective sum ${percent(rows.reduce((a, x) => a + x.n.effective, 0), 2)}${o.replication!.class === 'NetworkTopologyStrategy' ? ` (RF ${o.replication!.replication[imb.dc] ?? 0} in ${imb.dc})` : ''}` : ''
    lines.push(c.bold(`${imbalanceLine(imb, withEffective)}${sum}`))
    const max = Math.max(...rows.map((x) => (withEffective ? x.n.effective : x.n.raw)))
    lines.push(
      renderTable(rows, [
        {header: 'STATUS', get: (x) => code(x.s)},
        {header: 'ADDRESS', get: (x) => x.n.address},
        {header: 'LOAD', get: (x) => load(x.s), align: 'right'},
        {header: 'TOKENS', get: (x) => x.node.tokens.length, align: 'right'},
        {header: 'RAW', get: (x) => percent(x.n.raw, 2), align: 'right'},
        ...(withEffective ? [{header: 'EFFECTIVE', get: (x: (typeof rows)[number]) => percent(x.n.effective, 2), align: 'right' as const}] : []),
        {header: 'HOST ID', get: (x) => x.s?.hostId ?? '-'},
        {header: 'RACK', get: (x) => x.n.rack},
        {header: '', get: (x) => bar(withEffective ? x.n.effective : x.n.raw, max, 30)},
      ]),
    )
    lines.push('')
  }
  if (r.sizes) {
    const total = (a: string) => Object.values(r.sizes!.nodes[a] ?? {}).reduce((x, y) => x + y, 0)
    lines.push(`Data on disk, user keyspaces (${r.sizes.source}): ${r.nodes.map((n) => `${n.address} ${formatBytes(total(n.address))}`).join(', ')}`)
  }
  const tokenless = r.status.filter((s) => !r.nodes.some((n) => n.address === s.address))
  for (const s of tokenless) {
    lines.push(`${code(s)} ${s.address} (DC ${s.dc}, rack ${s.rack}, host ID ${s.hostId ?? '?'}): ${s.state.toLowerCase()}, owns no range yet; load ${load(s)}`)
  }
  if (tokenless.length > 0) lines.push('')
  lines.push('Status: U up, D down; state: N normal, J joining, L leaving, M moving (as nodetool status). Load: as each node last gossiped it (every 60 s).')
  for (const w of o.warnings) lines.push(c.yellow(`Warning: ${w}`))
  return lines.join('\n').trimEnd()
}

function formatReplication(r: {class: string; replication: Record<string, number>}): string {
  return `${r.class} ${Object.entries(r.replication)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}`
}

export function renderRingPlan(p: RingPlanResult, maxStreams = 40): string {
  const c = style()
  const lines: string[] = [c.bold(`Ring plan (${p.source})`), '']
  if (p.proposed.length > 0) {
    lines.push(c.bold('Proposed tokens, in bootstrap order (start each node only after the one before it has joined):'))
    for (const t of p.initialTokens) {
      lines.push(`  ${t.address} (DC ${t.dc}, rack ${t.rack}):`)
      lines.push(`    ${t.line}`)
    }
    lines.push('')
  }
  lines.push(c.bold('Ownership before → after:'))
  const before = new Map(p.ownership.before.map((o) => [o.address, o]))
  const after = new Map(p.ownership.after.map((o) => [o.address, o]))
  const addresses = [...new Set([...before.keys(), ...after.keys()])]
  const rows = addresses.map((a) => ({a, b: before.get(a), f: after.get(a)}))
  const max = Math.max(...p.ownership.after.map((o) => o.effective), ...p.ownership.before.map((o) => o.effective))
  const pick = (o: NodeOwnership | undefined, k: 'raw' | 'effective') => (o ? percent(o[k], 2) : '-')
  lines.push(
    renderTable(rows, [
      {header: 'ADDRESS', get: (x) => x.a},
      {header: 'DC', get: (x) => (x.b ?? x.f)!.dc},
      {header: 'RACK', get: (x) => (x.b ?? x.f)!.rack},
      {header: 'RAW BEFORE', get: (x) => pick(x.b, 'raw'), align: 'right'},
      {header: 'RAW AFTER', get: (x) => pick(x.f, 'raw'), align: 'right'},
      {header: 'EFF BEFORE', get: (x) => pick(x.b, 'effective'), align: 'right'},
      {header: 'EFF AFTER', get: (x) => pick(x.f, 'effective'), align: 'right'},
      {header: '', get: (x) => bar(x.f?.effective ?? 0, max, 24)},
    ]),
  )
  lines.push('')
  const ok = p.movedFraction <= p.optimalMovedFraction * 1.05 + 1e-9
  lines.push(
    `Data moved: ${percent(p.movedFraction, 2)} of the replicas (optimum ${percent(p.optimalMovedFraction, 2)}${
      p.optimalMovedFraction > 0 ? `, ratio ${(p.movedFraction / p.optimalMovedFraction).toFixed(3)}` : ''
    })${ok ? '' : c.yellow(' — more than the optimum')}`,
  )
  lines.push('')
  lines.push(c.bold(`Streams (${p.streams.length}): token range (start, end] sent from → to`))
  lines.push(
    renderTable(p.streams.slice(0, maxStreams), [
      {header: 'FROM', get: (s) => s.from},
      {header: 'TO', get: (s) => s.to},
      {header: 'START (exclusive)', get: (s) => s.range.start, align: 'right'},
      {header: 'END (inclusive)', get: (s) => s.range.end, align: 'right'},
      {header: 'SHARE', get: (s) => percent(s.fraction, 3), align: 'right'},
    ]),
  )
  if (p.streams.length > maxStreams) lines.push(`… ${p.streams.length - maxStreams} more streams (see --json)`)
  const summary = new Map<string, number>()
  for (const s of p.streams) summary.set(`${s.from} → ${s.to}`, (summary.get(`${s.from} → ${s.to}`) ?? 0) + s.fraction)
  if (summary.size > 0) {
    lines.push('', c.bold('Per sender → receiver:'))
    for (const [k, v] of [...summary].sort((a, b) => b[1] - a[1])) lines.push(`  ${k}: ${percent(v, 2)} of the ring`)
  }
  lines.push('', ...renderBytes(p.bytes, maxStreams))
  const warnings = [...((p as {readWarnings?: string[]}).readWarnings ?? []), ...p.warnings]
  if (warnings.length > 0) lines.push('')
  for (const w of warnings) lines.push(c.yellow(`Warning: ${w}`))
  return lines.join('\n')
}

/** Each node's load before and after, and the bytes each stream carries, per keyspace. */
function renderBytes(b: BytesPlan | null, maxStreams: number): string[] {
  const c = style()
  if (b === null) return [c.dim('Bytes: not planned (no size figures: the cluster gave none, or the state file has no "sizes")')]
  if (b.keyspaces.length === 0) return [c.dim(`Bytes: no keyspace in the ring has size figures (${b.source})`)]
  const lines = [
    c.bold(`Bytes (from ${b.source}; keyspaces ${b.keyspaces.join(', ')}): ${formatBytes(b.bytesMoved)} streamed in all`),
    renderTable(b.nodes, [
      {header: 'ADDRESS', get: (n) => n.address},
      {header: 'LOAD BEFORE', get: (n) => formatBytes(n.before), align: 'right'},
      {header: 'SENDS', get: (n) => formatBytes(n.sent), align: 'right'},
      {header: 'RECEIVES', get: (n) => formatBytes(n.received), align: 'right'},
      {header: 'RELEASES', get: (n) => formatBytes(n.released), align: 'right'},
      {header: 'LOAD AFTER', get: (n) => formatBytes(n.after), align: 'right'},
    ]),
    c.dim('RELEASES: data of ranges a node no longer replicates, freed by `nodetool cleanup` (or by leaving).'),
    '',
    c.bold(`Bytes per stream (${b.streams.length}):`),
    renderTable(b.streams.slice(0, maxStreams), [
      {header: 'KEYSPACE', get: (s) => s.keyspace},
      {header: 'FROM', get: (s) => s.from},
      {header: 'TO', get: (s) => s.to},
      {header: 'BYTES', get: (s) => formatBytes(s.bytes), align: 'right'},
      {header: 'RING SHARE', get: (s) => percent(s.fraction, 3), align: 'right'},
    ]),
  ]
  if (b.streams.length > maxStreams) lines.push(`… ${b.streams.length - maxStreams} more (see --json)`)
  return lines
}

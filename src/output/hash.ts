import type {SimulationResult} from '../core/hash/simulate.js'
import {formatBytes, formatCount} from '../core/units.js'
import type {KafkaPartitionsResult} from '../services/hash/kafka-partitions.js'
import type {SimulateReport} from '../services/hash/simulate.js'
import {style} from './style.js'
import {bar, percent, renderTable} from './table.js'

const name = (s: string) => (s === 'bounded-load' ? 'bounded' : s)

export function renderSimulation(r: SimulateReport): string {
  const c = style()
  const lines = [
    c.bold(
      `${formatCount(r.keys)} keys on ${r.nodes} nodes (vnodes ${r.vnodes} for ring/bounded), +${r.add} / −${r.remove} node(s), seed ${r.seed}`,
    ),
    '',
  ]
  const worst = Math.max(...r.results.map((x) => x.peakToMean))
  lines.push(
    renderTable(r.results, [
      {header: 'SCHEME', get: (x: SimulationResult) => name(x.scheme)},
      {header: 'PEAK/MEAN', get: (x) => x.peakToMean.toFixed(3), align: 'right'},
      {header: 'MOVED ON ADD', get: (x) => percent(x.movedOnAdd.fraction, 2), align: 'right'},
      {header: 'OPTIMUM', get: (x) => percent(x.movedOnAdd.optimal, 2), align: 'right'},
      {header: 'MOVED ON REMOVE', get: (x) => percent(x.movedOnRemove.fraction, 2), align: 'right'},
      {header: 'OPTIMUM', get: (x) => percent(x.movedOnRemove.optimal, 2), align: 'right'},
      {header: 'LOOKUP', get: (x) => `${x.lookupNsPerKey.toFixed(0)} ns/key`, align: 'right'},
      {header: 'MEMORY', get: (x) => formatBytes(x.memoryBytes), align: 'right'},
      {header: '', get: (x) => bar(x.peakToMean, worst, 20)},
    ]),
  )
  lines.push('', 'Peak/mean is the busiest node\'s keys over the mean (1.000 is perfect); moved is the share of keys that change node.')
  return lines.join('\n')
}

export function renderKafkaPartitions(r: KafkaPartitionsResult): string {
  const c = style()
  const lines: string[] = []
  if (r.source === 'sample' && r.sample) {
    const s = r.sample
    lines.push(
      `Read ${s.records} record(s) from ${r.topic} (${s.partitions} partitions, as a read_committed consumer): ${r.keys} with a key, ${s.nullKeys} without${
        s.abortedRecords > 0 ? `; ${s.abortedRecords} record(s) of aborted transactions skipped` : ''
      }.`,
      `Keys on the partition murmur2 gives for ${s.partitions} partitions: ${s.placedByDefaultPartitioner} of ${r.keys}${
        r.keys > 0 && s.placedByDefaultPartitioner < r.keys ? c.yellow(' (some producers use another partitioner)') : ''
      }.`,
    )
    if (s.skippedBatches > 0) lines.push(c.yellow(`Skipped ${s.skippedBatches} batch(es): ${s.skipReason}`))
    if (s.keyExamples && s.keyExamples.length > 0) {
      lines.push(`Sample keys (partition of the serialized bytes, ${r.from} → ${r.to} partitions):`)
      for (const k of s.keyExamples) lines.push(`  ${k.key}  [${k.shownAs}]  ${k.from} → ${k.to}`)
    }
  } else {
    lines.push(`No --sample: ${formatCount(r.keys)} synthetic keys ("key-0" …) stand in for ${r.topic}'s keys.`)
  }
  lines.push(
    '',
    c.bold(`${r.topic}: ${r.from} → ${r.to} partitions with Kafka's default partitioner (murmur2)`),
    `Keys that change partition: ${percent(r.fraction, 2)} (${r.moved} of ${r.keys}); expected for uniform keys ${percent(r.expected, 2)}; a consistent scheme would move ${percent(r.optimal, 2)}.`,
    '',
  )
  const rows = r.byPartition.filter((p) => p.keys > 0)
  lines.push(
    renderTable(rows.slice(0, 64), [
      {header: 'PARTITION', get: (p) => p.partition, align: 'right'},
      {header: 'KEYS', get: (p) => p.keys, align: 'right'},
      {header: 'STAY', get: (p) => percent(p.stay / p.keys, 1), align: 'right'},
      {
        header: 'MOVE TO',
        get: (p) =>
          Object.entries(p.to)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 4)
            .map(([q, n]) => `${q} (${percent(n / p.keys, 0)})`)
            .join(', ') || '-',
      },
    ]),
  )
  if (rows.length > 64) lines.push(`… ${rows.length - 64} more partitions (see --json)`)
  for (const w of r.warnings) lines.push(c.yellow(`Warning: ${w}`))
  lines.push('', 'Per-key order is kept only within a partition: keys that move lose ordering with their earlier records.')
  return lines.join('\n')
}

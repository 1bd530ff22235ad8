import {formatBytes} from '../core/units.js'
import type {ClusterDescription} from '../services/kafka/describe.js'
import {style} from './style.js'
import {renderTable} from './table.js'

export function renderClusterDescription(d: ClusterDescription): string {
  const c = style()
  const replicas = new Map<number, number>()
  const leaders = new Map<number, number>()
  const bytes = new Map<number, number>()
  for (const p of d.partitions) {
    for (const r of p.replicas) {
      replicas.set(r, (replicas.get(r) ?? 0) + 1)
      bytes.set(r, (bytes.get(r) ?? 0) + (p.size ?? 0))
    }
    if (p.leader >= 0) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1)
  }
  const brokers = renderTable(d.brokers, [
    {header: 'BROKER', get: (b) => b.id, align: 'right'},
    {header: 'HOST', get: (b) => (b.host ? `${b.host}:${b.port}` : null)},
    {header: 'RACK', get: (b) => b.rack},
    {header: 'STATE', get: (b) => (b.alive ? c.green('alive') : c.red('DOWN'))},
    {header: 'REPLICAS', get: (b) => replicas.get(b.id) ?? 0, align: 'right'},
    {header: 'LEADERS', get: (b) => leaders.get(b.id) ?? 0, align: 'right'},
    {header: 'BYTES', get: (b) => formatBytes(bytes.get(b.id) ?? 0), align: 'right'},
  ])
  const partitions = renderTable(d.partitions, [
    {header: 'TOPIC', get: (p) => p.topic},
    {header: 'PARTITION', get: (p) => p.partition, align: 'right'},
    {header: 'REPLICAS', get: (p) => p.replicas.join(',')},
    {header: 'LEADER', get: (p) => (p.leader >= 0 ? p.leader : c.red('none'))},
    {header: 'ISR', get: (p) => (p.isr.length < p.replicas.length ? c.yellow(p.isr.join(',')) : p.isr.join(','))},
    {header: 'SIZE', get: (p) => (p.size === null ? null : formatBytes(p.size)), align: 'right'},
  ])
  return `${brokers}\n\n${partitions}`
}

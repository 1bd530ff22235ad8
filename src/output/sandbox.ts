import type {NodeStatus, SandboxStatus} from '../services/sandbox/sandbox.js'
import {style} from './style.js'
import {renderTable} from './table.js'

export function renderSandboxStatus(status: SandboxStatus): string {
  if (!status.exists) return `Sandbox "${status.name}" does not exist. Start it with: fleetops sandbox up`
  const c = style()
  const rows: (NodeStatus & {product: string; version: string})[] = [
    ...(status.kafka?.brokers ?? []).map((n) => ({...n, product: 'kafka', version: status.kafka!.version})),
    ...(status.cassandra?.nodes ?? []).map((n) => ({...n, product: 'cassandra', version: status.cassandra!.version})),
  ]
  const table = renderTable(rows, [
    {header: 'PRODUCT', get: (r) => r.product},
    {header: 'ID', get: (r) => r.id, align: 'right'},
    {header: 'ADDRESS', get: (r) => `${r.host}:${r.port}`},
    {header: 'DC', get: (r) => r.dc},
    {header: 'RACK', get: (r) => r.rack},
    {header: 'STATE', get: (r) => (r.up ? c.green('UP') : c.red('DOWN'))},
    {header: 'PID', get: (r) => r.pid, align: 'right'},
    {header: 'RSS', get: (r) => (r.rssMb === null ? null : `${r.rssMb} MiB`), align: 'right'},
    {header: 'JMX', get: (r) => (r.jmxPort === null ? null : `${r.jmxHost}:${r.jmxPort}`)},
    {header: 'VERSION', get: (r) => (r.product === 'cassandra' ? `${r.version} (Java ${status.cassandra!.java.major})` : r.version)},
  ])
  const registry = status.schemaRegistry
  const registryLine =
    registry === null
      ? ''
      : `\nSchema registry: Apicurio Registry ${registry.version} at ${registry.url} (${registry.storage} storage) ${registry.up ? c.green('UP') : c.red('DOWN')}${registry.pid === null ? '' : ` pid ${registry.pid}`}${registry.rssMb === null ? '' : `, ${registry.rssMb} MiB`}\n`
  return `${c.bold(`Sandbox "${status.name}"`)} (${status.home})\n${table}\n${registryLine}\nConnection settings:\n${renderEnv(status.env)}`
}

export function renderEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n')
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.,:/@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

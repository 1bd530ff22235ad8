import {badInput} from '../errors.js'
import {printable} from '../units.js'

/**
 * How much data each node holds, per keyspace, in bytes: what turns token
 * shares into bytes to stream. Read live from every node's
 * `system_views.disk_usage` (see adapters/cassandra/data-sizes.ts for why that
 * source), or carried in a ring state file written by `ring show --json`.
 */
export interface DataSizes {
  /** Where the figures came from, e.g. "system_views.disk_usage". */
  source: string
  /** address → keyspace → bytes on that node's disks. */
  nodes: Record<string, Record<string, number>>
}

const KEYSPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/
/** 2^53: past it a byte count is no longer an exact JSON number. */
const MAX_BYTES = Number.MAX_SAFE_INTEGER

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Validates the optional "sizes" object of a ring state file against the
 * ring's node addresses. Keyspaces the file does not model (system ones) may
 * appear: they are kept and simply not planned.
 */
export function parseDataSizes(raw: unknown, addresses: ReadonlySet<string>): DataSizes {
  if (!isRecord(raw)) throw badInput('ring state "sizes" must be an object {"source": ..., "nodes": {address: {keyspace: bytes}}}')
  const source = Object.prototype.hasOwnProperty.call(raw, 'source') ? raw.source : undefined
  if (typeof source !== 'string' || source.trim() === '' || source.length > 200) {
    throw badInput('ring state "sizes.source" must be a non-empty string (at most 200 characters), e.g. "system_views.disk_usage"')
  }
  const rawNodes = Object.prototype.hasOwnProperty.call(raw, 'nodes') ? raw.nodes : undefined
  if (!isRecord(rawNodes)) throw badInput('ring state "sizes.nodes" must be an object {address: {keyspace: bytes}}')
  const nodes: Record<string, Record<string, number>> = Object.create(null)
  for (const address of Object.keys(rawNodes)) {
    if (!addresses.has(address)) {
      throw badInput(`ring state "sizes" names node ${printable(address)}, which is not in "nodes"; remove it or add the node`)
    }
    const perKeyspace = rawNodes[address]
    if (!isRecord(perKeyspace)) throw badInput(`ring state "sizes.nodes" entry ${printable(address)} must be an object {keyspace: bytes}`)
    const out: Record<string, number> = Object.create(null)
    for (const ks of Object.keys(perKeyspace)) {
      if (!KEYSPACE_NAME.test(ks)) throw badInput(`ring state "sizes" keyspace name "${printable(ks)}" is invalid; use letters, digits and underscores`)
      const bytes = perKeyspace[ks]
      if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BYTES) {
        throw badInput(`ring state "sizes" for ${printable(address)} keyspace ${ks}: "${printable(bytes)}" must be a whole number of bytes >= 0`)
      }
      out[ks] = bytes
    }
    nodes[address] = out
  }
  return {source, nodes}
}

/** The file form: keys sorted so a state file diffs cleanly. */
export function dataSizesToFile(sizes: DataSizes, order: readonly string[]): DataSizes {
  const nodes: Record<string, Record<string, number>> = {}
  for (const address of order) {
    const per = sizes.nodes[address]
    if (!per) continue
    nodes[address] = Object.fromEntries(Object.keys(per).sort().map((ks) => [ks, per[ks]]))
  }
  return {source: sizes.source, nodes}
}

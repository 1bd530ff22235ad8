import {badInput, isFleetopsError} from '../errors.js'
import {MAX_COUNT, checkCount} from '../input-limits.js'
import {printable} from '../units.js'
import {type DataSizes, parseDataSizes} from './data-sizes.js'
import {tokenFromString} from './tokens.js'

/** One Cassandra node as recorded in a ring state file. */
export interface RingNode {
  address: string
  dc: string
  rack: string
  /** Sorted ascending, unique across the whole ring. */
  tokens: bigint[]
  state?: NodeState
}

export type NodeState = 'UP' | 'DOWN' | 'JOINING' | 'LEAVING' | 'MOVING' | 'NORMAL'
const NODE_STATES: readonly NodeState[] = ['UP', 'DOWN', 'JOINING', 'LEAVING', 'MOVING', 'NORMAL']

export type Replication =
  | {strategy: 'SimpleStrategy'; replicationFactor: number}
  | {strategy: 'NetworkTopologyStrategy'; dcs: Record<string, number>}

export interface RingState {
  partitioner: 'Murmur3Partitioner'
  nodes: RingNode[]
  keyspaces: Record<string, Replication>
  /** Bytes per node and keyspace, when the state carries them (`ring show --json` writes them). */
  sizes?: DataSizes
}

const MAX_RF = 100
const KEYSPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/
const LOCATOR_PREFIX = 'org.apache.cassandra.locator.'
const PARTITIONER_PREFIX = 'org.apache.cassandra.dht.'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads an own property without ever invoking a getter on a prototype. */
function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined
}

function nameField(obj: Record<string, unknown>, key: string, where: string): string {
  const value = field(obj, key)
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw badInput(`${where}: "${key}" must be a non-empty string (at most 200 characters); fix the ring state file`)
  }
  return value
}

function parseRf(value: unknown, where: string): number {
  const n = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_RF) {
    throw badInput(`${where}: replication factor "${printable(value)}" must be a whole number from 1 to ${MAX_RF}`)
  }
  return n
}

function parseNode(raw: unknown, i: number): RingNode {
  const where = `ring state nodes[${i}]`
  if (!isRecord(raw)) throw badInput(`${where} must be an object with address, dc, rack and tokens; fix the ring state file`)
  const address = nameField(raw, 'address', where)
  const dc = nameField(raw, 'dc', where)
  const rack = nameField(raw, 'rack', where)
  const rawTokens = field(raw, 'tokens')
  if (!Array.isArray(rawTokens) || rawTokens.length === 0) {
    throw badInput(`${where} (${printable(address)}): "tokens" must be a non-empty array of decimal strings`)
  }
  checkCount(rawTokens.length, MAX_COUNT.tokensPerNode, `${where} "tokens"`, 'Cassandra nodes use at most a few hundred tokens (num_tokens)')
  const seen = new Set<bigint>()
  const tokens: bigint[] = []
  for (const t of rawTokens) {
    const token = typeof t === 'string' ? tokenFromString(t) : undefined
    if (token === undefined) {
      throw badInput(
        `${where} (${printable(address)}): token "${printable(t)}" is not an integer string in [-2^63, 2^63-1]; quote tokens as decimal strings`,
      )
    }
    if (seen.has(token)) throw badInput(`${where} (${printable(address)}) lists token ${token} twice; remove the duplicate`)
    seen.add(token)
    tokens.push(token)
  }
  tokens.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const node: RingNode = {address, dc, rack, tokens}
  const state = field(raw, 'state')
  if (state !== undefined) {
    if (typeof state !== 'string' || !NODE_STATES.includes(state.toUpperCase() as NodeState)) {
      throw badInput(`${where} (${printable(address)}): state "${printable(state)}" must be one of ${NODE_STATES.join(', ')}`)
    }
    node.state = state.toUpperCase() as NodeState
  }
  return node
}

function parseKeyspace(name: string, raw: unknown, nodes: RingNode[]): Replication {
  const where = `keyspace ${printable(name)}`
  if (!isRecord(raw)) throw badInput(`${where} must be an object {"class": ..., "replication": {...}}; fix the ring state file`)
  const cls = field(raw, 'class')
  const shortClass = typeof cls === 'string' && cls.startsWith(LOCATOR_PREFIX) ? cls.slice(LOCATOR_PREFIX.length) : cls
  const replication = field(raw, 'replication')
  if (!isRecord(replication)) throw badInput(`${where}: "replication" must be an object such as {"dc1": 3}`)
  if (shortClass === 'SimpleStrategy') {
    const rf = parseRf(field(replication, 'replication_factor'), `${where} (SimpleStrategy)`)
    if (rf > nodes.length) {
      throw badInput(`${where}: replication_factor ${rf} is more than the ${nodes.length} nodes in the ring; lower it`)
    }
    return {strategy: 'SimpleStrategy', replicationFactor: rf}
  }
  if (shortClass === 'NetworkTopologyStrategy') {
    const dcs: Record<string, number> = Object.create(null)
    const names = Object.keys(replication)
    if (names.length === 0) throw badInput(`${where}: NetworkTopologyStrategy needs at least one DC, e.g. {"dc1": 3}`)
    for (const dc of names) {
      const rf = parseRf(replication[dc], `${where} DC ${printable(dc)}`)
      const inDc = nodes.filter((n) => n.dc === dc).length
      if (rf > inDc) {
        throw badInput(`${where}: RF ${rf} for DC "${printable(dc)}" is more than its ${inDc} node(s); lower the RF or fix the DC name`)
      }
      dcs[dc] = rf
    }
    return {strategy: 'NetworkTopologyStrategy', dcs}
  }
  throw badInput(
    `${where}: class "${printable(cls)}" is not supported; use SimpleStrategy or NetworkTopologyStrategy`,
  )
}

function parseObject(json: unknown): RingState {
  if (!isRecord(json)) throw badInput('ring state must be a JSON object with "partitioner", "nodes" and "keyspaces"')
  const partitioner = field(json, 'partitioner')
  const shortPartitioner =
    typeof partitioner === 'string' && partitioner.startsWith(PARTITIONER_PREFIX)
      ? partitioner.slice(PARTITIONER_PREFIX.length)
      : partitioner
  if (shortPartitioner !== 'Murmur3Partitioner') {
    throw badInput(`ring state partitioner "${printable(partitioner)}" is not supported; only Murmur3Partitioner rings can be planned`)
  }
  const rawNodes = field(json, 'nodes')
  if (!Array.isArray(rawNodes)) throw badInput('ring state "nodes" must be an array of {address, dc, rack, tokens}')
  checkCount(rawNodes.length, MAX_COUNT.ringNodes, 'ring state "nodes"', 'plan one datacenter at a time')
  const nodes = rawNodes.map((n, i) => parseNode(n, i))
  let tokenCount = 0
  for (const n of nodes) tokenCount += n.tokens.length
  checkCount(tokenCount, MAX_COUNT.ringTokens, 'ring state tokens in all', 'plan one datacenter at a time')

  const addresses = new Set<string>()
  const tokenOwner = new Map<bigint, string>()
  for (const node of nodes) {
    if (addresses.has(node.address)) throw badInput(`ring state lists node ${printable(node.address)} twice; keep one entry per node`)
    addresses.add(node.address)
    for (const t of node.tokens) {
      const other = tokenOwner.get(t)
      if (other !== undefined) {
        throw badInput(`token ${t} is held by both ${printable(other)} and ${printable(node.address)}; each token must be unique`)
      }
      tokenOwner.set(t, node.address)
    }
  }

  const rawKeyspaces = field(json, 'keyspaces') ?? {}
  if (!isRecord(rawKeyspaces)) throw badInput('ring state "keyspaces" must be an object {name: {class, replication}}')
  const keyspaces: Record<string, Replication> = Object.create(null)
  for (const name of Object.keys(rawKeyspaces)) {
    if (!KEYSPACE_NAME.test(name)) {
      throw badInput(`keyspace name "${printable(name)}" is invalid; use letters, digits and underscores, starting with a letter`)
    }
    keyspaces[name] = parseKeyspace(name, rawKeyspaces[name], nodes)
  }
  const rawSizes = field(json, 'sizes')
  const sizes = rawSizes === undefined ? undefined : parseDataSizes(rawSizes, addresses)
  return {partitioner: 'Murmur3Partitioner', nodes, keyspaces, ...(sizes ? {sizes} : {})}
}

/**
 * Validates a ring state file (already JSON-parsed, or its text). Any problem,
 * however odd the input, surfaces as a one-line BAD_INPUT FleetopsError.
 */
export function parseRingState(json: unknown): RingState {
  try {
    let value = json
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json)
      } catch {
        throw badInput('ring state is not valid JSON; check the file for truncation or stray characters')
      }
    }
    return parseObject(value)
  } catch (err) {
    if (isFleetopsError(err)) throw err
    // Exotic inputs (proxies, throwing getters) must still fail as bad input, not crash.
    throw badInput('ring state could not be read; it must be plain JSON data')
  }
}

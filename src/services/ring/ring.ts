
import type {CassandraConnection} from '../../core/connection.js'
import {badInput, FleetopsError} from '../../core/errors.js'
import {inMotionMessage, membershipOf, type NodeStatusRow, nodesInMotion, statusCode} from '../../core/ring/node-status.js'
import {type PlanOptions, planRing, type RingPlan} from '../../core/ring/ring-plan.js'
import type {RingPlanRequest} from '../../core/ring/plan-request.js'
import {ringOwnershipView, type RingOwnershipView, type RingStateFile, toRingStateFile} from '../../core/ring/ring-file.js'
import type {LiveDataSizes} from '../../adapters/cassandra/data-sizes.js'
import type {DataSizes} from '../../core/ring/data-sizes.js'
import {parseRingState, type RingState} from '../../core/ring/ring-state.js'
import {dcNames} from '../../core/ring/token-ring.js'
import {printable} from '../../core/units.js'
import {readInputJson} from '../read-input-file.js'

/** A node's `nodetool status` columns but ownership, which depends on the keyspace judged. */
export type MemberStatus = Omit<NodeStatusRow, 'owns'>

export interface LiveRingState {
  state: RingState
  /** Node whose system tables were read. */
  readFrom: string
  warnings: string[]
  /** Every node, joining ones (no tokens yet, so not in `state`) included. */
  members: MemberStatus[]
}

const SHORT = (cls: string) => cls.replace(/^org\.apache\.cassandra\.locator\./, '')

/**
 * Reads the live ring (tokens, DCs, racks, UP/DOWN, partitioner, keyspace
 * replication) and validates it exactly as a ring state file is validated.
 * System keyspaces are left out; keyspaces fleetops cannot model are left out
 * with a warning.
 */
export async function readRingState(conn: CassandraConnection): Promise<LiveRingState> {
  const {readLiveRing} = await import('../../adapters/cassandra/ring-reader.js')
  const [live, sizes] = await Promise.all([readLiveRing(conn), readLiveDataSizes(conn)])
  const warnings: string[] = []
  if (!/(^|\.)Murmur3Partitioner$/.test(live.partitioner)) {
    throw new FleetopsError('UNSAFE', `the cluster uses ${printable(live.partitioner)}; fleetops plans only Murmur3Partitioner rings`)
  }
  const members: MemberStatus[] = live.nodes.map((n) => {
    const state = membershipOf(n.gossipStatus)
    const up = n.state === 'UP'
    return {address: n.address, dc: n.dc, rack: n.rack, status: statusCode(up, state), up, state, load: n.load, tokens: n.tokens.length, hostId: n.hostId}
  })
  if (!live.gossipAvailable) warnings.push('system_views.gossip_info is not readable (needs Cassandra 4.1+): no load, and joining, leaving or moving nodes are not recognised')
  const nodes = live.nodes.filter((n) => {
    if (n.tokens.length > 0) return true
    warnings.push(`node ${n.address} has no tokens yet (joining?); it is left out`)
    return false
  })
  const keyspaces: RingStateFile['keyspaces'] = {}
  for (const ks of live.keyspaces) {
    if (ks.name.startsWith('system')) continue
    const cls = SHORT(ks.replication.class ?? '')
    const entries = Object.entries(ks.replication).filter(([k]) => k !== 'class')
    if (cls !== 'SimpleStrategy' && cls !== 'NetworkTopologyStrategy') {
      warnings.push(`keyspace ${ks.name} uses ${cls || 'an unknown strategy'}; left out`)
      continue
    }
    const replication: Record<string, number> = {}
    let ok = true
    for (const [k, v] of entries) {
      if (!/^\d+$/.test(v)) {
        warnings.push(`keyspace ${ks.name} has replication ${k}=${v} (transient replicas?); left out`)
        ok = false
        break
      }
      if (Number(v) === 0) continue
      const inDc = cls === 'SimpleStrategy' ? nodes.length : nodes.filter((n) => n.dc === k).length
      if (Number(v) > inDc) {
        warnings.push(`keyspace ${ks.name} asks for RF ${v} in ${cls === 'SimpleStrategy' ? 'the cluster' : `DC ${k}`} but only ${inDc} node(s) exist; left out`)
        ok = false
        break
      }
      replication[k] = Number(v)
    }
    if (!ok || Object.keys(replication).length === 0) continue
    keyspaces[ks.name] = {class: cls, replication}
  }
  const file: RingStateFile = {
    partitioner: 'Murmur3Partitioner',
    nodes: nodes.map((n) => ({address: n.address, dc: n.dc, rack: n.rack, state: n.state, tokens: n.tokens})),
    keyspaces,
  }
  const state = parseRingState(file)
  return {state: withDataSizes(state, sizes, warnings), readFrom: live.readFrom, warnings, members}
}

/** Every node's bytes per keyspace, or null (with the reason) when the cluster cannot say. */
async function readLiveDataSizes(conn: CassandraConnection): Promise<LiveDataSizes | {error: string}> {
  const {readDataSizes} = await import('../../adapters/cassandra/data-sizes.js')
  return readDataSizes(conn).catch((error: unknown) => ({error: (error as Error).message}))
}

/** Attaches the size figures of the ring's own nodes and user keyspaces; says which nodes lack them. */
function withDataSizes(state: RingState, sizes: LiveDataSizes | {error: string}, warnings: string[]): RingState {
  if ('error' in sizes) {
    warnings.push(`no data sizes (bytes are not planned): ${sizes.error}`)
    return state
  }
  const nodes: DataSizes['nodes'] = {}
  for (const node of state.nodes) {
    const perKeyspace = sizes.nodes[node.address]
    if (!perKeyspace) continue
    nodes[node.address] = Object.fromEntries(Object.entries(perKeyspace).filter(([ks]) => !ks.startsWith('system')))
  }
  for (const u of sizes.unread) warnings.push(`no data sizes from ${u.address}: ${u.reason}`)
  if (Object.keys(nodes).length === 0) return state
  return {...state, sizes: {source: sizes.source, nodes}}
}

/** Reads and validates a ring state file (as written by `ring show --json`). */
export function readRingStateFile(path: string): RingState {
  const json = readInputJson(path, 'ring state file', '--state')
  try {
    return parseRingState(json)
  } catch (error) {
    const e = error as FleetopsError
    throw badInput(`${printable(path)}: ${e.message}`)
  }
}

export interface RingShowResult extends RingStateFile {
  /** Not part of the state file proper (ignored when read back): ownership as shown. */
  ownership: RingOwnershipView
  /** Not part of the state file proper either: `nodetool status`'s columns per node, joining nodes included. */
  status: NodeStatusRow[]
}

/**
 * The state file of the whole ring, the ownership of every node or of one DC's (`dc`), and
 * `nodetool status`'s columns per node (owns from the whole ring's view, as nodetool shows it).
 */
export function showRing(state: RingState, keyspace: string | undefined, members: readonly MemberStatus[], dc?: string): RingShowResult {
  const whole = ringOwnershipView(state, keyspace)
  const ownership = dc === undefined ? whole : ringOwnershipView(state, keyspace, dc)
  const owns = new Map(whole.nodes.map((o) => [o.address, o.effective]))
  const judged = whole.replication !== null
  const status = members.map((m) => ({...m, owns: judged ? (owns.get(m.address) ?? null) : null}))
  return {...toRingStateFile(state), ownership, status}
}


export interface RingPlanResult extends RingPlan {
  /** `initial_token:` line per proposed node, in bootstrap order. */
  initialTokens: {address: string; dc: string; rack: string; line: string}[]
  source: string
}

/** Checks the request against the ring (DC defaulting, RF vs nodes) and plans it. */
export function planRingFromState(state: RingState, req: RingPlanRequest, source = 'state file'): RingPlanResult {
  const dcs = dcNames(state.nodes)
  const opts: PlanOptions = {remove: req.remove, keyspace: req.keyspace, rf: req.rf}
  let scopeDc: string | undefined
  if (req.add) {
    let dc = req.add.dc
    if (dc === undefined) {
      if (dcs.length !== 1) throw badInput(`the ring has ${dcs.length} DCs (${dcs.join(', ')}); say which with --dc`)
      dc = dcs[0]
    }
    if (!dcs.includes(dc)) throw badInput(`DC "${printable(dc)}" is not in the ring; use one of: ${dcs.join(', ') || '(none)'}`)
    const tokensPerNode = req.add.tokensPerNode ?? commonTokenCount(state, dc)
    opts.add = {count: req.add.count, dc, rack: req.add.rack, racks: req.add.racks, tokensPerNode}
    scopeDc = dc
  } else if (req.remove !== undefined) {
    scopeDc = state.nodes.find((n) => n.address === req.remove)?.dc
  }
  if (req.rf !== undefined) {
    const table = typeof req.rf === 'number' ? Object.fromEntries(dcs.map((d) => [d, req.rf as number])) : req.rf
    for (const [dc, rf] of Object.entries(table)) {
      if (!dcs.includes(dc)) throw badInput(`--rf names DC "${printable(dc)}", which is not in the ring; use one of: ${dcs.join(', ')}`)
      let nodes = state.nodes.filter((n) => n.dc === dc).length
      if (dc === scopeDc && req.add) nodes += req.add.count
      if (dc === scopeDc && req.remove !== undefined) nodes -= 1
      if (rf > nodes) throw badInput(`RF ${rf} for DC ${printable(dc)} is more than the ${nodes} node(s) it would have; lower --rf`)
    }
  }
  const plan = planRing(state, opts)
  return {
    ...plan,
    initialTokens: plan.proposed.map((p) => ({address: p.address, dc: p.dc, rack: p.rack, line: `initial_token: ${p.tokens.join(',')}`})),
    source,
  }
}

/** Plans against the live cluster: reads the ring, then plans exactly as from a file. */
export async function planRingLive(conn: CassandraConnection, req: RingPlanRequest): Promise<RingPlanResult & {readWarnings: string[]}> {
  const live = await readRingState(conn)
  const moving = nodesInMotion(live.members)
  if (moving.length > 0) throw new FleetopsError('NOT_READY', inMotionMessage(moving))
  return {...planRingFromState(live.state, req, `live cluster (read from ${live.readFrom})`), readWarnings: live.warnings}
}

/** The most common token count among a DC's nodes (Cassandra's num_tokens), or 16. */
function commonTokenCount(state: RingState, dc: string): number {
  const counts = new Map<number, number>()
  for (const n of state.nodes) if (n.dc === dc) counts.set(n.tokens.length, (counts.get(n.tokens.length) ?? 0) + 1)
  let best = 16
  let seen = 0
  for (const [t, c] of counts) if (c > seen || (c === seen && t > best)) [best, seen] = [t, c]
  return best
}

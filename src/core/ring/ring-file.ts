import {badInput} from '../errors.js'
import {printable} from '../units.js'
import {type DataSizes, dataSizesToFile} from './data-sizes.js'
import {computeOwnership, type DcImbalance, imbalanceByDc, type NodeOwnership} from './ownership.js'
import {keyspaceReplication} from './placement.js'
import type {NodeState, Replication, RingState} from './ring-state.js'

/** The ring state file: what `ring show --json` prints and `ring plan --state` reads. */
export interface RingStateFile {
  partitioner: 'Murmur3Partitioner'
  nodes: {address: string; dc: string; rack: string; state?: NodeState; tokens: string[]}[]
  keyspaces: Record<string, {class: string; replication: Record<string, number>}>
  /** Bytes per node and keyspace (optional): what `ring plan --state` turns shares into bytes with. */
  sizes?: DataSizes
}

export function replicationToFile(r: Replication): {class: string; replication: Record<string, number>} {
  return r.strategy === 'SimpleStrategy'
    ? {class: 'SimpleStrategy', replication: {replication_factor: r.replicationFactor}}
    : {class: 'NetworkTopologyStrategy', replication: {...r.dcs}}
}

/** Serialises a validated ring state; parseRingState(toRingStateFile(s)) gives s back. */
export function toRingStateFile(state: RingState): RingStateFile {
  const keyspaces: RingStateFile['keyspaces'] = {}
  for (const name of Object.keys(state.keyspaces).sort()) keyspaces[name] = replicationToFile(state.keyspaces[name])
  return {
    partitioner: 'Murmur3Partitioner',
    nodes: state.nodes.map((n) => ({
      address: n.address,
      dc: n.dc,
      rack: n.rack,
      ...(n.state ? {state: n.state} : {}),
      tokens: n.tokens.map(String),
    })),
    keyspaces,
    ...(state.sizes ? {sizes: dataSizesToFile(state.sizes, state.nodes.map((n) => n.address))} : {}),
  }
}

export interface RingOwnershipView {
  /** The keyspace judged, or null when the replication came from elsewhere (see `basis`). */
  keyspace: string | null
  /** How effective ownership was judged, e.g. "keyspace shop" or "all keyspaces (same replication)". */
  basis: string
  replication: {class: string; replication: Record<string, number>} | null
  /** The one DC shown (`ring show --dc`), or null for every DC. Placement is judged on the whole ring either way. */
  dc: string | null
  nodes: NodeOwnership[]
  imbalance: DcImbalance[]
  warnings: string[]
}

/**
 * Raw and effective ownership of every node. Effective ownership needs a
 * replication: the keyspace's, or the one all (non-system) keyspaces share;
 * without either, effective is reported as null-replication (raw only).
 */
export function ringOwnershipView(state: RingState, keyspace?: string, dc?: string): RingOwnershipView {
  const warnings: string[] = []
  const dcs = [...new Set(state.nodes.map((n) => n.dc))]
  if (dc !== undefined && !dcs.includes(dc)) throw badInput(`DC "${printable(dc)}" is not in the ring; use one of: ${dcs.join(', ') || '(none)'}`)
  let replication: Replication | null = null
  let basis: string
  if (keyspace !== undefined) {
    replication = keyspaceReplication(state, keyspace)
    basis = `keyspace ${keyspace}`
  } else {
    const settings = Object.values(state.keyspaces)
    const distinct = new Set(settings.map((r) => JSON.stringify(replicationToFile(r))))
    if (settings.length > 0 && distinct.size === 1) {
      replication = settings[0]
      basis = settings.length === 1 ? `keyspace ${Object.keys(state.keyspaces)[0]}` : `all ${settings.length} keyspaces (same replication)`
    } else {
      basis = 'raw only'
      warnings.push(
        settings.length === 0
          ? 'no user keyspaces: effective ownership shown for RF 1 (raw); pass --keyspace once one exists'
          : `keyspaces have different replication (${Object.keys(state.keyspaces).join(', ')}); pass --keyspace for effective ownership`,
      )
    }
  }
  const rule: Replication =
    replication ?? {strategy: 'NetworkTopologyStrategy', dcs: Object.fromEntries([...new Set(state.nodes.map((n) => n.dc))].map((dc) => [dc, 1]))}
  const all = state.nodes.length === 0 ? [] : computeOwnership(state.nodes, rule)
  const nodes = dc === undefined ? all : all.filter((n) => n.dc === dc)
  return {
    keyspace: keyspace ?? (replication && Object.keys(state.keyspaces).length === 1 ? Object.keys(state.keyspaces)[0] : null),
    basis,
    replication: replication ? replicationToFile(replication) : null,
    dc: dc ?? null,
    nodes,
    imbalance: imbalanceByDc(nodes),
    warnings,
  }
}

/** Parses `--rf 3` or `--rf dc1:3,dc2:2`. */
export function parseRfOption(text: string): number | Record<string, number> {
  const t = String(text).trim()
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t)
    if (n < 1 || n > 100) throw badInput(`--rf must be from 1 to 100, got ${printable(t)}`)
    return n
  }
  const out: Record<string, number> = Object.create(null)
  for (const part of t.split(',')) {
    const m = /^([^:,\s]{1,200}):(\d{1,3})$/.exec(part.trim())
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 100) {
      throw badInput(`--rf "${printable(t)}" is not an RF; use e.g. --rf 3 or --rf dc1:3,dc2:2`)
    }
    if (m[1] in out) throw badInput(`--rf lists DC ${printable(m[1])} twice`)
    out[m[1]] = Number(m[2])
  }
  return out
}

import type {DataSizes} from './data-sizes.js'
import {effectiveWidths} from './ownership.js'
import {diffReplicas} from './replica-diff.js'
import type {Replication, RingNode} from './ring-state.js'
import {ringFraction} from './tokens.js'

/** Bytes one node sends another for one keyspace (all its ranges of that keyspace together). */
export interface ByteStream {
  keyspace: string
  from: string
  to: string
  bytes: number
  /** The ranges streamed, as a fraction of the ring. */
  fraction: number
}

/** One node's bytes for one keyspace (or all of them): after = before − released + received. */
export interface ByteFlow {
  before: number
  /** Bytes it streams to other nodes (it keeps them until it no longer replicates them). */
  sent: number
  received: number
  /** Bytes of ranges it no longer replicates: dropped by `nodetool cleanup` (all of it for a node that leaves). */
  released: number
  after: number
}

export interface NodeBytes extends ByteFlow {
  address: string
  dc: string
  rack: string
  keyspaces: Record<string, ByteFlow>
}

export interface BytesPlan {
  source: string
  /** Keyspaces planned in bytes (those with size figures and a replication). */
  keyspaces: string[]
  streams: ByteStream[]
  nodes: NodeBytes[]
  /** Σ bytes of every stream. */
  bytesMoved: number
  warnings: string[]
}

const zeroFlow = (): ByteFlow => ({before: 0, sent: 0, received: 0, released: 0, after: 0})

/**
 * Turns a ring change into bytes, keyspace by keyspace, under each keyspace's
 * own replication. A node's figure for a keyspace is spread evenly over the
 * token ranges it replicates (Murmur3 hashes partitions uniformly over the
 * ring, so a node's bytes per unit of token space is the same for all its
 * ranges, up to sampling noise when partitions are few or very unequal).
 * A stream carries its ranges' width × the sender's bytes per unit; a node
 * whose figure is missing (down, or not measured) is assumed to hold the
 * keyspace's mean per unit, with a warning.
 */
export function planBytes(
  before: readonly RingNode[],
  after: readonly RingNode[],
  keyspaces: Readonly<Record<string, Replication>>,
  sizes: DataSizes,
): BytesPlan {
  const warnings: string[] = []
  const nodes = [...before, ...after.filter((a) => !before.some((b) => b.address === a.address))]
  const rows: NodeBytes[] = nodes.map((n) => ({address: n.address, dc: n.dc, rack: n.rack, ...zeroFlow(), keyspaces: {}}))
  const streams: ByteStream[] = []
  const planned = Object.keys(keyspaces)
    .sort()
    .filter((ks) => before.some((n) => sizes.nodes[n.address]?.[ks] !== undefined))
  for (const ks of planned) {
    const result = planKeyspace(before, after, nodes, ks, keyspaces[ks], sizes, warnings)
    streams.push(...result.streams)
    rows.forEach((row, i) => {
      row.keyspaces[ks] = result.flows[i]
      for (const k of ['before', 'sent', 'received', 'released', 'after'] as const) row[k] += result.flows[i][k]
    })
  }
  return {
    source: sizes.source,
    keyspaces: planned,
    streams,
    nodes: rows,
    bytesMoved: streams.reduce((a, s) => a + s.bytes, 0),
    warnings,
  }
}

/** Bytes per unit of ring (a whole ring's worth) each node holds of a keyspace. */
function densities(before: readonly RingNode[], ks: string, owned: readonly number[], sizes: DataSizes, warnings: string[]): number[] {
  const known: number[] = []
  const density = before.map((n, i) => {
    const bytes = sizes.nodes[n.address]?.[ks]
    if (bytes === undefined || owned[i] === 0) return undefined
    const d = bytes / owned[i]
    known.push(d)
    return d
  })
  const mean = known.length === 0 ? 0 : known.reduce((a, b) => a + b, 0) / known.length
  return before.map((n, i) => {
    const d = density[i]
    if (d !== undefined) return d
    if (owned[i] > 0) warnings.push(`no size figure for ${n.address} in keyspace ${ks}: assumed the keyspace's mean bytes per token range`)
    return owned[i] > 0 ? mean : 0
  })
}

function planKeyspace(
  before: readonly RingNode[],
  after: readonly RingNode[],
  nodes: readonly RingNode[],
  ks: string,
  replication: Replication,
  sizes: DataSizes,
  warnings: string[],
): {streams: ByteStream[]; flows: ByteFlow[]} {
  const ownedBefore = effectiveWidths(before, replication).map(ringFraction)
  const ownedAfterByAddress = new Map(effectiveWidths(after, replication).map((w, i) => [after[i].address, ringFraction(w)]))
  const density = densities(before, ks, ownedBefore, sizes, warnings)
  const index = new Map(nodes.map((n, i) => [n.address, i]))
  const flows = nodes.map(zeroFlow)
  const gained = nodes.map(() => 0)
  const merged = new Map<string, ByteStream>()
  for (const s of diffReplicas(before, after, replication).streams) {
    const key = `${s.from}\0${s.to}`
    let stream = merged.get(key)
    if (!stream) merged.set(key, (stream = {keyspace: ks, from: s.from, to: s.to, bytes: 0, fraction: 0}))
    stream.fraction += s.fraction
    stream.bytes += s.fraction * density[index.get(s.from)!]
    gained[index.get(s.to)!] += s.fraction
  }
  const streams = [...merged.values()].map((s) => ({...s, bytes: Math.round(s.bytes)}))
  for (const s of streams) {
    flows[index.get(s.from)!].sent += s.bytes
    flows[index.get(s.to)!].received += s.bytes
  }
  nodes.forEach((n, i) => {
    const flow = flows[i]
    if (i < before.length) flow.before = sizes.nodes[n.address]?.[ks] ?? Math.round(density[i] * ownedBefore[i])
    const ownedAfter = ownedAfterByAddress.get(n.address)
    if (ownedAfter === undefined) {
      flow.released = flow.before
    } else if (i < before.length) {
      // Ranges it held, plus those it gains, minus what it holds afterwards: what it no longer replicates.
      const lost = Math.max(0, ownedBefore[i] + gained[i] - ownedAfter)
      flow.released = Math.min(flow.before, Math.round(lost * density[i]))
    }
    flow.after = flow.before - flow.released + flow.received
  })
  return {streams, flows}
}

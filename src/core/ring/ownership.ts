import type {Replication, RingNode} from './ring-state.js'
import {placementRule, replicasAtPosition} from './placement.js'
import {buildTokenRing} from './token-ring.js'
import {rangeWidth, ringFraction} from './tokens.js'

/** A node's share of the ring, as `nodetool status` reports it (fractions, not percent). */
export interface NodeOwnership {
  address: string
  dc: string
  rack: string
  /** Share of its own DC's token ring it holds as primary; sums to 1 per DC. */
  raw: number
  /** Share of the ring it holds a replica of; sums to the DC's RF per DC. */
  effective: number
}

/**
 * Raw (primary, per-DC ring) and effective (replicated) ownership, computed
 * with exact bigint range widths and turned into fractions of 2^64 at the end.
 */
export function computeOwnership(nodes: readonly RingNode[], replication: Replication): NodeOwnership[] {
  const raw = rawWidths(nodes)
  const effective = effectiveWidths(nodes, replication)
  return nodes.map((n, i) => ({
    address: n.address,
    dc: n.dc,
    rack: n.rack,
    raw: ringFraction(raw[i]),
    effective: ringFraction(effective[i]),
  }))
}

/** Primary widths, each DC measured on a ring made of its own tokens only. */
export function rawWidths(nodes: readonly RingNode[]): bigint[] {
  const widths = nodes.map(() => 0n)
  const byDc = new Map<string, number[]>()
  nodes.forEach((n, i) => {
    if (!byDc.has(n.dc)) byDc.set(n.dc, [])
    byDc.get(n.dc)!.push(i)
  })
  for (const members of byDc.values()) {
    const ring = buildTokenRing(members.map((i) => nodes[i]))
    const n = ring.tokens.length
    for (let p = 0; p < n; p++) {
      widths[members[ring.owners[p]]] += rangeWidth(ring.tokens[(p + n - 1) % n], ring.tokens[p])
    }
  }
  return widths
}

/** Replicated widths: each range's width is credited to every one of its replicas. */
export function effectiveWidths(nodes: readonly RingNode[], replication: Replication): bigint[] {
  const widths = nodes.map(() => 0n)
  const ring = buildTokenRing(nodes)
  const rule = placementRule(ring, replication)
  const n = ring.tokens.length
  for (let p = 0; p < n; p++) {
    const width = rangeWidth(ring.tokens[(p + n - 1) % n], ring.tokens[p])
    for (const r of replicasAtPosition(ring, rule, p)) widths[r] += width
  }
  return widths
}

/** How uneven a set of shares is: the ratios Cassandra's allocator logs. */
export interface Spread {
  maxOverMean: number
  minOverMean: number
  /** Infinity when some node owns nothing. */
  maxOverMin: number
  /** Coefficient of variation: population stdev / mean. */
  cv: number
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return {maxOverMean: 1, minOverMean: 1, maxOverMin: 1, cv: 0}
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  let max = values[0]
  let min = values[0]
  for (const v of values) {
    if (v > max) max = v
    if (v < min) min = v
  }
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length
  if (mean === 0) return {maxOverMean: 1, minOverMean: 1, maxOverMin: 1, cv: 0}
  return {
    maxOverMean: max / mean,
    minOverMean: min / mean,
    maxOverMin: min === 0 ? Number.POSITIVE_INFINITY : max / min,
    cv: Math.sqrt(variance) / mean,
  }
}

export interface DcImbalance {
  dc: string
  nodes: number
  raw: Spread
  effective: Spread
}

/** Per-DC imbalance of raw and effective ownership. */
export function imbalanceByDc(rows: readonly NodeOwnership[]): DcImbalance[] {
  const dcs = [...new Set(rows.map((r) => r.dc))]
  return dcs.map((dc) => {
    const inDc = rows.filter((r) => r.dc === dc)
    return {
      dc,
      nodes: inDc.length,
      raw: spreadOf(inDc.map((r) => r.raw)),
      effective: spreadOf(inDc.map((r) => r.effective)),
    }
  })
}

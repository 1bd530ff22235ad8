import type {RingNode} from './ring-state.js'

/**
 * The whole ring flattened for placement maths: every token sorted, with the
 * index (into `nodes`) of the node that holds it.
 */
export interface TokenRing {
  nodes: readonly RingNode[]
  tokens: bigint[]
  owners: Int32Array
  /** Distinct racks and node counts per DC, which NTS placement depends on. */
  racksPerDc: Map<string, number>
  nodesPerDc: Map<string, number>
}

export function buildTokenRing(nodes: readonly RingNode[]): TokenRing {
  const pairs: {token: bigint; node: number}[] = []
  nodes.forEach((n, i) => {
    for (const token of n.tokens) pairs.push({token, node: i})
  })
  pairs.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0))
  const racks = new Map<string, Set<string>>()
  const nodesPerDc = new Map<string, number>()
  for (const n of nodes) {
    if (!racks.has(n.dc)) racks.set(n.dc, new Set())
    racks.get(n.dc)!.add(n.rack)
    nodesPerDc.set(n.dc, (nodesPerDc.get(n.dc) ?? 0) + 1)
  }
  return {
    nodes,
    tokens: pairs.map((p) => p.token),
    owners: Int32Array.from(pairs.map((p) => p.node)),
    racksPerDc: new Map([...racks].map(([dc, s]) => [dc, s.size])),
    nodesPerDc,
  }
}

/** DCs in first-seen order, so reports list them the way the file does. */
export function dcNames(nodes: readonly RingNode[]): string[] {
  return [...new Set(nodes.map((n) => n.dc))]
}

/** Distinct racks of a DC in first-seen order. */
export function racksOf(nodes: readonly RingNode[], dc: string): string[] {
  return [...new Set(nodes.filter((n) => n.dc === dc).map((n) => n.rack))]
}

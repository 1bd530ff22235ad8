import {type PlacementRule, walkReplicas, type WalkTopology} from './placement.js'
import {lowerBound, rangeWidth, ringFraction, wrapToken} from './tokens.js'
import {freeToken} from './water-fill-allocator.js'

/**
 * Token allocation when a range has several replicas in the ring being
 * balanced (NTS with racks != RF, or a single rack at RF > 1), as Cassandra's
 * ReplicationAwareTokenAllocator does: a new token changes the replica sets of
 * the ranges just before it, so each candidate is scored by the exact change
 * in effective (replicated) ownership it causes.
 *
 * Greedy, one token at a time: candidates are the midpoints of every range;
 * the score is the change in the sum of squared deviations of each node's
 * effective share from its ideal. The newcomer's ideal grows with each token
 * placed ((j+1)/T of its final ideal), which spreads its tokens over many
 * donors, as Cassandra's weighting of the new unit does.
 */

export interface DcRingInput {
  /** Nodes of the DC, with `dc` and `rack`; the newcomer is appended last. */
  topo: WalkTopology
  /** Tokens of each existing node of `topo.nodes` (the newcomer has none yet). */
  tokensOf: readonly (readonly bigint[])[]
  rule: PlacementRule
}

export function allocateReplicationAware(input: DcRingInput, count: number, taken: Set<bigint>): bigint[] {
  const newcomer = input.topo.nodes.length - 1
  const pairs: [bigint, number][] = []
  input.tokensOf.forEach((toks, node) => toks.forEach((t) => pairs.push([t, node])))
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const tokens = pairs.map((p) => p[0])
  const owners = pairs.map((p) => p[1])

  const rfTotal = input.rule.kind === 'simple' ? input.rule.rf : [...input.rule.rfByDc.values()].reduce((a, b) => a + b, 0)
  const ideal = rfTotal / input.topo.nodes.length
  const eff = new Float64Array(input.topo.nodes.length)

  // Replicas of each range and how many ring steps the walk needed to find them.
  let replicas: number[][] = []
  let reach: number[] = []
  const walkFrom = (pos: number, insertAt = -1): {set: number[]; steps: number} => {
    const n = tokens.length
    const len = insertAt < 0 ? n : n + 1
    // With an insertion, step `gap` is the newcomer's candidate token.
    const gap = insertAt < 0 ? -1 : (insertAt - pos + n) % n
    let steps = 0
    const set = walkReplicas(
      (step) => {
        steps = step + 1
        if (gap < 0 || step < gap) return owners[(pos + step) % n]
        if (step === gap) return newcomer
        return owners[(pos + step - 1) % n]
      },
      len,
      input.topo,
      input.rule,
    )
    return {set, steps}
  }
  const width = (pos: number) => ringFraction(rangeWidth(tokens[(pos + tokens.length - 1) % tokens.length], tokens[pos]))
  const rebuild = () => {
    replicas = []
    reach = []
    eff.fill(0)
    for (let p = 0; p < tokens.length; p++) {
      const {set, steps} = walkFrom(p)
      replicas.push(set)
      reach.push(steps)
      const w = width(p)
      for (const r of set) eff[r] += w
    }
  }
  rebuild()

  const chosen: bigint[] = []
  for (let j = 0; j < count; j++) {
    const n = tokens.length
    const target = (i: number) => (i === newcomer ? (ideal * (j + 1)) / count : ideal)
    let best: {score: number; pos: number; token: bigint} | undefined
    for (let i = 0; i < n; i++) {
      const start = tokens[(i + n - 1) % n]
      const w = rangeWidth(start, tokens[i])
      if (w < 2n) continue
      const token = wrapToken(start + w / 2n)
      if (taken.has(token)) continue
      const delta = candidateDelta(i, ringFraction(w / 2n))
      let score = 0
      for (const [node, d] of delta) {
        const before = eff[node] - target(node)
        score += (before + d) ** 2 - before ** 2
      }
      if (!best || score < best.score - 1e-15) best = {score, pos: i, token}
    }
    let token = best?.token
    if (token === undefined) token = freeToken(BigInt(j) << 40n, undefined, taken)
    if (token === undefined) break
    chosen.push(token)
    taken.add(token)
    insert(token)
  }
  return chosen.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

  /** Change in effective share per node if the newcomer takes the first `w1` of range `i`. */
  function candidateDelta(i: number, w1: number): Map<number, number> {
    const n = tokens.length
    const delta = new Map<number, number>()
    const add = (node: number, d: number) => delta.set(node, (delta.get(node) ?? 0) + d)
    // The split-off range (start, token] gets a fresh walk starting at the newcomer.
    const head = walkFrom(i, i)
    for (const r of replicas[i]) add(r, -w1)
    for (const r of head.set) add(r, w1)
    // Earlier ranges whose walk passed position i may now pick the newcomer.
    for (let back = 1; back < n; back++) {
      const k = (i - back + n) % n
      if (reach[k] <= back) break
      const moved = walkFrom(k, i).set
      const w = width(k)
      for (const r of replicas[k]) add(r, -w)
      for (const r of moved) add(r, w)
    }
    return delta
  }

  function insert(token: bigint): void {
    const lo = lowerBound(tokens, token)
    tokens.splice(lo, 0, token)
    owners.splice(lo, 0, newcomer)
    rebuildWindow()
  }

  function rebuildWindow(): void {
    // Simple and exact: recompute every walk. Only the replication-aware path pays this, once per token.
    rebuild()
  }
}

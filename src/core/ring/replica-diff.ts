import {placementRule, replicasAtPosition} from './placement.js'
import type {Replication, RingNode} from './ring-state.js'
import {buildTokenRing} from './token-ring.js'
import {ownerIndex, rangeWidth, ringFraction} from './tokens.js'

export interface Stream {
  /** The range (start, end] as decimal token strings. */
  range: {start: string; end: string}
  from: string
  to: string
  /** Width of the range as a fraction of the ring. */
  fraction: number
}

/**
 * Walks every range of the union of both token sets and, for each replica a
 * range gains, emits a stream from a replica that had the data. A replica
 * that dropped out is preferred as the source (it is the one being replaced,
 * as in a bootstrap); otherwise the first remaining replica in walk order.
 */
export function diffReplicas(
  before: readonly RingNode[],
  after: readonly RingNode[],
  replication: Replication,
): {streams: Stream[]; copiesMoved: number} {
  const ringBefore = buildTokenRing(before)
  const ringAfter = buildTokenRing(after)
  const ruleBefore = placementRule(ringBefore, replication)
  const ruleAfter = placementRule(ringAfter, replication)
  const bounds = [...new Set([...ringBefore.tokens, ...ringAfter.tokens])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const streams: Stream[] = []
  const stillThere = new Set(after.map((n) => n.address))
  let moved = 0n
  const cacheB = new Map<number, string[]>()
  const cacheA = new Map<number, string[]>()
  const lookup = (ring: typeof ringBefore, rule: typeof ruleBefore, cache: Map<number, string[]>, token: bigint) => {
    if (ring.tokens.length === 0) return []
    const pos = ownerIndex(ring.tokens, token)
    let r = cache.get(pos)
    if (!r) cache.set(pos, (r = replicasAtPosition(ring, rule, pos).map((i) => ring.nodes[i].address)))
    return r
  }
  for (let i = 0; i < bounds.length; i++) {
    const start = bounds[(i + bounds.length - 1) % bounds.length]
    const end = bounds[i]
    const width = rangeWidth(start, end)
    const had = lookup(ringBefore, ruleBefore, cacheB, end)
    const has = lookup(ringAfter, ruleAfter, cacheA, end)
    const gained = has.filter((a) => !had.includes(a))
    if (gained.length === 0) continue
    const dropped = had.filter((a) => !has.includes(a) && stillThere.has(a))
    const kept = had.filter((a) => has.includes(a))
    const leaving = had.filter((a) => !has.includes(a))
    gained.forEach((to, k) => {
      const from = dropped[k] ?? kept[0] ?? leaving[0]
      if (from === undefined) return
      moved += width
      const last = streams.at(-1)
      // Adjacent pieces of one stream are merged so the list reads like describering.
      if (last && last.from === from && last.to === to && last.range.end === String(start)) {
        last.range.end = String(end)
        last.fraction += ringFraction(width)
      } else {
        streams.push({range: {start: String(start), end: String(end)}, from, to, fraction: ringFraction(width)})
      }
    })
  }
  return {streams, copiesMoved: ringFraction(moved)}
}

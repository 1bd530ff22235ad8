import type {PlacementModel} from '../model.js'
import {crossRackHopeless, destinationsByGroup, improveUntilStuck, ScannedSources, type GreedyScope} from './greedy.js'

export interface ByteBalanceLimits {
  /** Pairs closer than this many bytes are left alone. */
  readonly toleranceBytes: number
  /** Replica counts may drift at most this far outside ⌊R/n⌋..⌈R/n⌉ (unless a move narrows the gap). */
  readonly countLower: number
  readonly countUpper: number
  readonly maxSteps: number
}

/**
 * Byte balancing: from the fullest source to the emptiest reachable destination, move the largest
 * partition no bigger than half the gap (best fit), else the smallest one that still narrows the
 * gap. Every move lowers Σ bytes², so the loop ends; returns false if it hit maxSteps first.
 */
export function balanceBytes(m: PlacementModel, scope: GreedyScope, limits: ByteBalanceLimits): boolean {
  const countOk = (b: number, d: number): boolean =>
    m.count[b] - m.count[d] >= 2 || (m.count[d] + 1 <= limits.countUpper && m.count[b] - 1 >= limits.countLower)
  const best = new Int32Array(m.groupCount)
  const second = new Int32Array(m.groupCount)
  const tryFrom = (b: number): boolean => {
    const bb = m.bytes[b]
    const accept = (d: number): boolean => m.bytes[d] < bb - limits.toleranceBytes && countOk(b, d) && scope.wants(b, d)
    for (const d of destinationsByGroup(m, scope, m.bytes, b, bb - limits.toleranceBytes, accept, best, second)) {
      if (crossRackHopeless(m, b, d)) continue
      const gap = bb - m.bytes[d]
      const p = m.bestFit(b, gap / 2, gap - limits.toleranceBytes, (q) => m.canMove(q, b, d))
      if (p >= 0) {
        m.move(p, b, d)
        return true
      }
    }
    return false
  }
  return improveUntilStuck(m, 'size', new ScannedSources(scope.sources, m.bytes, m.brokerCount), tryFrom, limits.maxSteps)
}

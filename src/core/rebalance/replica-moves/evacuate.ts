import type {PlacementModel} from '../model.js'
import {lighter, loads, type LoadMetric} from './greedy.js'

/**
 * Moves every replica off the removed brokers, each to the emptiest destination that keeps rack
 * spread (or, if none can, the one that hurts it least). Largest partitions first when balancing
 * bytes, so the big ones land on the emptiest brokers. Returns how many moves had to worsen racks
 * and how many replicas found no destination at all.
 */
export function evacuate(
  m: PlacementModel,
  removed: readonly number[],
  dests: readonly number[],
  metric: LoadMetric,
): {rackWorsened: number; unplaced: number} {
  const load = loads(m, metric)
  const isRemoved = new Uint8Array(m.brokerCount)
  for (const b of removed) isRemoved[b] = 1
  const order: number[] = []
  for (let p = 0; p < m.partitionCount; p++) if (m.replicas[p].some((b) => isRemoved[b])) order.push(p)
  if (metric === 'size') order.sort((a, b) => m.size[b] - m.size[a] || a - b)
  let rackWorsened = 0
  let unplaced = 0
  for (const p of order) {
    for (const from of [...m.replicas[p]]) {
      if (!isRemoved[from]) continue
      let best = -1
      let bestDelta = 0
      for (const d of dests) {
        if (m.holds(p, d)) continue
        const delta = m.violationDelta(p, from, d)
        if (best < 0 || delta < bestDelta || (delta === bestDelta && lighter(m, load, d, best))) {
          best = d
          bestDelta = delta
        }
      }
      if (best < 0) {
        unplaced++
        continue
      }
      if (bestDelta > 0) rackWorsened++
      m.move(p, from, best)
    }
  }
  return {rackWorsened, unplaced}
}

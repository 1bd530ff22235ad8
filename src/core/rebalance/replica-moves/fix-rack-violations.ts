import type {PlacementModel} from '../model.js'
import {lighter, loads, type LoadMetric} from './greedy.js'

/**
 * Fixes rack violations: moves a duplicate replica (a follower first, then the most loaded
 * broker) to the emptiest allowed destination in a failure domain the partition does not use yet.
 * Returns the number of moves spent; partitions with no such destination are left as they are.
 */
export function fixRackViolations(
  m: PlacementModel,
  canSource: Uint8Array,
  dests: readonly number[],
  metric: LoadMetric,
): number {
  if (!m.rackAware || m.violations === 0) return 0
  const load = loads(m, metric)
  let fixes = 0
  for (let p = 0; p < m.partitionCount; p++) {
    while (m.excess(p) > 0) {
      const reps = m.replicas[p]
      let from = -1
      for (let i = 0; i < reps.length; i++) {
        const b = reps[i]
        if (!canSource[b] || m.inGroup(p, m.group(b)) < 2) continue
        if (from < 0) {
          from = b
          continue
        }
        const fromIsLeader = reps[0] === from
        const bIsLeader = i === 0
        if (fromIsLeader !== bIsLeader ? fromIsLeader : lighter(m, load, from, b)) from = b
      }
      let to = -1
      for (const d of dests) {
        if (m.inGroup(p, m.group(d)) !== 0) continue
        if (to < 0 || lighter(m, load, d, to)) to = d
      }
      if (from < 0 || to < 0) break
      m.move(p, from, to)
      fixes++
    }
  }
  return fixes
}

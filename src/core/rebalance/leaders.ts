import {balanceLeadersFlat} from './leaders-flat.js'

/**
 * Preferred-leader balancing by reordering replica lists: no data moves, only which replica
 * comes first. Choosing one leader per partition with counts in [⌊P/n⌋, ⌈P/n⌉] is a bipartite
 * b-matching; we start from the current leaders and push along augmenting paths in the
 * "u leads a partition that v also holds" graph, so the result is balanced whenever any
 * assignment is, and a direct hand-over (one leader change) is always tried first.
 *
 * Replica lists as arrays (the general planner's model); the work is done by balanceLeadersFlat.
 */
export function balanceLeaders(replicas: number[][], brokerCount: number, eligible: Uint8Array): number {
  const P = replicas.length
  const start = new Int32Array(P + 1)
  for (let p = 0; p < P; p++) start[p + 1] = start[p] + replicas[p].length
  const reps = new Int32Array(start[P])
  for (let p = 0; p < P; p++) reps.set(replicas[p], start[p])
  const parts = new Int32Array(P)
  for (let p = 0; p < P; p++) parts[p] = p
  const changes = balanceLeadersFlat(start, reps, parts, brokerCount, eligible)
  if (changes > 0) {
    for (let p = 0; p < P; p++) {
      const list = replicas[p]
      for (let k = 0; k < list.length; k++) list[k] = reps[start[p] + k]
    }
  }
  return changes
}

/**
 * Lower bounds on the number of replica moves. A move takes one replica off one broker and
 * puts it on another, so it lowers one count by 1 and raises one count by 1.
 */

/** Moves needed to bring every count into [lower_b, upper_b]: the larger of total surplus and total deficit. */
export function bandLowerBound(counts: readonly number[], lower: readonly number[], upper: readonly number[]): number {
  let surplus = 0
  let deficit = 0
  for (let i = 0; i < counts.length; i++) {
    surplus += Math.max(0, counts[i] - upper[i])
    deficit += Math.max(0, lower[i] - counts[i])
  }
  return Math.max(surplus, deficit)
}

/**
 * Exact minimum for count balancing without rack constraints:
 * max(Σ max(0, c − ⌈R/n⌉), Σ max(0, ⌊R/n⌋ − c)). Neither sum alone suffices,
 * e.g. [10,10,10,0] needs 7 moves.
 */
export function countLowerBound(counts: readonly number[]): number {
  const n = counts.length
  if (n === 0) return 0
  const total = counts.reduce((a, b) => a + b, 0)
  const lower = Math.floor(total / n)
  const upper = Math.ceil(total / n)
  return bandLowerBound(
    counts,
    counts.map(() => lower),
    counts.map(() => upper),
  )
}

/** Decommission moves only replicas off the removed brokers, so every one of them must move once. */
export function removeLowerBound(removedCounts: readonly number[]): number {
  return removedCounts.reduce((a, b) => a + b, 0)
}

/**
 * Adding brokers moves replicas only from old brokers onto new ones. Goal: every new broker
 * reaches ⌊R/n⌋ (deficit D), and old brokers above ⌈R/n⌉ shed their surplus S as far as the
 * new brokers have room below ⌈R/n⌉. Each move can cut D and S by one each, so max(D, min(S, room)).
 */
export function addLowerBound(oldCounts: readonly number[], addedCounts: readonly number[]): number {
  const n = oldCounts.length + addedCounts.length
  if (n === 0 || addedCounts.length === 0) return 0
  const total = [...oldCounts, ...addedCounts].reduce((a, b) => a + b, 0)
  const lower = Math.floor(total / n)
  const upper = Math.ceil(total / n)
  let deficit = 0
  let room = 0
  for (const c of addedCounts) {
    deficit += Math.max(0, lower - c)
    room += Math.max(0, upper - c)
  }
  let surplus = 0
  for (const c of oldCounts) surplus += Math.max(0, c - upper)
  return Math.max(deficit, Math.min(surplus, room))
}

/**
 * Best per-broker count bands when every partition may put at most one replica in a rack:
 * a rack can then hold at most `partitions` replicas, so small racks facing a large share are
 * capped and their brokers sit below the cluster average (water-filling). Returns [lower, upper]
 * per group; without binding caps it is the plain ⌊R/n⌋..⌈R/n⌉ band for every group.
 */
export function rackAwareBands(
  groupSizes: readonly number[],
  totalReplicas: number,
  partitions: number,
): Array<{lower: number; upper: number}> {
  const order = groupSizes
    .map((size, g) => ({g, size}))
    .filter((x) => x.size > 0)
    .sort((a, b) => b.size - a.size || a.g - b.g)
  const capped = new Set<number>()
  let remaining = totalReplicas
  let brokers = groupSizes.reduce((a, b) => a + b, 0)
  // Larger groups have the lowest cap per broker, so they saturate first.
  for (const {g, size} of order) {
    if (brokers === 0) break
    const level = remaining / brokers
    if (partitions / size < level) {
      capped.add(g)
      remaining -= partitions
      brokers -= size
    } else break
  }
  const level = brokers > 0 ? remaining / brokers : 0
  return groupSizes.map((size, g) => {
    if (capped.has(g)) return {lower: Math.floor(partitions / size), upper: Math.ceil(partitions / size)}
    return {lower: Math.floor(level), upper: Math.ceil(level)}
  })
}

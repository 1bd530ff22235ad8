/**
 * Test-side helpers. Everything here is computed independently of src/core/rebalance (only its
 * types and parser are used), so the properties check the planner against separate arithmetic.
 */
import fc from 'fast-check'
import type {ClusterState, PlanResult} from '../../../src/core/rebalance/index.js'

export interface RawBroker {
  id: number
  rack?: string | null
  alive?: boolean
}
export interface RawPartition {
  topic: string
  partition: number
  replicas: number[]
  size?: number
}
export interface RawState {
  brokers: RawBroker[]
  partitions: RawPartition[]
}

const key = (t: string, p: number): string => `${t}/${p}`

/** The minimal shape the counting helpers read. */
export interface Placement {
  readonly partitions: ReadonlyArray<{readonly replicas: readonly number[]; readonly size?: number}>
}

/** The state after Kafka carried out the plan. */
export function applyPlan(state: ClusterState, plan: PlanResult): RawState {
  const target = new Map(plan.reassignment.partitions.map((p) => [key(p.topic, p.partition), [...p.replicas]]))
  return {
    brokers: state.brokers.map((b) => ({id: b.id, rack: b.rack, alive: b.alive})),
    partitions: state.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      replicas: target.get(key(p.topic, p.partition)) ?? [...p.replicas],
      ...(p.size === undefined ? {} : {size: p.size}),
    })),
  }
}

export function replicaCounts(state: Placement, brokerIds: readonly number[]): number[] {
  const c = new Map(brokerIds.map((id) => [id, 0]))
  for (const p of state.partitions) for (const b of p.replicas) if (c.has(b)) c.set(b, (c.get(b) as number) + 1)
  return brokerIds.map((id) => c.get(id) as number)
}

export function leaderCounts(state: Placement, brokerIds: readonly number[]): number[] {
  const c = new Map(brokerIds.map((id) => [id, 0]))
  for (const p of state.partitions) if (c.has(p.replicas[0])) c.set(p.replicas[0], (c.get(p.replicas[0]) as number) + 1)
  return brokerIds.map((id) => c.get(id) as number)
}

export function byteCounts(state: Placement, brokerIds: readonly number[]): number[] {
  const c = new Map(brokerIds.map((id) => [id, 0]))
  for (const p of state.partitions) for (const b of p.replicas) if (c.has(b)) c.set(b, (c.get(b) as number) + (p.size ?? 0))
  return brokerIds.map((id) => c.get(id) as number)
}

export function spread(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values)
}

/** max(Σ over ⌈avg⌉, Σ under ⌊avg⌋), written out directly from the issue. */
export function expectedCountBound(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0)
  const hi = Math.ceil(total / counts.length)
  const lo = Math.floor(total / counts.length)
  let over = 0
  let under = 0
  for (const c of counts) {
    if (c > hi) over += c - hi
    if (c < lo) under += lo - c
  }
  return Math.max(over, under)
}

/** Rack of each broker id; a rack-less broker in a racked cluster is its own rack. */
export function rackMap(state: RawState | ClusterState): Map<number, string | null> {
  const any = state.brokers.some((b) => b.rack !== null && b.rack !== undefined)
  return new Map(state.brokers.map((b) => [b.id, any ? (b.rack ?? `own-${b.id}`) : null]))
}

/** Replicas per partition beyond one per rack. */
export function partitionViolations(replicas: readonly number[], racks: Map<number, string | null>): number {
  const racksUsed = replicas.map((b) => racks.get(b)).filter((r) => r !== null && r !== undefined)
  return racksUsed.length - new Set(racksUsed).size
}

/** Replica moves the plan implies: replicas on a broker that did not hold them. */
export function movesBetween(before: RawState | ClusterState, after: RawState): number {
  let moves = 0
  before.partitions.forEach((p, i) => {
    for (const b of after.partitions[i].replicas) if (!p.replicas.includes(b)) moves++
  })
  return moves
}

/** A random cluster as raw JSON: skewed placement (low-numbered brokers hot), optional racks. */
export const clusterArb = fc
  .record({
    brokerIds: fc.uniqueArray(fc.integer({min: 0, max: 60}), {minLength: 1, maxLength: 20}),
    racks: fc.integer({min: 0, max: 5}),
    rf: fc.integer({min: 1, max: 4}),
    skew: fc.integer({min: 0, max: 3}),
    partitions: fc.array(
      fc.record({
        topic: fc.integer({min: 0, max: 3}),
        picks: fc.array(fc.double({min: 0, max: 1, noNaN: true, maxExcluded: true}), {minLength: 4, maxLength: 4}),
        size: fc.integer({min: 0, max: 1_000_000}),
      }),
      {maxLength: 60},
    ),
  })
  .map(({brokerIds, racks, rf, skew, partitions}) => {
    const n = brokerIds.length
    const replication = Math.min(rf, n)
    const perTopic = [0, 0, 0, 0]
    const raw: RawState = {
      brokers: brokerIds.map((id, i) => ({id, ...(racks > 0 ? {rack: `r${i % racks}`} : {})})),
      partitions: partitions.map(({topic, picks, size}) => {
        const pool = [...brokerIds]
        const replicas: number[] = []
        for (let j = 0; j < replication; j++) {
          const at = Math.floor(picks[j] ** (1 + skew) * pool.length)
          replicas.push(pool.splice(at, 1)[0])
        }
        return {topic: `t${topic}`, partition: perTopic[topic]++, replicas, size}
      }),
    }
    const rackCount = racks === 0 ? 0 : new Set(raw.brokers.map((b) => b.rack)).size
    return {raw, rf: replication, rackCount}
  })

/** Every structural promise of a plan, checked against the state it was made from. */
export function checkPlanShape(state: ClusterState, plan: PlanResult): RawState {
  const {reassignment, original, summary} = plan
  if (reassignment.version !== 1 || original.version !== 1) throw new Error('version must be 1')
  const current = new Map(state.partitions.map((p) => [key(p.topic, p.partition), p]))
  const ids = new Set(state.brokers.map((b) => b.id))
  let prev = ''
  reassignment.partitions.forEach((t, i) => {
    const o = original.partitions[i]
    if (o.topic !== t.topic || o.partition !== t.partition) throw new Error('original and reassignment differ in order')
    const sortKey = `${t.topic}\u0000${String(t.partition).padStart(10, '0')}`
    if (sortKey <= prev) throw new Error('partitions not sorted by topic, partition')
    prev = sortKey
    const now = current.get(key(t.topic, t.partition))
    if (!now) throw new Error(`unknown partition ${t.topic}-${t.partition}`)
    if (JSON.stringify(o.replicas) !== JSON.stringify(now.replicas)) throw new Error('original is not the current assignment')
    if (JSON.stringify(t.replicas) === JSON.stringify(now.replicas)) throw new Error('unchanged partition listed')
    if (t.replicas.length !== now.replicas.length) throw new Error('replication factor changed')
    if (new Set(t.replicas).size !== t.replicas.length) throw new Error('duplicate broker in replicas')
    for (const b of t.replicas) if (!ids.has(b)) throw new Error(`unknown broker ${b}`)
  })
  const after = applyPlan(state, plan)
  if (movesBetween(state, after) !== summary.moves) throw new Error('summary.moves is wrong')
  let leaderChanges = 0
  let bytes = 0
  state.partitions.forEach((p, i) => {
    if (after.partitions[i].replicas[0] !== p.replicas[0]) leaderChanges++
    for (const b of after.partitions[i].replicas) if (!p.replicas.includes(b)) bytes += p.size ?? 0
  })
  if (leaderChanges !== summary.leaderChanges) throw new Error('summary.leaderChanges is wrong')
  if (bytes !== summary.bytesToMove) throw new Error('summary.bytesToMove is wrong')
  return after
}

/**
 * The best per-broker replica-count band when a partition may put at most one replica in a rack:
 * a rack of s brokers can hold at most P replicas (one per partition), so racks whose even share
 * would exceed that are capped at P and their brokers get ⌊P/s⌋..⌈P/s⌉; the remaining replicas
 * are shared evenly by the other brokers. Without racks it is ⌊R/n⌋..⌈R/n⌉ for everyone. With one
 * replication factor for every partition this band is reachable; with mixed ones it may not be.
 */
export function rackCountBand(state: RawState | ClusterState): Map<number, [number, number]> {
  const racks = rackMap(state)
  const P = state.partitions.length
  const R = state.partitions.reduce((a, p) => a + p.replicas.length, 0)
  const rackOf = (id: number): string => racks.get(id) ?? '*'
  const sizes = new Map<string, number>()
  for (const b of state.brokers) sizes.set(rackOf(b.id), (sizes.get(rackOf(b.id)) ?? 0) + 1)
  const capped = new Set<string>()
  let left = R
  let brokers = state.brokers.length
  const rackAware = [...racks.values()].some((r) => r !== null)
  for (let changed = rackAware; changed; ) {
    changed = false
    for (const [rack, size] of sizes) {
      if (!capped.has(rack) && brokers > 0 && P / size < left / brokers) {
        capped.add(rack)
        left -= P
        brokers -= size
        changed = true
      }
    }
  }
  const level = brokers > 0 ? left / brokers : 0
  return new Map(
    state.brokers.map((b) => {
      const rack = rackOf(b.id)
      const share = capped.has(rack) ? P / (sizes.get(rack) as number) : level
      return [b.id, [Math.floor(share), Math.ceil(share)]]
    }),
  )
}

/**
 * A chain of legal single moves b → x₁ → … → d (each keeps rack spread, none puts a partition
 * twice on a broker) from a broker to one holding 2 or more fewer replicas, as "b→d", or null.
 * Every broker in between would keep its count, so such a chain narrows the gap. Found by a
 * plain BFS over "some replica on x may legally move to y" (reachability through single moves
 * equals reachability through chains of distinct replicas in a rack-clean placement).
 */
export function improvingChain(state: RawState, brokerIds: readonly number[]): string | null {
  const racks = rackMap(state)
  const countList = replicaCounts(state, brokerIds)
  const counts = new Map(brokerIds.map((id, i) => [id, countList[i]]))
  const held = new Map(brokerIds.map((id) => [id, state.partitions.filter((p) => p.replicas.includes(id))]))
  const legal = (x: number, y: number): boolean =>
    (held.get(x) as RawPartition[]).some((p) => {
      if (p.replicas.includes(y)) return false
      const moved = p.replicas.map((r) => (r === x ? y : r))
      return partitionViolations(moved, racks) <= partitionViolations(p.replicas, racks)
    })
  for (const b of brokerIds) {
    const seen = new Set([b])
    const queue = [b]
    while (queue.length > 0) {
      const x = queue.shift() as number
      for (const y of brokerIds) {
        if (seen.has(y) || !legal(x, y)) continue
        if ((counts.get(y) as number) <= (counts.get(b) as number) - 2) return `${b}→${y}`
        seen.add(y)
        queue.push(y)
      }
    }
  }
  return null
}

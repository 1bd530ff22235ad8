import {destinationsOf, type PartitionMove} from './moves.js'

/** Topic-level throttle values, in Kafka's `partition:broker,...` format. */
export interface TopicThrottle {
  readonly topic: string
  /** `leader.replication.throttled.replicas`: the current replicas, which serve the copy. */
  readonly leaderReplicas: string
  /** `follower.replication.throttled.replicas`: the replicas being added, which fetch the copy. */
  readonly followerReplicas: string
}

export interface ThrottlePlan {
  readonly topics: TopicThrottle[]
  /** Brokers needing `leader/follower.replication.throttled.rate`: every source and destination. */
  readonly brokers: number[]
}

/** Brokers whose throttle a move needs: all current replicas plus the destinations; none if no data moves. */
export function throttledBrokersOf(move: PartitionMove): number[] {
  const dest = destinationsOf(move)
  if (dest.length === 0) return []
  return [...new Set([...move.from, ...dest])].sort((a, b) => a - b)
}

function pairs(entries: Array<[number, number]>): string {
  return entries
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([p, b]) => `${p}:${b}`)
    .join(',')
}

/**
 * Throttle configuration for a set of moves, the way kafka-reassign-partitions sets it: leader
 * throttles on the sources, follower throttles on the destinations, and the rate on every broker
 * taking part. Moves that only reorder replicas copy no data and are left out.
 */
export function throttleConfigFor(moves: readonly PartitionMove[]): ThrottlePlan {
  const byTopic = new Map<string, {leader: Map<string, [number, number]>; follower: Map<string, [number, number]>}>()
  const brokers = new Set<number>()
  for (const move of moves) {
    const dest = destinationsOf(move)
    if (dest.length === 0) continue
    let t = byTopic.get(move.topic)
    if (!t) byTopic.set(move.topic, (t = {leader: new Map(), follower: new Map()}))
    for (const b of move.from) t.leader.set(`${move.partition}:${b}`, [move.partition, b])
    for (const b of dest) t.follower.set(`${move.partition}:${b}`, [move.partition, b])
    for (const b of throttledBrokersOf(move)) brokers.add(b)
  }
  const topics = [...byTopic.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((topic) => {
      const t = byTopic.get(topic) as {leader: Map<string, [number, number]>; follower: Map<string, [number, number]>}
      return {topic, leaderReplicas: pairs([...t.leader.values()]), followerReplicas: pairs([...t.follower.values()])}
    })
  return {topics, brokers: [...brokers].sort((a, b) => a - b)}
}

/**
 * Brokers whose rate throttle can be cleared: they took part in a completed move and take part in
 * no remaining (pending or in-flight) one. Clearing only these never touches other operators' work.
 */
export function brokersDoneAfter(completed: readonly PartitionMove[], remaining: readonly PartitionMove[]): number[] {
  const stillBusy = new Set(remaining.flatMap(throttledBrokersOf))
  const done = new Set(completed.flatMap(throttledBrokersOf).filter((b) => !stillBusy.has(b)))
  return [...done].sort((a, b) => a - b)
}

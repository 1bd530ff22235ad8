import type {BrokerState, ClusterState, PartitionState} from './state.js'

/**
 * A validated cluster snapshot in columns: what `parseClusterState` returns, without an object
 * per partition. A million-partition state is a few typed arrays (about 30 MB) instead of two
 * million small objects, so the planner's passes read memory sequentially and the garbage
 * collector has almost nothing to trace. Partitions are sorted by (topic, partition), unique.
 */
export interface CompactClusterState {
  /** Sorted by id, as in ClusterState. */
  readonly brokers: readonly BrokerState[]
  /** Topic names; `topicOf` indexes this list. */
  readonly topics: readonly string[]
  readonly topicOf: Int32Array
  readonly partitionOf: Int32Array
  /** Partition p's replicas are `replicas[start[p] .. start[p+1])`, first = preferred leader. */
  readonly start: Int32Array
  /** Broker indices (positions in `brokers`), not ids. */
  readonly replicas: Int32Array
  /** Bytes of one replica; -1 when the state gives none. */
  readonly size: Float64Array
}

export function partitionCountOf(cs: CompactClusterState): number {
  return cs.topicOf.length
}

/** Columns from a parsed ClusterState (the general path, and tests). */
export function compactFromState(state: ClusterState): CompactClusterState {
  const brokers = state.brokers
  const indexOf = new Map(brokers.map((b, i) => [b.id, i]))
  const parts = state.partitions
  const P = parts.length
  const topics: string[] = []
  const topicIndex = new Map<string, number>()
  const topicOf = new Int32Array(P)
  const partitionOf = new Int32Array(P)
  const start = new Int32Array(P + 1)
  const size = new Float64Array(P)
  let total = 0
  for (let p = 0; p < P; p++) total += parts[p].replicas.length
  const replicas = new Int32Array(total)
  let k = 0
  for (let p = 0; p < P; p++) {
    const part = parts[p]
    let t = topicIndex.get(part.topic)
    if (t === undefined) {
      t = topics.length
      topics.push(part.topic)
      topicIndex.set(part.topic, t)
    }
    topicOf[p] = t
    partitionOf[p] = part.partition
    start[p] = k
    for (const id of part.replicas) replicas[k++] = indexOf.get(id) as number
    size[p] = part.size ?? -1
  }
  start[P] = k
  return {brokers, topics, topicOf, partitionOf, start, replicas, size}
}

/** Back to objects, for the planner's general path (modes and options the compact planner declines). */
export function stateFromCompact(cs: CompactClusterState): ClusterState {
  const P = partitionCountOf(cs)
  const partitions = new Array<PartitionState>(P)
  for (let p = 0; p < P; p++) {
    const reps: number[] = []
    for (let k = cs.start[p]; k < cs.start[p + 1]; k++) reps.push(cs.brokers[cs.replicas[k]].id)
    const part: {topic: string; partition: number; replicas: number[]; size?: number} = {
      topic: cs.topics[cs.topicOf[p]],
      partition: cs.partitionOf[p],
      replicas: reps,
    }
    if (cs.size[p] >= 0) part.size = cs.size[p]
    partitions[p] = part
  }
  return {brokers: cs.brokers, partitions}
}

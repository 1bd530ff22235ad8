import type {BrokerState, ClusterState} from './state.js'

/**
 * Failure-domain grouping of brokers.
 *
 * Rule for brokers without a rack: when no broker has a rack the cluster is rack-unaware
 * (one group, racks never constrain a move). When some brokers have a rack and others do
 * not, each rack-less broker is its own group. Kafka's own rack-aware assignment refuses
 * such clusters; we keep planning possible but never let two rack-less brokers count as
 * the same rack, and the planner warns so the operator sets `broker.rack` everywhere.
 */
export interface RackLayout {
  /** True when racks constrain moves (some broker has a rack and racks are not ignored). */
  readonly rackAware: boolean
  /** Group index per broker, in the order of the brokers array given. */
  readonly groupOf: Int32Array
  readonly groupCount: number
  /** Group names in index order: the rack name, or `broker:<id>` for a rack-less broker. */
  readonly groupNames: readonly string[]
  /** Ids of brokers without a rack when others have one (empty otherwise). */
  readonly racklessInMixed: readonly number[]
}

/** The failure-domain key of one broker under the rule above, or null in a rack-less cluster. */
function domainOf(broker: BrokerState, anyRack: boolean): string | null {
  if (!anyRack) return null
  return broker.rack ?? `broker:${broker.id}`
}

export function rackLayout(brokers: readonly BrokerState[], ignoreRacks = false): RackLayout {
  const anyRack = brokers.some((b) => b.rack !== null)
  const groupOf = new Int32Array(brokers.length)
  if (!anyRack || ignoreRacks) {
    return {rackAware: false, groupOf, groupCount: 1, groupNames: ['*'], racklessInMixed: []}
  }
  const names = [...new Set(brokers.map((b) => domainOf(b, true) as string))].sort()
  const index = new Map(names.map((name, i) => [name, i]))
  brokers.forEach((b, i) => {
    groupOf[i] = index.get(domainOf(b, true) as string) as number
  })
  const racklessInMixed = brokers.filter((b) => b.rack === null).map((b) => b.id)
  return {rackAware: true, groupOf, groupCount: names.length, groupNames: names, racklessInMixed}
}

/**
 * Excess replicas of one partition: for every failure domain holding k > 1 of its
 * replicas, k - 1. This is also the number of moves needed to fix the partition.
 */
export function partitionRackViolations(replicas: readonly number[], domainById: ReadonlyMap<number, string | null>): number {
  let excess = 0
  // RF is tiny, so pairwise comparison beats allocating a Set per partition.
  for (let i = 0; i < replicas.length; i++) {
    const domain = domainById.get(replicas[i])
    if (domain === null || domain === undefined) continue
    for (let j = 0; j < i; j++) {
      if (domainById.get(replicas[j]) === domain) {
        excess++
        break
      }
    }
  }
  return excess
}

/** Failure domain per broker id, using the actual racks (even when the planner ignores them). */
export function domainsById(state: ClusterState): Map<number, string | null> {
  const anyRack = state.brokers.some((b) => b.rack !== null)
  return new Map(state.brokers.map((b) => [b.id, domainOf(b, anyRack)]))
}

/**
 * The fan-out of requests that must go to a given broker (a partition's leader, a group's
 * coordinator): items grouped by that broker, one call per broker, all brokers at once.
 */

export interface TopicPartition {
  topic: string
  partition: number
}

/** A partition and the broker that leads it (from metadata); leader null/-1 = none. */
export interface LeaderPartition extends TopicPartition {
  leader: number | null
}

/**
 * Groups `items` by the broker `brokerOf` names (in first-seen order, each group in the
 * items' order), then runs `perBroker` on every group concurrently and resolves to the
 * groups' results in that order. Given `noBroker`, an item with no broker (null or
 * negative: an offline partition) goes there while grouping, before any request starts;
 * without it every id is a group of its own, and `perBroker` reports what it cannot reach.
 */
export async function byLeader<T, R>(
  items: Iterable<T>,
  brokerOf: (item: T) => number | null,
  perBroker: (brokerId: number, group: T[]) => Promise<R>,
  noBroker?: (item: T) => void,
): Promise<R[]> {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const brokerId = brokerOf(item) ?? -1
    if (noBroker && brokerId < 0) {
      noBroker(item)
      continue
    }
    const group = groups.get(brokerId)
    if (group) group.push(item)
    else groups.set(brokerId, [item])
  }
  return Promise.all([...groups].map(([brokerId, group]) => perBroker(brokerId, group)))
}

/** The broker of a partition item: its leader. */
export const leaderOf = (item: {leader: number | null}): number | null => item.leader

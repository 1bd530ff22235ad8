/**
 * Values by topic and partition number: a map per topic of arrays indexed by partition.
 * Probes match ten thousand partitions at a time in a CLI process whose code is still cold,
 * where this is several times cheaper than a map keyed by a "topic\0partition" string built
 * for every lookup. Used for protocol responses and for the lag roll-up.
 */
export class PartitionIndex<T> {
  private readonly byTopic = new Map<string, (T | undefined)[]>()

  /** Entries that carry their own topic and partition (a later entry replaces an earlier one). */
  static of<E extends {topic: string; partition: number}>(entries: readonly E[]): PartitionIndex<E> {
    const index = new PartitionIndex<E>()
    for (const e of entries) index.set(e.topic, e.partition, e)
    return index
  }

  set(topic: string, partition: number, value: T): void {
    let list = this.byTopic.get(topic)
    if (list === undefined) this.byTopic.set(topic, (list = []))
    list[partition] = value
  }

  get(topic: string, partition: number): T | undefined {
    return this.byTopic.get(topic)?.[partition]
  }
}

/**
 * Map key for a partition where a plain Map is wanted (keys that travel, sets of partitions);
 * topic names cannot contain a NUL, so keys never collide.
 */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/**
 * Map key for one record of a partition, by its offset: the key of the record-timestamp
 * results of the protocol client.
 */
export function partitionOffsetKey(topic: string, partition: number, offset: number): string {
  return `${partitionKey(topic, partition)}\u0000${offset}`
}

/** Map key for a group's view of one partition (several groups may read a partition). */
export function groupPartitionKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${partitionKey(topic, partition)}`
}

/**
 * Response entries by topic and partition number. Responses of ten thousand partitions are
 * matched back to their requests once per probe, in a CLI process whose code is still cold:
 * a map per topic of arrays indexed by partition is several times cheaper there than a
 * map keyed by a "topic\0partition" string built for every lookup.
 */
export class PartitionIndex<T extends {topic: string; partition: number}> {
  private readonly byTopic = new Map<string, (T | undefined)[]>()

  constructor(entries: readonly T[]) {
    for (const e of entries) {
      let list = this.byTopic.get(e.topic)
      if (list === undefined) this.byTopic.set(e.topic, (list = []))
      list[e.partition] = e
    }
  }

  get(topic: string, partition: number): T | undefined {
    return this.byTopic.get(topic)?.[partition]
  }
}

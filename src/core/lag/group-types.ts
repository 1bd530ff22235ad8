/**
 * The four kinds of Kafka group the lag probe reads, turned into one shape (members with
 * topic-partition assignments, committed offsets), without I/O:
 *  - classic: DescribeGroups (members' assignments are the consumer protocol's bytes);
 *  - consumer (KIP-848): ConsumerGroupDescribe, assignments keyed by topic id;
 *  - share (KIP-932): ShareGroupDescribe, assignments keyed by topic id; no committed offsets,
 *    the share-partition start offset (SPSO) plays the committed offset's part;
 *  - streams (KIP-1071): StreamsGroupDescribe, members own tasks (subtopology, partition):
 *    task p of a subtopology reads partition p of each of its source topics.
 */
import type {PartitionLag} from './partition-lag.js'
import type {GroupMember} from './rollup.js'

export type GroupType = 'classic' | 'consumer' | 'share' | 'streams'

export const GROUP_TYPES: readonly GroupType[] = ['classic', 'consumer', 'share', 'streams']

/** A ListGroups v5 group type as one of ours; null when unknown (before v5 the broker does not say). */
export function groupTypeOf(listedType: string | null | undefined): GroupType | null {
  const t = (listedType ?? '').toLowerCase()
  return (GROUP_TYPES as readonly string[]).includes(t) ? (t as GroupType) : null
}

export interface TopicIdAssignment {
  /** 32 hex digits. */
  topicId: string
  /** '' when the broker did not name it. */
  topicName: string
  partitions: number[]
}

/**
 * An assignment keyed by topic id, with names: the broker's name when it gave one, else the
 * name Metadata gives that id. Ids nobody can name are returned apart (a deleted topic).
 */
export function nameTopicIdAssignment(
  topics: readonly TopicIdAssignment[],
  namesById: ReadonlyMap<string, string>,
): {assignments: GroupMember['assignments']; unresolved: string[]} {
  const byName = new Map<string, Set<number>>()
  const unresolved: string[] = []
  for (const t of topics) {
    const name = t.topicName !== '' ? t.topicName : namesById.get(t.topicId)
    if (name === undefined) {
      unresolved.push(t.topicId)
      continue
    }
    const set = byName.get(name) ?? new Set<number>()
    for (const p of t.partitions) set.add(p)
    byName.set(name, set)
  }
  return {assignments: sortedAssignments(byName), unresolved}
}

/** Topic ids an assignment names only by id (the ones Metadata must name). */
export function unnamedTopicIds(topics: readonly TopicIdAssignment[]): string[] {
  return [...new Set(topics.filter((t) => t.topicName === '').map((t) => t.topicId))]
}

export interface SubtopologyTopics {
  subtopologyId: string
  sourceTopics: string[]
  repartitionSourceTopics: string[]
}

/**
 * A streams member's active tasks as topic partitions: task (s, p) reads partition p of each
 * source topic (user and repartition topics) of subtopology s. Tasks of a subtopology the
 * topology does not list (not initialized yet) are returned apart.
 */
export function streamsTaskAssignment(
  subtopologies: readonly SubtopologyTopics[] | null,
  tasks: readonly {subtopologyId: string; partitions: number[]}[],
): {assignments: GroupMember['assignments']; unresolved: string[]} {
  const bySubtopology = new Map((subtopologies ?? []).map((s) => [s.subtopologyId, [...s.sourceTopics, ...s.repartitionSourceTopics]]))
  const byName = new Map<string, Set<number>>()
  const unresolved: string[] = []
  for (const t of tasks) {
    const topics = bySubtopology.get(t.subtopologyId)
    if (topics === undefined) {
      unresolved.push(t.subtopologyId)
      continue
    }
    for (const topic of topics) {
      const set = byName.get(topic) ?? new Set<number>()
      for (const p of t.partitions) set.add(p)
      byName.set(topic, set)
    }
  }
  return {assignments: sortedAssignments(byName), unresolved}
}

function sortedAssignments(byName: Map<string, Set<number>>): GroupMember['assignments'] {
  return [...byName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, set]) => ({topic, partitions: [...set].sort((a, b) => a - b)}))
}

/**
 * A share group's "committed" offsets: the share-partition start offset of each partition
 * with share state (-1 = none yet: null, as a partition without a commit). Partitions with
 * an error are left out and named in `errors`.
 */
export function shareStartOffsets(
  partitions: readonly {topicName: string; partition: number; startOffset: number; lag?: number | null; errorCode: number; errorName?: string}[],
): {offsets: {topic: string; partition: number; offset: number | null; brokerLag: number | null}[]; errors: string[]} {
  const offsets: {topic: string; partition: number; offset: number | null; brokerLag: number | null}[] = []
  const errors: string[] = []
  for (const p of partitions) {
    if (p.errorCode !== 0) {
      errors.push(`${p.topicName}-${p.partition}: ${p.errorName ?? `error ${p.errorCode}`}`)
      continue
    }
    offsets.push({topic: p.topicName, partition: p.partition, offset: p.startOffset < 0 ? null : p.startOffset, brokerLag: p.lag === undefined || p.lag === null || p.lag < 0 ? null : p.lag})
  }
  return {offsets, errors}
}

/** The one-line note for a group whose type's describe API the broker lacks. */
export function unsupportedGroupApiNote(type: GroupType | null, reason: string): string {
  return `${type ?? 'non-classic'} group: members not shown (${reason})`
}

/**
 * A share partition's lag as the broker counts it (DescribeShareGroupOffsets v1, Kafka 4.2+):
 * records from the start offset on that are not yet acknowledged, which leaves out records
 * acknowledged out of order beyond the start offset (log end minus start offset would count
 * them). Applied over the offset-derived lag when known (>= 0): a broker lag of 0 is caught
 * up (time lag 0); otherwise the time lag stays the age of the record at the start offset.
 */
export function withShareBrokerLag(offsets: PartitionLag, brokerLag: number | null | undefined): PartitionLag {
  if (brokerLag === null || brokerLag === undefined || brokerLag < 0 || offsets.committedOffset === null) return offsets
  const out: PartitionLag = {...offsets, lag: brokerLag}
  if (brokerLag === 0) {
    out.timeLagMs = 0
    delete out.note
  }
  return out
}

/**
 * `fleetops kafka groups`: one row per consumer group with a lag summary. Pure: the service
 * reads ListGroups, DescribeGroups, OffsetFetch and ListOffsets; lag per partition is
 * computePartitionLag's (the same rule as `lag kafka`: no commit = unknown, never "the log size").
 */
import {computePartitionLag} from '../lag/index.js'
import {partitionKey} from '../partition-index.js'

/** ListGroups v5's group types; "unknown" when the broker does not report them (ListGroups < v5). */
export type GroupType = 'classic' | 'consumer' | 'share' | 'streams' | 'unknown' | (string & {})

export interface GroupLagSummary {
  /** Sum of the lag of the partitions with a committed offset; null when none has one. */
  totalLag: number | null
  /** Partitions with a committed offset and lag > 0. */
  partitionsLagging: number
  /** Partitions with a committed offset. */
  partitionsCommitted: number
  /** Topics the group has committed offsets on, sorted. */
  topics: string[]
}

export interface GroupListing extends GroupLagSummary {
  group: string
  type: GroupType
  /** The protocol type ("consumer", "connect", ... ; "" for KIP-848 groups on some brokers). */
  protocolType: string
  /** The state as DescribeGroups reports it for classic groups, else as ListGroups (v4+) reports it; null when neither does. */
  state: string | null
  /** Members (DescribeGroups); null when not known (a KIP-848 group, or DescribeGroups failed). */
  members: number | null
  /** Why a part of the row is unknown, else null. */
  note: string | null
}

export interface GroupCommit {
  topic: string
  partition: number
  /** null = no committed offset. */
  offset: number | null
}

/**
 * The lag summary of one group from its committed offsets and the end offsets of their
 * partitions (keyed by partitionKey). Partitions whose end offset is unknown
 * are left out of the totals.
 */
export function summarizeGroupLag(commits: readonly GroupCommit[], ends: ReadonlyMap<string, number>, now: number): GroupLagSummary {
  let total = 0
  let lagging = 0
  let committed = 0
  const topics = new Set<string>()
  for (const c of commits) {
    if (c.offset === null) continue
    topics.add(c.topic)
    const end = ends.get(partitionKey(c.topic, c.partition))
    if (end === undefined) continue
    const lag = computePartitionLag({committedOffset: c.offset, logEndOffset: end, committedRecordTimestamp: null}, now).lag
    committed++
    if (lag === null) continue
    total += lag
    if (lag > 0) lagging++
  }
  return {totalLag: committed === 0 ? null : total, partitionsLagging: lagging, partitionsCommitted: committed, topics: [...topics].sort()}
}

/** A group's type as the broker reports it, normalized: lower case, "unknown" when not reported. */
export function groupTypeOf(reported: string | null | undefined): GroupType {
  if (reported === null || reported === undefined || reported.trim() === '') return 'unknown'
  return reported.trim().toLowerCase()
}

/**
 * The state to show. DescribeGroups speaks only for classic groups; for the others (or when it
 * failed, or said Dead while ListGroups lists the group) ListGroups' own state is used.
 */
export function groupStateOf(type: GroupType, listed: string | null, described: string | null): string | null {
  if (described !== null && (type === 'classic' || type === 'unknown') && !(described === 'Dead' && listed !== null)) return described
  return listed ?? described
}

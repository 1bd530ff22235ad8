/**
 * Pure steps of the Kafka consumer-group lag probe (`lag kafka`): which partitions a group
 * is measured on, its committed position on each, the per-partition judgement of one
 * sample, and the Burrow history over samples. The service reads the offsets.
 */
import {groupPartitionKey, partitionKey, partitionOffsetKey} from '../partition-index.js'
import {evaluateBurrowWindow, type BurrowEvaluation, type OffsetSample} from './burrow.js'
import {withShareBrokerLag, type GroupType} from './group-types.js'
import {computePartitionLag} from './partition-lag.js'
import type {GroupMember, GroupObservation, PartitionObservation} from './rollup.js'

/** A group's committed offset on one partition (null: none). */
export interface CommittedPosition {
  topic: string
  partition: number
  offset: number | null
}

/** The record at a committed offset, as the protocol client reads it for its timestamp. */
export type RecordTimestamp = {kind: 'found'; offset: number; timestamp: number} | {kind: 'gone'} | {kind: 'unknown'; reason: string}

/** One reading of every group's committed offsets and then the end offsets of their partitions. */
export interface LagSample {
  at: number
  /** group -> partitionKey -> committed position */
  committed: Map<string, Map<string, CommittedPosition>>
  /** partitionKey -> end offset */
  ends: Map<string, number>
  /** partitionOffsetKey -> the record at that committed offset (lagging partitions only) */
  stamps: ReadonlyMap<string, RecordTimestamp>
  /** Share groups: group -> partitionKey -> the broker's lag (DescribeShareGroupOffsets v1+). */
  brokerLags: Map<string, Map<string, number>>
}

/** What describing a group told: its state, type, epochs, notes and members. */
export interface DescribedGroup {
  state: string
  type?: GroupType | null
  groupEpoch?: number | null
  assignmentEpoch?: number | null
  notes?: string[]
  members: GroupMember[]
}

/**
 * The topics a group is measured on: those it committed on or its members are assigned,
 * sorted; with --topic, that topic alone if the group has it, else none.
 */
export function topicsOfGroup(offsets: readonly {topic: string}[], members: readonly {assignments: readonly {topic: string}[]}[], onlyTopic: string | undefined): string[] {
  const wanted = new Set<string>()
  for (const o of offsets) wanted.add(o.topic)
  for (const m of members) for (const a of m.assignments) wanted.add(a.topic)
  if (onlyTopic !== undefined) return wanted.has(onlyTopic) ? [onlyTopic] : []
  return [...wanted].sort()
}

/**
 * A group's committed position on every partition of its topics (null where it has not
 * committed); topics without metadata (deleted) are left out. With --topic and nothing of
 * that topic, every partition of it, uncommitted.
 */
export function committedPositions(
  topics: readonly string[],
  metadata: ReadonlyMap<string, {partitions: readonly {partition: number}[]}>,
  onlyTopic: string | undefined,
  offsets: readonly CommittedPosition[],
): Map<string, CommittedPosition> {
  const byKey = new Map<string, CommittedPosition>()
  const uncommitted = (topic: string, partition: number): void => {
    byKey.set(partitionKey(topic, partition), {topic, partition, offset: null})
  }
  for (const t of topics) {
    const meta = metadata.get(t)
    if (!meta) continue // deleted topic: nothing to measure against
    for (const p of meta.partitions) uncommitted(t, p.partition)
  }
  if (onlyTopic !== undefined && byKey.size === 0) {
    for (const p of metadata.get(onlyTopic)!.partitions) uncommitted(onlyTopic, p.partition)
  }
  for (const o of offsets) {
    const position = byKey.get(partitionKey(o.topic, o.partition))
    if (position) position.offset = o.offset
  }
  return byKey
}

/** Share groups: the broker's lag per partition (DescribeShareGroupOffsets v1), keyed as `LagSample.committed`. */
export function brokerLagsOf(groupIds: readonly string[], offsetsByGroup: readonly (readonly (CommittedPosition & {brokerLag?: number | null})[])[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>()
  groupIds.forEach((g, i) => {
    const byKey = new Map<string, number>()
    for (const o of offsetsByGroup[i]!) if (typeof o.brokerLag === 'number') byKey.set(partitionKey(o.topic, o.partition), o.brokerLag)
    if (byKey.size > 0) out.set(g, byKey)
  })
  return out
}

/** The distinct committed offsets of each partition over every group (groups may differ; usually one), none without timestamps. */
export function committedOffsetsToStamp(committed: LagSample['committed'], withTimestamps: boolean): Map<string, {topic: string; partition: number; committed: number[]}> {
  const out = new Map<string, {topic: string; partition: number; committed: number[]}>()
  for (const m of committed.values()) {
    for (const [k, {topic, partition, offset}] of m) {
      let entry = out.get(k)
      if (!entry) out.set(k, (entry = {topic, partition, committed: []}))
      if (offset !== null && withTimestamps && !entry.committed.includes(offset)) entry.committed.push(offset)
    }
  }
  return out
}

export function hasCommit(byKey: ReadonlyMap<string, CommittedPosition> | undefined): boolean {
  if (byKey) for (const p of byKey.values()) if (p.offset !== null) return true
  return false
}

/** The state to show for a group, from its description and whether it has committed offsets. */
export function groupState(info: {state: string} | undefined, hasOffsets: boolean): string | null {
  if (!info) return null
  // A group with offsets that no describe API of this broker knows (e.g. a KIP-848 group on a
  // broker without ConsumerGroupDescribe): the classic DescribeGroups says Dead.
  if (info.state === 'Dead' && hasOffsets) return 'Unknown (not a classic group; members unavailable)'
  return info.state
}

/** One group's observation in a sample at `now`: its partitions' lag and time lag, with their Burrow judgement if any. */
export function observeGroup(group: string, info: DescribedGroup | undefined, sample: LagSample, burrow: ReadonlyMap<string, BurrowEvaluation> | null, now: number): GroupObservation {
  const byKey = sample.committed.get(group) ?? new Map<string, CommittedPosition>()
  const partitions: PartitionObservation[] = []
  for (const [k, position] of byKey) {
    partitions.push(observePartition(group, k, position, sample, burrow, now))
  }
  return {
    group,
    state: groupState(info, hasCommit(byKey)),
    type: info?.type ?? null,
    groupEpoch: info?.groupEpoch ?? null,
    assignmentEpoch: info?.assignmentEpoch ?? null,
    notes: info?.notes ?? [],
    members: info?.members ?? [],
    partitions,
  }
}

function observePartition(
  group: string,
  k: string,
  {topic, partition, offset}: CommittedPosition,
  sample: LagSample,
  burrow: ReadonlyMap<string, BurrowEvaluation> | null,
  now: number,
): PartitionObservation {
  const stamp = offset === null ? undefined : sample.stamps.get(partitionOffsetKey(topic, partition, offset))
  const ts = stamp === undefined ? null : stamp.kind === 'found' ? stamp.timestamp : stamp.kind === 'gone' ? ('gone' as const) : null
  const offsets = withShareBrokerLag(computePartitionLag({committedOffset: offset, logEndOffset: sample.ends.get(k)!, committedRecordTimestamp: ts}, now), sample.brokerLags.get(group)?.get(k))
  if (stamp?.kind === 'unknown' && offsets.lag !== 0) offsets.note = [offsets.note, `time lag unknown: ${stamp.reason}`].filter(Boolean).join('; ')
  return {topic, partition, offsets, burrow: burrow?.get(groupPartitionKey(group, topic, partition)) ?? null}
}

/** Each group's partitions over the last samples, for the Burrow rules (keyed by groupPartitionKey). */
export class OffsetHistory {
  private readonly history = new Map<string, OffsetSample[]>()
  private readonly lastChange = new Map<string, {offset: number | null; at: number}>()

  /**
   * Adds a sample, keeping the last `window` per partition. With `trackChanges` (--watch)
   * each offset carries when it was first seen, so a commit older than the window shows.
   */
  record(sample: LagSample, window: number, trackChanges: boolean): void {
    for (const [g, m] of sample.committed) {
      for (const [k, {topic, partition, offset}] of m) {
        const hk = groupPartitionKey(g, topic, partition)
        let commitAt: number | null = null
        if (trackChanges) {
          const prev = this.lastChange.get(hk)
          if (!prev || prev.offset !== offset) this.lastChange.set(hk, {offset, at: sample.at})
          commitAt = this.lastChange.get(hk)!.at
        }
        let list = this.history.get(hk)
        if (!list) this.history.set(hk, (list = []))
        list.push({at: sample.at, committedOffset: offset, logEndOffset: sample.ends.get(k)!, commitAt})
        if (list.length > window) list.splice(0, list.length - window)
      }
    }
  }

  /** Samples held for the partition with the most (at least 1). */
  longest(): number {
    let n = 1
    for (const l of this.history.values()) if (l.length > n) n = l.length
    return n
  }

  judge(now: number, windowMs: number, minSamples: number): Map<string, BurrowEvaluation> {
    const out = new Map<string, BurrowEvaluation>()
    for (const [hk, list] of this.history) out.set(hk, evaluateBurrowWindow(list, {now, windowMs, minSamples}))
    return out
  }
}

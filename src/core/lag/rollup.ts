import {badInput} from '../errors.js'
import {PartitionIndex} from '../partition-index.js'
import {worstBurrowStatus, type BurrowEvaluation, type BurrowStatus} from './burrow.js'
import {nagiosExitCode, worstNagiosState, type NagiosState} from './nagios.js'
import type {GroupType} from './group-types.js'
import type {PartitionLag} from './partition-lag.js'
import {evaluateLagState, type LagThresholds} from './thresholds.js'

/**
 * Builds the JSON result of a lag probe: per partition, per topic and per
 * group. `status` is always a Nagios state; `burrowStatus` the sliding-window
 * judgement (null when not evaluated); group `state` is the broker's consumer
 * group state (Stable, Empty, ...) passed through. Unknown numbers are null.
 */

export type Isolation = 'read_uncommitted' | 'read_committed'
export type EndOffsetKind = 'high-watermark' | 'last-stable-offset'

export interface GroupMember {
  memberId: string
  clientId: string
  host: string
  /** Topic partitions the member consumes now (streams groups: its active tasks' source partitions). */
  assignments: {topic: string; partitions: number[]}[]
  /** KIP-848, share and streams groups: the member's epoch (absent for classic groups). */
  memberEpoch?: number
}

export interface PartitionObservation {
  topic: string
  partition: number
  offsets: PartitionLag
  burrow?: BurrowEvaluation | null
}

export interface GroupObservation {
  group: string
  /** Group state from the group type's describe API, or null when not available. */
  state?: string | null
  /** classic, consumer (KIP-848), share (KIP-932) or streams (KIP-1071); null when unknown. */
  type?: GroupType | null
  /** KIP-848, share and streams groups: the group epoch and the assignment epoch. */
  groupEpoch?: number | null
  assignmentEpoch?: number | null
  /** One-line remarks on the group (e.g. an API the broker lacks). */
  notes?: string[]
  members?: GroupMember[]
  partitions: PartitionObservation[]
}

export interface PartitionOwner {
  memberId: string
  clientId: string
  host: string
}

export interface PartitionResult {
  partition: number
  committedOffset: number | null
  logEndOffset: number
  lag: number | null
  timeLagMs: number | null
  status: NagiosState
  burrowStatus: BurrowStatus | null
  reason: string
  owner: PartitionOwner | null
  note?: string
}

export interface TopicResult {
  topic: string
  /** Sum of known partition lags; null when no partition lag is known. */
  lag: number | null
  /** Largest time lag; null when none is known or a lagging partition's time lag is unknown. */
  timeLagMs: number | null
  status: NagiosState
  partitions: PartitionResult[]
}

export interface GroupResult {
  group: string
  state: string | null
  /** classic, consumer, share or streams; null when unknown. */
  type: GroupType | null
  groupEpoch: number | null
  assignmentEpoch: number | null
  notes: string[]
  status: NagiosState
  burrowStatus: BurrowStatus | null
  lag: number | null
  maxLag: number | null
  timeLagMs: number | null
  partitionCount: number
  /** Partitions whose lag is unknown and therefore missing from `lag`. */
  unknownLagPartitions: number
  members: GroupMember[]
  topics: TopicResult[]
}

export interface LagResult {
  version: 1
  status: NagiosState
  exitCode: 0 | 1 | 2 | 3
  evaluatedAt: number
  isolation: Isolation
  endOffsetKind: EndOffsetKind
  groups: GroupResult[]
}

export interface RollUpOptions {
  now: number
  thresholds: LagThresholds
  isolation: Isolation
  endOffsetKind: EndOffsetKind
  burrowStates?: Partial<Record<BurrowStatus, NagiosState | null>>
}

function sumKnown(values: (number | null)[]): number | null {
  // Summed exactly; only the final total is rounded if it ever passes 2^53. Plain numbers
  // are exact while the running sum stays below 2^53, so BigInt is only used past that.
  let sum = 0
  let big: bigint | null = null
  let any = false
  for (const v of values) {
    if (v === null) continue
    any = true
    if (big !== null) big += BigInt(v)
    else if (sum + v > Number.MAX_SAFE_INTEGER) big = BigInt(sum) + BigInt(v)
    else sum += v
  }
  if (!any) return null
  return big === null ? sum : Number(big)
}

function maxKnown(values: (number | null)[]): number | null {
  // A loop, not Math.max(...values): spreading 100,000+ arguments overflows the stack.
  let max: number | null = null
  for (const v of values) if (v !== null && (max === null || v > max)) max = v
  return max
}

/**
 * The headline time lag of a set of partitions: the largest, but null (unknown) as soon as
 * one partition with messages waiting has no measurable time lag, which could be the oldest.
 * A partition without a committed offset has no known lag and is counted apart (as in `lag`).
 */
function headlineTimeLag(partitions: readonly PartitionResult[]): number | null {
  let max: number | null = null
  for (const p of partitions) {
    if (p.timeLagMs === null) {
      if (p.lag !== null && p.lag > 0) return null
    } else if (max === null || p.timeLagMs > max) max = p.timeLagMs
  }
  return max
}

function ownersOf(members: GroupMember[]): PartitionIndex<PartitionOwner> {
  const owners = new PartitionIndex<PartitionOwner>()
  for (const m of members) {
    const owner = {memberId: m.memberId, clientId: m.clientId, host: m.host}
    for (const a of m.assignments) for (const p of a.partitions) owners.set(a.topic, p, owner)
  }
  return owners
}

export function rollUpLag(groups: readonly GroupObservation[], opts: RollUpOptions): LagResult {
  if (!Number.isFinite(opts.now)) throw badInput('now must be epoch milliseconds; pass Date.now() from the caller')
  const groupResults = [...groups]
    .sort((a, b) => compareText(a.group, b.group))
    .map((g) => rollUpGroup(g, opts))
  const status = worstNagiosState(groupResults.map((g) => g.status))
  return {
    version: 1,
    status,
    exitCode: nagiosExitCode(status),
    evaluatedAt: opts.now,
    isolation: opts.isolation,
    endOffsetKind: opts.endOffsetKind,
    groups: groupResults,
  }
}

/**
 * One result from the results of disjoint sets of groups (the pages of a sweep), each rolled
 * up on its own: the groups of all, sorted as rollUpLag sorts them, the worst status, judged
 * at `now`. Equals rollUpLag over all the observations when every page was judged at `now`.
 * The status is the worst of the pages' statuses, so pages whose groups were handed on
 * (emptied) still count.
 */
export function mergeLagResults(pages: readonly LagResult[], opts: Pick<RollUpOptions, 'now' | 'isolation' | 'endOffsetKind'>): LagResult {
  if (!Number.isFinite(opts.now)) throw badInput('now must be epoch milliseconds; pass Date.now() from the caller')
  const groups = pages.flatMap((p) => p.groups)
  // Pages of a sorted list are already in order; sorting again is cheap and makes it certain.
  groups.sort((a, b) => compareText(a.group, b.group))
  for (let i = 1; i < groups.length; i++) {
    if (groups[i]!.group === groups[i - 1]!.group) throw badInput(`group ${groups[i]!.group} is in two pages; pass each group once`)
  }
  const status = worstNagiosState(pages.map((p) => p.status))
  return {version: 1, status, exitCode: nagiosExitCode(status), evaluatedAt: opts.now, isolation: opts.isolation, endOffsetKind: opts.endOffsetKind, groups}
}

function rollUpGroup(g: GroupObservation, opts: RollUpOptions): GroupResult {
  const members = g.members ?? []
  const owners = ownersOf(members)
  const byTopic = new Map<string, PartitionResult[]>()
  const seen = new PartitionIndex<true>()
  for (const p of g.partitions) {
    if (seen.get(p.topic, p.partition)) throw badInput(`group ${g.group} lists ${p.topic}-${p.partition} twice; pass each partition once`)
    seen.set(p.topic, p.partition, true)
    const burrowStatus = p.burrow?.status ?? null
    const verdict = evaluateLagState(
      {lag: p.offsets.lag, timeLagMs: p.offsets.timeLagMs, burrowStatus},
      opts.thresholds,
      opts.burrowStates,
    )
    const result: PartitionResult = {
      partition: p.partition,
      committedOffset: p.offsets.committedOffset,
      logEndOffset: p.offsets.logEndOffset,
      lag: p.offsets.lag,
      timeLagMs: p.offsets.timeLagMs,
      status: verdict.state,
      burrowStatus,
      reason: verdict.reason,
      owner: owners.get(p.topic, p.partition) ?? null,
    }
    if (p.offsets.note !== undefined) result.note = p.offsets.note
    const list = byTopic.get(p.topic)
    if (list === undefined) byTopic.set(p.topic, [result])
    else list.push(result)
  }
  const topics: TopicResult[] = [...byTopic.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([topic, partitions]) => {
      partitions.sort((a, b) => a.partition - b.partition)
      return {
        topic,
        lag: sumKnown(partitions.map((p) => p.lag)),
        timeLagMs: headlineTimeLag(partitions),
        status: worstNagiosState(partitions.map((p) => p.status)),
        partitions,
      }
    })
  const all = topics.flatMap((t) => t.partitions)
  const burrowed = all.map((p) => p.burrowStatus).filter((s): s is BurrowStatus => s !== null)
  return {
    group: g.group,
    state: g.state ?? null,
    type: g.type ?? null,
    groupEpoch: g.groupEpoch ?? null,
    assignmentEpoch: g.assignmentEpoch ?? null,
    notes: g.notes ?? [],
    status: worstNagiosState(topics.map((t) => t.status)),
    burrowStatus: burrowed.length === 0 ? null : worstBurrowStatus(burrowed),
    lag: sumKnown(all.map((p) => p.lag)),
    maxLag: maxKnown(all.map((p) => p.lag)),
    timeLagMs: headlineTimeLag(all),
    partitionCount: all.length,
    unknownLagPartitions: all.filter((p) => p.lag === null).length,
    members,
    topics,
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

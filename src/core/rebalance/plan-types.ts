import type {BalanceBy, RebalanceMode} from './options.js'

/** One entry of Kafka's reassignment JSON. */
export interface PartitionAssignment {
  readonly topic: string
  readonly partition: number
  readonly replicas: readonly number[]
}

/** Exactly the file `kafka-reassign-partitions.sh --execute` reads. */
export interface ReassignmentJson {
  readonly version: 1
  readonly partitions: readonly PartitionAssignment[]
}

export interface BrokerLoad {
  readonly replicas: number
  /** Partitions whose preferred (first) replica is this broker. */
  readonly leaders: number
  readonly bytes: number
}

export interface BrokerBalance {
  readonly id: number
  readonly rack: string | null
  readonly role: 'kept' | 'added' | 'removed'
  readonly before: BrokerLoad
  readonly after: BrokerLoad
}

export interface PlanSummary {
  readonly mode: RebalanceMode
  readonly balanceBy: BalanceBy
  /** Whether racks constrained the plan (see racks.ts for the rule on rack-less brokers). */
  readonly rackAware: boolean
  /** Partitions the plan was allowed to change (after --topics/--exclude-topics). */
  readonly partitionsConsidered: number
  readonly partitionsChanged: number
  /** Replicas placed on a broker that did not hold them before. */
  readonly moves: number
  readonly bytesToMove: number
  /** Partitions whose preferred leader (first replica) changes. */
  readonly leaderChanges: number
  /** Minimum moves for this mode ignoring racks (count balance; see lower-bound.ts). */
  readonly lowerBound: number
  /** Minimum moves once racks are respected; differs from lowerBound when racks make it unreachable. */
  readonly lowerBoundWithRacks: number
  /** Minimum preferred-leader changes to even out leader counts. */
  readonly leaderLowerBound: number
  /** Relaxed bound on bytes to move (bytes above the average, or bytes that must leave). */
  readonly bytesLowerBound: number
  /** Moves spent fixing partitions that had two replicas in one rack. */
  readonly rackFixMoves: number
  /** Excess replicas sharing a rack (a partition with 3 replicas in one rack counts 2). */
  readonly rackViolationsBefore: number
  readonly rackViolationsAfter: number
  readonly brokers: readonly BrokerBalance[]
  readonly warnings: readonly string[]
}

export interface PlanResult {
  /** Target replicas of every partition that changes, sorted by (topic, partition). */
  readonly reassignment: ReassignmentJson
  /** Current replicas of the same partitions: stale-plan check, cancel and rollback. */
  readonly original: ReassignmentJson
  readonly summary: PlanSummary
}

/** Per-broker tallies before and after a plan, indexed like the broker list. */
export interface BrokerTallies {
  readonly countsBefore: ArrayLike<number>
  readonly leadersBefore: ArrayLike<number>
  readonly bytesBefore: ArrayLike<number>
  readonly countsAfter: ArrayLike<number>
  readonly leadersAfter: ArrayLike<number>
  readonly bytesAfter: ArrayLike<number>
}

/** The summary's broker rows, shared by the object planner and the compact (flat-array) one. */
export function brokerBalanceRows(
  brokers: readonly {readonly id: number; readonly rack: string | null}[],
  roleOf: (index: number) => BrokerBalance['role'],
  t: BrokerTallies,
): BrokerBalance[] {
  return brokers.map((b, i) => ({
    id: b.id,
    rack: b.rack,
    role: roleOf(i),
    before: {replicas: t.countsBefore[i], leaders: t.leadersBefore[i], bytes: t.bytesBefore[i]},
    after: {replicas: t.countsAfter[i], leaders: t.leadersAfter[i], bytes: t.bytesAfter[i]},
  }))
}

/** What every plan's summary takes from its inputs rather than from the planning. */
export interface PlanContext {
  readonly opts: {readonly mode: RebalanceMode; readonly balanceBy: BalanceBy}
  readonly rackAware: boolean
  readonly partitionsConsidered: number
}

type PlannedFacts = Omit<PlanSummary, 'mode' | 'balanceBy' | 'rackAware' | 'partitionsConsidered' | 'partitionsChanged'>

/** The plan in Kafka's reassignment-file shape (targets and originals), with its summary. */
export function planResult(
  targets: readonly PartitionAssignment[],
  originals: readonly PartitionAssignment[],
  context: PlanContext,
  facts: PlannedFacts,
): PlanResult {
  const summary: PlanSummary = {
    mode: context.opts.mode,
    balanceBy: context.opts.balanceBy,
    rackAware: context.rackAware,
    partitionsConsidered: context.partitionsConsidered,
    partitionsChanged: targets.length,
    ...facts,
    // A relaxed bound computed in floating point; shown as whole bytes.
    bytesLowerBound: Math.round(facts.bytesLowerBound),
  }
  return {reassignment: {version: 1, partitions: targets}, original: {version: 1, partitions: originals}, summary}
}

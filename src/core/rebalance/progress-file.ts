import {badInput, isFleetopsError} from '../errors.js'
import {printable} from '../units.js'
import {destinationsOf, type PartitionMove} from './moves.js'
import {compareTopicPartition, describeJson, isRecord, MAX_KAFKA_ID, partitionLabel} from './state.js'
import {throttledBrokersOf} from './throttle.js'
import type {ExecutorHeartbeat} from './liveness.js'

/**
 * The executor's progress file (`<plan>.progress.json`): which moves are done, which are in
 * flight, and exactly which throttle settings fleetops made, so that a resumed run, `status` and
 * `cancel` can carry on or undo only our own changes. Pure: reading and writing the file is the
 * service's job.
 */
export type MoveStatus = 'pending' | 'in-flight' | 'done'

export interface MoveRecord {
  readonly topic: string
  readonly partition: number
  readonly from: readonly number[]
  readonly to: readonly number[]
  status: MoveStatus
  /** Bytes of one replica when known. */
  size?: number
}

/** A broker rate throttle we set, with the value it replaced (null: there was none). */
export interface BrokerThrottleRecord {
  readonly broker: number
  readonly rate: number
  readonly previousLeaderRate: string | null
  readonly previousFollowerRate: string | null
}

/** `partition:broker` entries we appended to a topic's throttled-replicas lists (pre-existing ones are never listed). */
export interface TopicThrottleRecord {
  readonly topic: string
  leader: string[]
  follower: string[]
}

export type RunStatus = 'running' | 'stopped' | 'done' | 'cancelled'

export interface ProgressFile {
  readonly version: 1
  /** sha256 of the plan's reassignment JSON: a progress file only resumes its own plan. */
  readonly planDigest: string
  status: RunStatus
  /** Process running the plan while status is running (a second executor refuses to start). */
  pid: number | null
  throttle: number | null
  startedAt: string
  updatedAt: string
  /** Why the last run stopped (stuck moves, interrupt, timeout), for `status`. */
  note: string | null
  moves: MoveRecord[]
  throttles: {brokers: BrokerThrottleRecord[]; topics: TopicThrottleRecord[]}
  /** True once the preferred leader election for the moved partitions has run. */
  elected: boolean
  /** Written by the executor at every poll while it runs (null in files of older fleetops). */
  heartbeat: ExecutorHeartbeat | null
}

export function newProgress(moves: readonly PartitionMove[], meta: {planDigest: string; throttle: number | null; now: string; pid: number}): ProgressFile {
  return {
    version: 1,
    planDigest: meta.planDigest,
    status: 'running',
    pid: meta.pid,
    throttle: meta.throttle,
    startedAt: meta.now,
    updatedAt: meta.now,
    note: null,
    moves: [...moves]
      .sort(compareTopicPartition)
      .map((m) => ({topic: m.topic, partition: m.partition, from: [...m.from], to: [...m.to], status: 'pending' as MoveStatus, ...(m.size === undefined ? {} : {size: m.size})})),
    throttles: {brokers: [], topics: []},
    elected: false,
    heartbeat: null,
  }
}

const FIX = 'delete it to start over (after `fleetops kafka rebalance cancel`), or pass the right --state-file'

function fail(what: string): never {
  throw badInput(`progress file: ${what}; ${FIX}`)
}

function ids(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) fail(`${where} must be an array of broker ids`)
  return value.map((v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_KAFKA_ID) fail(`${where} contains ${describeJson(v)}, not a broker id`)
    return v
  })
}

function str(value: unknown, where: string, nullable = false): string | null {
  if (value === null && nullable) return null
  if (typeof value !== 'string') fail(`${where} must be a string, got ${describeJson(value)}`)
  return value
}

function entries(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(`${where} must be an array of "partition:broker" strings`)
  return value.map((v) => {
    if (typeof v !== 'string' || !/^\d+:\d+$/.test(v)) fail(`${where} contains ${describeJson(v)}, not "partition:broker"`)
    return v
  })
}

function parseUnchecked(json: unknown): ProgressFile {
  if (!isRecord(json)) fail(`expected a JSON object, got ${describeJson(json)}`)
  if (json.version !== 1) fail(`"version" must be 1, got ${describeJson(json.version)}`)
  const planDigest = str(json.planDigest, 'planDigest') as string
  const status = json.status
  if (status !== 'running' && status !== 'stopped' && status !== 'done' && status !== 'cancelled') fail(`"status" ${describeJson(status)} is not running, stopped, done or cancelled`)
  const pid = json.pid === null || json.pid === undefined ? null : json.pid
  if (pid !== null && (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0)) fail(`"pid" must be a process id or null`)
  const throttle = json.throttle === null || json.throttle === undefined ? null : json.throttle
  if (throttle !== null && (typeof throttle !== 'number' || !Number.isSafeInteger(throttle) || throttle <= 0)) fail('"throttle" must be bytes per second or null')
  if (!Array.isArray(json.moves)) fail('"moves" must be an array')
  const moves: MoveRecord[] = json.moves.map((raw, i) => {
    const where = `moves[${i}]`
    if (!isRecord(raw)) fail(`${where} must be an object`)
    const topic = str(raw.topic, `${where}.topic`) as string
    const partition = raw.partition
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition > MAX_KAFKA_ID) fail(`${where}.partition must be a partition number`)
    const st = raw.status
    if (st !== 'pending' && st !== 'in-flight' && st !== 'done') fail(`${where}.status ${describeJson(st)} is not pending, in-flight or done`)
    const rec: MoveRecord = {topic, partition, from: ids(raw.from, `${where}.from`), to: ids(raw.to, `${where}.to`), status: st}
    if (typeof raw.size === 'number' && Number.isSafeInteger(raw.size) && raw.size >= 0) rec.size = raw.size
    return rec
  })
  const th = json.throttles
  if (!isRecord(th) || !Array.isArray(th.brokers) || !Array.isArray(th.topics)) fail('"throttles" must be {"brokers":[...],"topics":[...]}')
  const brokers: BrokerThrottleRecord[] = th.brokers.map((raw, i) => {
    const where = `throttles.brokers[${i}]`
    if (!isRecord(raw)) fail(`${where} must be an object`)
    const [broker] = ids([raw.broker], `${where}.broker`)
    if (typeof raw.rate !== 'number' || !Number.isSafeInteger(raw.rate) || raw.rate <= 0) fail(`${where}.rate must be bytes per second`)
    return {
      broker,
      rate: raw.rate,
      previousLeaderRate: str(raw.previousLeaderRate ?? null, `${where}.previousLeaderRate`, true),
      previousFollowerRate: str(raw.previousFollowerRate ?? null, `${where}.previousFollowerRate`, true),
    }
  })
  const topics: TopicThrottleRecord[] = th.topics.map((raw, i) => {
    const where = `throttles.topics[${i}]`
    if (!isRecord(raw)) fail(`${where} must be an object`)
    return {topic: str(raw.topic, `${where}.topic`) as string, leader: entries(raw.leader, `${where}.leader`), follower: entries(raw.follower, `${where}.follower`)}
  })
  return {
    version: 1,
    planDigest,
    status,
    pid,
    throttle,
    startedAt: str(json.startedAt, 'startedAt') as string,
    updatedAt: str(json.updatedAt, 'updatedAt') as string,
    note: str(json.note ?? null, 'note', true),
    moves,
    throttles: {brokers, topics},
    elected: json.elected === true,
    heartbeat: heartbeatOf(json.heartbeat),
  }
}

function heartbeatOf(raw: unknown): ExecutorHeartbeat | null {
  if (raw === null || raw === undefined) return null
  if (!isRecord(raw)) fail('"heartbeat" must be an object or null')
  const {pid, pollIntervalMs} = raw
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) fail('"heartbeat.pid" must be a process id')
  if (typeof pollIntervalMs !== 'number' || !Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 0) fail('"heartbeat.pollIntervalMs" must be milliseconds')
  return {pid, host: str(raw.host, 'heartbeat.host') as string, updatedAt: str(raw.updatedAt, 'heartbeat.updatedAt') as string, pollIntervalMs}
}

/** Validates a progress file; any problem is a one-line BAD_INPUT FleetopsError. */
export function parseProgressFile(json: unknown): ProgressFile {
  try {
    return parseUnchecked(json)
  } catch (err) {
    if (isFleetopsError(err)) throw err
    throw badInput(`progress file could not be read (${printable(err instanceof Error ? err.message : 'unknown error')}); ${FIX}`)
  }
}

/** What the live cluster says about one planned partition. */
export interface LivePartition {
  readonly topic: string
  readonly partition: number
  readonly replicas: readonly number[]
  /** Set when Kafka lists the partition in ListPartitionReassignments. */
  readonly reassignment?: {readonly adding: readonly number[]; readonly removing: readonly number[]}
}

export type LiveMoveState =
  | {kind: 'done'}
  | {kind: 'pending'}
  /** Kafka is carrying out our target. */
  | {kind: 'in-flight'}
  /** Kafka is carrying out some other target (another operator's reassignment). */
  | {kind: 'foreign'; target: number[]}
  /** Neither the starting point nor the target: the plan is stale for this partition. */
  | {kind: 'stale'; replicas: number[]}
  | {kind: 'missing'}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])
const sameSet = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x) => b.includes(x))

/** Target replicas of an in-flight reassignment: the replica list without the replicas being removed. */
export function reassignmentTarget(live: LivePartition): number[] {
  const removing = live.reassignment?.removing ?? []
  return live.replicas.filter((b) => !removing.includes(b))
}

/**
 * Where one planned move stands in the live cluster. Done means the replica list equals the
 * target (order included, since order is leadership); a finished copy whose order still differs
 * counts as pending, because re-submitting the target only reorders (no data moves).
 */
export function liveMoveState(move: {readonly from: readonly number[]; readonly to: readonly number[]}, live: LivePartition | undefined): LiveMoveState {
  if (live === undefined) return {kind: 'missing'}
  if (live.reassignment) {
    const target = reassignmentTarget(live)
    return sameSet(target, move.to) ? {kind: 'in-flight'} : {kind: 'foreign', target}
  }
  if (sameList(live.replicas, move.to)) return {kind: 'done'}
  if (sameList(live.replicas, move.from) || sameSet(live.replicas, move.to)) return {kind: 'pending'}
  return {kind: 'stale', replicas: [...live.replicas]}
}

export interface StuckMove {
  readonly topic: string
  readonly partition: number
  readonly missingBrokers: number[]
}

/** In-flight moves that cannot finish because a broker they copy from or to is not alive. */
export function stuckMoves(inFlight: readonly PartitionMove[], alive: ReadonlySet<number>): StuckMove[] {
  const out: StuckMove[] = []
  for (const m of [...inFlight].sort(compareTopicPartition)) {
    const missing = [...new Set([...m.from, ...m.to])].filter((b) => !alive.has(b)).sort((a, b) => a - b)
    if (missing.length > 0) out.push({topic: m.topic, partition: m.partition, missingBrokers: missing})
  }
  return out
}

/** One line naming stuck moves and the brokers they wait for, e.g. "t-0 (broker 4 down), t-3 (broker 4 down)". */
export function describeStuck(stuck: readonly StuckMove[], max = 5): string {
  const parts = stuck.slice(0, max).map((s) => `${printable(partitionLabel(s))} (broker ${s.missingBrokers.join(',')} down)`)
  if (stuck.length > max) parts.push(`and ${stuck.length - max} more`)
  return parts.join(', ')
}

/** `partition:broker` throttle entries of one move: leader = current replicas, follower = destinations. */
export function throttleEntriesOf(move: PartitionMove): {leader: string[]; follower: string[]} {
  const dest = destinationsOf(move)
  if (dest.length === 0) return {leader: [], follower: []}
  return {leader: move.from.map((b) => `${move.partition}:${b}`), follower: dest.map((b) => `${move.partition}:${b}`)}
}

/** Brokers of the given moves that need a rate throttle (sources and destinations of data-moving moves). */
export function throttledBrokers(moves: readonly PartitionMove[]): number[] {
  return [...new Set(moves.flatMap(throttledBrokersOf))].sort((a, b) => a - b)
}

/** Bytes a move copies: its size times the number of new replicas (0 when the size is unknown). */
export function bytesOf(move: {readonly from: readonly number[]; readonly to: readonly number[]; readonly size?: number}): number {
  return (move.size ?? 0) * move.to.filter((b) => !move.from.includes(b)).length
}

export function partitionMoveOf(rec: MoveRecord): PartitionMove {
  return {topic: rec.topic, partition: rec.partition, from: rec.from, to: rec.to, ...(rec.size === undefined ? {} : {size: rec.size})}
}


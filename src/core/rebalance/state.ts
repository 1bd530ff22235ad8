import {badInput, isFleetopsError} from '../errors.js'
import {kafkaTopicName} from '../identifiers.js'
import {MAX_COUNT, checkCount} from '../input-limits.js'
import {printable} from '../units.js'

/** Kafka broker ids and partition numbers are non-negative int32 values. */
export const MAX_KAFKA_ID = 2_147_483_647

export interface BrokerState {
  readonly id: number
  /** `broker.rack`, or null when the broker has none. */
  readonly rack: string | null
  /** False only when the state file says `alive: false`; such brokers never receive replicas. */
  readonly alive: boolean
  readonly host?: string
  readonly port?: number
}

export interface PartitionState {
  readonly topic: string
  readonly partition: number
  /** Replica broker ids; the first one is the preferred leader. */
  readonly replicas: readonly number[]
  /** Bytes on disk of one replica; absent when unknown (counted as 0 when balancing by size). */
  readonly size?: number
  /** Current leader, -1 when the partition has none. */
  readonly leader?: number
  readonly isr?: readonly number[]
  readonly offline?: readonly number[]
  readonly adding?: readonly number[]
  readonly removing?: readonly number[]
}

/** A validated cluster snapshot: brokers sorted by id, partitions sorted by (topic, partition). */
export interface ClusterState {
  readonly brokers: readonly BrokerState[]
  readonly partitions: readonly PartitionState[]
}

/** Topic order by UTF-16 code units, so the result never depends on the locale. */
export function compareTopicPartition(
  a: {readonly topic: string; readonly partition: number},
  b: {readonly topic: string; readonly partition: number},
): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1
  return a.partition - b.partition
}

/** `topic-partition`, the way Kafka tools print a partition. */
export function partitionLabel(p: {readonly topic: string; readonly partition: number}): string {
  return `${p.topic}-${p.partition}`
}

export {partitionKey} from '../partition-index.js'

const FIX = 'fix the cluster state file, or re-read it with `fleetops kafka describe --json`'

function fail(what: string, fix = FIX): never {
  throw badInput(`cluster state: ${what}; ${fix}`)
}

/**
 * Names a JSON value from an input file in an error without ever calling toString on untrusted
 * objects, and without quoting a string: a file given by mistake may hold a secret.
 */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return `a string of ${value.length} characters`
    case 'number':
    case 'boolean':
      return String(value)
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}

/** Names only the kind of a JSON value (for a whole file, which may be something else entirely). */
export function describeKind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function field(obj: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(obj, name) ? obj[name] : undefined
}

/** Where a value sits, for error messages; a function so valid input never pays for building it. */
type Where = string | (() => string)
const at = (where: Where): string => (typeof where === 'string' ? where : where())

function isKafkaId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_KAFKA_ID
}

function kafkaId(value: unknown, where: Where): number {
  if (!isKafkaId(value)) fail(`${at(where)} must be an integer from 0 to ${MAX_KAFKA_ID}, got ${describeJson(value)}`)
  return value
}

function idList(value: unknown, where: Where): number[] {
  if (!Array.isArray(value)) fail(`${at(where)} must be an array of broker ids, got ${describeJson(value)}`)
  const out = new Array<number>(value.length)
  for (let i = 0; i < value.length; i++) {
    const id = value[i]
    out[i] = isKafkaId(id) ? id : kafkaId(id, () => `${at(where)}[${i}]`)
  }
  return out
}

function parseBroker(raw: unknown, i: number): BrokerState {
  const where = `brokers[${i}]`
  if (!isRecord(raw)) fail(`${where} must be an object such as {"id":1,"rack":"r1"}, got ${describeJson(raw)}`)
  const id = kafkaId(field(raw, 'id'), `${where}.id`)
  const rackRaw = field(raw, 'rack')
  let rack: string | null = null
  if (rackRaw !== undefined && rackRaw !== null) {
    if (typeof rackRaw !== 'string' || rackRaw.length > 255) {
      fail(`${where}.rack must be a string of at most 255 characters or null, got ${describeJson(rackRaw)}`)
    }
    // Kafka treats an empty broker.rack as "no rack".
    rack = rackRaw.length > 0 ? rackRaw : null
  }
  const aliveRaw = field(raw, 'alive')
  if (aliveRaw !== undefined && typeof aliveRaw !== 'boolean') {
    fail(`${where}.alive must be true or false, got ${describeJson(aliveRaw)}`)
  }
  const broker: {id: number; rack: string | null; alive: boolean; host?: string; port?: number} = {
    id,
    rack,
    alive: aliveRaw !== false,
  }
  const host = field(raw, 'host')
  if (host !== undefined && host !== null) {
    if (typeof host !== 'string') fail(`${where}.host must be a string, got ${describeJson(host)}`)
    broker.host = host
  }
  const port = field(raw, 'port')
  if (port !== undefined && port !== null) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      fail(`${where}.port must be an integer from 0 to 65535, got ${describeJson(port)}`)
    }
    broker.port = port
  }
  return broker
}

const OPTIONAL_ID_LISTS = ['isr', 'offline', 'adding', 'removing'] as const

/**
 * Reads one partition. Valid input allocates nothing beyond the result: messages are built only
 * on failure, and a topic name equal to the previous partition's is not checked again (a state
 * file lists a topic's partitions together, and this runs 100,000 times for a large cluster).
 */
function parsePartition(raw: unknown, i: number, brokerIds: ReadonlySet<number>, lastTopic: string | undefined): PartitionState {
  if (!isRecord(raw)) {
    fail(`partitions[${i}] must be an object such as {"topic":"t","partition":0,"replicas":[1,2,3]}, got ${describeJson(raw)}`)
  }
  const topicRaw = field(raw, 'topic')
  let topic: string
  if (topicRaw === lastTopic && lastTopic !== undefined) topic = lastTopic
  else {
    try {
      topic = kafkaTopicName(topicRaw)
    } catch {
      fail(`partitions[${i}].topic ${describeJson(topicRaw)} is not a valid Kafka topic name (letters, digits, '.', '_', '-'; 1-249 chars)`)
    }
  }
  const partition = kafkaId(field(raw, 'partition'), () => `partitions[${i}].partition`)
  const label = (): string => `partitions[${i}] (${printable(topic, 60)}-${partition})`
  const replicasRaw = field(raw, 'replicas')
  if (!Array.isArray(replicasRaw) || replicasRaw.length === 0) {
    fail(`${label()}.replicas must be a non-empty array of broker ids, got ${describeJson(replicasRaw)}`)
  }
  if (replicasRaw.length > MAX_COUNT.replicasPerPartition) {
    fail(`${label()}.replicas lists ${replicasRaw.length} brokers, more than the maximum of ${MAX_COUNT.replicasPerPartition}`, 'correct the replica list')
  }
  const replicas = idList(replicasRaw, () => `${label()}.replicas`)
  for (let k = 0; k < replicas.length; k++) {
    const b = replicas[k]
    // Replica lists are a handful of ids: a pairwise check beats building a Set per partition.
    for (let j = 0; j < k; j++) {
      if (replicas[j] === b) fail(`${label()}.replicas lists broker ${b} twice`, 'each broker may hold at most one replica of a partition')
    }
    if (!brokerIds.has(b)) {
      fail(`${label()}.replicas lists broker ${b}, which is not in "brokers"`, `add broker ${b} to "brokers" or correct the replica list`)
    }
  }
  const partitionState: {
    topic: string
    partition: number
    replicas: number[]
    size?: number
    leader?: number
    isr?: number[]
    offline?: number[]
    adding?: number[]
    removing?: number[]
  } = {topic, partition, replicas}
  const size = field(raw, 'size')
  if (size !== undefined && size !== null) {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      fail(`${label()}.size must be a whole number of bytes (0 or more), got ${describeJson(size)}`)
    }
    partitionState.size = size
  }
  const leader = field(raw, 'leader')
  if (leader !== undefined && leader !== null) {
    partitionState.leader = leader === -1 ? -1 : kafkaId(leader, () => `${label()}.leader`)
  }
  for (const name of OPTIONAL_ID_LISTS) {
    const value = field(raw, name)
    if (value !== undefined && value !== null) partitionState[name] = idList(value, () => `${label()}.${name}`)
  }
  return partitionState
}

/** True when already in (topic, partition) order, as `kafka describe --json` writes it. */
function isSorted(partitions: readonly PartitionState[]): boolean {
  for (let i = 1; i < partitions.length; i++) if (compareTopicPartition(partitions[i - 1], partitions[i]) > 0) return false
  return true
}

function parseUnchecked(json: unknown): ClusterState {
  if (!isRecord(json)) {
    fail(`expected a JSON object with "brokers" and "partitions" arrays, got ${describeKind(json)}`)
  }
  const brokersRaw = field(json, 'brokers')
  const partitionsRaw = field(json, 'partitions')
  if (!Array.isArray(brokersRaw)) fail(`"brokers" must be an array, got ${describeJson(brokersRaw)}`)
  if (!Array.isArray(partitionsRaw)) fail(`"partitions" must be an array, got ${describeJson(partitionsRaw)}`)
  if (brokersRaw.length === 0) fail('"brokers" is empty', 'list every broker of the cluster, e.g. [{"id":1,"rack":"r1"}]')
  checkCount(brokersRaw.length, MAX_COUNT.brokers, 'cluster state: "brokers"', 'fleetops plans clusters of up to that many brokers')
  checkCount(partitionsRaw.length, MAX_COUNT.partitions, 'cluster state: "partitions"', 'plan part of the cluster from a state file of fewer partitions')

  const brokers = brokersRaw.map(parseBroker)
  const brokerIds = new Set<number>()
  for (const b of brokers) {
    if (brokerIds.has(b.id)) fail(`broker id ${b.id} appears twice in "brokers"`, 'list each broker once')
    brokerIds.add(b.id)
  }
  brokers.sort((a, b) => a.id - b.id)

  const partitions = new Array<PartitionState>(partitionsRaw.length)
  for (let i = 0; i < partitionsRaw.length; i++) partitions[i] = parsePartition(partitionsRaw[i], i, brokerIds, partitions[i - 1]?.topic)
  if (!isSorted(partitions)) partitions.sort(compareTopicPartition)
  for (let i = 1; i < partitions.length; i++) {
    if (compareTopicPartition(partitions[i - 1], partitions[i]) === 0) {
      const p = partitions[i]
      fail(`partition ${printable(p.topic, 60)}-${p.partition} appears twice in "partitions"`, 'list each partition once')
    }
  }
  return {brokers, partitions}
}

/**
 * Validates a cluster snapshot. Extra fields are ignored, known fields must have the right
 * type. Any problem, for any JSON value, is reported as a one-line BAD_INPUT FleetopsError.
 */
export function parseClusterState(json: unknown): ClusterState {
  try {
    return parseUnchecked(json)
  } catch (err) {
    if (isFleetopsError(err)) throw err
    // Only reachable through a bug above; keep the promise that callers see a FleetopsError.
    throw badInput(`cluster state could not be read (${printable(err instanceof Error ? err.message : 'unknown error')}); ${FIX}`)
  }
}

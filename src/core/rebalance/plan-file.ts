import {badInput, FleetopsError, isFleetopsError} from '../errors.js'
import {kafkaTopicName} from '../identifiers.js'
import {MAX_COUNT, checkCount} from '../input-limits.js'
import {printable} from '../units.js'
import type {PartitionAssignment, PlanResult, PlanSummary, ReassignmentJson} from './plan-types.js'
import {compareTopicPartition, describeJson, describeKind, isRecord, MAX_KAFKA_ID, partitionKey, partitionLabel, type ClusterState} from './state.js'

/** What `fleetops kafka rebalance plan` writes and `execute`/`cancel` read. */
export interface PlanFile {
  readonly version: 1
  readonly reassignment: ReassignmentJson
  /** Replicas of the same partitions when the plan was made. */
  readonly original: ReassignmentJson
  readonly summary: PlanSummary
  readonly createdAt?: string
}

const REPLAN = 're-run `fleetops kafka rebalance plan` to make a new plan'

export function buildPlanFile(plan: PlanResult, meta: {createdAt?: string} = {}): PlanFile {
  const file: {version: 1; reassignment: ReassignmentJson; original: ReassignmentJson; summary: PlanSummary; createdAt?: string} = {
    version: 1,
    reassignment: plan.reassignment,
    original: plan.original,
    summary: plan.summary,
  }
  if (meta.createdAt !== undefined) file.createdAt = meta.createdAt
  return file
}

function fail(what: string): never {
  throw badInput(`plan file: ${what}; use a file written by \`fleetops kafka rebalance plan\`, or ${REPLAN}`)
}

function parseReassignment(raw: unknown, name: string): ReassignmentJson {
  if (!isRecord(raw)) fail(`"${name}" must be an object {"version":1,"partitions":[...]}, got ${describeJson(raw)}`)
  if (raw.version !== 1) fail(`"${name}.version" must be 1, got ${describeJson(raw.version)}`)
  const list = raw.partitions
  if (!Array.isArray(list)) fail(`"${name}.partitions" must be an array, got ${describeJson(list)}`)
  checkCount(list.length, MAX_COUNT.partitions, `plan file: "${name}.partitions"`, 'split the rebalance into several plans')
  const partitions: PartitionAssignment[] = list.map((entry, i) => {
    const where = `${name}.partitions[${i}]`
    if (!isRecord(entry)) fail(`${where} must be an object, got ${describeJson(entry)}`)
    let topic: string
    try {
      topic = kafkaTopicName(entry.topic)
    } catch {
      fail(`${where}.topic ${describeJson(entry.topic)} is not a valid Kafka topic name`)
    }
    const partition = entry.partition
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition > MAX_KAFKA_ID) {
      fail(`${where}.partition must be an integer from 0 to ${MAX_KAFKA_ID}, got ${describeJson(partition)}`)
    }
    const reps = entry.replicas
    if (!Array.isArray(reps) || reps.length === 0) fail(`${where}.replicas must be a non-empty array of broker ids`)
    if (reps.length > MAX_COUNT.replicasPerPartition) fail(`${where}.replicas lists ${reps.length} brokers, more than the maximum of ${MAX_COUNT.replicasPerPartition}`)
    const seen = new Set<number>()
    for (const b of reps) {
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > MAX_KAFKA_ID) {
        fail(`${where}.replicas contains ${describeJson(b)}, which is not a broker id`)
      }
      if (seen.has(b)) fail(`${where}.replicas lists broker ${b} twice`)
      seen.add(b)
    }
    return {topic, partition, replicas: reps as number[]}
  })
  const sorted = [...partitions].sort(compareTopicPartition)
  for (let i = 1; i < sorted.length; i++) {
    if (compareTopicPartition(sorted[i - 1], sorted[i]) === 0) fail(`"${name}" lists ${printable(partitionLabel(sorted[i]))} twice`)
  }
  return {version: 1, partitions: sorted}
}

function parseUnchecked(json: unknown): PlanFile {
  if (!isRecord(json)) fail(`expected a JSON object, got ${describeKind(json)}`)
  if (json.version !== 1) fail(`"version" must be 1, got ${describeJson(json.version)}`)
  const reassignment = parseReassignment(json.reassignment, 'reassignment')
  const original = parseReassignment(json.original, 'original')
  if (reassignment.partitions.length !== original.partitions.length) {
    fail(`"reassignment" has ${reassignment.partitions.length} partitions but "original" has ${original.partitions.length}`)
  }
  reassignment.partitions.forEach((p, i) => {
    if (compareTopicPartition(p, original.partitions[i]) !== 0) {
      fail(`${printable(partitionLabel(p))} is in "reassignment" but not in "original"`)
    }
  })
  const summary = json.summary
  if (!isRecord(summary) || typeof summary.moves !== 'number' || !Array.isArray(summary.warnings)) {
    fail('"summary" is missing or has no "moves" count')
  }
  const file: {version: 1; reassignment: ReassignmentJson; original: ReassignmentJson; summary: PlanSummary; createdAt?: string} = {
    version: 1,
    reassignment,
    original,
    // The summary is informational (printed, never acted on), so only its shape is checked.
    summary: summary as unknown as PlanSummary,
  }
  if (json.createdAt !== undefined) {
    if (typeof json.createdAt !== 'string') fail(`"createdAt" must be a string, got ${describeJson(json.createdAt)}`)
    file.createdAt = json.createdAt
  }
  return file
}

/** Validates a plan file; any problem, for any JSON value, is a one-line BAD_INPUT FleetopsError. */
export function parsePlanFile(json: unknown): PlanFile {
  try {
    return parseUnchecked(json)
  } catch (err) {
    if (isFleetopsError(err)) throw err
    throw badInput(`plan file could not be read (${printable(err instanceof Error ? err.message : 'unknown error')}); ${REPLAN}`)
  }
}

function stale(message: string): FleetopsError {
  return new FleetopsError('STALE_PLAN', `${message}; the plan no longer matches the cluster, ${REPLAN}`)
}

/**
 * Refuses a plan made for a different cluster state: every partition's current replicas (in
 * order, since order is leadership) must equal the plan's original, and every target broker must
 * still exist. Throws STALE_PLAN (exit 2) naming the first partition that differs.
 */
export function checkPlanIsCurrent(planFile: PlanFile, state: ClusterState): void {
  const current = new Map(state.partitions.map((p) => [partitionKey(p.topic, p.partition), p.replicas]))
  for (const p of planFile.original.partitions) {
    const now = current.get(partitionKey(p.topic, p.partition))
    const label = printable(partitionLabel(p))
    if (now === undefined) throw stale(`partition ${label} no longer exists`)
    const same = now.length === p.replicas.length && now.every((b, i) => b === p.replicas[i])
    if (!same) throw stale(`partition ${label} now has replicas [${now.join(',')}], the plan expected [${p.replicas.join(',')}]`)
  }
  const brokers = new Set(state.brokers.map((b) => b.id))
  for (const p of planFile.reassignment.partitions) {
    const missing = p.replicas.find((b) => !brokers.has(b))
    if (missing !== undefined) throw stale(`partition ${printable(partitionLabel(p))} would move to broker ${missing}, which is no longer in the cluster`)
  }
}

/**
 * Kafka error codes (org.apache.kafka.common.protocol.Errors): their names, the FleetopsError
 * code each maps to, and the error that carries a Kafka code to the callers that retry on it.
 */
import {FleetopsError, type ErrorCode} from '../../../core/errors.js'

/**
 * The Kafka error codes fleetops names (org.apache.kafka.common.protocol.Errors): the one
 * table of Kafka error numbers in fleetops; compare codes against it, not against literals.
 */
export const KafkaErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  REPLICA_NOT_AVAILABLE: 9,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  INVALID_GROUP_ID: 24,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  UNSUPPORTED_VERSION: 35,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  NOT_CONTROLLER: 41,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  POLICY_VIOLATION: 44,
  KAFKA_STORAGE_ERROR: 56,
  LOG_DIR_NOT_FOUND: 57,
  SASL_AUTHENTICATION_FAILED: 58,
  UNKNOWN_PRODUCER_ID: 59,
  REASSIGNMENT_IN_PROGRESS: 60,
  GROUP_ID_NOT_FOUND: 69,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  OFFSET_NOT_AVAILABLE: 78,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  GROUP_MAX_SIZE_REACHED: 81,
  ELIGIBLE_LEADERS_NOT_AVAILABLE: 83,
  ELECTION_NOT_NEEDED: 84,
  NO_REASSIGNMENT_IN_PROGRESS: 85,
  INVALID_RECORD: 87,
  THROTTLING_QUOTA_EXCEEDED: 89,
  UNKNOWN_TOPIC_ID: 100,
  INCONSISTENT_TOPIC_ID: 103,
  INCONSISTENT_CLUSTER_ID: 106,
  DUPLICATE_BROKER_REGISTRATION: 110,
  NEW_LEADER_ELECTED: 112,
} as const

const ERROR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(KafkaErrorCode).map(([name, code]) => [code, name]))

export function kafkaErrorName(code: number): string {
  return ERROR_NAMES.get(code) ?? `KAFKA_ERROR_${code}`
}

const E = KafkaErrorCode

/** Which FleetopsError code a Kafka error code maps to. */
export function fleetopsCodeFor(kafkaCode: number): ErrorCode {
  switch (kafkaCode) {
    case E.TOPIC_AUTHORIZATION_FAILED:
    case E.GROUP_AUTHORIZATION_FAILED:
    case E.CLUSTER_AUTHORIZATION_FAILED:
      return 'PERMISSION'
    case E.INVALID_CONFIG:
    case E.INVALID_REQUEST:
    case E.POLICY_VIOLATION: // the broker rejected the value by policy
      return 'BAD_INPUT'
    case E.REQUEST_TIMED_OUT:
      return 'TIMEOUT'
    case E.LEADER_NOT_AVAILABLE:
    case E.BROKER_NOT_AVAILABLE:
    case E.REPLICA_NOT_AVAILABLE:
    case E.NETWORK_EXCEPTION:
    case E.COORDINATOR_LOAD_IN_PROGRESS:
    case E.COORDINATOR_NOT_AVAILABLE:
    case E.NOT_COORDINATOR:
    case E.NOT_CONTROLLER:
    case E.KAFKA_STORAGE_ERROR:
      return 'UNAVAILABLE'
    default:
      return 'INTERNAL'
  }
}

/** A FleetopsError for a Kafka error code, keeping the code for the callers that retry on it. */
export class KafkaCodeError extends FleetopsError {
  constructor(
    readonly kafkaCode: number,
    message: string,
  ) {
    super(fleetopsCodeFor(kafkaCode), message)
  }
}

/** One Kafka error code (+ optional broker message) as a FleetopsError with a readable message. */
export function kafkaError(kafkaCode: number, context: string, brokerMessage?: string | null): FleetopsError {
  const name = kafkaErrorName(kafkaCode)
  const detail = brokerMessage ? `: ${brokerMessage}` : ''
  return new KafkaCodeError(kafkaCode, `${context} failed with ${name} (${kafkaCode})${detail}`)
}

/** The Kafka error code an error carries: ours (KafkaCodeError) or a kafkajs protocol error's; null if none. */
export function kafkaCodeOf(error: unknown): number | null {
  if (error instanceof KafkaCodeError) return error.kafkaCode
  const e = error as {name?: string; code?: unknown; cause?: unknown} | null
  if (e?.name === 'KafkaJSProtocolError' && typeof e.code === 'number') return e.code
  if (e?.name === 'KafkaJSNumberOfRetriesExceeded' || e?.name === 'FleetopsError') return e.cause ? kafkaCodeOf(e.cause) : null
  return null
}

/**
 * COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: the group's
 * coordinator is starting, or has moved (its broker restarted, __consumer_offsets leaders
 * changed). Asking the new coordinator again is the fix, not an error to report.
 */
export const COORDINATOR_MOVED_CODES: ReadonlySet<number> = new Set([
  E.COORDINATOR_LOAD_IN_PROGRESS,
  E.COORDINATOR_NOT_AVAILABLE,
  E.NOT_COORDINATOR,
])

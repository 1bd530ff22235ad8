/**
 * Shared pieces of the hand-written Kafka protocol requests: a byte writer/reader that
 * knows both the classic encodings and the "flexible" ones (KIP-482: unsigned varints,
 * compact strings/arrays, tagged fields), version negotiation, and error-code mapping.
 *
 * Nothing here imports kafkajs; the wire framing and connections are in
 * `broker-connection.ts`.
 */
import {FleetopsError, type ErrorCode} from '../../../core/errors.js'
import {retryWithBackoff} from '../../retry-backoff.js'

// ---------------------------------------------------------------------------
// Encoding

const ZERO_UUID = Buffer.alloc(16)

export class Writer {
  // One growing buffer: requests with thousands of partitions would otherwise allocate a
  // small Buffer per field.
  private buf = Buffer.allocUnsafe(256)
  private pos = 0

  constructor(readonly flexible: boolean) {}

  int8(v: number): this {
    this.ensure(1)
    this.pos = this.buf.writeInt8(v, this.pos)
    return this
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0)
  }

  int16(v: number): this {
    this.ensure(2)
    this.pos = this.buf.writeInt16BE(v, this.pos)
    return this
  }

  int32(v: number): this {
    this.ensure(4)
    this.pos = this.buf.writeInt32BE(v, this.pos)
    return this
  }

  int64(v: number | bigint): this {
    this.ensure(8)
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // Two 32-bit halves: no BigInt per offset in requests with thousands of partitions.
      this.pos = this.buf.writeInt32BE(Math.floor(v / 0x100000000), this.pos)
      this.pos = this.buf.writeUInt32BE(v >>> 0, this.pos)
    } else this.pos = this.buf.writeBigInt64BE(BigInt(v), this.pos)
    return this
  }

  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uvarint out of range: ${v}`)
    this.ensure(5)
    let rest = v
    while (rest > 0x7f) {
      this.buf[this.pos++] = (rest & 0x7f) | 0x80
      rest = Math.floor(rest / 128)
    }
    this.buf[this.pos++] = rest
    return this
  }

  /** STRING / COMPACT_STRING (non-null). */
  string(v: string): this {
    return this.nullableString(v)
  }

  /** NULLABLE_STRING / COMPACT_NULLABLE_STRING. */
  nullableString(v: string | null): this {
    if (v === null) return this.flexible ? this.uvarint(0) : this.int16(-1)
    const length = Buffer.byteLength(v, 'utf8')
    if (this.flexible) this.uvarint(length + 1)
    else {
      if (length > 0x7fff) throw new RangeError('string too long for the Kafka protocol')
      this.int16(length)
    }
    this.ensure(length)
    this.pos += this.buf.write(v, this.pos, 'utf8')
    return this
  }

  /** BYTES / COMPACT_BYTES. */
  bytes(v: Buffer): this {
    if (this.flexible) this.uvarint(v.length + 1)
    else this.int32(v.length)
    this.ensure(v.length)
    this.pos += v.copy(this.buf, this.pos)
    return this
  }

  /** ARRAY / COMPACT_ARRAY; `null` encodes a null array (only where the schema allows it). */
  array<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.flexible ? this.uvarint(0) : this.int32(-1)
    if (this.flexible) this.uvarint(items.length + 1)
    else this.int32(items.length)
    for (const item of items) each(this, item)
    return this
  }

  /** UUID (16 bytes); the all-zero UUID means "none". */
  uuid(v: Buffer = ZERO_UUID): this {
    if (v.length !== 16) throw new RangeError('a UUID is 16 bytes')
    this.ensure(16)
    this.pos += v.copy(this.buf, this.pos)
    return this
  }

  /** An empty tagged-field section (flexible versions only; a no-op otherwise). */
  tags(): this {
    return this.flexible ? this.uvarint(0) : this
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos))
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }
}

// ---------------------------------------------------------------------------
// Decoding

export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError'
}

export class Reader {
  private pos = 0

  constructor(
    private readonly buf: Buffer,
    readonly flexible: boolean,
  ) {}

  int8(): number {
    this.need(1)
    const v = this.buf.readInt8(this.pos)
    this.pos += 1
    return v
  }

  bool(): boolean {
    return this.int8() !== 0
  }

  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /** INT64 as a JS number. Offsets and byte sizes stay far below 2^53 in practice. */
  int64(): number {
    this.need(8)
    const hi = this.buf.readInt32BE(this.pos)
    // |value| < 2^53 exactly when the high half is within ±2^21 (and not -2^21 with a zero low half).
    if (hi >= -0x200000 && hi < 0x200000) {
      const n = hi * 0x100000000 + this.buf.readUInt32BE(this.pos + 4)
      if (Number.isSafeInteger(n)) {
        this.pos += 8
        return n
      }
    }
    const v = this.buf.readBigInt64BE(this.pos)
    throw new ProtocolDecodeError(`int64 value ${v} does not fit a JS number`)
  }

  uvarint(): number {
    let result = 0
    let multiplier = 1
    for (let i = 0; i < 5; i++) {
      const byte = this.uint8()
      result += (byte & 0x7f) * multiplier
      if ((byte & 0x80) === 0) return result
      multiplier *= 128
    }
    throw new ProtocolDecodeError('unsigned varint longer than 5 bytes')
  }

  string(): string {
    const v = this.nullableString()
    if (v === null) throw new ProtocolDecodeError('unexpected null string')
    return v
  }

  nullableString(): string | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int16()
    if (len < 0) return null
    this.need(len)
    const v = this.buf.toString('utf8', this.pos, this.pos + len)
    this.pos += len
    return v
  }

  array<T>(each: (r: this) => T): T[] {
    return this.nullableArray(each) ?? []
  }

  nullableArray<T>(each: (r: this) => T): T[] | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int32()
    if (len < 0) return null
    // Guard against garbage lengths before allocating.
    if (len > this.buf.length - this.pos) throw new ProtocolDecodeError(`array length ${len} exceeds the response`)
    const out: T[] = []
    for (let i = 0; i < len; i++) out.push(each(this))
    return out
  }

  /** BYTES / RECORDS (COMPACT_ variants when flexible); null for a null value. */
  nullableBytes(): Buffer | null {
    const len = this.flexible ? this.uvarint() - 1 : this.int32()
    if (len < 0) return null
    this.need(len)
    const v = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return v
  }

  /** UUID (16 bytes), as 32 hex digits. */
  uuid(): string {
    this.need(16)
    const v = this.buf.toString('hex', this.pos, this.pos + 16)
    this.pos += 16
    return v
  }

  /** ARRAY / COMPACT_ARRAY of INT32 (null reads as empty). */
  int32Array(): number[] {
    const len = this.flexible ? this.uvarint() - 1 : this.int32()
    if (len <= 0) return []
    this.need(len * 4)
    const out = new Array<number>(len)
    for (let i = 0; i < len; i++) out[i] = this.buf.readInt32BE(this.pos + i * 4)
    this.pos += len * 4
    return out
  }

  /** Skips a tagged-field section (flexible versions); none of our fields are tagged. */
  tags(): void {
    if (!this.flexible) return
    const count = this.uvarint()
    for (let i = 0; i < count; i++) {
      this.uvarint() // tag
      const size = this.uvarint()
      this.need(size)
      this.pos += size
    }
  }

  private uint8(): number {
    this.need(1)
    return this.buf[this.pos++]!
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new ProtocolDecodeError(`response truncated: need ${n} bytes at offset ${this.pos} of ${this.buf.length}`)
    }
  }
}

// ---------------------------------------------------------------------------
// Version negotiation

export interface VersionRange {
  min: number
  max: number
}

/** What the broker advertised in ApiVersions for one API key, or undefined if not at all. */
export type BrokerApiVersions = Record<number, {minVersion: number; maxVersion: number} | undefined>

/**
 * Highest version both sides speak. Throws UNAVAILABLE (the broker cannot serve this
 * request) when the ranges do not overlap or the broker does not know the API.
 */
export function negotiateVersion(
  apiName: string,
  apiKey: number,
  ours: VersionRange,
  brokerVersions: BrokerApiVersions,
  brokerLabel: string,
): number {
  const theirs = brokerVersions[apiKey]
  if (!theirs) {
    throw new FleetopsError('UNAVAILABLE', `${brokerLabel} does not support ${apiName} (API key ${apiKey}).`)
  }
  const version = Math.min(ours.max, theirs.maxVersion)
  if (version < ours.min || version < theirs.minVersion) {
    throw new FleetopsError(
      'UNAVAILABLE',
      `${brokerLabel} supports ${apiName} v${theirs.minVersion}-${theirs.maxVersion}; fleetops implements v${ours.min}-${ours.max}.`,
    )
  }
  return version
}

// ---------------------------------------------------------------------------
// Errors

/** Kafka error codes we name explicitly (org.apache.kafka.common.protocol.Errors). */
const ERROR_NAMES: Record<number, string> = {
  [-1]: 'UNKNOWN_SERVER_ERROR',
  0: 'NONE',
  1: 'OFFSET_OUT_OF_RANGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  8: 'BROKER_NOT_AVAILABLE',
  9: 'REPLICA_NOT_AVAILABLE',
  13: 'NETWORK_EXCEPTION',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR',
  19: 'NOT_ENOUGH_REPLICAS',
  24: 'INVALID_GROUP_ID',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  30: 'GROUP_AUTHORIZATION_FAILED',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM',
  35: 'UNSUPPORTED_VERSION',
  37: 'INVALID_PARTITIONS',
  38: 'INVALID_REPLICATION_FACTOR',
  39: 'INVALID_REPLICA_ASSIGNMENT',
  40: 'INVALID_CONFIG',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST',
  43: 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  44: 'POLICY_VIOLATION',
  56: 'KAFKA_STORAGE_ERROR',
  57: 'LOG_DIR_NOT_FOUND',
  58: 'SASL_AUTHENTICATION_FAILED',
  59: 'UNKNOWN_PRODUCER_ID',
  60: 'REASSIGNMENT_IN_PROGRESS',
  69: 'GROUP_ID_NOT_FOUND',
  74: 'FENCED_LEADER_EPOCH',
  75: 'UNKNOWN_LEADER_EPOCH',
  78: 'OFFSET_NOT_AVAILABLE',
  80: 'PREFERRED_LEADER_NOT_AVAILABLE',
  81: 'GROUP_MAX_SIZE_REACHED',
  83: 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
  84: 'ELECTION_NOT_NEEDED',
  85: 'NO_REASSIGNMENT_IN_PROGRESS',
  87: 'INVALID_RECORD',
  89: 'THROTTLING_QUOTA_EXCEEDED',
  100: 'UNKNOWN_TOPIC_ID',
  103: 'INCONSISTENT_TOPIC_ID',
  106: 'INCONSISTENT_CLUSTER_ID',
  110: 'DUPLICATE_BROKER_REGISTRATION',
  112: 'NEW_LEADER_ELECTED',
}

export const KafkaErrorCode = {
  NONE: 0,
  NOT_LEADER_OR_FOLLOWER: 6,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_VERSION: 35,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  POLICY_VIOLATION: 44,
  GROUP_ID_NOT_FOUND: 69,
  ELECTION_NOT_NEEDED: 84,
  NO_REASSIGNMENT_IN_PROGRESS: 85,
} as const

export function kafkaErrorName(code: number): string {
  return ERROR_NAMES[code] ?? `KAFKA_ERROR_${code}`
}

/** Which FleetopsError code a Kafka error code maps to. */
export function fleetopsCodeFor(kafkaCode: number): ErrorCode {
  switch (kafkaCode) {
    case 29:
    case 30:
    case 31:
      return 'PERMISSION'
    case 40:
    case 42:
    case 44: // POLICY_VIOLATION: the broker rejected the value by policy
      return 'BAD_INPUT'
    case 7:
      return 'TIMEOUT'
    case 5:
    case 8:
    case 9:
    case 13:
    case 14:
    case 15:
    case 16:
    case 41:
    case 56:
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
export const COORDINATOR_MOVED_CODES: ReadonlySet<number> = new Set([14, 15, 16])

/**
 * Runs `attempt` again while it fails with a coordinator-moved code (as `codeOf` reads it
 * from the error), calling `forget` to drop the cached coordinator and backing off in
 * between: about 6 s in all, the time a coordinator takes to load after a broker restart.
 */
export async function retryWhileCoordinatorMoves<T>(attempt: () => Promise<T>, codeOf: (error: unknown) => number | null, forget: () => void): Promise<T> {
  return retryWithBackoff(attempt, (error) => COORDINATOR_MOVED_CODES.has(codeOf(error) ?? 0), {attempts: 7, beforeRetry: forget})
}

/** Positive int32 check for user-provided ids and partitions. */
export function assertInt32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new FleetopsError('BAD_INPUT', `${what} must be a non-negative integer, got ${String(value)}`)
  }
}

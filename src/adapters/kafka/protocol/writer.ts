/**
 * Writer: the request bytes, in both the classic encodings and the "flexible" ones (KIP-482:
 * unsigned varints, compact strings/arrays, tagged fields). Also assertInt32, the check on
 * user-given ids and partitions before they are written as INT32.
 */
import {FleetopsError} from '../../../core/errors.js'

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

/** Positive int32 check for user-provided ids and partitions. */
export function assertInt32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new FleetopsError('BAD_INPUT', `${what} must be a non-negative integer, got ${String(value)}`)
  }
}

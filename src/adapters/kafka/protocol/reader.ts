/**
 * Reader: the response bytes, in both the classic encodings and the "flexible" ones (KIP-482).
 * A short or malformed response raises ProtocolDecodeError.
 */

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

/**
 * Streaming decoder for the record batch format v2 (magic 2, KIP-98) returned by Fetch,
 * for bounded bulk reads (look-back jobs). Unlike record-batch.ts (which finds one record)
 * this visits every data record in a range without allocating per record: the visitor gets
 * the offset, the timestamp and the value's position inside a shared buffer.
 *
 * - Control batches (transaction markers) are skipped, but their offsets still count
 *   towards `nextOffset`, so a reader never waits forever on a trailing marker.
 * - Compression and transactions are dealt with before: readableBatches() (readable-batches.ts)
 *   hands this decoder uncompressed batches, with aborted transactions emptied under
 *   read_committed. A compressed batch here is a caller's bug.
 * - A trailing batch cut short by the fetch byte limits is ignored; `nextOffset` stops
 *   before it so the next fetch starts there.
 * - Offsets are JS numbers: exact up to 2^53, far beyond any real log.
 */
import {FleetopsError} from '../../../core/errors.js'
import {codecName} from './record-codecs.js'
/** Bytes from baseOffset to the first record. */
const HEADER = 61

/** Called for each data record in [fromOffset, endOffset); `value` is null for a null value (tombstone). */
export type RecordVisitor = (offset: number, timestampMs: number, data: Buffer, valueStart: number, valueEnd: number) => void

export interface DecodeResult {
  /** Offset after the last complete batch (control batches included); fromOffset when none was complete. */
  nextOffset: number
  /** Data records visited. */
  visited: number
  /** True when the buffer ended inside a batch (the fetch byte limit cut it). */
  truncated: boolean
}

/**
 * Offset after the last complete batch in the buffer, without decoding records (cheap:
 * headers only), so the next fetch can be sent before this one is processed.
 */
export function nextOffsetAfter(buf: Buffer | null, fromOffset: number): number {
  let next = fromOffset
  if (!buf) return next
  let pos = 0
  while (pos + 12 <= buf.length) {
    const batchLength = buf.readInt32BE(pos + 8)
    const end = pos + 12 + batchLength
    if (end > buf.length || batchLength < HEADER - 12) break
    const last = Number(buf.readBigInt64BE(pos)) + buf.readInt32BE(pos + 23)
    if (last + 1 > next) next = last + 1
    pos = end
  }
  return next
}

let p = 0

function varint(buf: Buffer): number {
  let b = buf[p++]!
  let result = b & 0x7f
  if (b & 0x80) {
    b = buf[p++]!
    result |= (b & 0x7f) << 7
    if (b & 0x80) {
      b = buf[p++]!
      result |= (b & 0x7f) << 14
      if (b & 0x80) {
        b = buf[p++]!
        result |= (b & 0x7f) << 21
        if (b & 0x80) {
          b = buf[p++]!
          // 5th byte: 4 more bits for a 32-bit zig-zag value; larger values go the slow way.
          if (b & 0x80 || b > 0x0f) {
            p -= 5
            return varlong(buf)
          }
          result = (result >>> 0) + b * 268435456
        }
      }
    }
  }
  // Zig-zag.
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2
}

function varlong(buf: Buffer): number {
  let result = 0
  let multiplier = 1
  for (let i = 0; i < 10; i++) {
    const b = buf[p++]!
    result += (b & 0x7f) * multiplier
    if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2
    multiplier *= 128
  }
  throw new FleetopsError('INTERNAL', 'Kafka record: varint longer than 10 bytes')
}

/** Visits every data record with fromOffset <= offset < endOffset. */
export function decodeRecordBatches(buf: Buffer | null, fromOffset: number, endOffset: number, visit: RecordVisitor): DecodeResult {
  const out: DecodeResult = {nextOffset: fromOffset, visited: 0, truncated: false}
  if (!buf) return out
  let pos = 0
  while (pos + 12 <= buf.length) {
    const baseOffset = Number(buf.readBigInt64BE(pos))
    const batchLength = buf.readInt32BE(pos + 8)
    const end = pos + 12 + batchLength
    if (end > buf.length || batchLength < HEADER - 12) {
      out.truncated = true
      return out
    }
    const magic = buf.readInt8(pos + 16)
    if (magic !== 2) throw new FleetopsError('INTERNAL', `Kafka record batch format v${magic} at offset ${baseOffset} is not supported (only v2, Kafka 0.11+)`)
    const attributes = buf.readInt16BE(pos + 21)
    const lastOffset = baseOffset + buf.readInt32BE(pos + 23)
    if (lastOffset + 1 > out.nextOffset) out.nextOffset = lastOffset + 1
    const isControl = (attributes & 0x20) !== 0
    if (!isControl && lastOffset >= fromOffset && baseOffset < endOffset) {
      const baseTimestamp = Number(buf.readBigInt64BE(pos + 27))
      const maxTimestamp = Number(buf.readBigInt64BE(pos + 35))
      const logAppendTime = (attributes & 0x08) !== 0
      const codec = attributes & 0x07
      const count = buf.readInt32BE(pos + 57)
      let data: Buffer
      let start: number
      let stop: number
      if (codec === 0) {
        data = buf
        start = pos + HEADER
        stop = end
      } else {
        throw new FleetopsError('INTERNAL', `Kafka batch at offset ${baseOffset} is still ${codecName(codec)}-compressed: the reader must pass the fetch through readableBatches() first`)
      }
      p = start
      for (let i = 0; i < count && p < stop; i++) {
        const length = varint(data)
        const recordStart = p
        p++ // attributes
        const timestampDelta = varint(data)
        const offset = baseOffset + varint(data)
        const keyLength = varint(data)
        if (keyLength > 0) p += keyLength
        const valueLength = varint(data)
        if (offset >= fromOffset && offset < endOffset) {
          const ts = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta
          if (valueLength < 0) visit(offset, ts, data, -1, -1)
          else visit(offset, ts, data, p, p + valueLength)
          out.visited++
        }
        p = recordStart + length
      }
    }
    pos = end
  }
  if (pos < buf.length) out.truncated = true
  return out
}

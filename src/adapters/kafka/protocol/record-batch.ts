/**
 * Just enough of the record batch format (magic v2, KIP-98) to find the first data record
 * at or after an offset and read its timestamp. Not a request: Fetch (fetch.ts) returns
 * these bytes. Control batches (transaction markers) are skipped because a consumer never
 * sees them. When the answer lies in a batch cut short by the fetch byte limits the result
 * is 'incomplete' with the exact number of bytes to ask for next time. Complete compressed
 * batches are decompressed before, by readableBatches() (readable-batches.ts).
 */
import {codecName} from './record-codecs.js'

export type RecordLookup =
  | {kind: 'found'; offset: number; timestamp: number}
  /**
   * No record at or after the offset in these bytes, but a batch was cut short by the
   * fetch byte limit: fetch again with at least `needBytes` (the exact size up to the end
   * of the batch that holds the answer; null when not even a batch header arrived).
   */
  | {kind: 'incomplete'; needBytes: number | null}
  /** Every complete batch ended before the offset (nothing more in the log yet). */
  | {kind: 'none'}
  | {kind: 'unsupported'; reason: string}

const HEADER = 61 // bytes from baseOffset to the first record

/**
 * Only the bytes needed are read: the batch header (base offset, base/max timestamp,
 * attributes) and, in an uncompressed batch, each record's varint header up to the wanted
 * offset, so a fetch cut short inside the batch usually still answers (the fetch asks for
 * a few hundred bytes per partition). A compressed batch must be complete (and is then
 * already decompressed by readableBatches).
 */
export function firstRecordAtOrAfter(buf: Buffer | null, target: number): RecordLookup {
  if (!buf || buf.length === 0) return {kind: 'incomplete', needBytes: null}
  let pos = 0
  while (pos + 12 <= buf.length) {
    const baseOffset = int64At(buf, pos)
    const batchLength = buf.readInt32BE(pos + 8)
    if (batchLength < HEADER - 12) return {kind: 'unsupported', reason: `corrupt record batch (length ${batchLength})`}
    const end = pos + 12 + batchLength
    const complete = end <= buf.length
    if (pos + 17 > buf.length) return {kind: 'incomplete', needBytes: end}
    const magic = buf.readInt8(pos + 16)
    if (magic !== 2) return {kind: 'unsupported', reason: `record batch format v${magic} (only v2 is read)`}
    if (pos + HEADER > buf.length) return {kind: 'incomplete', needBytes: end}
    const attributes = buf.readInt16BE(pos + 21)
    const lastOffsetDelta = buf.readInt32BE(pos + 23)
    const baseTimestamp = int64At(buf, pos + 27)
    const maxTimestamp = int64At(buf, pos + 35)
    const isControl = (attributes & 0x20) !== 0
    const logAppendTime = (attributes & 0x08) !== 0
    const codec = attributes & 0x07
    if (!isControl && baseOffset + lastOffsetDelta >= target) {
      let records: Buffer
      if (codec === 0) records = buf.subarray(pos + HEADER, Math.min(end, buf.length))
      else if (!complete) return {kind: 'incomplete', needBytes: end}
      else return {kind: 'unsupported', reason: `batch compressed with ${codecName(codec)} was not decompressed (pass the fetch through readableBatches)`}
      const count = buf.readInt32BE(pos + 57)
      const found = scanRecords(records, count, baseOffset, target)
      if (found) return {kind: 'found', offset: found.offset, timestamp: logAppendTime ? maxTimestamp : baseTimestamp + found.timestampDelta}
      if (!complete) return {kind: 'incomplete', needBytes: end}
    }
    // This batch holds nothing wanted; the answer is in a later one.
    if (!complete) return {kind: 'incomplete', needBytes: end + 1024}
    pos = end
  }
  // Leftover bytes shorter than a batch header: a cut-short batch.
  return pos < buf.length ? {kind: 'incomplete', needBytes: null} : {kind: 'none'}
}

/** Walks record headers in `buf` (possibly cut short) until the first offset >= target. */
function scanRecords(buf: Buffer, count: number, baseOffset: number, target: number): {offset: number; timestampDelta: number} | null {
  const r = {pos: 0}
  try {
    for (let i = 0; i < count && r.pos < buf.length; i++) {
      const length = varint(buf, r)
      const start = r.pos
      r.pos += 1 // attributes
      const timestampDelta = varint(buf, r)
      const offsetDelta = varint(buf, r)
      if (baseOffset + offsetDelta >= target) return {offset: baseOffset + offsetDelta, timestampDelta}
      r.pos = start + length
    }
  } catch (error) {
    if (error instanceof RangeError) return null // cut short inside a record header
    throw error
  }
  return null
}

/** A big-endian int64 as a number without a BigInt (offsets and timestamps are far below 2^53). */
export function int64At(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4)
}

/** Zig-zag varint/varlong as a JS number (deltas and lengths are far below 2^53). */
export function varint(buf: Buffer, r: {pos: number}): number {
  let result = 0
  let multiplier = 1
  for (let i = 0; i < 10; i++) {
    if (r.pos >= buf.length) throw new RangeError('record truncated inside a varint')
    const byte = buf[r.pos++]!
    result += (byte & 0x7f) * multiplier
    if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2
    multiplier *= 128
  }
  throw new RangeError('varint longer than 10 bytes')
}

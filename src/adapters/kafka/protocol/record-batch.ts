/**
 * Just enough of the record batch format (magic v2, KIP-98) to find the first data record
 * at or after an offset and read its timestamp. Not a request: Fetch (fetch.ts) returns
 * these bytes. Control batches (transaction markers) are skipped because a consumer never
 * sees them. A trailing batch cut short by the fetch byte limits is reported as
 * 'incomplete' so the caller can fetch again with a larger limit.
 */
import {gunzipSync} from 'node:zlib'

export type RecordLookup =
  | {kind: 'found'; offset: number; timestamp: number}
  /** No record at or after the offset in these bytes, but a batch was cut short: fetch more. */
  | {kind: 'incomplete'}
  /** Every complete batch ended before the offset (nothing more in the log yet). */
  | {kind: 'none'}
  | {kind: 'unsupported'; reason: string}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
const HEADER = 61 // bytes from baseOffset to the first record

export function firstRecordAtOrAfter(buf: Buffer | null, target: number): RecordLookup {
  if (!buf || buf.length === 0) return {kind: 'incomplete'}
  let pos = 0
  while (pos + 12 <= buf.length) {
    const baseOffset = Number(buf.readBigInt64BE(pos))
    const batchLength = buf.readInt32BE(pos + 8)
    const end = pos + 12 + batchLength
    if (end > buf.length || batchLength < HEADER - 12) return {kind: 'incomplete'}
    const magic = buf.readInt8(pos + 16)
    if (magic !== 2) return {kind: 'unsupported', reason: `record batch format v${magic} (only v2 is read)`}
    const attributes = buf.readInt16BE(pos + 21)
    const lastOffsetDelta = buf.readInt32BE(pos + 23)
    const baseTimestamp = Number(buf.readBigInt64BE(pos + 27))
    const maxTimestamp = Number(buf.readBigInt64BE(pos + 35))
    const isControl = (attributes & 0x20) !== 0
    const logAppendTime = (attributes & 0x08) !== 0
    const codec = attributes & 0x07
    if (!isControl && baseOffset + lastOffsetDelta >= target) {
      let records: Buffer
      if (codec === 0) records = buf.subarray(pos + HEADER, end)
      else if (codec === 1) records = gunzipSync(buf.subarray(pos + HEADER, end))
      else return {kind: 'unsupported', reason: `batch compressed with ${CODECS[codec] ?? `codec ${codec}`}, which fleetops does not decompress`}
      const count = buf.readInt32BE(pos + 57)
      const found = scanRecords(records, count, baseOffset, target)
      if (found) return {kind: 'found', offset: found.offset, timestamp: logAppendTime ? maxTimestamp : baseTimestamp + found.timestampDelta}
    }
    pos = end
  }
  // Leftover bytes shorter than a batch header: a cut-short batch.
  return pos < buf.length ? {kind: 'incomplete'} : {kind: 'none'}
}

function scanRecords(buf: Buffer, count: number, baseOffset: number, target: number): {offset: number; timestampDelta: number} | null {
  const r = {pos: 0}
  for (let i = 0; i < count && r.pos < buf.length; i++) {
    const length = varint(buf, r)
    const start = r.pos
    r.pos += 1 // attributes
    const timestampDelta = varint(buf, r)
    const offsetDelta = varint(buf, r)
    if (baseOffset + offsetDelta >= target) return {offset: baseOffset + offsetDelta, timestampDelta}
    r.pos = start + length
  }
  return null
}

/** Zig-zag varint/varlong as a JS number (deltas and lengths are far below 2^53). */
function varint(buf: Buffer, r: {pos: number}): number {
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

/**
 * Reads the keys of the records in Kafka record batches (magic v2, as Fetch
 * returns them). Pure: decompression is passed in (the Kafka reader decompresses every codec
 * before, with readableBatches(), and passes a decompressor that answers null).
 * Control batches are skipped; a trailing batch cut short by the fetch limits
 * is ignored; records before `fromOffset` are skipped.
 */
export interface RecordKey {
  offset: number
  /** null for a record without a key (the partitioner then does not hash). */
  key: Uint8Array | null
}

export interface RecordKeysResult {
  records: RecordKey[]
  /** Offset after the last whole record read, for the next fetch. */
  nextOffset: number
  /** Batches that could not be read (a codec `decompress` refused, another format), with the reason. */
  skippedBatches: number
  skipReason?: string
}

const HEADER = 61
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export function recordKeys(
  buf: Uint8Array | null,
  fromOffset: number,
  decompress: (codec: string, data: Uint8Array) => Uint8Array | null,
): RecordKeysResult {
  const out: RecordKeysResult = {records: [], nextOffset: fromOffset, skippedBatches: 0}
  if (!buf || buf.length === 0) return out
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let pos = 0
  while (pos + 12 <= buf.length) {
    const baseOffset = Number(view.getBigInt64(pos))
    const batchLength = view.getInt32(pos + 8)
    const end = pos + 12 + batchLength
    if (batchLength < HEADER - 12 || end > buf.length) break
    const magic = view.getInt8(pos + 16)
    const lastOffsetDelta = view.getInt32(pos + 23)
    if (magic !== 2) {
      out.skippedBatches++
      out.skipReason = `record batch format v${magic} (only v2 is read)`
      out.nextOffset = Math.max(out.nextOffset, baseOffset + lastOffsetDelta + 1)
      pos = end
      continue
    }
    const attributes = view.getInt16(pos + 21)
    const isControl = (attributes & 0x20) !== 0
    const codec = attributes & 0x07
    const count = view.getInt32(pos + 57)
    if (!isControl) {
      let data: Uint8Array | null = buf.subarray(pos + HEADER, end)
      if (codec !== 0) data = decompress(CODECS[codec] ?? `codec ${codec}`, data)
      if (data === null) {
        out.skippedBatches++
        out.skipReason = `batch compressed with ${CODECS[codec] ?? `codec ${codec}`}, which fleetops does not decompress`
      } else {
        readRecords(data, count, baseOffset, fromOffset, out.records)
      }
    }
    out.nextOffset = Math.max(out.nextOffset, baseOffset + lastOffsetDelta + 1)
    pos = end
  }
  return out
}

function readRecords(buf: Uint8Array, count: number, baseOffset: number, fromOffset: number, into: RecordKey[]): void {
  const r = {pos: 0}
  for (let i = 0; i < count && r.pos < buf.length; i++) {
    const length = varint(buf, r)
    const start = r.pos
    r.pos += 1 // attributes
    varint(buf, r) // timestamp delta
    const offsetDelta = varint(buf, r)
    const keyLength = varint(buf, r)
    const key = keyLength < 0 ? null : buf.slice(r.pos, r.pos + keyLength)
    if (baseOffset + offsetDelta >= fromOffset) into.push({offset: baseOffset + offsetDelta, key})
    r.pos = start + length
  }
}

/** Zig-zag varint as a JS number. */
function varint(buf: Uint8Array, r: {pos: number}): number {
  let result = 0
  let multiplier = 1
  for (let i = 0; i < 10; i++) {
    if (r.pos >= buf.length) throw new RangeError('record truncated inside a varint')
    const byte = buf[r.pos++]
    result += (byte & 0x7f) * multiplier
    if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2
    multiplier *= 128
  }
  throw new RangeError('varint longer than 10 bytes')
}

/**
 * Turns the record batches of one Fetch answer into batches every fleetops record reader
 * can walk without knowing about codecs or transactions:
 *
 * - a complete compressed data batch becomes the same batch uncompressed (codec bits
 *   cleared, length fixed; the CRC is stale and nothing here checks it);
 * - with read_committed (`aborted` given, from the Fetch answer's aborted_transactions), a
 *   transactional data batch of an aborted transaction is emptied, as Kafka's consumer does
 *   (FetchCollector/CompletedFetch): a producer's aborted transaction applies from its first
 *   offset (taken once a batch's last offset reaches it) until that producer's ABORT control
 *   record;
 * - a compressed batch that cannot be decompressed is emptied and listed in `undecodable`
 *   (with its offsets and record count) so the caller says so or counts the records.
 *
 * An emptied batch keeps its header (base offset, last offset delta, timestamps) with a
 * record count of 0, so readers still advance past its offsets and never wait on them.
 * Control batches, batches of other formats and a trailing batch cut short by the fetch byte
 * limit are passed on as they are (the readers skip or report those themselves). When
 * nothing needs changing the input buffer itself is returned: uncompressed topics pay one
 * walk over the batch headers.
 */
import {int64At, varint} from './record-batch.js'
import {codecName, decompressRecords, RecordCodecError} from './record-codecs.js'

/** From the Fetch answer (read_committed only). */
export interface AbortedTransaction {
  producerId: number
  firstOffset: number
}

export interface UndecodableBatch {
  baseOffset: number
  lastOffset: number
  /** Records the batch header says it holds. */
  records: number
  codec: string
  reason: string
}

export interface ReadableBatches {
  records: Buffer | null
  undecodable: UndecodableBatch[]
  /** Data records dropped because their transaction was aborted. */
  abortedRecords: number
}

/** Bytes from baseOffset to the first record. */
const HEADER = 61
const ATTR_CODEC = 0x07
const ATTR_TRANSACTIONAL = 0x10
const ATTR_CONTROL = 0x20
/** Control record type (the key's second int16). */
const CONTROL_ABORT = 0

/**
 * `aborted`: null or undefined for read_uncommitted (every data batch is kept); a list,
 * possibly empty, for read_committed.
 */
export async function readableBatches(buf: Buffer | null, aborted?: readonly AbortedTransaction[] | null): Promise<ReadableBatches> {
  const out: ReadableBatches = {records: buf, undecodable: [], abortedRecords: 0}
  if (!buf || buf.length === 0) return out
  const committedOnly = aborted !== null && aborted !== undefined
  const pendingAborts = committedOnly ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : []
  let nextAbort = 0
  const abortedProducers = new Set<number>()
  /** Pieces of the output, built only once a batch needs changing. */
  let pieces: Buffer[] | null = null
  let copiedUpTo = 0
  const replace = (from: number, to: number, replacement: Buffer[]): void => {
    pieces ??= []
    if (from > copiedUpTo) pieces.push(buf.subarray(copiedUpTo, from))
    pieces.push(...replacement)
    copiedUpTo = to
  }

  let pos = 0
  while (pos + HEADER <= buf.length) {
    const batchLength = buf.readInt32BE(pos + 8)
    const end = pos + 12 + batchLength
    if (batchLength < HEADER - 12 || end > buf.length) break
    if (buf.readInt8(pos + 16) !== 2) {
      pos = end
      continue
    }
    const baseOffset = int64At(buf, pos)
    const attributes = buf.readInt16BE(pos + 21)
    const lastOffset = baseOffset + buf.readInt32BE(pos + 23)
    const producerId = int64At(buf, pos + 43)
    const count = buf.readInt32BE(pos + 57)
    const codec = attributes & ATTR_CODEC

    if (committedOnly && producerId >= 0) {
      while (nextAbort < pendingAborts.length && pendingAborts[nextAbort]!.firstOffset <= lastOffset) {
        abortedProducers.add(pendingAborts[nextAbort]!.producerId)
        nextAbort++
      }
    }
    if ((attributes & ATTR_CONTROL) !== 0) {
      if (committedOnly && abortedProducers.has(producerId)) {
        const type = await controlType(buf, pos, end, codec)
        if (type === CONTROL_ABORT) abortedProducers.delete(producerId)
      }
      pos = end
      continue
    }
    if (committedOnly && (attributes & ATTR_TRANSACTIONAL) !== 0 && abortedProducers.has(producerId)) {
      out.abortedRecords += count
      replace(pos, end, [emptyHeader(buf, pos, attributes)])
      pos = end
      continue
    }
    if (codec !== 0) {
      try {
        const records = await decompressRecords(codec, buf.subarray(pos + HEADER, end))
        checkRecordCount(records, count, codecName(codec))
        const header = Buffer.from(buf.subarray(pos, pos + HEADER))
        header.writeInt32BE(HEADER - 12 + records.length, 8)
        header.writeInt16BE(attributes & ~ATTR_CODEC, 21)
        replace(pos, end, [header, records])
      } catch (error) {
        if (!(error instanceof RecordCodecError)) throw error
        out.undecodable.push({baseOffset, lastOffset, records: count, codec: codecName(codec), reason: error.message})
        replace(pos, end, [emptyHeader(buf, pos, attributes)])
      }
    }
    pos = end
  }
  if (pieces !== null) {
    const list: Buffer[] = pieces
    if (copiedUpTo < buf.length) list.push(buf.subarray(copiedUpTo))
    out.records = Buffer.concat(list)
  }
  return out
}

/**
 * The decompressed bytes must hold exactly the header's record count, end to end (as Kafka's
 * own reader insists). A decoder that returns what it could of a truncated frame (Node 22's
 * zstd does) or a codec without a checksum fed garbage is caught here, not read as fewer records.
 */
function checkRecordCount(data: Buffer, count: number, codec: string): void {
  const r = {pos: 0}
  let whole = true
  try {
    for (let i = 0; i < count && whole; i++) {
      const length = varint(data, r)
      r.pos += length
      whole = length >= 0 && r.pos <= data.length
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    whole = false // cut short inside a length
  }
  if (!whole || r.pos !== data.length) {
    throw new RecordCodecError(codec, `the decompressed records do not match the batch header (${count} records, ${data.length} bytes)`)
  }
}

/** The batch header with no records: count 0, uncompressed, same offsets and timestamps. */
function emptyHeader(buf: Buffer, pos: number, attributes: number): Buffer {
  const header = Buffer.from(buf.subarray(pos, pos + HEADER))
  header.writeInt32BE(HEADER - 12, 8)
  header.writeInt16BE(attributes & ~ATTR_CODEC, 21)
  header.writeInt32BE(0, 57)
  return header
}

/**
 * Type of the control record in a control batch (its key: int16 version, int16 type; 0 =
 * ABORT, 1 = COMMIT), or -1 when unreadable. A control batch holds one record.
 */
async function controlType(buf: Buffer, pos: number, end: number, codec: number): Promise<number> {
  try {
    const data = codec === 0 ? buf.subarray(pos + HEADER, end) : await decompressRecords(codec, buf.subarray(pos + HEADER, end))
    const r = {pos: 0}
    varint(data, r) // record length
    r.pos += 1 // attributes
    varint(data, r) // timestamp delta
    varint(data, r) // offset delta
    const keyLength = varint(data, r)
    if (keyLength < 4 || r.pos + 4 > data.length) return -1
    return data.readInt16BE(r.pos + 2)
  } catch {
    return -1
  }
}

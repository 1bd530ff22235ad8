/**
 * Every codec and read_committed, offline: batches compressed with the same libraries the
 * reader uses (and kafkajs's own gzip codec), decoded by readableBatches() and then by each of
 * the three record readers (look-back decoder, time-lag lookup, key sampling). Corrupt and
 * truncated compressed batches are listed, never thrown and never silently dropped.
 */
import {gzipSync} from 'node:zlib'

import {fc, test} from '@fast-check/vitest'
import {compress as zstdCompress} from '@mongodb-js/zstd'
import {compressFrameSync as lz4Frame} from 'lz4-napi'
import {compressSync as snappyRaw} from 'snappy'
import {describe, expect, it} from 'vitest'

import {readableBatches} from '../../../../src/adapters/kafka/protocol/readable-batches.js'
import {decompressRecords, RecordCodecError} from '../../../../src/adapters/kafka/protocol/record-codecs.js'
import {firstRecordAtOrAfter} from '../../../../src/adapters/kafka/protocol/record-batch.js'
import {decodeRecordBatches} from '../../../../src/adapters/kafka/protocol/record-decoder.js'
import {recordKeys} from '../../../../src/core/hash/record-keys.js'
import {zigzag} from '../../../support/record-bytes.js'

// kafkajs's own gzip codec (what a kafkajs producer with CompressionTypes.GZIP sends).
import kafkajs from 'kafkajs'

type Codec = 'none' | 'gzip' | 'kafkajs-gzip' | 'snappy' | 'snappy-xerial' | 'lz4' | 'zstd'
const CODEC_ID: Record<Codec, number> = {none: 0, gzip: 1, 'kafkajs-gzip': 1, snappy: 2, 'snappy-xerial': 2, lz4: 3, zstd: 4}
const CODECS: Codec[] = ['none', 'gzip', 'kafkajs-gzip', 'snappy', 'snappy-xerial', 'lz4', 'zstd']

/** snappy-java's stream framing, as Kafka's Java producer and broker write it: small chunks. */
function xerial(data: Buffer, chunk = 100): Buffer {
  const parts: Buffer[] = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])]
  for (let i = 0; i < data.length || i === 0; i += chunk) {
    const block = snappyRaw(data.subarray(i, i + chunk))
    const len = Buffer.alloc(4)
    len.writeInt32BE(block.length)
    parts.push(len, block)
    if (data.length === 0) break
  }
  return Buffer.concat(parts)
}

async function compress(codec: Codec, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return data
    case 'gzip':
      return gzipSync(data)
    case 'kafkajs-gzip':
      return kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP]().compress({buffer: data} as never)
    case 'snappy':
      return snappyRaw(data)
    case 'snappy-xerial':
      return xerial(data)
    case 'lz4':
      return lz4Frame(data)
    case 'zstd':
      return zstdCompress(data, 3)
  }
}

const zz = zigzag

interface Rec {
  key: string | null
  value: string | null
  headers?: [string, string][]
  tsDelta?: number
  offsetDelta?: number
}

function recordBytes(r: Rec, i: number): Buffer {
  const key = r.key === null ? zz(-1) : Buffer.concat([zz(Buffer.byteLength(r.key)), Buffer.from(r.key)])
  const value = r.value === null ? zz(-1) : Buffer.concat([zz(Buffer.byteLength(r.value)), Buffer.from(r.value)])
  const headers = r.headers ?? []
  const h = Buffer.concat([zz(headers.length), ...headers.flatMap(([k, v]) => [zz(Buffer.byteLength(k)), Buffer.from(k), zz(Buffer.byteLength(v)), Buffer.from(v)])])
  const body = Buffer.concat([Buffer.from([0]), zz(r.tsDelta ?? i), zz(r.offsetDelta ?? i), key, value, h])
  return Buffer.concat([zz(body.length), body])
}

interface BatchOptions {
  codec?: Codec
  producerId?: number
  transactional?: boolean
  control?: 'abort' | 'commit'
  logAppendTime?: boolean
  baseTimestamp?: number
}

/** A magic-v2 batch (CRC left zero: nothing here checks it). */
async function batch(baseOffset: number, records: Rec[], o: BatchOptions = {}): Promise<Buffer> {
  const codec = o.codec ?? 'none'
  const recs = o.control ? [{key: null, value: null}] : records
  let raw: Buffer
  if (o.control) {
    const key = Buffer.alloc(4)
    key.writeInt16BE(0, 0)
    key.writeInt16BE(o.control === 'abort' ? 0 : 1, 2)
    const value = Buffer.from([0, 0, 0, 0, 0, 0])
    const body = Buffer.concat([Buffer.from([0]), zz(0), zz(0), zz(4), key, zz(value.length), value, zz(0)])
    raw = Buffer.concat([zz(body.length), body])
  } else raw = Buffer.concat(recs.map(recordBytes))
  const payload = await compress(codec, raw)
  const header = Buffer.alloc(61)
  header.writeBigInt64BE(BigInt(baseOffset), 0)
  header.writeInt32BE(49 + payload.length, 8)
  header.writeInt8(2, 16)
  let attributes = CODEC_ID[codec]
  if (o.logAppendTime) attributes |= 0x08
  if (o.transactional || o.control) attributes |= 0x10
  if (o.control) attributes |= 0x20
  header.writeInt16BE(attributes, 21)
  const lastDelta = o.control ? 0 : Math.max(...recs.map((r, i) => r.offsetDelta ?? i))
  header.writeInt32BE(lastDelta, 23)
  const base = o.baseTimestamp ?? 1_700_000_000_000
  header.writeBigInt64BE(BigInt(base), 27)
  header.writeBigInt64BE(BigInt(base + 1000), 35)
  header.writeBigInt64BE(BigInt(o.producerId ?? -1), 43)
  header.writeInt32BE(recs.length, 57)
  return Buffer.concat([header, payload])
}

/** What the look-back decoder visits: [offset, timestamp, value or null]. */
function visitAll(buf: Buffer | null, from = 0, end = Number.MAX_SAFE_INTEGER): [number, number, string | null][] {
  const seen: [number, number, string | null][] = []
  decodeRecordBatches(buf, from, end, (offset, ts, data, start, stop) => {
    seen.push([offset, ts, start < 0 ? null : data.subarray(start, stop).toString()])
  })
  return seen
}

const recs = (n: number, prefix = 'k'): Rec[] => Array.from({length: n}, (_, i) => ({key: `${prefix}${i}`, value: JSON.stringify({n: i, pad: 'x'.repeat(i % 7)})}))

describe('decompressRecords', () => {
  it.each(CODECS.filter((c) => c !== 'none'))('round-trips %s, empty input included', async (codec) => {
    for (const data of [Buffer.alloc(0), Buffer.from('a'), Buffer.from('hello '.repeat(5000))]) {
      expect((await decompressRecords(CODEC_ID[codec], await compress(codec, data))).equals(data)).toBe(true)
    }
  })

  it.each(['gzip', 'snappy', 'snappy-xerial', 'lz4', 'zstd'] as Codec[])('refuses corrupt and truncated %s with a RecordCodecError naming the codec', async (codec) => {
    const good = await compress(codec, Buffer.from('some record bytes '.repeat(200)))
    const truncated = good.subarray(0, Math.floor(good.length / 2))
    const corrupt = Buffer.from(good)
    for (let i = Math.floor(corrupt.length / 3); i < corrupt.length; i += 3) corrupt[i]! ^= 0x5a
    for (const bad of [truncated, corrupt]) {
      const error = await decompressRecords(CODEC_ID[codec], bad).then(
        (out) => (out.equals(Buffer.from('some record bytes '.repeat(200))) ? new Error('decoded bad bytes to the original') : null),
        (e: unknown) => e,
      )
      // A codec without a checksum may decode garbage to other bytes: never to the original
      // and never with a crash. Those with checksums (gzip, zstd, xerial lengths) refuse it.
      if (error !== null) {
        expect(error).toBeInstanceOf(RecordCodecError)
        expect((error as Error).message).toContain(codec.startsWith('snappy') ? 'snappy' : codec)
      }
    }
  })

  it('refuses an unknown codec id', async () => {
    await expect(decompressRecords(6, Buffer.from('x'))).rejects.toThrow(/codec 6 batch could not be decompressed: unknown compression codec/)
  })
})

describe('readableBatches', () => {
  it('returns the very same buffer when nothing is compressed or aborted (the fast path pays one header walk)', async () => {
    const buf = Buffer.concat([await batch(0, recs(3)), await batch(3, recs(2))])
    const out = await readableBatches(buf, [])
    expect(out.records).toBe(buf)
    expect(out).toMatchObject({undecodable: [], abortedRecords: 0})
    expect((await readableBatches(null)).records).toBeNull()
  })

  it.each(CODECS)('%s: every reader sees the same records as in an uncompressed batch (headers, tombstones and LogAppendTime too)', async (codec) => {
    const rs: Rec[] = [
      {key: 'a', value: '{"x":1}', headers: [['trace', 'abc'], ['h2', '']]},
      {key: null, value: '{"x":2}'},
      {key: 'c', value: null}, // tombstone
      {key: 'd', value: '{"x":4}', headers: [['only', 'one']]},
    ]
    const plain = Buffer.concat([await batch(100, rs), await batch(104, recs(5), {logAppendTime: true})])
    const packed = Buffer.concat([await batch(100, rs, {codec}), await batch(104, recs(5), {codec, logAppendTime: true})])
    const out = await readableBatches(packed, [])
    expect(out.undecodable).toEqual([])
    const seen = visitAll(out.records)
    expect(seen).toEqual(visitAll(plain))
    expect(seen.map((s) => s[2])).toContain(null)
    // LogAppendTime: every record of the second batch carries the batch's max timestamp.
    expect(seen.slice(4).every(([, ts]) => ts === 1_700_000_001_000)).toBe(true)
    expect(seen[1]![1]).toBe(1_700_000_000_001)
    expect(firstRecordAtOrAfter(out.records, 102)).toEqual({kind: 'found', offset: 102, timestamp: 1_700_000_000_002})
    expect(firstRecordAtOrAfter(out.records, 106)).toEqual({kind: 'found', offset: 106, timestamp: 1_700_000_001_000})
    const keys = recordKeys(out.records, 101, () => null)
    expect(keys.skippedBatches).toBe(0)
    expect(keys.records.map((r) => (r.key === null ? null : Buffer.from(r.key).toString()))).toEqual([null, 'c', 'd', 'k0', 'k1', 'k2', 'k3', 'k4'])
    expect(keys.nextOffset).toBe(109)
  })

  it.each(['gzip', 'snappy', 'snappy-xerial', 'lz4', 'zstd'] as Codec[])(
    '%s: a corrupt or truncated batch is listed with its offsets and record count; the batches around it are still read',
    async (codec) => {
      const good1 = await batch(0, recs(3), {codec})
      const bad = await batch(3, recs(4), {codec})
      const good2 = await batch(7, recs(2), {codec})
      // Truncated: the payload is cut but the batch length says it is whole (a broken producer
      // or disk); corrupt: the compressed bytes after the frame header are scrambled.
      const truncated = Buffer.from(bad.subarray(0, 61 + Math.max(1, Math.floor((bad.length - 61) / 2))))
      truncated.writeInt32BE(truncated.length - 12, 8)
      const corrupt = Buffer.from(bad)
      corrupt.fill(0xff, 61 + 4)
      for (const broken of [truncated, corrupt]) {
        const out = await readableBatches(Buffer.concat([good1, broken, good2]), [])
        expect(out.undecodable).toEqual([{baseOffset: 3, lastOffset: 6, records: 4, codec: codec.startsWith('snappy') ? 'snappy' : codec, reason: expect.stringMatching(/could not be decompressed/)}])
        const seen = visitAll(out.records)
        expect(seen.map(([o]) => o)).toEqual([0, 1, 2, 7, 8])
        // Offsets still advance past the emptied batch.
        expect(recordKeys(out.records, 0, () => null).nextOffset).toBe(9)
      }
    },
  )

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as Codec[])('%s: well-formed compressed bytes that hold fewer or more records than the header says are undecodable, not short', async (codec) => {
    for (const [claimed, real] of [
      [5, 4],
      [3, 4],
    ]) {
      const b = await batch(0, recs(real!), {codec})
      b.writeInt32BE(claimed!, 57)
      const out = await readableBatches(b, [])
      expect(out.undecodable).toEqual([expect.objectContaining({baseOffset: 0, records: claimed, reason: expect.stringMatching(/do not match the batch header/)})])
      expect(visitAll(out.records)).toEqual([])
    }
  })

  it('passes a trailing batch cut short by the fetch limit on unchanged, so the readers ask for more', async () => {
    const whole = await batch(0, recs(3), {codec: 'lz4'})
    const cut = await batch(3, recs(50), {codec: 'zstd'})
    const out = await readableBatches(Buffer.concat([whole, cut.subarray(0, cut.length - 10)]), [])
    expect(out.undecodable).toEqual([])
    const result = decodeRecordBatches(out.records, 0, 100, () => {})
    expect(result).toMatchObject({visited: 3, truncated: true, nextOffset: 3})
    expect(firstRecordAtOrAfter(out.records, 5)).toEqual({kind: 'incomplete', needBytes: expect.any(Number)})
  })

  it('read_committed: drops aborted transactions until their ABORT marker, keeps committed ones and other producers', async () => {
    // Producer 7: txn A (offsets 0-2) aborted at 5; txn B (6-7) committed at 8.
    // Producer 9: txn (3-4) committed at 9, interleaved. Producer -1: plain records at 10-11.
    const buf = Buffer.concat([
      await batch(0, recs(3, 'abortedA'), {producerId: 7, transactional: true, codec: 'zstd'}),
      await batch(3, recs(2, 'p9-'), {producerId: 9, transactional: true}),
      await batch(5, [], {producerId: 7, control: 'abort'}),
      await batch(6, recs(2, 'committedB'), {producerId: 7, transactional: true, codec: 'snappy-xerial'}),
      await batch(8, [], {producerId: 7, control: 'commit'}),
      await batch(9, [], {producerId: 9, control: 'commit'}),
      await batch(10, recs(2, 'plain'), {codec: 'lz4'}),
    ])
    const committed = await readableBatches(buf, [{producerId: 7, firstOffset: 0}])
    expect(committed.abortedRecords).toBe(3)
    const keysOf = (b: Buffer | null) => recordKeys(b, 0, () => null).records.map((r) => Buffer.from(r.key!).toString())
    expect(keysOf(committed.records)).toEqual(['p9-0', 'p9-1', 'committedB0', 'committedB1', 'plain0', 'plain1'])
    expect(visitAll(committed.records).map(([o]) => o)).toEqual([3, 4, 6, 7, 10, 11])
    expect(decodeRecordBatches(committed.records, 0, 12, () => {}).nextOffset).toBe(12)
    // The time lag at a committed offset inside the aborted transaction is the first committed record's.
    expect(firstRecordAtOrAfter(committed.records, 1)).toMatchObject({kind: 'found', offset: 3})

    // read_uncommitted: everything but the control records.
    const all = await readableBatches(buf, null)
    expect(all.abortedRecords).toBe(0)
    expect(keysOf(all.records)).toEqual(['abortedA0', 'abortedA1', 'abortedA2', 'p9-0', 'p9-1', 'committedB0', 'committedB1', 'plain0', 'plain1'])
  })

  it('read_committed: an aborted transaction listed from an offset before this fetch still applies; a non-transactional batch of that producer id is kept', async () => {
    const buf = Buffer.concat([
      await batch(20, recs(2, 'tail-of-aborted'), {producerId: 4, transactional: true, codec: 'gzip'}),
      await batch(22, [], {producerId: 4, control: 'abort'}),
      await batch(23, recs(1, 'after'), {producerId: 4, transactional: true}),
    ])
    const out = await readableBatches(buf, [{producerId: 4, firstOffset: 15}])
    expect(out.abortedRecords).toBe(2)
    expect(visitAll(out.records).map(([o]) => o)).toEqual([23])
  })

  test.prop([fc.array(fc.record({codec: fc.constantFrom(...CODECS), n: fc.integer({min: 1, max: 6}), gap: fc.integer({min: 0, max: 3})}), {minLength: 1, maxLength: 6})], {numRuns: 40})(
    'decompressing never changes what the look-back decoder visits (differential against the same batches uncompressed)',
    async (specs) => {
      const packed: Buffer[] = []
      const plain: Buffer[] = []
      let offset = 0
      for (const [i, s] of specs.entries()) {
        // Compacted-style gaps: offset deltas skip numbers.
        const rs = recs(s.n, `b${i}-`).map((r, j) => ({...r, offsetDelta: j * (s.gap + 1)}))
        packed.push(await batch(offset, rs, {codec: s.codec}))
        plain.push(await batch(offset, rs))
        offset += (s.n - 1) * (s.gap + 1) + 1
      }
      const out = await readableBatches(Buffer.concat(packed), [])
      expect(visitAll(out.records, 1, offset - 1)).toEqual(visitAll(Buffer.concat(plain), 1, offset - 1))
    },
  )
})

/**
 * The compression codecs of Kafka record batches (attributes bits 0-2), behind one call:
 * `decompressRecords(codec, bytes)`. Every fleetops reader of records (look-back, time lag,
 * key sampling) goes through it, via readableBatches() (readable-batches.ts).
 *
 * - 1 gzip: node:zlib.
 * - 2 snappy: the `snappy` package (napi-rs). Kafka's Java clients and brokers write the
 *   xerial snappy-java stream framing (magic "\x82SNAPPY\0", two int32 versions, then chunks
 *   of int32 length + raw snappy block; a 4.1 broker recompressing for compression.type=snappy
 *   writes this framing, checked on the sandbox); other clients (kafkajs plug-ins,
 *   librdkafka) may write one raw snappy block, which the broker keeps as sent. Both are read.
 * - 3 lz4: the `lz4-napi` package, LZ4 frame format (KIP-57: magic v1+ batches carry a
 *   correct header checksum; a 4.1 broker writes independent 64 KiB blocks, no checksums).
 * - 4 zstd: node:zlib where it has zstd (Node >= 22.15 / 23.8), else `@mongodb-js/zstd`
 *   (napi-rs).
 *
 * The native packages are loaded on the first batch that needs them, so commands that never
 * meet a compressed batch never load them. Bad bytes raise RecordCodecError with a message
 * that names the codec; the callers turn it into a note or a counted reject.
 */
import * as zlib from 'node:zlib'

export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

export function codecName(codec: number): string {
  return CODEC_NAMES[codec] ?? `codec ${codec}`
}

/** Compressed bytes that could not be decompressed (corrupt, truncated or an unknown codec). */
export class RecordCodecError extends Error {
  constructor(
    readonly codec: string,
    detail: string,
  ) {
    super(`${codec} batch could not be decompressed: ${detail}`)
    this.name = 'RecordCodecError'
  }
}

/** A decompressor: bytes in, bytes out; sync where the library is, async for the zstd package. */
type Decompressor = (data: Buffer) => Buffer | Promise<Buffer>

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
/** Magic (8) + version (4) + compatible version (4). */
const XERIAL_HEADER = 16

let snappyLib: Promise<typeof import('snappy')> | null = null
let lz4Lib: Promise<typeof import('lz4-napi')> | null = null
let zstdLib: Promise<typeof import('@mongodb-js/zstd')> | null = null

function gunzip(data: Buffer): Buffer {
  return zlib.gunzipSync(data)
}

async function snappy(data: Buffer): Promise<Buffer> {
  const lib = await (snappyLib ??= import('snappy'))
  const raw = (block: Buffer): Buffer => lib.uncompressSync(block, {asBuffer: true}) as Buffer
  if (data.length < XERIAL_HEADER || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return raw(data)
  const chunks: Buffer[] = []
  let pos = XERIAL_HEADER
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error(`xerial chunk length cut short at byte ${pos}`)
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || pos + length > data.length) throw new Error(`xerial chunk of ${length} bytes at byte ${pos - 4} runs past the end (${data.length} bytes)`)
    chunks.push(raw(data.subarray(pos, pos + length)))
    pos += length
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
}

async function lz4(data: Buffer): Promise<Buffer> {
  const lib = await (lz4Lib ??= import('lz4-napi'))
  return lib.decompressFrameSync(data)
}

type ZlibWithZstd = typeof zlib & {zstdDecompressSync?: (data: Buffer) => Buffer}

async function zstd(data: Buffer): Promise<Buffer> {
  const fromNode = (zlib as ZlibWithZstd).zstdDecompressSync
  if (typeof fromNode === 'function') return fromNode(data)
  const lib = await (zstdLib ??= import('@mongodb-js/zstd'))
  return lib.decompress(data)
}

const DECOMPRESSORS: Record<number, Decompressor> = {1: gunzip, 2: snappy, 3: lz4, 4: zstd}

/** The records section of a compressed batch, decompressed. Throws RecordCodecError. */
export async function decompressRecords(codec: number, data: Buffer): Promise<Buffer> {
  const name = codecName(codec)
  const fn = DECOMPRESSORS[codec]
  if (!fn) throw new RecordCodecError(name, 'unknown compression codec (Kafka defines 1 gzip, 2 snappy, 3 lz4, 4 zstd)')
  try {
    const out = await fn(data)
    return Buffer.isBuffer(out) ? out : Buffer.from(out)
  } catch (error) {
    if (error instanceof RecordCodecError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new RecordCodecError(name, message.split('\n')[0]!.slice(0, 200) || 'corrupt data')
  }
}

/**
 * Producer-side codecs for kafkajs in the integration tests (kafkajs ships gzip only), built on
 * the same npm libraries fleetops reads with, so that tests can write batches compressed as
 * production producers do. Importing this module registers them.
 */
import {compress as zstdCompress, decompress as zstdDecompress} from '@mongodb-js/zstd'
import {CompressionCodecs, CompressionTypes} from 'kafkajs'
import {compressFrameSync as lz4Compress, decompressFrameSync as lz4Decompress} from 'lz4-napi'
import {compressSync as snappyCompress, uncompressSync as snappyUncompress} from 'snappy'

type Encoder = {buffer: Buffer}
CompressionCodecs[CompressionTypes.Snappy] = () => ({
  compress: async (e: Encoder) => snappyCompress(e.buffer),
  decompress: async (b: Buffer) => snappyUncompress(b) as Buffer,
})
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (e: Encoder) => lz4Compress(e.buffer),
  decompress: async (b: Buffer) => lz4Decompress(b),
})
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: async (e: Encoder) => zstdCompress(e.buffer, 3),
  decompress: async (b: Buffer) => zstdDecompress(b),
})

export const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const
export type Codec = (typeof CODECS)[number]
export const PRODUCER_TYPE: Record<Codec, CompressionTypes> = {gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD}

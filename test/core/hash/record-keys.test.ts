import {gunzipSync, gzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'

import {recordKeys} from '../../../src/core/hash/record-keys.js'
import {zigzag} from '../../support/record-bytes.js'

/** Builds a magic-v2 record batch (CRC left zero: the reader does not check it). */
function batch(baseOffset: number, keys: (string | null)[], codec = 0): Buffer {
  const zz = zigzag
  const records = keys.map((k, i) => {
    const key = k === null ? zz(-1) : Buffer.concat([zz(Buffer.byteLength(k)), Buffer.from(k)])
    const body = Buffer.concat([Buffer.from([0]), zz(0), zz(i), key, zz(1), Buffer.from('v'), zz(0)])
    return Buffer.concat([zz(body.length), body])
  })
  let payload = Buffer.concat(records)
  if (codec === 1) payload = gzipSync(payload)
  const header = Buffer.alloc(61)
  header.writeBigInt64BE(BigInt(baseOffset), 0)
  header.writeInt32BE(49 + payload.length, 8)
  header.writeInt8(2, 16)
  header.writeInt16BE(codec, 21)
  header.writeInt32BE(keys.length - 1, 23)
  header.writeInt32BE(keys.length, 57)
  return Buffer.concat([header, payload])
}

const gunzip = (codec: string, data: Uint8Array) => (codec === 'gzip' ? new Uint8Array(gunzipSync(data)) : null)

describe('recordKeys', () => {
  it('reads keys (and null keys) of uncompressed and gzip batches from an offset', () => {
    const buf = Buffer.concat([batch(10, ['a', null, 'ccc']), batch(13, ['dd', 'e'], 1)])
    const r = recordKeys(buf, 11, gunzip)
    expect(r.records.map((x) => [x.offset, x.key === null ? null : Buffer.from(x.key).toString()])).toEqual([
      [11, null],
      [12, 'ccc'],
      [13, 'dd'],
      [14, 'e'],
    ])
    expect(r.nextOffset).toBe(15)
  })

  it('skips codecs it cannot read and ignores a cut-short trailing batch', () => {
    const whole = batch(0, ['a'], 2)
    const cut = batch(1, ['b', 'c']).subarray(0, 40)
    const r = recordKeys(Buffer.concat([whole, cut]), 0, gunzip)
    expect(r.records).toEqual([])
    expect(r.skippedBatches).toBe(1)
    expect(r.skipReason).toMatch(/snappy/)
    expect(r.nextOffset).toBe(1)
  })
})

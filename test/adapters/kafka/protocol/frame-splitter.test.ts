import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {FrameSplitter} from '../../../../src/adapters/kafka/protocol/broker-connection.js'

function framed(payloads: Uint8Array[]): Buffer {
  return Buffer.concat(
    payloads.map((p) => {
      const size = Buffer.alloc(4)
      size.writeInt32BE(p.length)
      return Buffer.concat([size, Buffer.from(p)])
    }),
  )
}

describe('FrameSplitter', () => {
  it('returns every frame, whole and in order, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({maxLength: 300}), {maxLength: 12}), fc.array(fc.integer({min: 1, max: 64}), {minLength: 1}), (payloads, cuts) => {
        const stream = framed(payloads)
        const splitter = new FrameSplitter()
        const out: Buffer[] = []
        let at = 0
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!
          out.push(...splitter.push(stream.subarray(at, at + n)))
          at += n
        }
        expect(out.map((b) => [...b])).toEqual(payloads.map((p) => [...p]))
      }),
    )
  })

  it('holds a frame back until its last byte arrives', () => {
    const splitter = new FrameSplitter()
    const stream = framed([Buffer.from('abcdef')])
    expect(splitter.push(stream.subarray(0, 9))).toEqual([])
    expect(splitter.push(stream.subarray(9)).map(String)).toEqual(['abcdef'])
  })

  it('refuses a negative size', () => {
    expect(() => new FrameSplitter().push(Buffer.from([0xff, 0xff, 0xff, 0xf0]))).toThrow(/-16 bytes/)
  })
})

import {createRequire} from 'node:module'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {kafkaMurmur2, kafkaPartitionForKey, partitionRemap, toPositive} from '../../../src/core/hash/kafka-partitioner.js'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('kafkaMurmur2', () => {
  // Vectors from Apache Kafka's clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('matches the Java client for %j', (key, expected) => {
    expect(kafkaMurmur2(bytes(key))).toBe(expected)
  })

  it('agrees with kafkajs DefaultPartitioner murmur2 (Java-compatible) on random bytes', () => {
    const require = createRequire(import.meta.url)
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (k: Buffer) => number
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 40}), (key) => {
        expect(kafkaMurmur2(key)).toBe(kafkajsMurmur2(Buffer.from(key)))
      }),
      {numRuns: 300},
    )
  })

  it('partition = (murmur2 & 0x7fffffff) % partitions, never negative', () => {
    // -973932308 & 0x7fffffff = 1173551340; 1173551340 % 12 = 0 (12 · 97795945 = 1173551340)
    expect(toPositive(-973932308)).toBe(1173551340)
    expect(kafkaPartitionForKey(bytes('21'), 12)).toBe(0)
    expect(toPositive(-2147483648)).toBe(0)
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 16}), fc.integer({min: 1, max: 1000}), (key, p) => {
        const part = kafkaPartitionForKey(key, p)
        return Number.isInteger(part) && part >= 0 && part < p
      }),
      {numRuns: 200},
    )
    expect(() => kafkaPartitionForKey(bytes('x'), 0)).toThrow(/numPartitions/)
  })
})

describe('partitionRemap', () => {
  const keys = Array.from({length: 20_000}, (_, i) => bytes(`user-${i}`))

  it.each([
    [6, 7, 1 - 6 / 42],
    [6, 12, 1 / 2],
    [12, 16, 1 - 12 / 48],
    [10, 12, 1 - 10 / 60],
  ])('%i → %i partitions: expectation 1 − min/lcm, and the sample agrees', (from, to, expected) => {
    const r = partitionRemap({from, to, keys})
    expect(r.expected).toBeCloseTo(expected, 12)
    expect(Math.abs(r.fraction - expected)).toBeLessThan(0.02)
    expect(r.optimal).toBeCloseTo((to - from) / to, 12)
  })

  it('no change moves nothing', () => {
    expect(partitionRemap({from: 8, to: 8, keys}).moved).toBe(0)
  })
})

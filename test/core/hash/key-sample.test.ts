import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  advanceCursor,
  emptyKeySample,
  pendingCursors,
  perPartitionQuota,
  recoverFromOutOfRange,
  startCursors,
  takeSampledKeys,
  type PartitionCursor,
} from '../../../src/core/hash/key-sample.js'
import {kafkaMurmur2, toPositive} from '../../../src/core/hash/kafka-partitioner.js'

const cursor = (over: Partial<PartitionCursor> = {}): PartitionCursor => ({topic: 't', partition: 0, leader: 1, offset: 10, high: 20, got: 0, ...over})

describe('key sample steps', () => {
  it('the per-partition quota covers the sample and is the least that does', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(500), (sample, partitions) => {
        const q = perPartitionQuota(sample, partitions)
        const n = Math.max(1, partitions)
        expect(q * n).toBeGreaterThanOrEqual(sample)
        expect((q - 1) * n).toBeLessThan(sample)
      }),
    )
  })

  it('starts each partition at its newest quota records, not before its log start; a partition without offsets reads nothing', () => {
    const cursors = startCursors('t', [{partition: 0, leader: 1}, {partition: 1, leader: 2}, {partition: 2, leader: null}], [
      {partition: 0, low: '0', high: '100'},
      {partition: 1, low: '95', high: '100'},
    ], 10)
    expect(cursors).toEqual([
      {topic: 't', partition: 0, leader: 1, offset: 90, high: 100, got: 0},
      {topic: 't', partition: 1, leader: 2, offset: 95, high: 100, got: 0},
      {topic: 't', partition: 2, leader: null, offset: 0, high: 0, got: 0},
    ])
    expect(pendingCursors(cursors, 10).map((c) => c.partition)).toEqual([0, 1])
  })

  it('offset out of range restarts from a later log start, else stops the partition', () => {
    const moved = cursor()
    recoverFromOutOfRange(moved, 15)
    expect(moved).toMatchObject({offset: 15, high: 20})
    const stuck = cursor()
    recoverFromOutOfRange(stuck, 10)
    expect(stuck).toMatchObject({offset: 10, high: 10})
    expect(pendingCursors([stuck], 5)).toEqual([])
  })

  it('advancing without progress stops the partition', () => {
    const c = cursor()
    advanceCursor(c, 14)
    expect(c).toMatchObject({offset: 14, high: 20})
    advanceCursor(c, 14)
    expect(c).toMatchObject({offset: 14, high: 14})
  })

  it('takes keys up to the quota and the end offset, counting null keys and default placements', () => {
    const enc = new TextEncoder()
    const keys = ['a', 'b', 'c', 'd'].map((k) => enc.encode(k))
    const result = emptyKeySample(3)
    const c = cursor({partition: 1, offset: 0, high: 4})
    takeSampledKeys(result, c, [{offset: 0, key: keys[0]!}, {offset: 1, key: null}, {offset: 2, key: keys[1]!}, {offset: 4, key: keys[2]!}], 10)
    expect(c.got).toBe(3)
    expect(result).toMatchObject({records: 3, nullKeys: 1, keys: [keys[0], keys[1]]})
    const placed = [keys[0]!, keys[1]!].filter((k) => toPositive(kafkaMurmur2(k)) % 3 === 1).length
    expect(result.placedByDefaultPartitioner).toBe(placed)

    const capped = emptyKeySample(3)
    takeSampledKeys(capped, cursor({offset: 0, high: 100}), keys.map((key, offset) => ({offset, key})), 2)
    expect(capped.records).toBe(2)
  })
})

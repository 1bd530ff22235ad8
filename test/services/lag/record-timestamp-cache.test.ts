import {describe, expect, it} from 'vitest'

import type {RecordTimestampResult} from '../../../src/adapters/kafka/protocol/index.js'
import {partitionOffsetKey} from '../../../src/core/partition-index.js'
import {RecordTimestampCache} from '../../../src/services/lag/kafka.js'

const found = (offset: number, timestamp: number): RecordTimestampResult => ({kind: 'found', offset, timestamp})

describe('RecordTimestampCache', () => {
  it('answers the offsets it knows and asks only for the others', () => {
    const cache = new RecordTimestampCache()
    cache.remember(partitionOffsetKey('t', 0, 5), found(5, 1000))
    const out = new Map<string, RecordTimestampResult>()
    expect(cache.unknownOf('t', 0, [4, 5, 6], out)).toEqual([4, 6])
    expect(out).toEqual(new Map([[partitionOffsetKey('t', 0, 5), found(5, 1000)]]))
    expect(cache.unknownOf('t', 1, [5], new Map())).toEqual([5])
  })

  it('keeps only found records: a gone or unknown one is asked again', () => {
    const cache = new RecordTimestampCache()
    cache.remember(partitionOffsetKey('t', 0, 1), {kind: 'gone'})
    cache.remember(partitionOffsetKey('t', 0, 2), {kind: 'unknown', reason: 'broker down'})
    expect(cache.unknownOf('t', 0, [1, 2], new Map())).toEqual([1, 2])
  })

  it('holds at most its limit, forgetting the oldest first', () => {
    const cache = new RecordTimestampCache(2)
    for (const o of [1, 2, 3]) cache.remember(partitionOffsetKey('t', 0, o), found(o, o))
    const out = new Map<string, RecordTimestampResult>()
    expect(cache.unknownOf('t', 0, [1, 2, 3], out)).toEqual([1])
    expect(out.size).toBe(2)
  })
})

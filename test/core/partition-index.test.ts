import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {groupPartitionKey, PartitionIndex, partitionKey, partitionOffsetKey} from '../../src/core/partition-index.js'

describe('PartitionIndex', () => {
  it('finds exactly the entries a string-keyed map would (last one wins), in any order and with gaps', () => {
    const entry = fc.record({topic: fc.constantFrom('a', 'b', 'a.b', 'a\u0000b', '__proto__'), partition: fc.nat(5000), v: fc.integer()})
    fc.assert(
      fc.property(fc.array(entry, {maxLength: 200}), fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', '__proto__'), fc.nat(5000)), {maxLength: 50}), (entries, probes) => {
        const index = PartitionIndex.of(entries)
        const byString = new Map(entries.map((e) => [`${e.topic}\u0000${e.partition}`, e]))
        for (const e of entries) expect(index.get(e.topic, e.partition)).toBe(byString.get(`${e.topic}\u0000${e.partition}`))
        for (const [t, p] of probes) expect(index.get(t, p)).toBe(byString.get(`${t}\u0000${p}`))
      }),
    )
  })
})

describe('partition keys', () => {
  const topic = fc.string({minLength: 1, maxLength: 12}).filter((t) => !t.includes('\u0000'))

  it('partitionKey, partitionOffsetKey and groupPartitionKey are equal exactly when their parts are', () => {
    fc.assert(
      fc.property(fc.tuple(topic, topic, fc.nat(100), fc.nat(100)), fc.tuple(topic, topic, fc.nat(100), fc.nat(100)), ([g1, t1, p1, o1], [g2, t2, p2, o2]) => {
        expect(partitionKey(t1, p1) === partitionKey(t2, p2)).toBe(t1 === t2 && p1 === p2)
        expect(partitionOffsetKey(t1, p1, o1) === partitionOffsetKey(t2, p2, o2)).toBe(t1 === t2 && p1 === p2 && o1 === o2)
        expect(groupPartitionKey(g1, t1, p1) === groupPartitionKey(g2, t2, p2)).toBe(g1 === g2 && t1 === t2 && p1 === p2)
      }),
    )
  })
})

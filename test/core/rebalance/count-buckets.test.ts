import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {CountBucketQueue} from '../../../src/core/rebalance/count-buckets.js'

/** A broker's count changes by small steps, as moves change replica counts. */
const opsArb = fc.array(
  fc.record({broker: fc.integer({min: 0, max: 11}), step: fc.integer({min: -3, max: 3}), leave: fc.boolean()}),
  {maxLength: 200},
)

describe('CountBucketQueue', () => {
  test('buckets, lowest and highest count always match the counts held, whatever the order of changes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 0, max: 40}), {minLength: 1, maxLength: 12}), opsArb, (initial, ops) => {
        const queue = new CountBucketQueue()
        const held = new Map<number, number>()
        initial.forEach((c, b) => {
          queue.insert(b, c)
          held.set(b, c)
        })
        for (const {broker, step, leave} of ops) {
          const c = held.get(broker)
          if (c === undefined) {
            // Re-entering at a count that may lie below every count held (the bucket array grows down).
            queue.insert(broker, Math.max(0, step + 5))
            held.set(broker, Math.max(0, step + 5))
          } else if (leave) {
            queue.remove(broker, c)
            held.delete(broker)
          } else {
            queue.change(broker, c, Math.max(0, c + step))
            held.set(broker, Math.max(0, c + step))
          }
          const counts = [...held.values()]
          expect(queue.low).toBe(counts.length > 0 ? Math.min(...counts) : Number.POSITIVE_INFINITY)
          expect(queue.high).toBe(counts.length > 0 ? Math.max(...counts) : Number.NEGATIVE_INFINITY)
          for (let k = 0; k <= 45; k++) {
            const expected = [...held].filter(([, n]) => n === k).map(([b]) => b).sort((a, b) => a - b)
            expect(queue.at(k)).toEqual(expected)
          }
        }
      }),
    )
  })

  test('removing a broker from a count it is not at is an internal error, not a silent no-op', () => {
    const queue = new CountBucketQueue()
    queue.insert(3, 7)
    expect(() => queue.remove(3, 8)).toThrow(/internal: broker 3 is not in count bucket 8/)
    expect(() => queue.remove(4, 7)).toThrow(/internal/)
  })
})

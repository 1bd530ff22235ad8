/**
 * A chunk handed to an aggregation worker replays exactly the calls the reader made: the same
 * offsets, timestamps, value bytes (or none), undecodable batches with their counts and
 * details, in the same order, also past the builder's initial capacity and across take().
 */
import {test} from '@fast-check/vitest'
import fc from 'fast-check'
import {describe, expect} from 'vitest'

import {type ChunkTarget, FeedChunkBuilder, replayChunk} from '../../../src/core/lookback/feed-chunk.js'

type Call = ['record', number, number, number[] | null] | ['unreadable', number, number, string]

const callArb: fc.Arbitrary<Call> = fc.oneof(
  {weight: 8, arbitrary: fc.tuple(fc.constant('record' as const), fc.nat({max: 2 ** 40}), fc.integer({min: -1, max: 2 ** 42}), fc.option(fc.array(fc.nat({max: 255}), {maxLength: 300}), {nil: null}))},
  {weight: 1, arbitrary: fc.tuple(fc.constant('unreadable' as const), fc.nat({max: 2 ** 40}), fc.integer({min: 1, max: 10_000}), fc.string())},
)

/** Each record's value sits inside a larger buffer, surrounded by junk, as in a fetched batch. */
function feedTo(target: ChunkTarget, calls: readonly Call[]): void {
  for (const call of calls) {
    if (call[0] === 'unreadable') target.unreadable(call[1], call[2], call[3])
    else if (call[3] === null) target.record(call[1], call[2], new Uint8Array([9, 9]), -1, 0)
    else target.record(call[1], call[2], Uint8Array.from([7, 7, 7, ...call[3], 7]), 3, 3 + call[3].length)
  }
}

function recorder(): ChunkTarget & {calls: Call[]} {
  const calls: Call[] = []
  return {
    calls,
    record: (offset, ts, data, start, stop) => calls.push(['record', offset, ts, start < 0 ? null : [...data.subarray(start, stop)]]),
    unreadable: (offset, records, detail) => calls.push(['unreadable', offset, records, detail]),
  }
}

describe('FeedChunkBuilder', () => {
  test.prop([fc.array(fc.array(callArb, {maxLength: 3000}), {minLength: 1, maxLength: 3})], {numRuns: 30})('replays every chunk as the calls it was built from', (chunks) => {
    const builder = new FeedChunkBuilder()
    for (const calls of chunks) {
      feedTo(builder, calls)
      expect(builder.size).toBe(calls.length)
      const {chunk, transfer} = builder.take()
      expect(builder.size).toBe(0)
      expect(transfer.length).toBe(5)
      // What the worker receives: a structured clone.
      const received = structuredClone(chunk)
      const out = recorder()
      replayChunk(received, out)
      expect(out.calls).toEqual(calls)
    }
  })
})

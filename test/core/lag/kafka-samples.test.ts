import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  brokerLagsOf,
  committedOffsetsToStamp,
  committedPositions,
  groupState,
  hasCommit,
  observeGroup,
  OffsetHistory,
  topicsOfGroup,
  type LagSample,
} from '../../../src/core/lag/kafka-samples.js'
import {groupPartitionKey, partitionKey, partitionOffsetKey} from '../../../src/core/partition-index.js'
import {NOW} from './fixtures.js'

const meta = new Map([
  ['orders', {partitions: [{partition: 0}, {partition: 1}]}],
  ['payments', {partitions: [{partition: 0}]}],
])

function sample(at: number, committed: Record<string, [string, number, number | null][]>, ends: [string, number, number][]): LagSample {
  return {
    at,
    committed: new Map(
      Object.entries(committed).map(([g, list]) => [g, new Map(list.map(([topic, partition, offset]) => [partitionKey(topic, partition), {topic, partition, offset}]))]),
    ),
    ends: new Map(ends.map(([t, p, e]) => [partitionKey(t, p), e])),
    stamps: new Map(),
    brokerLags: new Map(),
  }
}

describe('Kafka lag sample steps', () => {
  it('measures a group on the topics it committed on or is assigned, or on --topic alone', () => {
    const offsets = [{topic: 'payments'}, {topic: 'orders'}]
    const members = [{assignments: [{topic: 'audit'}]}]
    expect(topicsOfGroup(offsets, members, undefined)).toEqual(['audit', 'orders', 'payments'])
    expect(topicsOfGroup(offsets, members, 'orders')).toEqual(['orders'])
    expect(topicsOfGroup(offsets, members, 'other')).toEqual([])
  })

  it('has a position on every partition of its topics, committed or not; deleted topics are left out', () => {
    const positions = committedPositions(['deleted', 'orders'], meta, undefined, [
      {topic: 'orders', partition: 1, offset: 42},
      {topic: 'deleted', partition: 0, offset: 7},
    ])
    expect([...positions.values()]).toEqual([
      {topic: 'orders', partition: 0, offset: null},
      {topic: 'orders', partition: 1, offset: 42},
    ])
    expect(hasCommit(positions)).toBe(true)
    // --topic the group has nothing of: every partition of it, uncommitted.
    const none = committedPositions([], meta, 'payments', [])
    expect([...none.keys()]).toEqual([partitionKey('payments', 0)])
    expect(hasCommit(none)).toBe(false)
    expect(hasCommit(undefined)).toBe(false)
  })

  it('keeps the brokers\' share lags by group and partition, only for groups that have them', () => {
    const lags = brokerLagsOf(['share', 'classic'], [[{topic: 'orders', partition: 0, offset: 5, brokerLag: 3}, {topic: 'orders', partition: 1, offset: 5, brokerLag: null}], [{topic: 'orders', partition: 0, offset: 1}]])
    expect(lags).toEqual(new Map([['share', new Map([[partitionKey('orders', 0), 3]])]]))
  })

  it('asks for the record at each distinct committed offset once, and for none without timestamps', () => {
    const s = sample(NOW, {a: [['orders', 0, 10], ['orders', 1, null]], b: [['orders', 0, 10]], c: [['orders', 0, 12]]}, [])
    expect([...committedOffsetsToStamp(s.committed, true).values()]).toEqual([
      {topic: 'orders', partition: 0, committed: [10, 12]},
      {topic: 'orders', partition: 1, committed: []},
    ])
    expect([...committedOffsetsToStamp(s.committed, false).values()].map((e) => e.committed)).toEqual([[], []])
  })

  it('shows a Dead group with offsets as not classic', () => {
    expect(groupState(undefined, true)).toBeNull()
    expect(groupState({state: 'Dead'}, false)).toBe('Dead')
    expect(groupState({state: 'Dead'}, true)).toMatch(/^Unknown/)
    expect(groupState({state: 'Stable'}, true)).toBe('Stable')
  })

  it('observes a group: lag against the end offset, time lag from the record at the commit, a note when it is unknown', () => {
    const s = sample(NOW, {g: [['orders', 0, 90], ['orders', 1, 50], ['payments', 0, null]]}, [
      ['orders', 0, 100],
      ['orders', 1, 60],
      ['payments', 0, 5],
    ])
    s.stamps = new Map([
      [partitionOffsetKey('orders', 0, 90), {kind: 'found' as const, offset: 90, timestamp: NOW - 3000}],
      [partitionOffsetKey('orders', 1, 50), {kind: 'unknown' as const, reason: 'fetch failed'}],
    ])
    const burrow = new Map([[groupPartitionKey('g', 'orders', 0), {status: 'OK'} as never]])
    const o = observeGroup('g', {state: 'Stable', members: [], notes: ['n']}, s, burrow, NOW)
    expect(o).toMatchObject({group: 'g', state: 'Stable', type: null, notes: ['n'], members: []})
    const [p0, p1, pay] = o.partitions
    expect(p0).toMatchObject({topic: 'orders', partition: 0, offsets: {lag: 10, timeLagMs: 3000}, burrow: {status: 'OK'}})
    expect(p1!.offsets.lag).toBe(10)
    expect(p1!.offsets.note).toContain('time lag unknown: fetch failed')
    expect(p1!.burrow).toBeNull()
    expect(pay).toMatchObject({topic: 'payments', partition: 0, offsets: {committedOffset: null}})
  })

  it('history keeps at most the window per partition, and with change tracking the time an offset was first seen', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.nat(5), {nil: null}), {minLength: 1, maxLength: 12}), fc.integer({min: 2, max: 5}), (offsets, window) => {
        const history = new OffsetHistory()
        offsets.forEach((c, i) => history.record(sample(NOW + i * 1000, {g: [['orders', 0, c]]}, [['orders', 0, 10]]), window, true))
        expect(history.longest()).toBe(Math.min(window, offsets.length))
      }),
    )
    const history = new OffsetHistory()
    for (const [i, c] of [5, 5, 7].entries()) history.record(sample(NOW + i * 1000, {g: [['orders', 0, c]]}, [['orders', 0, 10]]), 3, true)
    const judged = history.judge(NOW + 2000, 4000, 2)
    expect([...judged.keys()]).toEqual([groupPartitionKey('g', 'orders', 0)])
    expect(judged.get(groupPartitionKey('g', 'orders', 0))!.samplesUsed).toBe(3)
  })
})

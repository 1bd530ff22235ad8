import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {brokersInvolved, selectNextBatch, type PartitionHealth, type PartitionMove} from '../../../src/core/rebalance/index.js'

const move = (topic: string, partition: number, from: number[], to: number[]): PartitionMove => ({topic, partition, from, to})
const healthy = (moves: PartitionMove[], minIsr = 1): PartitionHealth[] =>
  moves.map((m) => ({topic: m.topic, partition: m.partition, isr: [...m.from], minIsr}))

describe('selectNextBatch', () => {
  test('never lets a broker take part in more than perBroker moves', () => {
    const pending = [move('t', 0, [1, 2], [1, 3]), move('t', 1, [1, 2], [1, 4]), move('t', 2, [5, 6], [5, 7])]
    const {start} = selectNextBatch(pending, [], {perBroker: 1, cluster: 10}, healthy(pending))
    // t-0 and t-1 both take a replica off broker 2; only the first may run.
    expect(start.map((m) => m.partition)).toEqual([0, 2])
  })

  test('counts in-flight moves against both limits', () => {
    const inFlight = [move('t', 9, [1, 2], [3, 2])]
    const pending = [move('t', 0, [1, 4], [5, 4]), move('t', 1, [6, 7], [8, 7]), move('t', 2, [9, 10], [11, 10])]
    const perBroker = selectNextBatch(pending, inFlight, {perBroker: 1, cluster: 10}, healthy(pending))
    expect(perBroker.start.map((m) => m.partition)).toEqual([1, 2])
    const cluster = selectNextBatch(pending, inFlight, {perBroker: 5, cluster: 2}, healthy(pending))
    expect(cluster.start.map((m) => m.partition)).toEqual([0])
  })

  test('skips pending moves that are already in flight', () => {
    const m = move('t', 0, [1], [2])
    expect(selectNextBatch([m], [m], {perBroker: 5, cluster: 5}, healthy([m])).start).toEqual([])
  })

  test('holds back under-replicated, at-min-ISR (with RF above min ISR) and unknown-health partitions', () => {
    const pending = [move('t', 0, [1, 2, 3], [4, 2, 3]), move('t', 1, [1, 2, 3], [5, 2, 3]), move('t', 2, [1, 2, 3], [6, 2, 3]), move('t', 3, [1, 2, 3], [7, 2, 3])]
    const health: PartitionHealth[] = [
      {topic: 't', partition: 0, isr: [1, 2], minIsr: 1},
      {topic: 't', partition: 1, isr: [1, 2], minIsr: 2},
      {topic: 't', partition: 3, isr: [1, 2, 3], minIsr: 2},
    ]
    const {start, heldBack, warnings} = selectNextBatch(pending, [], {perBroker: 5, cluster: 10}, health)
    expect(start.map((m) => m.partition)).toEqual([3])
    expect(heldBack.map((h) => [h.partition, h.reason.split(' ')[0]])).toEqual([
      [0, 'under-replicated:'],
      [1, 'under-replicated:'],
      [2, 'no'],
    ])
    expect(warnings).toEqual([])
  })

  test('a full ISR above min.insync.replicas has slack and moves without a warning', () => {
    const m = move('t', 0, [1, 2, 3], [4, 2, 3])
    const slack = selectNextBatch([m], [], {perBroker: 5, cluster: 5}, [{topic: 't', partition: 0, isr: [1, 2, 3], minIsr: 2}])
    expect(slack.start).toEqual([m])
    expect(slack.warnings).toEqual([])
  })

  test('moves partitions with RF <= min.insync.replicas one at a time, with a warning, instead of holding them forever', () => {
    const pending = [move('t', 0, [1, 2], [3, 2]), move('t', 1, [1, 2], [4, 2]), move('t', 2, [5, 6, 7], [8, 6, 7])]
    const health: PartitionHealth[] = [
      {topic: 't', partition: 0, isr: [1, 2], minIsr: 2},
      {topic: 't', partition: 1, isr: [1, 2], minIsr: 2},
      {topic: 't', partition: 2, isr: [5, 6, 7], minIsr: 3},
    ]
    const first = selectNextBatch(pending, [], {perBroker: 5, cluster: 10}, health)
    expect(first.start.map((m) => m.partition)).toEqual([0])
    expect(first.heldBack).toEqual([])
    expect(first.warnings).toHaveLength(1)
    expect(first.warnings[0]).toMatch(/t-0 has replication factor 2 and min.insync.replicas 2/)
    // While one runs, the others wait (not reported as held back: they are only waiting their turn).
    const second = selectNextBatch(pending.slice(1), [pending[0]], {perBroker: 5, cluster: 10}, health)
    expect(second.start).toEqual([])
    expect(second.heldBack).toEqual([])
    // Once it finished, the next one starts.
    const third = selectNextBatch(pending.slice(1), [], {perBroker: 5, cluster: 10}, health)
    expect(third.start.map((m) => m.partition)).toEqual([1])
    // Still held back when under-replicated, even without slack.
    const urp = selectNextBatch([pending[2]], [], {perBroker: 5, cluster: 10}, [{topic: 't', partition: 2, isr: [5, 6], minIsr: 3}])
    expect(urp.start).toEqual([])
    expect(urp.heldBack[0].reason).toMatch(/under-replicated/)
  })

  test('is deterministic: input order does not matter', () => {
    const pending = Array.from({length: 20}, (_, i) => move(`t${i % 3}`, i, [1 + (i % 4), 10], [5 + (i % 3), 10]))
    const a = selectNextBatch(pending, [], {perBroker: 2, cluster: 6}, healthy(pending))
    const b = selectNextBatch([...pending].reverse(), [], {perBroker: 2, cluster: 6}, healthy(pending))
    expect(b).toEqual(a)
    const perBroker = new Map<number, number>()
    for (const m of a.start) for (const x of brokersInvolved(m)) perBroker.set(x, (perBroker.get(x) ?? 0) + 1)
    expect(Math.max(...perBroker.values())).toBeLessThanOrEqual(2)
    expect(a.start.length).toBeLessThanOrEqual(6)
  })

  test('rejects limits below 1', () => {
    expect(() => selectNextBatch([], [], {perBroker: 0, cluster: 1}, [])).toThrow(FleetopsError)
    expect(() => selectNextBatch([], [], {perBroker: 1, cluster: 1.5}, [])).toThrow(/whole number/)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {byLeader, leaderOf} from '../../../../src/adapters/kafka/protocol/by-leader.js'

type Item = {topic: string; partition: number; leader: number | null}

describe('byLeader', () => {
  it('one call per broker, brokers in first-seen order, each group in the items order', async () => {
    const items: Item[] = [
      {topic: 't', partition: 0, leader: 2},
      {topic: 't', partition: 1, leader: 1},
      {topic: 't', partition: 2, leader: 2},
      {topic: 'u', partition: 0, leader: 1},
    ]
    const calls: [number, number[]][] = []
    const out = await byLeader(items, leaderOf, async (broker, group) => {
      calls.push([broker, group.map((i) => i.partition)])
      return `${broker}:${group.length}`
    })
    expect(out).toEqual(['2:2', '1:2'])
    expect(calls).toEqual([
      [2, [0, 2]],
      [1, [1, 0]],
    ])
  })

  it('items with no leader go to noBroker before any request starts', async () => {
    const order: string[] = []
    await byLeader(
      [
        {topic: 't', partition: 0, leader: null},
        {topic: 't', partition: 1, leader: 3},
        {topic: 't', partition: 2, leader: -1},
      ] as Item[],
      leaderOf,
      async (broker) => void order.push(`request ${broker}`),
      (item) => void order.push(`offline ${item.partition}`),
    )
    expect(order).toEqual(['offline 0', 'offline 2', 'request 3'])
  })

  it('runs the brokers concurrently', async () => {
    let inFlight = 0
    let peak = 0
    await byLeader([1, 2, 3].map((leader) => ({topic: 't', partition: leader, leader})), leaderOf, async () => {
      peak = Math.max(peak, ++inFlight)
      await new Promise((r) => setTimeout(r, 5))
      inFlight--
    })
    expect(peak).toBe(3)
  })

  it('every item with a leader reaches exactly one call, for its own leader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.integer({min: -1, max: 5})), {maxLength: 40}), async (leaders) => {
        const items = leaders.map((leader, partition) => ({topic: 't', partition, leader}))
        const seen: number[] = []
        const offline: number[] = []
        await byLeader(
          items,
          leaderOf,
          async (broker, group) => {
            for (const it of group) {
              expect(it.leader).toBe(broker)
              seen.push(it.partition)
            }
          },
          (it) => void offline.push(it.partition),
        )
        expect([...seen, ...offline].sort((a, b) => a - b)).toEqual(items.map((i) => i.partition))
        expect(offline).toEqual(items.filter((i) => i.leader === null || i.leader < 0).map((i) => i.partition))
      }),
    )
  })
})

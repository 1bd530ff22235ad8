import {fc, test as propTest} from '@fast-check/vitest'
import {describe, expect, test} from 'vitest'

import {
  describeTopicPartitionsBody,
  describeTopicPartitionsRequest,
  followTopicPartitionPages,
  type DescribedPartition,
  type DescribeTopicPartitionsResponse,
  type TopicPartitionCursor,
} from '../../../../src/adapters/kafka/protocol/describe-topic-partitions.js'
import {Writer} from '../../../../src/adapters/kafka/protocol/writer.js'
import {Reader} from '../../../../src/adapters/kafka/protocol/reader.js'

const TOPIC_ID = Buffer.from('00112233445566778899aabbccddeeff', 'hex')

interface FakePartition {
  topic: string
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
  elr: number[] | null
  lastKnownElr: number[] | null
}

/** The request as a broker reads it (what our encoder must produce). */
function readRequest(body: Buffer): {topics: string[]; limit: number; cursor: TopicPartitionCursor | null} {
  const r = new Reader(body, true)
  const topics = r.array((r) => {
    const name = r.string()
    r.tags()
    return name
  })
  const limit = r.int32()
  let cursor: TopicPartitionCursor | null = null
  if (r.int8() >= 0) {
    cursor = {topicName: r.string(), partitionIndex: r.int32()}
    r.tags()
  }
  r.tags()
  return {topics, limit, cursor}
}

/** A response as Kafka encodes it; `next` null = done. */
function response(partitions: FakePartition[], next: TopicPartitionCursor | null): Buffer {
  const w = new Writer(true)
  const ids = (w: Writer, id: number) => w.int32(id)
  const byTopic = new Map<string, FakePartition[]>()
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p])
  w.int32(0)
  w.array([...byTopic], (w, [topic, ps]) => {
    w.int16(0).nullableString(topic).uuid(TOPIC_ID).bool(topic.startsWith('__'))
    w.array(ps, (w, p) => {
      w.int16(0).int32(p.partition).int32(p.leader).int32(7)
      w.array(p.replicas, ids).array(p.isr, ids).array(p.elr, ids).array(p.lastKnownElr, ids)
      w.array([], ids)
      w.tags()
    })
    w.int32(-2147483648)
    w.tags()
  })
  if (next === null) w.int8(-1)
  else w.int8(1).string(next.topicName).int32(next.partitionIndex).tags()
  return w.tags().toBuffer()
}

/**
 * A broker that answers in topic-name then partition order, at most `limit` partitions per
 * page, starting at the request's cursor, and sets NextTopicPartition when more remain.
 */
function fakeBroker(all: FakePartition[]): {send: (body: Buffer) => DescribeTopicPartitionsResponse; requests: ReturnType<typeof readRequest>[]} {
  const requests: ReturnType<typeof readRequest>[] = []
  const send = (body: Buffer): DescribeTopicPartitionsResponse => {
    const req = readRequest(body)
    requests.push(req)
    const wanted = new Set(req.topics)
    const sorted = all
      .filter((p) => wanted.size === 0 || wanted.has(p.topic))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    const from = req.cursor === null ? 0 : sorted.findIndex((p) => p.topic === req.cursor!.topicName && p.partition === req.cursor!.partitionIndex)
    const page = sorted.slice(from, from + req.limit)
    const rest = sorted[from + req.limit]
    const bytes = response(page, rest ? {topicName: rest.topic, partitionIndex: rest.partition} : null)
    return describeTopicPartitionsRequest(0, req.topics).decode(new Reader(bytes, true)).value
  }
  return {send, requests}
}

describe('DescribeTopicPartitions', () => {
  test('the request: compact topics, the partition limit, a null or present cursor', () => {
    // topics: 1 entry (uvarint 2), "ab" (uvarint 3 + 2 bytes), tags; limit int32 2000; cursor -1; tags
    expect(describeTopicPartitionsBody(['ab'], 2000, null)).toEqual(Buffer.from([2, 3, 0x61, 0x62, 0, 0, 0, 0x07, 0xd0, 0xff, 0]))
    // cursor present: int8 1, "ab", int32 5, tags
    expect(describeTopicPartitionsBody([], 10, {topicName: 'ab', partitionIndex: 5})).toEqual(
      Buffer.from([1, 0, 0, 0, 10, 1, 3, 0x61, 0x62, 0, 0, 0, 5, 0, 0]),
    )
    expect(describeTopicPartitionsRequest(0, ['t'])).toMatchObject({apiKey: 75, apiVersion: 0, flexible: true})
    expect(readRequest(describeTopicPartitionsRequest(0, ['t', 'u'], 3, {topicName: 'u', partitionIndex: 1}).body)).toEqual({
      topics: ['t', 'u'],
      limit: 3,
      cursor: {topicName: 'u', partitionIndex: 1},
    })
  })

  test('decodes ELR, last known ELR (null where not tracked) and the cursor', () => {
    const parts: FakePartition[] = [
      {topic: 'orders', partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1], elr: [2], lastKnownElr: [3]},
      {topic: 'orders', partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1], elr: null, lastKnownElr: null},
      {topic: 'orders', partition: 2, leader: -1, replicas: [3, 1, 2], isr: [], elr: [], lastKnownElr: [3]},
    ]
    const {value, throttleTimeMs} = describeTopicPartitionsRequest(0, ['orders']).decode(new Reader(response(parts, {topicName: 'zz', partitionIndex: 4}), true))
    expect(throttleTimeMs).toBe(0)
    expect(value.nextCursor).toEqual({topicName: 'zz', partitionIndex: 4})
    const t = value.topics[0]!
    expect(t).toMatchObject({errorCode: 0, name: 'orders', topicId: TOPIC_ID.toString('hex'), isInternal: false, topicAuthorizedOperations: -2147483648})
    expect(t.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch, p.isrNodes, p.eligibleLeaderReplicas, p.lastKnownElr])).toEqual([
      [0, 1, 7, [1], [2], [3]],
      [1, 2, 7, [2, 3, 1], null, null],
      [2, -1, 7, [], [], [3]],
    ])
  })

  test('follows the cursor until the broker is done and merges a topic split across pages', async () => {
    const all: FakePartition[] = []
    for (const topic of ['b', 'a', 'c']) {
      for (let partition = 0; partition < 5; partition++) all.push({topic, partition, leader: 1, replicas: [1, 2], isr: [1, 2], elr: [], lastKnownElr: []})
    }
    const broker = fakeBroker(all)
    const res = await followTopicPartitionPages((cursor) => Promise.resolve(broker.send(describeTopicPartitionsRequest(0, ['a', 'c'], 4, cursor).body)), 100, 'test')
    expect(res.pages).toBe(3) // 10 partitions, 4 per page
    expect(broker.requests.map((r) => r.cursor)).toEqual([null, {topicName: 'a', partitionIndex: 4}, {topicName: 'c', partitionIndex: 3}])
    expect(res.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      ['a', [0, 1, 2, 3, 4]],
      ['c', [0, 1, 2, 3, 4]],
    ])
  })

  test('a cursor that does not move, or too many pages, is an error rather than a loop', async () => {
    const stuck: DescribeTopicPartitionsResponse = {throttleTimeMs: 0, topics: [], nextCursor: {topicName: 'a', partitionIndex: 1}}
    await expect(followTopicPartitionPages(() => Promise.resolve(stuck), 100, 'test')).rejects.toThrow(/cursor did not move/)
    let i = 0
    const endless = () => Promise.resolve({throttleTimeMs: 0, topics: [], nextCursor: {topicName: 'a', partitionIndex: i++}})
    await expect(followTopicPartitionPages(endless, 5, 'test')).rejects.toThrow(/not done after 5 pages/)
  })

  const partitionsArb = fc
    .uniqueArray(fc.record({topic: fc.constantFrom('a', 'b', 'c', '__x'), partition: fc.nat(20)}), {selector: (p) => `${p.topic}-${p.partition}`, maxLength: 40})
    .chain((keys) =>
      fc.tuple(
        fc.constant(keys),
        fc.array(
          fc.record({
            elr: fc.option(fc.uniqueArray(fc.integer({min: 0, max: 9}), {maxLength: 3}), {nil: null}),
            lastKnownElr: fc.option(fc.uniqueArray(fc.integer({min: 0, max: 9}), {maxLength: 3}), {nil: null}),
          }),
          {minLength: keys.length, maxLength: keys.length},
        ),
      ),
    )
    .map(([keys, elrs]) =>
      keys.map((k, i): FakePartition => ({...k, leader: 1, replicas: [1, 2, 3], isr: [1], elr: elrs[i]!.elr, lastKnownElr: elrs[i]!.lastKnownElr})),
    )

  propTest.prop([partitionsArb, fc.integer({min: 1, max: 7})], {numRuns: 100})('every page size yields every partition once, ELR intact', async (all, limit) => {
    const broker = fakeBroker(all)
    const res = await followTopicPartitionPages((cursor) => Promise.resolve(broker.send(describeTopicPartitionsRequest(0, [], limit, cursor).body)), 1000, 'test')
    expect(res.pages).toBe(Math.max(1, Math.ceil(all.length / limit)))
    const got = res.topics.flatMap((t) => t.partitions.map((p: DescribedPartition) => ({topic: t.name, partition: p.partitionIndex, elr: p.eligibleLeaderReplicas, lastKnownElr: p.lastKnownElr})))
    const want = all.map((p) => ({topic: p.topic, partition: p.partition, elr: p.elr, lastKnownElr: p.lastKnownElr}))
    const key = (p: {topic: string | null; partition: number}) => `${p.topic}-${String(p.partition).padStart(3, '0')}`
    expect(got.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(want.sort((a, b) => key(a).localeCompare(key(b))))
    expect(new Set(res.topics.map((t) => t.name)).size).toBe(res.topics.length)
  })
})

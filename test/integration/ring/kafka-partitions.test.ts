import {Kafka, logLevel} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'

import {partitionRemap, kafkaPartitionForKey} from '../../../src/core/hash/kafka-partitioner.js'
import {kafkaBrokers} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {createTopicsReady} from '../support/topics.js'

/** `hash kafka-partitions --sample` reads real keys from a real topic, read-only. */
describe('hash kafka-partitions on the live sandbox', () => {
  const kafka = new Kafka({clientId: 'fleetops-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
  const admin = kafka.admin()

  afterAll(async () => {
    await admin.disconnect()
  })

  it('samples the keys the producer wrote, placed by murmur2, without joining a group', async () => {
    const topic = `hash-keys-${Date.now()}`
    await admin.connect()
    await createTopicsReady(admin, {topics: [{topic, numPartitions: 6, replicationFactor: 3}], waitForLeaders: true})
    // kafkajs's default partitioner is the Java client's murmur2 one.
    const producer = kafka.producer()
    await producer.connect()
    const keys = Array.from({length: 600}, (_, i) => `customer-${i}`)
    for (let i = 0; i < keys.length; i += 100) {
      await producer.send({topic, acks: -1, messages: keys.slice(i, i + 100).map((k) => ({key: k, value: 'v'}))})
    }
    await producer.send({topic, acks: -1, messages: [{key: null, value: 'no key'}]})
    await producer.disconnect()
    const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId).sort()

    const r = await runCli(['hash', 'kafka-partitions', '--topic', topic, '--from', '6', '--to', '8', '--sample', '10000', '--json'], {
      env: {FLEETOPS_BROKERS: kafkaBrokers().join(',')},
    })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.source).toBe('sample')
    expect(r.json.sample.records).toBe(keys.length + 1)
    expect(r.json.sample.nullKeys).toBe(1)
    expect(r.json.keys).toBe(keys.length)
    expect(r.json.sample.placedByDefaultPartitioner).toBe(keys.length)
    const enc = new TextEncoder()
    const expected = partitionRemap({from: 6, to: 8, keys: keys.map((k) => enc.encode(k))})
    expect(r.json.moved).toBe(expected.moved)
    expect(r.json.fraction).toBe(expected.fraction)
    expect(r.json.expected).toBeCloseTo(1 - 6 / 24, 12)
    expect(r.json.byPartition.reduce((a: number, p: {keys: number}) => a + p.keys, 0)).toBe(keys.length)
    // The partition of each key is where the producer put it.
    const meta = await admin.fetchTopicOffsets(topic)
    const perPartition = new Map<number, number>()
    for (const k of keys) perPartition.set(kafkaPartitionForKey(enc.encode(k), 6), (perPartition.get(kafkaPartitionForKey(enc.encode(k), 6)) ?? 0) + 1)
    for (const p of meta) {
      const nullKeyHere = Number(p.high) - (perPartition.get(p.partition) ?? 0)
      expect(nullKeyHere === 0 || nullKeyHere === 1).toBe(true)
    }
    // Read-only: no consumer group appeared.
    const groupsAfter = (await admin.listGroups()).groups.map((g) => g.groupId).sort()
    expect(groupsAfter).toEqual(groupsBefore)

    const human = await runCli(['hash', 'kafka-partitions', '--topic', topic, '--from', '6', '--to', '8', '--sample', '10000'], {
      env: {FLEETOPS_BROKERS: kafkaBrokers().join(',')},
    })
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(`Keys on the partition murmur2 gives for 6 partitions: ${keys.length} of ${keys.length}`)
    await admin.deleteTopics({topics: [topic]})
  })

  it('without --sample it needs no cluster', async () => {
    const r = await runCli(['hash', 'kafka-partitions', '--topic', 'anything', '--from', '4', '--to', '8', '--json'], {
      env: {FLEETOPS_BROKERS: '127.0.0.1:1'},
    })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.source).toBe('synthetic')
    expect(r.json.expected).toBeCloseTo(0.5, 12)
    expect(Math.abs(r.json.fraction - 0.5)).toBeLessThan(0.01)
  })
})

import {Kafka, logLevel} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

/**
 * The sandbox runs Kafka 3.9 as well as 4.x (a different logging backend and
 * protocol versions), and fleetops's own requests (DescribeLogDirs for sizes,
 * DescribeConfigs for racks) work against it. One broker keeps this cheap.
 */
const sandbox = ['--name', 'k39', '--network', '127.0.39']
const brokers = '127.0.39.1:9092'

describe('Kafka 3.9 sandbox', () => {
  beforeAll(async () => {
    const up = await runCli(['sandbox', 'up', ...sandbox, '--no-cassandra', '--kafka-nodes', '1', '--kafka-version', '3.9.1', '--json'])
    expect(up.code, up.stdout + up.stderr).toBe(0)
    expect(up.json.kafka.version).toBe('3.9.1')
  })

  afterAll(async () => {
    await runCli(['sandbox', 'down', '--name', 'k39', '--purge'])
  })

  it('serves produce, and kafka describe reports the rack and the partition size', async () => {
    const kafka = new Kafka({clientId: 'k39-test', brokers: [brokers], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'v39', numPartitions: 2, replicationFactor: 1}], waitForLeaders: true})
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'v39', acks: -1, messages: Array.from({length: 100}, (_, i) => ({key: `k${i}`, value: 'x'.repeat(100)}))})
    await producer.disconnect()

    const r = await runCli(['kafka', 'describe', '--topics', '^v39$', '--json'], {env: {FLEETOPS_BROKERS: brokers}})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.brokers).toEqual([expect.objectContaining({id: 1, rack: 'rack1', alive: true})])
    expect(r.json.partitions).toHaveLength(2)
    const total = r.json.partitions.reduce((sum: number, p: {size: number}) => sum + p.size, 0)
    // 100 records of 100+ bytes each landed somewhere: sizes come from DescribeLogDirs on 3.9.
    expect(total).toBeGreaterThan(100 * 100)
  })
})

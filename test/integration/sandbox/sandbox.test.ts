import cassandra from 'cassandra-driver'
import {Kafka, logLevel} from 'kafkajs'
import {afterAll, describe, expect, it} from 'vitest'

import {cassandraContactPoints, cassandraLocalDc, kafkaBrokers, testCassandraClient} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {createTopicsReady} from '../support/topics.js'

/** The sandbox is a real multi-node Kafka and Cassandra, not a stand-in. */
describe('sandbox clusters', () => {
  const kafka = new Kafka({clientId: 'fleetops-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
  const client = testCassandraClient()

  afterAll(async () => {
    await client.shutdown()
  })

  it('sandbox status --json shows every process up', async () => {
    const r = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
    expect(r.code).toBe(0)
    const nodes = [...r.json.kafka.brokers, ...r.json.cassandra.nodes]
    expect(r.json.kafka.brokers.length).toBeGreaterThanOrEqual(3)
    expect(r.json.cassandra.nodes.length).toBeGreaterThanOrEqual(3)
    for (const n of nodes) {
      expect(n.up).toBe(true)
      expect(n.pid).toBeGreaterThan(0)
    }
    expect(r.json.kafka.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(r.json.cassandra.version).toMatch(/^5\.0\./)
  })

  it('sandbox up again is idempotent and just reports', async () => {
    const before = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
    const again = await runCli(['sandbox', 'up', ...sandboxFlags, '--network', '127.0.10', '--json'])
    expect(again.code).toBe(0)
    const pids = (s: any) => [...s.kafka.brokers, ...s.cassandra.nodes].map((n: any) => n.pid)
    expect(pids(again.json)).toEqual(pids(before.json))
  })

  it('a topic with RF 3 on 3 brokers is produced to and consumed from', async () => {
    const topic = `sandbox-rf3-${Date.now()}`
    const admin = kafka.admin()
    await admin.connect()
    await createTopicsReady(admin, {topics: [{topic, numPartitions: 3, replicationFactor: 3}], waitForLeaders: true})
    const meta = await admin.fetchTopicMetadata({topics: [topic]})
    for (const p of meta.topics[0].partitions) expect(new Set(p.replicas).size).toBe(3)
    await admin.disconnect()

    const producer = kafka.producer()
    await producer.connect()
    const sent = Array.from({length: 50}, (_, i) => ({key: `k${i}`, value: `v${i}`}))
    await producer.send({topic, acks: -1, messages: sent})
    await producer.disconnect()

    const consumer = kafka.consumer({groupId: `g-${topic}`})
    await consumer.connect()
    await consumer.subscribe({topic, fromBeginning: true})
    const received: string[] = []
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({message}) => {
          received.push(String(message.value))
          if (received.length === sent.length) resolve()
        },
      })
    })
    await consumer.disconnect()
    expect(received.sort()).toEqual(sent.map((m) => m.value).sort())
  })

  it('a NetworkTopologyStrategy RF 3 keyspace is written at QUORUM and read back', async () => {
    await client.connect()
    expect([...client.hosts.values()].filter((h) => h.isUp()).length).toBeGreaterThanOrEqual(3)
    const ks = `sandbox_${Date.now()}`
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class':'NetworkTopologyStrategy','${cassandraLocalDc()}':3}`)
    await client.execute(`CREATE TABLE ${ks}.kv (k text PRIMARY KEY, v int)`)
    const quorum = {prepare: true, consistency: cassandra.types.consistencies.quorum}
    for (let i = 0; i < 20; i++) await client.execute(`INSERT INTO ${ks}.kv (k, v) VALUES (?, ?)`, [`k${i}`, i], quorum)
    const rs = await client.execute(`SELECT k, v FROM ${ks}.kv`, [], {consistency: cassandra.types.consistencies.quorum})
    expect(rs.rows.map((r) => r.v).sort((a, b) => a - b)).toEqual(Array.from({length: 20}, (_, i) => i))
    // Each row really has three replicas, one per rack.
    const replicas = client.getReplicas(ks, Buffer.from('k1'))
    expect(new Set(replicas.map((h) => h.rack)).size).toBe(3)
    await client.execute(`DROP KEYSPACE ${ks}`)
  })
})

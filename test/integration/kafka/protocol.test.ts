/**
 * The hand-written Kafka protocol requests (src/adapters/kafka/protocol) against a REAL
 * multi-broker cluster (3 brokers, RF 3). Facts are cross-checked with kafkajs's own admin
 * API (describeConfigs, fetchTopicMetadata), never with the code under test alone.
 */
import {randomBytes} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConfigResourceTypes, Kafka, logLevel, Partitioners, type Admin} from 'kafkajs'

import {FleetopsError} from '../../../src/core/errors.js'
import {KafkaProtocolClient, type LogDirPartition} from '../../../src/adapters/kafka/protocol/index.js'
import {kafkaBrokers} from '../support/cluster.js'

const brokers = kafkaBrokers()
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
const DATA_TOPIC = `fleetops-proto-data-${runId}`
const ELECT_TOPIC = `fleetops-proto-elect-${runId}`
const SINGLE_TOPIC = `fleetops-proto-single-${runId}`
const LAG_TOPIC = `fleetops-proto-lag-${runId}`
/** Records produced per partition of DATA_TOPIC: partitions 2 and 3 stay empty. */
const PRODUCED: Record<number, number> = {0: 40, 1: 25, 2: 0, 3: 0}

let kafka: Kafka
let admin: Admin
let client: KafkaProtocolClient
let ids: number[]

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      return await fn()
    } catch (e) {
      last = e
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${(e as Error).message}`, {cause: last})
      await new Promise((r) => setTimeout(r, 300))
    }
  }
}

async function describeConfig(type: ConfigResourceTypes, name: string): Promise<Map<string, {value: string; source: number}>> {
  const res = await admin.describeConfigs({resources: [{type, name}], includeSynonyms: false})
  const entries = res.resources[0]!.configEntries
  return new Map(entries.map((e) => [e.configName, {value: e.configValue, source: e.configSource}]))
}

/** kafkajs ConfigSource: 1 DYNAMIC_TOPIC_CONFIG, 2 DYNAMIC_BROKER_CONFIG. */
const DYNAMIC_TOPIC = 1
const DYNAMIC_BROKER = 2

async function leaders(topic: string): Promise<Map<number, {leader: number; replicas: number[]; isr: number[]}>> {
  const md = await admin.fetchTopicMetadata({topics: [topic]})
  return new Map(md.topics[0]!.partitions.map((p) => [p.partitionId, {leader: p.leader, replicas: p.replicas, isr: p.isr}]))
}

beforeAll(async () => {
  kafka = new Kafka({clientId: 'fleetops-protocol-test', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 5000})
  admin = kafka.admin()
  await admin.connect()
  client = new KafkaProtocolClient({clientId: 'fleetops-protocol-test', brokers, connectionTimeout: 5000})
  ids = await client.brokerIds()
  expect(ids.length).toBeGreaterThanOrEqual(3)
  const [a, b, c] = ids as [number, number, number]

  // kafkajs's waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION while metadata is
  // still propagating (seen on 3.9), so wait for leaders ourselves.
  await admin.createTopics({
    waitForLeaders: false,
    topics: [
      {
        topic: DATA_TOPIC,
        replicaAssignment: [
          {partition: 0, replicas: [a, b, c]},
          {partition: 1, replicas: [b, c, a]},
          {partition: 2, replicas: [c, a, b]},
          {partition: 3, replicas: [a, c, b]},
        ],
        // A pre-existing dynamic topic config that the throttle changes must not disturb.
        configEntries: [{name: 'retention.ms', value: '7200000'}],
      },
      {topic: ELECT_TOPIC, replicaAssignment: [{partition: 0, replicas: [a, b, c]}, {partition: 1, replicas: [b, c, a]}]},
      {topic: SINGLE_TOPIC, replicaAssignment: [{partition: 0, replicas: [a]}]},
      {topic: LAG_TOPIC, replicaAssignment: [{partition: 0, replicas: [a, b]}]},
    ],
  })

  await eventually('new topics to have leaders', async () => {
    for (const topic of [DATA_TOPIC, ELECT_TOPIC, SINGLE_TOPIC, LAG_TOPIC]) {
      for (const [p, info] of await leaders(topic)) if (info.leader < 0) throw new Error(`${topic}-${p} has no leader`)
    }
  })

  const producer = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false})
  await producer.connect()
  for (const [partition, count] of Object.entries(PRODUCED)) {
    if (count === 0) continue
    await producer.send({
      topic: DATA_TOPIC,
      acks: -1,
      messages: Array.from({length: count}, (_, i) => ({partition: Number(partition), key: `k${i}`, value: randomBytes(512).toString('hex')})),
    })
  }
  await producer.disconnect()
})

afterAll(async () => {
  // Leave the cluster as we found it even when a test failed half-way.
  if (client && ids) {
    await client
      .incrementalAlterConfigs(
        [
          {type: 'BROKER', name: String(ids[2]), configs: [{name: 'follower.replication.throttled.rate', op: 'DELETE'}]},
          {
            type: 'BROKER',
            name: String(ids[0]),
            configs: [
              {name: 'leader.replication.throttled.rate', op: 'DELETE'},
              {name: 'follower.replication.throttled.rate', op: 'DELETE'},
              {name: 'log.cleaner.backoff.ms', op: 'DELETE'},
            ],
          },
        ],
        {throwOnError: false},
      )
      .catch(() => {})
  }
  await admin?.deleteTopics({topics: [DATA_TOPIC, ELECT_TOPIC, SINGLE_TOPIC, LAG_TOPIC]}).catch(() => {})
  await admin?.disconnect()
  await client?.close()
})

describe('DescribeLogDirs', () => {
  it('reports every replica with size > 0 for partitions with data and 0 for empty ones', async () => {
    const byBroker = await eventually('all replicas to hold the produced data', async () => {
      const res = await client.describeLogDirs()
      const out = new Map<number, LogDirPartition[]>()
      for (const b of res) {
        if (!b.ok) throw b.error
        expect(b.apiVersion).toBe(4)
        expect(b.logDirs.length).toBeGreaterThan(0)
        for (const dir of b.logDirs) {
          expect(dir.errorCode).toBe(0)
          expect(dir.path.startsWith('/')).toBe(true)
          // v4 reports the volume; usable <= total.
          expect(dir.totalBytes).toBeGreaterThan(0)
          expect(dir.usableBytes!).toBeLessThanOrEqual(dir.totalBytes!)
        }
        out.set(
          b.brokerId,
          b.logDirs.flatMap((d) => d.partitions.filter((p) => p.topic === DATA_TOPIC)),
        )
      }
      for (const [, parts] of out) {
        for (const p of [0, 1]) {
          const replica = parts.find((x) => x.partition === p)
          if (!replica || replica.size === 0) throw new Error(`partition ${p} not replicated yet`)
        }
      }
      return out
    })

    expect([...byBroker.keys()].sort()).toEqual([...ids].sort())
    for (const [brokerId, parts] of byBroker) {
      // RF 3 on 3 brokers: every broker holds all 4 partitions.
      expect(parts.map((p) => p.partition).sort(), `broker ${brokerId}`).toEqual([0, 1, 2, 3])
      for (const p of parts) {
        expect(p.isFuture).toBe(false)
        expect(p.offsetLag).toBe(0)
        if (PRODUCED[p.partition]! > 0) expect(p.size, `broker ${brokerId} p${p.partition}`).toBeGreaterThan(PRODUCED[p.partition]! * 512)
        else expect(p.size, `broker ${brokerId} p${p.partition}`).toBe(0)
      }
    }
    // Partition 0 got more data than partition 1 on every replica.
    for (const parts of byBroker.values()) {
      expect(parts.find((p) => p.partition === 0)!.size).toBeGreaterThan(parts.find((p) => p.partition === 1)!.size)
    }
  })

  it('filters by topic-partition and by broker', async () => {
    const [res] = await client.describeLogDirs([ids[1]!], {topics: [{topic: DATA_TOPIC, partitions: [1]}]})
    expect(res!.brokerId).toBe(ids[1])
    if (!res!.ok) throw res!.error
    const parts = res!.logDirs.flatMap((d) => d.partitions)
    expect(parts).toHaveLength(1)
    expect(parts[0]).toMatchObject({topic: DATA_TOPIC, partition: 1, isFuture: false})
    expect(parts[0]!.size).toBeGreaterThan(0)
  })

  it('rejects an unknown broker id as BAD_INPUT', async () => {
    await expect(client.describeLogDirs([999])).rejects.toMatchObject({name: 'FleetopsError', code: 'BAD_INPUT'})
  })
})

describe('IncrementalAlterConfigs', () => {
  it('SETs and DELETEs a throttle rate on one broker without touching its other dynamic configs', async () => {
    const broker = String(ids[0])
    const other = String(ids[1])
    // A pre-existing dynamic broker config.
    await client.incrementalAlterConfigs([{type: 'BROKER', name: broker, configs: [{name: 'log.cleaner.backoff.ms', op: 'SET', value: '16000'}]}])
    await eventually('log.cleaner.backoff.ms to be dynamic on the broker', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.BROKER, broker)
      expect(cfg.get('log.cleaner.backoff.ms')).toEqual({value: '16000', source: DYNAMIC_BROKER})
    })

    const set = await client.incrementalAlterConfigs([
      {
        type: 'BROKER',
        name: broker,
        configs: [
          {name: 'leader.replication.throttled.rate', op: 'SET', value: '10485760'},
          {name: 'follower.replication.throttled.rate', op: 'SET', value: '5242880'},
        ],
      },
    ])
    expect(set).toEqual([expect.objectContaining({type: 'BROKER', name: broker, ok: true, errorCode: 0})])
    await eventually('throttle rates to be visible', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.BROKER, broker)
      expect(cfg.get('leader.replication.throttled.rate')).toEqual({value: '10485760', source: DYNAMIC_BROKER})
      expect(cfg.get('follower.replication.throttled.rate')).toEqual({value: '5242880', source: DYNAMIC_BROKER})
      expect(cfg.get('log.cleaner.backoff.ms')).toEqual({value: '16000', source: DYNAMIC_BROKER})
    })
    // Only that broker was changed.
    const otherCfg = await describeConfig(ConfigResourceTypes.BROKER, other)
    expect(otherCfg.get('leader.replication.throttled.rate')?.source).not.toBe(DYNAMIC_BROKER)

    await client.incrementalAlterConfigs([
      {
        type: 'BROKER',
        name: broker,
        configs: [
          {name: 'leader.replication.throttled.rate', op: 'DELETE'},
          {name: 'follower.replication.throttled.rate', op: 'DELETE'},
        ],
      },
    ])
    await eventually('throttle rates to be removed', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.BROKER, broker)
      expect(cfg.get('leader.replication.throttled.rate')?.source).not.toBe(DYNAMIC_BROKER)
      expect(cfg.get('follower.replication.throttled.rate')?.source).not.toBe(DYNAMIC_BROKER)
      expect(cfg.get('log.cleaner.backoff.ms')).toEqual({value: '16000', source: DYNAMIC_BROKER})
    })

    await client.incrementalAlterConfigs([{type: 'BROKER', name: broker, configs: [{name: 'log.cleaner.backoff.ms', op: 'DELETE'}]}])
    await eventually('log.cleaner.backoff.ms to be removed', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.BROKER, broker)
      expect(cfg.get('log.cleaner.backoff.ms')?.source).not.toBe(DYNAMIC_BROKER)
    })
  })

  it('SETs, APPENDs and DELETEs throttled-replica lists on a topic without touching retention.ms', async () => {
    const before = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
    expect(before.get('retention.ms')).toEqual({value: '7200000', source: DYNAMIC_TOPIC})

    await client.incrementalAlterConfigs([
      {
        type: 'TOPIC',
        name: DATA_TOPIC,
        configs: [
          {name: 'leader.replication.throttled.replicas', op: 'SET', value: `0:${ids[0]},1:${ids[1]}`},
          {name: 'follower.replication.throttled.replicas', op: 'SET', value: `0:${ids[2]}`},
        ],
      },
    ])
    await eventually('throttled replicas to be visible', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
      expect(cfg.get('leader.replication.throttled.replicas')).toEqual({value: `0:${ids[0]},1:${ids[1]}`, source: DYNAMIC_TOPIC})
      expect(cfg.get('follower.replication.throttled.replicas')).toEqual({value: `0:${ids[2]}`, source: DYNAMIC_TOPIC})
      expect(cfg.get('retention.ms')).toEqual({value: '7200000', source: DYNAMIC_TOPIC})
    })

    await client.incrementalAlterConfigs([
      {type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'follower.replication.throttled.replicas', op: 'APPEND', value: `1:${ids[0]}`}]},
    ])
    await eventually('APPEND to be visible', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
      expect(cfg.get('follower.replication.throttled.replicas')!.value.split(',').sort()).toEqual([`0:${ids[2]}`, `1:${ids[0]}`].sort())
    })

    await client.incrementalAlterConfigs([
      {
        type: 'TOPIC',
        name: DATA_TOPIC,
        configs: [
          {name: 'leader.replication.throttled.replicas', op: 'DELETE'},
          {name: 'follower.replication.throttled.replicas', op: 'DELETE'},
        ],
      },
    ])
    await eventually('throttled replicas to be removed', async () => {
      const cfg = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
      expect(cfg.get('leader.replication.throttled.replicas')?.source).not.toBe(DYNAMIC_TOPIC)
      expect(cfg.get('follower.replication.throttled.replicas')?.source).not.toBe(DYNAMIC_TOPIC)
      expect(cfg.get('retention.ms')).toEqual({value: '7200000', source: DYNAMIC_TOPIC})
    })
  })

  it('validateOnly changes nothing', async () => {
    const broker = String(ids[1])
    const res = await client.incrementalAlterConfigs(
      [
        {type: 'BROKER', name: broker, configs: [{name: 'leader.replication.throttled.rate', op: 'SET', value: '1048576'}]},
        {type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'retention.ms', op: 'SET', value: '3600000'}]},
      ],
      {validateOnly: true},
    )
    expect(res.map((r) => r.ok)).toEqual([true, true])
    // Give a (wrongly) applied change time to propagate before checking it did not happen.
    await new Promise((r) => setTimeout(r, 1500))
    const brokerCfg = await describeConfig(ConfigResourceTypes.BROKER, broker)
    expect(brokerCfg.get('leader.replication.throttled.rate')?.source).not.toBe(DYNAMIC_BROKER)
    const topicCfg = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
    expect(topicCfg.get('retention.ms')).toEqual({value: '7200000', source: DYNAMIC_TOPIC})
  })

  it('an invalid value is a clean BAD_INPUT FleetopsError (also under validateOnly) and changes nothing', async () => {
    const broker = String(ids[0])
    for (const validateOnly of [true, false]) {
      const err = await client
        .incrementalAlterConfigs(
          [{type: 'BROKER', name: broker, configs: [{name: 'leader.replication.throttled.rate', op: 'SET', value: 'fast-please'}]}],
          {validateOnly},
        )
        .then(
          () => null,
          (e: unknown) => e,
        )
      expect(err).toBeInstanceOf(FleetopsError)
      expect((err as FleetopsError).code).toBe('BAD_INPUT')
      expect((err as FleetopsError).message).toMatch(/INVALID_CONFIG \(40\)|INVALID_REQUEST \(42\)/)
      expect((err as FleetopsError).message).toContain(`BROKER "${broker}"`)
    }
    const topicErr = await client
      .incrementalAlterConfigs([{type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'retention.ms', op: 'SET', value: 'forever'}]}])
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(topicErr).toMatchObject({name: 'FleetopsError', code: 'BAD_INPUT'})

    // With throwOnError: false the per-resource error is returned instead.
    const [res] = await client.incrementalAlterConfigs(
      [{type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'retention.ms', op: 'SET', value: 'forever'}]}],
      {throwOnError: false},
    )
    expect(res).toMatchObject({ok: false, errorName: 'INVALID_CONFIG', errorCode: 40})
    expect(res!.error?.code).toBe('BAD_INPUT')

    const cfg = await describeConfig(ConfigResourceTypes.BROKER, broker)
    expect(cfg.get('leader.replication.throttled.rate')?.source).not.toBe(DYNAMIC_BROKER)
    expect((await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)).get('retention.ms')?.value).toBe('7200000')
  })

  it('rejects malformed requests before sending them', async () => {
    await expect(
      client.incrementalAlterConfigs([{type: 'BROKER', name: 'one', configs: [{name: 'x', op: 'DELETE'}]}]),
    ).rejects.toMatchObject({code: 'BAD_INPUT'})
    await expect(
      client.incrementalAlterConfigs([{type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'retention.ms', op: 'SET'}]}]),
    ).rejects.toMatchObject({code: 'BAD_INPUT'})
  })
})

describe('ElectLeaders', () => {
  it('moves leadership back to the preferred replica, then reports "election not needed" as success', async () => {
    const [a, b, c] = ids as [number, number, number]
    const before = await leaders(ELECT_TOPIC)
    expect(before.get(0)!.leader).toBe(a)

    // Reorder the replicas so the preferred (first) replica is b while a still leads.
    await admin.alterPartitionReassignments({topics: [{topic: ELECT_TOPIC, partitionAssignment: [{partition: 0, replicas: [b, a, c]}]}]})
    await eventually('reassignment to complete', async () => {
      const ongoing = await admin.listPartitionReassignments({topics: [{topic: ELECT_TOPIC, partitions: [0]}]})
      expect(ongoing.topics.flatMap((t) => t.partitions)).toEqual([])
      const md = await leaders(ELECT_TOPIC)
      expect(md.get(0)!.replicas).toEqual([b, a, c])
    })
    const moved = await leaders(ELECT_TOPIC)
    expect(moved.get(0)!.leader, 'precondition: preferred replica is not leading').toBe(a)

    const elected = await client.electLeaders('PREFERRED', [{topic: ELECT_TOPIC, partition: 0}])
    expect(elected).toEqual([expect.objectContaining({topic: ELECT_TOPIC, partition: 0, outcome: 'elected', errorCode: 0})])
    await eventually('metadata to show the preferred leader', async () => {
      expect((await leaders(ELECT_TOPIC)).get(0)!.leader).toBe(b)
    })

    const again = await client.electLeaders('PREFERRED', [{topic: ELECT_TOPIC, partition: 0}, {topic: ELECT_TOPIC, partition: 1}])
    expect(again).toHaveLength(2)
    for (const r of again) {
      expect(r).toMatchObject({topic: ELECT_TOPIC, outcome: 'not-needed', errorCode: 84, errorName: 'ELECTION_NOT_NEEDED'})
      expect(r.error).toBeUndefined()
    }
  })

  it('elects for all partitions when given null, and reports per-partition failures', async () => {
    const all = await client.electLeaders('PREFERRED', null)
    expect(Array.isArray(all)).toBe(true)
    for (const r of all.filter((x) => x.topic === ELECT_TOPIC)) expect(r.outcome).not.toBe('failed')

    const unknown = await client.electLeaders('PREFERRED', [{topic: `fleetops-proto-missing-${runId}`, partition: 0}])
    expect(unknown).toHaveLength(1)
    expect(unknown[0]).toMatchObject({outcome: 'failed', errorCode: 3, errorName: 'UNKNOWN_TOPIC_OR_PARTITION'})
    expect(unknown[0]!.error).toBeInstanceOf(FleetopsError)
  })
})

describe('ListOffsets to a specific replica (replica_id -2)', () => {
  it("returns each replica's own log end offset, followers included", async () => {
    const parts = [0, 1, 2].map((partition) => ({topic: DATA_TOPIC, partition}))
    const md = await leaders(DATA_TOPIC)
    for (const brokerId of ids) {
      await eventually(`broker ${brokerId} to have replicated everything`, async () => {
        const res = await client.listReplicaOffsets(brokerId, parts)
        expect(res).toHaveLength(3)
        for (const r of res) {
          if (!r.measurable) throw new Error(r.reason)
          expect(r.brokerId).toBe(brokerId)
          expect(r.offset, `broker ${brokerId} ${r.topic}-${r.partition}`).toBe(PRODUCED[r.partition])
          expect(r.leaderEpoch).not.toBeNull()
        }
      })
    }
    // At least one of the brokers queried was a follower of partition 0.
    expect(ids.filter((id) => id !== md.get(0)!.leader).length).toBeGreaterThan(0)

    const earliest = await client.listReplicaOffsets(ids[2]!, [{topic: DATA_TOPIC, partition: 0}], {timestamp: 'earliest'})
    expect(earliest[0]).toMatchObject({measurable: true, offset: 0})
  })

  it('measures the real gap of a replica added by a throttled reassignment, and its catch-up afterwards', async () => {
    // Replication throttles only apply to replicas outside the ISR, e.g. one being added by
    // a reassignment: exactly the situation a rebalance creates.
    const [a, b, c] = ids as [number, number, number]
    const tp = {topic: LAG_TOPIC, partition: 0}
    const producer = kafka.producer({createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false})
    await producer.connect()
    const batches = 6
    const perBatch = 500 // ~500 KiB per batch: 3 MiB in all, more than one 1 MiB replica fetch
    for (let i = 0; i < batches; i++) {
      await producer.send({topic: LAG_TOPIC, acks: -1, messages: Array.from({length: perBatch}, () => ({partition: 0, value: randomBytes(1024)}))})
    }
    await producer.disconnect()
    const total = batches * perBatch

    await client.incrementalAlterConfigs([
      {type: 'BROKER', name: String(a), configs: [{name: 'leader.replication.throttled.rate', op: 'SET', value: '1'}]},
      {type: 'BROKER', name: String(c), configs: [{name: 'follower.replication.throttled.rate', op: 'SET', value: '1'}]},
      {
        type: 'TOPIC',
        name: LAG_TOPIC,
        configs: [
          {name: 'leader.replication.throttled.replicas', op: 'SET', value: `0:${a}`},
          {name: 'follower.replication.throttled.replicas', op: 'SET', value: `0:${c}`},
        ],
      },
    ])
    await eventually('throttles to be visible', async () => {
      expect((await describeConfig(ConfigResourceTypes.BROKER, String(a))).get('leader.replication.throttled.rate')?.value).toBe('1')
      expect((await describeConfig(ConfigResourceTypes.BROKER, String(c))).get('follower.replication.throttled.rate')?.value).toBe('1')
    })
    await admin.alterPartitionReassignments({topics: [{topic: LAG_TOPIC, partitionAssignment: [{partition: 0, replicas: [a, b, c]}]}]})

    const measured = await eventually('the added replica to exist on its broker', async () => {
      const [leader] = await client.listReplicaOffsets(a, [tp])
      const [inSync] = await client.listReplicaOffsets(b, [tp])
      const [added] = await client.listReplicaOffsets(c, [tp])
      if (!added!.measurable) throw new Error(added!.reason)
      expect(leader).toMatchObject({measurable: true, offset: total})
      expect(inSync).toMatchObject({measurable: true, offset: total})
      return added!.offset
    })
    expect(measured).toBeGreaterThanOrEqual(0)
    expect(total - measured, 'the throttled new replica is behind the leader').toBeGreaterThan(0)
    // DescribeLogDirs agrees: the new replica is smaller than the leader's.
    const sizes = await client.describeLogDirs([a, c], {topics: [{topic: LAG_TOPIC, partitions: [0]}]})
    const size = (id: number): number => {
      const r = sizes.find((x) => x.brokerId === id)!
      if (!r.ok) throw r.error
      return r.logDirs.flatMap((d) => d.partitions)[0]!.size
    }
    expect(size(c)).toBeLessThan(size(a))

    await client.incrementalAlterConfigs([
      {type: 'BROKER', name: String(a), configs: [{name: 'leader.replication.throttled.rate', op: 'DELETE'}]},
      {type: 'BROKER', name: String(c), configs: [{name: 'follower.replication.throttled.rate', op: 'DELETE'}]},
      {
        type: 'TOPIC',
        name: LAG_TOPIC,
        configs: [
          {name: 'leader.replication.throttled.replicas', op: 'DELETE'},
          {name: 'follower.replication.throttled.replicas', op: 'DELETE'},
        ],
      },
    ])
    await eventually(
      'the new replica to catch up',
      async () => {
        const [added] = await client.listReplicaOffsets(c, [tp])
        expect(added).toMatchObject({measurable: true, offset: total})
      },
      90_000,
    )
  })

  it('a broker without a replica gives "not measurable" with the reason, not a number', async () => {
    const [a, b] = ids as [number, number]
    const onLeader = await client.listReplicaOffsets(a, [{topic: SINGLE_TOPIC, partition: 0}])
    expect(onLeader[0]).toMatchObject({measurable: true, offset: 0})

    const res = await client.listReplicaOffsets(b, [{topic: SINGLE_TOPIC, partition: 0}])
    expect(res).toHaveLength(1)
    const r = res[0]!
    expect(r.measurable).toBe(false)
    if (r.measurable) return
    expect([3, 6]).toContain(r.errorCode)
    expect(r.reason).toMatch(/NOT_LEADER_OR_FOLLOWER|UNKNOWN_TOPIC_OR_PARTITION/)
    expect(r).not.toHaveProperty('offset')
  })
})

describe('connection failures', () => {
  it('an unreachable cluster is an UNAVAILABLE FleetopsError without credentials in the message', async () => {
    const host = brokers[0]!.split(':')[0]
    const dead = new KafkaProtocolClient({
      brokers: [`${host}:1`],
      connectionTimeout: 1000,
      retry: {retries: 0},
      sasl: {mechanism: 'plain', username: 'fleetops-user', password: 's3cr3t-passw0rd'},
    })
    try {
      const err = await dead.brokerIds().then(
        () => null,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(FleetopsError)
      expect((err as FleetopsError).code).toBe('UNAVAILABLE')
      expect((err as FleetopsError).message).not.toContain('s3cr3t-passw0rd')
      expect((err as FleetopsError).message).not.toContain('fleetops-user')
    } finally {
      await dead.close()
    }
  })
})

describe('version negotiation: flexible (highest common) and older non-flexible encodings', () => {
  /** Runs one of each request and returns the "Name vN" requests the connection logged. */
  async function exercise(maxApiVersions?: Record<string, number>): Promise<{sent: Set<string>; dirs: Awaited<ReturnType<KafkaProtocolClient['describeLogDirs']>>}> {
    const sent = new Set<string>()
    const c = new KafkaProtocolClient({
      clientId: 'fleetops-protocol-test-versions',
      brokers,
      connectionTimeout: 5000,
      debug: (line) => {
        const m = /^Request (\w+)\(key: \d+, version: (\d+)\) to /.exec(line)
        if (m) sent.add(`${m[1]} v${m[2]}`)
      },
      ...(maxApiVersions ? {maxApiVersions} : {}),
    })
    try {
      const [a, b, c3] = ids as [number, number, number]
      const dirs = await c.describeLogDirs([a], {topics: [{topic: DATA_TOPIC, partitions: [0]}]})

      await c.incrementalAlterConfigs([
        {type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'follower.replication.throttled.replicas', op: 'SET', value: `2:${c3}`}]},
      ])
      await eventually('SET to be visible', async () => {
        const cfg = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
        expect(cfg.get('follower.replication.throttled.replicas')?.value).toBe(`2:${c3}`)
        expect(cfg.get('retention.ms')?.value).toBe('7200000')
      })
      await expect(
        c.incrementalAlterConfigs([{type: 'BROKER', name: String(b), configs: [{name: 'follower.replication.throttled.rate', op: 'SET', value: '-x'}]}]),
      ).rejects.toMatchObject({code: 'BAD_INPUT'})
      await c.incrementalAlterConfigs([
        {type: 'TOPIC', name: DATA_TOPIC, configs: [{name: 'follower.replication.throttled.replicas', op: 'DELETE'}]},
      ])
      await eventually('DELETE to be visible', async () => {
        const cfg = await describeConfig(ConfigResourceTypes.TOPIC, DATA_TOPIC)
        expect(cfg.get('follower.replication.throttled.replicas')?.source).not.toBe(DYNAMIC_TOPIC)
      })

      // Partition 1 of ELECT_TOPIC was never moved: its preferred leader leads.
      const elected = await c.electLeaders('PREFERRED', [{topic: ELECT_TOPIC, partition: 1}])
      expect(elected).toEqual([expect.objectContaining({outcome: 'not-needed', errorCode: 84})])

      for (const id of ids) {
        const offsets = await c.listReplicaOffsets(id, [{topic: DATA_TOPIC, partition: 0}, {topic: DATA_TOPIC, partition: 3}])
        expect(offsets.map((o) => (o.measurable ? o.offset : o.reason))).toEqual([PRODUCED[0], PRODUCED[3]])
      }
      return {sent, dirs}
    } finally {
      await c.close()
    }
  }

  it('uses the highest version both sides implement (all flexible)', async () => {
    const {sent, dirs} = await exercise()
    expect([...sent].filter((s) => /^(DescribeLogDirs|IncrementalAlterConfigs|ElectLeaders|ListOffsets) /.test(s)).sort()).toEqual(
      ['DescribeLogDirs v4', 'ElectLeaders v2', 'IncrementalAlterConfigs v1', 'ListOffsets v9'],
    )
    expect(dirs[0]).toMatchObject({ok: true, apiVersion: 4})
  })

  it('speaks the older non-flexible encodings when capped', async () => {
    const {sent, dirs} = await exercise({DescribeLogDirs: 1, IncrementalAlterConfigs: 0, ElectLeaders: 1, ListOffsets: 5})
    expect([...sent].filter((s) => /^(DescribeLogDirs|IncrementalAlterConfigs|ElectLeaders|ListOffsets) /.test(s)).sort()).toEqual(
      ['DescribeLogDirs v1', 'ElectLeaders v1', 'IncrementalAlterConfigs v0', 'ListOffsets v5'],
    )
    const d = dirs[0]!
    if (!d.ok) throw d.error
    expect(d.apiVersion).toBe(1)
    const part = d.logDirs.flatMap((x) => x.partitions)
    expect(part).toHaveLength(1)
    expect(part[0]!.size).toBeGreaterThan(0)
    // v1 has no volume fields.
    expect(d.logDirs[0]!.totalBytes).toBeNull()
  })

  it('rejects a cap below what fleetops implements', async () => {
    const c = new KafkaProtocolClient({brokers, maxApiVersions: {ElectLeaders: 0}})
    try {
      await expect(c.electLeaders('PREFERRED', [{topic: ELECT_TOPIC, partition: 1}])).rejects.toMatchObject({code: 'BAD_INPUT'})
    } finally {
      await c.close()
    }
  })
})

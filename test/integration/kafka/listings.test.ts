/**
 * `kafka topics` and `kafka groups` on the REAL sandbox: our own uniquely named topics (with
 * configs set on them) and consumer groups (one with commits only, one with a live member),
 * checked against what was set up with kafkajs. Robust to other files' topics and to the
 * sandbox having more than 3 brokers.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {join} from 'node:path'
import kafkajs, {type Admin, type Consumer, type Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {KafkaProtocolClient} from '../../../src/adapters/kafka/protocol/index.js'
import {runCli} from '../support/cli.js'
import {kafkaBrokers} from '../support/cluster.js'
import {sandboxFlags} from '../support/sandbox.js'
import {createTopic, produce, runId, waitFor} from '../rebalance/support.js'

const brokers = kafkaBrokers()
const cluster = ['--brokers', brokers.join(',')]
const PREFIX = `fleetops-list-${runId}`
const BUSY = `${PREFIX}-busy`
const PLAIN = `${PREFIX}-plain`
const IDLE_GROUP = `${PREFIX}-idle`
const LIVE_GROUP = `${PREFIX}-live`
const KIP848_GROUP = `${PREFIX}-kip848`
const PER_PARTITION = 10
/** Committed offsets of IDLE_GROUP on BUSY's partitions 0 and 1 (none on 2). */
const COMMITTED = [4, 10]

let kafka: Kafka
let admin: Admin
let consumer: Consumer
let javaConsumer: ChildProcess | undefined

beforeAll(async () => {
  kafka = new kafkajs.Kafka({clientId: 'fleetops-listings-test', brokers, logLevel: kafkajs.logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b)
  expect(ids.length).toBeGreaterThanOrEqual(3)
  const [a, b, c] = ids as [number, number, number]
  await createTopic(admin, BUSY, [[a, b, c], [b, c, a], [c, a, b]], [
    {name: 'compression.type', value: 'gzip'},
    {name: 'retention.ms', value: '3600000'},
    {name: 'min.insync.replicas', value: '2'},
    {name: 'message.timestamp.type', value: 'LogAppendTime'},
  ])
  await createTopic(admin, PLAIN, [[a, b]])
  await produce(kafka, BUSY, 3, PER_PARTITION, 100)
  await produce(kafka, PLAIN, 1, PER_PARTITION, 100)
  // A group with commits and no member (OffsetCommit without joining).
  await admin.setOffsets({groupId: IDLE_GROUP, topic: BUSY, partitions: COMMITTED.map((offset, partition) => ({partition, offset: String(offset)}))})
  // A group with one live member that has read and committed all of PLAIN.
  consumer = kafka.consumer({groupId: LIVE_GROUP})
  await consumer.connect()
  await consumer.subscribe({topic: PLAIN, fromBeginning: true})
  let seen = 0
  await consumer.run({autoCommitInterval: 100, eachMessage: async () => void seen++})
  await waitFor('the live group to read PLAIN', async () => seen >= PER_PARTITION, 60_000)
  await waitFor('the live group to commit', async () => {
    const offsets = await admin.fetchOffsets({groupId: LIVE_GROUP, topics: [PLAIN]})
    return offsets[0]!.partitions[0]!.offset === String(PER_PARTITION)
  }, 60_000)
}, 300_000)

afterAll(async () => {
  javaConsumer?.kill('SIGKILL')
  await consumer?.disconnect().catch(() => {})
  await admin.deleteGroups([IDLE_GROUP, LIVE_GROUP, KIP848_GROUP]).catch(() => {})
  await admin.deleteTopics({topics: [BUSY, PLAIN]}).catch(() => {})
  await admin.disconnect()
})

describe('kafka topics', () => {
  it('lists our topics with partitions, RF, effective configs, overrides and healthy counts', async () => {
    const r = await runCli(['kafka', 'topics', '--topics', `^${PREFIX}-`, '--json', ...cluster])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.brokers).toBeGreaterThanOrEqual(3)
    expect(r.json.configKeys).toEqual(['cleanup.policy', 'retention.ms', 'min.insync.replicas', 'compression.type', 'message.timestamp.type'])
    expect(r.json.topics.map((t: {topic: string}) => t.topic)).toEqual([BUSY, PLAIN])
    const [busy, plain] = r.json.topics
    expect(busy).toEqual({
      topic: BUSY,
      internal: false,
      partitions: 3,
      replicationFactor: 3,
      underReplicated: 0,
      underMinIsr: 0,
      offline: 0,
      configs: {'cleanup.policy': 'delete', 'retention.ms': '3600000', 'min.insync.replicas': '2', 'compression.type': 'gzip', 'message.timestamp.type': 'LogAppendTime'},
      overrides: ['compression.type', 'message.timestamp.type', 'min.insync.replicas', 'retention.ms'],
      configError: null,
    })
    expect(plain).toMatchObject({partitions: 1, replicationFactor: 2, underReplicated: 0, offline: 0, overrides: [], configError: null})
    // The broker's defaults, as they are: producer compression, 7 days unless the sandbox says otherwise.
    expect(plain.configs['compression.type']).toBe('producer')
    expect(plain.configs['cleanup.policy']).toBe('delete')

    const human = await runCli(['kafka', 'topics', '--topics', `^${PREFIX}-`, ...cluster])
    expect(human.code, human.stdout + human.stderr).toBe(0)
    const row = human.stdout.split('\n').find((l) => l.startsWith(BUSY))!
    expect(row.split(/\s+/)).toEqual([BUSY, '3', '3', '0', '0', '0', 'delete', '3600000*', '2*', 'gzip*', 'LogAppendTime*'])
  })

  it('hides internal topics unless --internal; a bad --topics regex is a usage error', async () => {
    const hidden = await runCli(['kafka', 'topics', '--topics', '^__consumer_offsets$', '--json', ...cluster])
    expect(hidden.json.topics).toEqual([])
    const shown = await runCli(['kafka', 'topics', '--topics', '^__consumer_offsets$', '--internal', '--json', ...cluster])
    expect(shown.json.topics).toHaveLength(1)
    expect(shown.json.topics[0]).toMatchObject({topic: '__consumer_offsets', internal: true, offline: 0})
    const bad = await runCli(['kafka', 'topics', '--topics', '(', ...cluster])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--topics "\(" is not a valid regular expression/)
  })
})

describe('kafka groups', () => {
  it('lists our groups with type, state, members and the lag summary', async () => {
    const r = await runCli(['kafka', 'groups', '--group-regex', `^${PREFIX}-`, '--json', ...cluster])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.groups.map((g: {group: string}) => g.group)).toEqual([IDLE_GROUP, LIVE_GROUP])
    const [idle, live] = r.json.groups
    expect(idle).toEqual({
      group: IDLE_GROUP,
      type: 'classic',
      protocolType: expect.any(String),
      state: 'Empty',
      members: 0,
      totalLag: PER_PARTITION - COMMITTED[0]! + (PER_PARTITION - COMMITTED[1]!),
      partitionsLagging: 1,
      partitionsCommitted: 2,
      topics: [BUSY],
      note: null,
    })
    expect(live).toMatchObject({group: LIVE_GROUP, type: 'classic', protocolType: 'consumer', state: 'Stable', members: 1, totalLag: 0, partitionsLagging: 0, partitionsCommitted: 1, topics: [PLAIN], note: null})

    const human = await runCli(['kafka', 'groups', '--group-regex', `^${PREFIX}-`, ...cluster])
    expect(human.code, human.stdout + human.stderr).toBe(0)
    expect(human.stdout.split('\n').find((l) => l.startsWith(IDLE_GROUP))!.split(/\s+/)).toEqual([IDLE_GROUP, 'classic', 'Empty', '0', '6', '1/2', BUSY])
  })

  it('OffsetFetch v8 (groups batched per coordinator) answers what one v3-v7 request per group does', async () => {
    const batched = new KafkaProtocolClient({clientId: 'fleetops-listings-test', brokers})
    const capped = new KafkaProtocolClient({clientId: 'fleetops-listings-test', brokers, maxApiVersions: {OffsetFetch: 3}})
    try {
      const sort = (l: {topic: string; partition: number}[]) => [...l].sort((a, b) => a.partition - b.partition)
      const groups = [IDLE_GROUP, LIVE_GROUP, `${PREFIX}-never-existed`]
      const all = await batched.fetchCommittedOffsetsOfGroups(groups)
      expect([...all.keys()].sort()).toEqual([...groups].sort())
      for (const g of groups) expect(sort(all.get(g) as {topic: string; partition: number}[])).toEqual(sort(await capped.fetchCommittedOffsets(g)))
      expect(sort(all.get(IDLE_GROUP) as {topic: string; partition: number}[])).toEqual(COMMITTED.map((offset, partition) => ({topic: BUSY, partition, offset})))
    } finally {
      await Promise.all([batched.close(), capped.close()])
    }
  })

  it('no match is an empty list, not an error; a bad --group-regex is a usage error', async () => {
    const none = await runCli(['kafka', 'groups', '--group-regex', `^${PREFIX}-nothing$`, '--json', ...cluster])
    expect(none.code, none.stdout + none.stderr).toBe(0)
    expect(none.json).toEqual({groups: []})
    const bad = await runCli(['kafka', 'groups', '--group-regex', '[', ...cluster])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--group-regex "\[" is not a valid regular expression/)
  })

  it('a KIP-848 ("consumer" protocol) group: type and state from ListGroups v5, no member count, lag from OffsetFetch', async () => {
    // Kafka's own console consumer speaks the new protocol (kafkajs only the classic one).
    const status = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
    expect(status.code, status.stdout + status.stderr).toBe(0)
    const lib = join(status.json.home, 'maven', `kafka-${status.json.kafka.version}`, 'lib')
    javaConsumer = spawn(
      'java',
      ['-Xmx256m', '-cp', `${lib}/*`, 'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', brokers.join(','), '--topic', PLAIN, '--group', KIP848_GROUP, '--from-beginning',
        '--consumer-property', 'group.protocol=consumer', '--consumer-property', 'auto.commit.interval.ms=200'],
      {stdio: 'ignore'},
    )
    await waitFor('the KIP-848 group to commit all of PLAIN', async () => {
      const offsets = await admin.fetchOffsets({groupId: KIP848_GROUP, topics: [PLAIN]})
      return offsets[0]!.partitions[0]!.offset === String(PER_PARTITION)
    }, 120_000)
    const r = await runCli(['kafka', 'groups', '--group-regex', `^${KIP848_GROUP}$`, '--json', ...cluster])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.groups).toHaveLength(1)
    expect(r.json.groups[0]).toMatchObject({group: KIP848_GROUP, type: 'consumer', members: null, totalLag: 0, partitionsCommitted: 1, topics: [PLAIN], note: null})
    expect(r.json.groups[0].state).toEqual(expect.any(String))
    javaConsumer.kill('SIGKILL')
  }, 180_000)
})

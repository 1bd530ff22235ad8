/**
 * `fleetops lag replicas` against the real sandbox: healthy, then one broker stopped
 * (sandbox stop-node), then started again; an RF 1 partition whose only broker is stopped
 * (offline: CRITICAL, not UNKNOWN, and it does not break the other probes); a throttled
 * reassignment whose added replica is not counted as missing.
 */
import {randomBytes} from 'node:crypto'
import {Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {KafkaProtocolClient} from '../../../src/adapters/kafka/protocol/index.js'
import {kafkaBrokers} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {clusterEnv, waitFor} from './support.js'
import {createTopicsReady} from '../support/topics.js'

const RUN = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
const TOPIC = `lag-replicas-${RUN}`
/** RF 1, its only replica on OFFLINE_BROKER. */
const OFFLINE_TOPIC = `lag-offline-${RUN}`
const OFFLINE_GROUP = `lag-offline-group-${RUN}`
/** RF 1 on broker 1, reassigned (throttled) to [1, 2]. */
const MOVING_TOPIC = `lag-moving-${RUN}`
const STOPPED = 3
const OFFLINE_BROKER = 2
const env = clusterEnv()
let kafka: Kafka
let admin: Admin
let stopped = false
let offlineStopped = false

beforeAll(async () => {
  kafka = new Kafka({clientId: 'fleetops-lag-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  await createTopicsReady(admin, {
    // Replicas on brokers 1-3 explicitly: earlier test files may have added brokers to the shared sandbox.
    topics: [
      {
        topic: TOPIC,
        replicaAssignment: Array.from({length: 6}, (_, p) => ({partition: p, replicas: [1, 2, 3].map((_, i) => ((p + i) % 3) + 1)})),
        configEntries: [{name: 'min.insync.replicas', value: '2'}],
      },
    ],
    waitForLeaders: true,
  })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 60}, (_, i) => ({key: `k${i}`, value: `v${i}`}))})
  await producer.disconnect()
}, 120_000)

afterAll(async () => {
  if (stopped) await runCli(['sandbox', 'start-node', 'broker', String(STOPPED), ...sandboxFlags])
  if (offlineStopped) await runCli(['sandbox', 'start-node', 'broker', String(OFFLINE_BROKER), ...sandboxFlags])
  await admin?.deleteGroups([OFFLINE_GROUP]).catch(() => {})
  await admin?.deleteTopics({topics: [TOPIC, OFFLINE_TOPIC, MOVING_TOPIC]}).catch(() => {})
  await admin?.disconnect().catch(() => {})
}, 300_000)

const probe = (...extra: string[]) => runCli(['lag', 'replicas', '--topics', `^${TOPIC}$`, '--json', ...extra], {env})

describe('lag replicas', () => {
  it('is OK on the healthy cluster and measures every follower gap', async () => {
    const r = await waitFor('a fully replicated topic', async () => {
      const res = await probe()
      return res.code === 0 && res.json.partitions.every((p: any) => p.followers.every((f: any) => f.gap === 0)) ? res : null
    })
    expect(r.json.status).toBe('OK')
    expect(r.json.counts).toMatchObject({partitions: 6, offline: 0, underReplicated: 0, underMinIsr: 0, atMinIsr: 0, reassigning: 0})
    for (const p of r.json.partitions) {
      expect(p.minIsr).toBe(2)
      expect(p.followers).toHaveLength(2)
      for (const f of p.followers) expect(f).toMatchObject({inIsr: true, gap: 0, logEndOffset: expect.any(Number)})
    }
    expect(r.json.brokers.map((b: any) => b.live)).toEqual([true, true, true])
  })

  it('lists the under-replicated partitions when a broker stops, exits as configured, and returns to OK', async () => {
    const stop = await runCli(['sandbox', 'stop-node', 'broker', String(STOPPED), ...sandboxFlags])
    expect(stop.code, stop.stdout + stop.stderr).toBe(0)
    stopped = true
    try {
      const r = await waitFor('broker 3 to leave the ISR', async () => {
        const res = await probe()
        return res.json?.counts?.underReplicated === 6 ? res : null
      })
      expect(r.code).toBe(1)
      expect(r.json.status).toBe('WARNING')
      // RF 3, min ISR 2, 2 in sync: under-replicated and at min ISR, not under it.
      expect(r.json.counts).toMatchObject({partitions: 6, offline: 0, underReplicated: 6, underMinIsr: 0, atMinIsr: 6})
      for (const p of r.json.partitions) {
        expect(p.missingFromIsr).toEqual([STOPPED])
        expect(p.isr).not.toContain(STOPPED)
        const f = p.followers.find((x: any) => x.broker === STOPPED)
        expect(f.gap).toBeNull()
        expect(f.gapNote).toMatch(/not registered|could not be read|not measured/)
      }
      const b3 = r.json.brokers.find((b: any) => b.broker === STOPPED)
      expect(b3).toMatchObject({live: false, missingFromIsr: 6})
      expect(r.json.gapNotes.join(' ')).toMatch(/broker 3/)

      const crit = await probe('--under-replicated', 'critical')
      expect(crit.code).toBe(2)
      expect(crit.json.status).toBe('CRITICAL')
      const table = await runCli(['lag', 'replicas', '--topics', `^${TOPIC}$`], {env})
      expect(table.code).toBe(1)
      expect(table.stdout).toMatch(/^REPLICAS WARNING - 6 partitions: 0 offline, 6 under-replicated/)
      expect(table.stdout).toMatch(/under-replicated: broker\(s\) 3 not in ISR/)
    } finally {
      const start = await runCli(['sandbox', 'start-node', 'broker', String(STOPPED), ...sandboxFlags])
      expect(start.code, start.stdout + start.stderr).toBe(0)
      stopped = false
    }
    const back = await waitFor('the ISR to be complete again', async () => {
      const res = await probe()
      return res.code === 0 ? res : null
    }, 180_000)
    expect(back.json.status).toBe('OK')
    expect(back.json.counts.underReplicated).toBe(0)
  })

  it('reports an RF 1 partition whose only broker is stopped as offline (CRITICAL, exit 2), and the other probes keep working', async () => {
    await createTopicsReady(admin, {topics: [{topic: OFFLINE_TOPIC, replicaAssignment: [{partition: 0, replicas: [OFFLINE_BROKER]}]}], waitForLeaders: true})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: OFFLINE_TOPIC, acks: -1, messages: Array.from({length: 10}, (_, i) => ({value: `o${i}`}))})
    await producer.disconnect()
    // A group with commits on the healthy RF 3 topic: `lag kafka` must not care about the offline partition elsewhere.
    await admin.setOffsets({groupId: OFFLINE_GROUP, topic: TOPIC, partitions: Array.from({length: 6}, (_, p) => ({partition: p, offset: '5'}))})

    const stop = await runCli(['sandbox', 'stop-node', 'broker', String(OFFLINE_BROKER), ...sandboxFlags])
    expect(stop.code, stop.stdout + stop.stderr).toBe(0)
    offlineStopped = true
    try {
      const r = await waitFor('the RF 1 partition to go offline', async () => {
        const res = await runCli(['lag', 'replicas', '--topics', `^${OFFLINE_TOPIC}$`, '--json'], {env})
        return res.json?.counts?.offline === 1 ? res : null
      })
      expect(r.code, r.stdout + r.stderr).toBe(2)
      expect(r.json.status).toBe('CRITICAL')
      expect(r.json.counts).toMatchObject({partitions: 1, offline: 1, underMinIsr: 1})
      const p = r.json.partitions[0]
      expect(p).toMatchObject({topic: OFFLINE_TOPIC, partition: 0, leader: null, offline: true, replicas: [OFFLINE_BROKER], state: 'CRITICAL'})
      expect(p.offlineReplicas).toEqual([OFFLINE_BROKER])
      expect(p.reasons.join('; ')).toMatch(/offline: no leader/)
      expect(r.json.brokers.find((b: any) => b.broker === OFFLINE_BROKER)).toMatchObject({live: false})

      // The whole cluster, the offline partition included: still a verdict, never UNKNOWN.
      const all = await runCli(['lag', 'replicas', '--json'], {env})
      expect(all.code, all.stdout + all.stderr).toBe(2)
      expect(all.json.partitions.some((x: any) => x.topic === OFFLINE_TOPIC && x.offline)).toBe(true)
      const table = await runCli(['lag', 'replicas', '--topics', `^${OFFLINE_TOPIC}$`], {env})
      expect(table.code).toBe(2)
      expect(table.stdout).toMatch(/^REPLICAS CRITICAL - 1 partitions: 1 offline/)

      // Consumer lag on a healthy topic while a partition elsewhere is offline.
      const lag = await waitFor('lag kafka with an offline partition elsewhere', async () => {
        const res = await runCli(['lag', 'kafka', '--group', OFFLINE_GROUP, '--json'], {env})
        return res.code === 0 ? res : null
      })
      // Lag is end offset minus the committed 5 on each partition, from kafkajs's own end offsets
      // (not a literal: a producer retry on a loaded host can duplicate part of the 60 set-up records).
      const ends = await admin.fetchTopicOffsets(TOPIC)
      const expected = ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - 5), 0)
      expect(expected).toBeGreaterThanOrEqual(6 * 5)
      expect(lag.json.groups[0]).toMatchObject({group: OFFLINE_GROUP, lag: expected, partitionCount: 6, unknownLagPartitions: 0})
    } finally {
      const start = await runCli(['sandbox', 'start-node', 'broker', String(OFFLINE_BROKER), ...sandboxFlags])
      expect(start.code, start.stdout + start.stderr).toBe(0)
      offlineStopped = false
    }
    const back = await waitFor('the RF 1 partition to come back online', async () => {
      const res = await runCli(['lag', 'replicas', '--topics', `^${OFFLINE_TOPIC}$`, '--json'], {env})
      return res.code === 0 ? res : null
    }, 180_000)
    expect(back.json.counts.offline).toBe(0)
    expect(back.json.partitions[0]).toMatchObject({leader: OFFLINE_BROKER, offline: false})
  })

  it('does not count replicas still being added by a reassignment as missing', async () => {
    const protocol = new KafkaProtocolClient({clientId: 'fleetops-lag-test', brokers: kafkaBrokers()})
    const throttles = [
      {type: 'BROKER' as const, name: '1', configs: [{name: 'leader.replication.throttled.rate', op: 'SET' as const, value: '1024'}]},
      {type: 'BROKER' as const, name: '2', configs: [{name: 'follower.replication.throttled.rate', op: 'SET' as const, value: '1024'}]},
    ]
    try {
      await admin.createTopics({topics: [{topic: MOVING_TOPIC, replicaAssignment: [{partition: 0, replicas: [1]}]}]})
      await waitFor('the new topic to have a leader', async () => {
        const res = await runCli(['lag', 'replicas', '--topics', `^${MOVING_TOPIC}$`, '--json'], {env})
        return res.json?.partitions?.[0]?.leader === 1
      })
      const producer = kafka.producer()
      await producer.connect()
      // ~2 MiB at 1 KiB/s of replication: the new replica cannot catch up during the test.
      for (let i = 0; i < 4; i++) {
        await producer.send({topic: MOVING_TOPIC, acks: -1, messages: Array.from({length: 50}, () => ({value: randomBytes(10 * 1024)}))})
      }
      await producer.disconnect()
      await protocol.incrementalAlterConfigs([
        ...throttles,
        {
          type: 'TOPIC',
          name: MOVING_TOPIC,
          configs: [
            {name: 'leader.replication.throttled.replicas', op: 'SET', value: '0:1'},
            {name: 'follower.replication.throttled.replicas', op: 'SET', value: '0:2'},
          ],
        },
      ])
      await admin.alterPartitionReassignments({topics: [{topic: MOVING_TOPIC, partitionAssignment: [{partition: 0, replicas: [1, 2]}]}]})

      const r = await waitFor('the reassignment to show', async () => {
        const res = await runCli(['lag', 'replicas', '--topics', `^${MOVING_TOPIC}$`, '--json'], {env})
        return res.json?.counts?.reassigning === 1 ? res : null
      })
      const p = r.json.partitions[0]
      expect(p).toMatchObject({reassigning: true, addingReplicas: [2], underReplicated: false, missingFromIsr: [], offline: false})
      expect(p.replicas).toEqual(expect.arrayContaining([1, 2]))
      expect(p.isr).not.toContain(2)
      expect(r.json.counts).toMatchObject({partitions: 1, underReplicated: 0, reassigning: 1, offline: 0})
      expect(p.reasons.join('; ')).toMatch(/reassigning \(adding 2; removing -\)/)
      expect(p.followers.find((f: any) => f.broker === 2)).toMatchObject({adding: true, inIsr: false})
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.status).toBe('OK')
    } finally {
      await admin.deleteTopics({topics: [MOVING_TOPIC]}).catch(() => {})
      await protocol
        .incrementalAlterConfigs(throttles.map((t) => ({...t, configs: t.configs.map((c) => ({name: c.name, op: 'DELETE' as const}))})))
        .catch(() => {})
      await protocol.close()
    }
  })
})

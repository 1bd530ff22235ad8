/**
 * `fleetops lag replicas` and eligible leader replicas (KIP-966) on the real sandbox: two
 * RF 3 topics pinned to brokers 1-3 (leader 1), one with min.insync.replicas 2 and one with 3.
 * Stopping follower 3 puts the min-3 topic under min ISR with broker 2 still able to take over
 * cleanly (underMinIsrElectable, WARNING); stopping follower 2 as well leaves only the leader
 * (underMinIsrNoEligibleLeader, CRITICAL), with the stopped followers in the ELR where the
 * cluster tracks it (eligible.leader.replicas.version 1, the default for a 4.1 cluster).
 * Both brokers are started again whatever happens.
 */
import {randomBytes} from 'node:crypto'
import {Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kafkaBrokers} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {clusterEnv, waitFor} from './support.js'
import {createTopicsReady} from '../support/topics.js'

const RUN = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
const MIN2 = `lag-elr-min2-${RUN}`
const MIN3 = `lag-elr-min3-${RUN}`
const env = clusterEnv()
const stopped = new Set<number>()
let kafka: Kafka
let admin: Admin

async function startBroker(id: number): Promise<void> {
  const start = await runCli(['sandbox', 'start-node', 'broker', String(id), ...sandboxFlags])
  expect(start.code, start.stdout + start.stderr).toBe(0)
  stopped.delete(id)
}

async function stopBroker(id: number): Promise<void> {
  stopped.add(id)
  const stop = await runCli(['sandbox', 'stop-node', 'broker', String(id), ...sandboxFlags])
  expect(stop.code, stop.stdout + stop.stderr).toBe(0)
}

beforeAll(async () => {
  const status = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
  const brokers = (status.json?.kafka?.brokers ?? []) as {id: number; up: boolean}[]
  for (const id of [1, 2, 3]) expect(brokers.find((b) => b.id === id)?.up, `broker ${id} must be up before this test`).toBe(true)
  kafka = new Kafka({clientId: 'fleetops-lag-elr-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  await createTopicsReady(admin, {
    topics: [MIN2, MIN3].map((topic, i) => ({
      topic,
      replicaAssignment: [{partition: 0, replicas: [1, 2, 3]}],
      configEntries: [{name: 'min.insync.replicas', value: String(i + 2)}],
    })),
    waitForLeaders: true,
  })
  const producer = kafka.producer()
  await producer.connect()
  for (const topic of [MIN2, MIN3]) await producer.send({topic, acks: -1, messages: Array.from({length: 20}, (_, i) => ({key: `k${i}`, value: `v${i}`}))})
  await producer.disconnect()
}, 120_000)

afterAll(async () => {
  // Stopped brokers always come back, and the suite waits for them to rejoin every ISR.
  for (const id of [...stopped].sort()) await startBroker(id).catch(() => {})
  await waitFor('both topics fully in sync again', async () => {
    const res = await probe()
    return res.json?.counts?.underReplicated === 0 ? res : null
  }, 180_000).catch(() => {})
  await admin?.deleteTopics({topics: [MIN2, MIN3]}).catch(() => {})
  await admin?.disconnect().catch(() => {})
}, 400_000)

const probe = () => runCli(['lag', 'replicas', '--topics', `^(${MIN2}|${MIN3})$`, '--json', '--no-gaps'], {env})
const part = (json: any, topic: string) => json.partitions.find((p: any) => p.topic === topic)

describe('lag replicas: eligible leader replicas', () => {
  it('reports ELR arrays on the healthy cluster (empty where the feature is on)', async () => {
    const r = await waitFor('both topics fully in sync', async () => {
      const res = await probe()
      return res.code === 0 && res.json.partitions.every((p: any) => p.isr.length === 3) ? res : null
    })
    for (const topic of [MIN2, MIN3]) {
      const p = part(r.json, topic)
      expect(p).toMatchObject({leader: 1, replicas: [1, 2, 3], underMinIsr: false, underMinIsrElectable: false, underMinIsrNoEligibleLeader: false})
      // Kafka 4.4.0 (sandbox default): DescribeTopicPartitions is there and the lists are known.
      expect(p.elr).toEqual([])
      expect(p.lastKnownElr).toEqual([])
      expect(p.eligibleLeaders).toEqual([2, 3])
    }
    expect(r.json.notes).toEqual([])
    expect(r.json.counts).toMatchObject({underMinIsrElectable: 0, underMinIsrNoEligibleLeader: 0})
  })

  it('tells an electable under-min-ISR partition (WARNING) from one with no eligible leader (CRITICAL)', async () => {
    try {
      await stopBroker(3)
      const one = await waitFor('broker 3 to leave both ISRs', async () => {
        const res = await probe()
        return res.json?.partitions?.length === 2 && res.json.partitions.every((p: any) => !p.isr.includes(3)) ? res : null
      })
      // min 2: ISR 1,2 is at min ISR (under-replicated, WARNING); min 3: under min ISR, but 2 can take over.
      expect(part(one.json, MIN2)).toMatchObject({isr: [1, 2], atMinIsr: true, underMinIsr: false, underMinIsrElectable: false, state: 'WARNING'})
      const m3 = part(one.json, MIN3)
      expect(m3).toMatchObject({leader: 1, underMinIsr: true, underMinIsrElectable: true, underMinIsrNoEligibleLeader: false, eligibleLeaders: [2], state: 'WARNING'})
      expect(m3.isr.sort()).toEqual([1, 2])
      // Broker 3 left an ISR already below min ISR: it is an eligible leader replica (down, so not electable now).
      expect(m3.elr).toEqual([3])
      expect(m3.reasons.join('; ')).toMatch(/under min ISR: 2 in sync < min.insync.replicas 3; electable: 2/)
      expect(one.code).toBe(1)
      expect(one.json).toMatchObject({status: 'WARNING', counts: {underMinIsr: 1, underMinIsrElectable: 1, underMinIsrNoEligibleLeader: 0}})

      await stopBroker(2)
      const two = await waitFor('broker 2 to leave both ISRs', async () => {
        const res = await probe()
        return res.json?.partitions?.length === 2 && res.json.partitions.every((p: any) => p.isr.length === 1) ? res : null
      })
      expect(two.code).toBe(2)
      expect(two.json).toMatchObject({status: 'CRITICAL', counts: {underMinIsr: 2, underMinIsrElectable: 0, underMinIsrNoEligibleLeader: 2}})
      const a = part(two.json, MIN2)
      const b = part(two.json, MIN3)
      for (const p of [a, b]) {
        expect(p).toMatchObject({leader: 1, isr: [1], underMinIsr: true, underMinIsrNoEligibleLeader: true, eligibleLeaders: [], state: 'CRITICAL'})
        expect(p.reasons.join('; ')).toMatch(/no eligible leader but 1/)
      }
      // min 2: 2 left an ISR that went below min, 3 did not (it left at 3 -> 2); min 3: both did.
      expect(a.elr).toEqual([2])
      expect([...b.elr].sort()).toEqual([2, 3])
      expect(a.reasons.join('; ')).toMatch(/ELR 2 down, can lead again once back/)

      const table = await runCli(['lag', 'replicas', '--topics', `^(${MIN2}|${MIN3})$`, '--no-gaps'], {env})
      expect(table.code).toBe(2)
      expect(table.stdout).toMatch(/^REPLICAS CRITICAL - 2 partitions: 0 offline, 2 under-replicated, 2 under min ISR \(0 electable, 2 no eligible leader\)/)
      expect(table.stdout).toMatch(/\bELR\b/)
    } finally {
      for (const id of [2, 3]) if (stopped.has(id)) await startBroker(id)
    }
    const back = await waitFor('both topics fully in sync again', async () => {
      const res = await probe()
      return res.code === 0 && res.json.partitions.every((p: any) => p.isr.length === 3) ? res : null
    }, 180_000)
    for (const p of back.json.partitions) expect(p).toMatchObject({elr: [], underMinIsrElectable: false, underMinIsrNoEligibleLeader: false})
  }, 420_000)
})

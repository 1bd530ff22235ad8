/**
 * `fleetops lag replicas` against the real sandbox: healthy, then one broker stopped
 * (sandbox stop-node), then started again.
 */
import {randomBytes} from 'node:crypto'
import {Kafka, logLevel, type Admin} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kafkaBrokers} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {clusterEnv, waitFor} from './support.js'

const TOPIC = `lag-replicas-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
const STOPPED = 3
const env = clusterEnv()
let admin: Admin
let stopped = false

beforeAll(async () => {
  const kafka = new Kafka({clientId: 'fleetops-lag-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING})
  admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [{topic: TOPIC, numPartitions: 6, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}],
    waitForLeaders: true,
  })
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({topic: TOPIC, acks: -1, messages: Array.from({length: 60}, (_, i) => ({key: `k${i}`, value: `v${i}`}))})
  await producer.disconnect()
}, 120_000)

afterAll(async () => {
  if (stopped) await runCli(['sandbox', 'start-node', 'broker', String(STOPPED), ...sandboxFlags])
  await admin?.deleteTopics({topics: [TOPIC]}).catch(() => {})
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
    expect(stop.code, stop.stderr).toBe(0)
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
      expect(start.code, start.stderr).toBe(0)
      stopped = false
    }
    const back = await waitFor('the ISR to be complete again', async () => {
      const res = await probe()
      return res.code === 0 ? res : null
    }, 180_000)
    expect(back.json.status).toBe('OK')
    expect(back.json.counts.underReplicated).toBe(0)
  })
})

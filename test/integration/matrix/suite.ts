/**
 * The reduced Kafka-facing suite the version matrix runs on each older supported broker:
 * describe, one small rebalance execution, lag kafka (the group types the version has),
 * lag replicas and one look-back from Kafka into the matrix's Cassandra.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {closeSync, openSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import kafkajs, {type Admin, type Kafka} from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {kafkaBrokers} from '../support/cluster.js'
import {cassandraClient, clusterEnv, groundTruth, kafkaJobYaml, makeEvents, produce as produceEvents, readSink, sorted, tempDir, writeJob} from '../lookback/support.js'
import {consumeKeys, createTopic, produce, replicasOf, waitFor} from '../rebalance/support.js'
import {type MatrixKafka, startMatrixKafka, stopMatrixKafka} from './support.js'

export function matrixSuite(version: string): void {
  const major = Number(version.split('.')[0])
  const run = `${Date.now().toString(36)}`
  const DESCRIBED = `mx-desc-${run}`
  const SKEWED = `mx-skew-${run}`
  const LAG = `mx-lag-${run}`
  let kafka: Kafka
  let admin: Admin
  let env: Record<string, string>
  let cluster: MatrixKafka
  const dir = tempDir('matrix')
  const consumers: ChildProcess[] = []

  describe(`Kafka ${version}`, () => {
    beforeAll(async () => {
      cluster = await startMatrixKafka(version)
      env = {FLEETOPS_BROKERS: cluster.brokers, FLEETOPS_HOME: dir}
      kafka = new kafkajs.Kafka({clientId: 'fleetops-matrix-test', brokers: kafkaBrokers(), logLevel: kafkajs.logLevel.NOTHING})
      admin = kafka.admin()
      await admin.connect()
    }, 600_000)

    afterAll(async () => {
      for (const c of consumers) c.kill('SIGKILL')
      await admin?.disconnect().catch(() => {})
      // Frees the cores for the next version now; the global teardown stops it in any case.
      await stopMatrixKafka(version)
    }, 300_000)

    it('kafka describe: three brokers with their racks, every partition with its replicas and size', async () => {
      await createTopic(admin, DESCRIBED, [
        [1, 2, 3],
        [2, 3, 1],
        [3, 1, 2],
      ])
      await produce(kafka, DESCRIBED, 3, 100, 100)
      const r = await runCli(['kafka', 'describe', '--topics', `^${DESCRIBED}$`, '--json'], {env})
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.brokers).toEqual([1, 2, 3].map((id) => expect.objectContaining({id, rack: `rack${id}`, alive: true})))
      expect(r.json.partitions.map((p: {partition: number; replicas: number[]; leader: number}) => [p.partition, p.replicas, p.leader])).toEqual([
        [0, [1, 2, 3], 1],
        [1, [2, 3, 1], 2],
        [2, [3, 1, 2], 3],
      ])
      // 100 records of 100 bytes per partition landed: sizes come from DescribeLogDirs.
      for (const p of r.json.partitions) expect(p.size).toBeGreaterThan(100 * 100)
    })

    it('lag replicas: OK, every follower caught up', async () => {
      const r = await waitFor('every follower caught up', async () => {
        const res = await runCli(['lag', 'replicas', '--topics', `^${DESCRIBED}$`, '--json'], {env})
        return res.code === 0 && res.json.partitions.every((p: {followers: {gap: number}[]}) => p.followers.every((f) => f.gap === 0)) ? res : null
      })
      expect(r.json.status).toBe('OK')
      expect(r.json.partitions).toHaveLength(3)
      for (const p of r.json.partitions) expect(p.followers).toHaveLength(2)
    })

    it('kafka rebalance execute: a small plan is carried out and every message comes back', async () => {
      // Three single-replica partitions, all on broker 1: the plan spreads them.
      await createTopic(admin, SKEWED, [[1], [1], [1]])
      const keys = await produce(kafka, SKEWED, 3, 200, 200)
      const planPath = join(dir, 'plan.json')
      const plan = await runCli(['kafka', 'rebalance', 'plan', '--topics', `^${SKEWED}$`, '--output', planPath, '--json'], {env})
      expect(plan.code, plan.stdout + plan.stderr).toBe(0)
      expect(plan.json.summary.moves).toBe(2)
      const exec = await runCli(['kafka', 'rebalance', 'execute', '--plan', planPath, '--execute', '--poll-interval', '1s', '--json'], {env})
      expect(exec.code, exec.stdout + exec.stderr).toBe(0)
      expect(exec.json.outcome).toBe('done')
      const now = await replicasOf(admin, SKEWED)
      const targets = JSON.parse(readFileSync(planPath, 'utf8')).reassignment.partitions as {partition: number; replicas: number[]}[]
      for (const t of targets) expect(now.get(t.partition)!.replicas).toEqual(t.replicas)
      expect(new Set([...now.values()].map((p) => p.leader))).toEqual(new Set([1, 2, 3]))
      expect((await consumeKeys(kafka, SKEWED, keys.length)).size).toBe(keys.length)
    })

    it('lag kafka: a classic group that committed 60 of 100 records lags 40', async () => {
      // Not kafkajs's waitForLeaders: it gives up on UNKNOWN_TOPIC_OR_PARTITION while KRaft metadata
      // is still reaching the broker it asks (seen on 3.9.2); createTopic polls until every replica is in sync.
      await createTopic(admin, LAG, [[1, 2, 3]])
      const producer = kafka.producer()
      await producer.connect()
      await producer.send({topic: LAG, acks: -1, messages: Array.from({length: 100}, (_, i) => ({key: `k${i}`, value: `v${i}`}))})
      await producer.disconnect()
      const group = `mx-classic-${run}`
      await admin.setOffsets({groupId: group, topic: LAG, partitions: [{partition: 0, offset: '60'}]})
      const r = await runCli(['lag', 'kafka', '--group', group, '--json'], {env})
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.groups[0]).toMatchObject({group, lag: 40})
      expect(r.json.groups[0].topics[0].partitions[0]).toMatchObject({partition: 0, committedOffset: 60, logEndOffset: 100, lag: 40})
    })

    if (major >= 4) {
      it('lag kafka: a KIP-848 consumer group (group.protocol=consumer) with a live member', async () => {
        const group = `mx-848-${run}`
        const log = openSync(join(dir, `console-consumer-${group}.log`), 'w')
        const consumer = spawn(
          'java',
          [
            '-Xmx128m',
            '-cp',
            `${cluster.lib}/*`,
            'org.apache.kafka.tools.consumer.ConsoleConsumer',
            '--bootstrap-server',
            cluster.brokers,
            '--topic',
            LAG,
            '--group',
            group,
            '--from-beginning',
            '--consumer-property',
            'group.protocol=consumer',
            '--consumer-property',
            'auto.commit.interval.ms=500',
          ],
          {stdio: ['ignore', log, log]},
        )
        closeSync(log)
        consumers.push(consumer)
        const r = await waitFor(
          'the consumer-protocol member to commit all 100 records',
          async () => {
            const res = await runCli(['lag', 'kafka', '--group', group, '--json'], {env})
            return res.json?.groups?.[0]?.topics?.[0]?.partitions?.[0]?.committedOffset === 100 ? res : null
          },
          120_000,
        )
        expect(consumer.exitCode, readFileSync(join(dir, `console-consumer-${group}.log`), 'utf8')).toBeNull()
        expect(r.json.groups[0]).toMatchObject({group, lag: 0})
        expect(r.json.groups[0].topics[0].partitions[0]).toMatchObject({partition: 0, committedOffset: 100, logEndOffset: 100, lag: 0})
        // Kafka lists the group too.
        const listed = (await admin.listGroups()).groups.find((g) => g.groupId === group)
        expect(listed).toBeDefined()
      })
    }

    it('lookback run from Kafka: the sink equals the ground truth', async () => {
      const topic = `mx-lb-${run}`
      const ks = `mx_lb_${run}`
      const days = ['2026-11-13', '2026-11-14', '2026-11-15']
      const client = cassandraClient()
      await client.connect()
      try {
        // One Cassandra node: replication factor 1.
        await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class':'SimpleStrategy','replication_factor':1}`)
        // Events carry November timestamps: without retention.ms=-1 the broker's retention check
        // (every 5 min) may delete them before the run reads them, and the days read as incomplete.
        await createTopic(
          admin,
          topic,
          [
            [1, 2, 3],
            [2, 3, 1],
            [3, 1, 2],
          ],
          [{name: 'retention.ms', value: '-1'}],
        )
        const events = makeEvents({firstDay: Date.UTC(2026, 10, 12), days: 4, perDay: 200, latePerDay: 20, lateByDays: 1, seed: 7, idPrefix: 'mx'})
        await produceEvents(topic, events)
        const job = writeJob(dir, 'matrix', kafkaJobYaml({name: 'matrix', topic, ks, table: 'daily'}))
        const r = await runCli(['lookback', 'run', '--job', job, '--as-of', '2026-11-15', '--create-sink', '--json'], {env: {...clusterEnv({FLEETOPS_HOME: dir})}})
        expect(r.code, r.stdout + r.stderr).toBe(0)
        expect(r.json.status).toBe('ok')
        expect(r.json.window.days).toEqual(days)
        expect(sorted(await readSink(client, ks, 'daily', 'matrix', days))).toEqual(sorted(groundTruth(events, days)))
      } finally {
        await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
        await client.shutdown()
      }
    })
  })
}

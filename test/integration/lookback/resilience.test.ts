/**
 * Cron and CI hygiene on the real sandbox: SIGKILL then --resume; two runs of one job
 * (the second exits 75); two instances sharing the work (result identical to a single
 * run); one Cassandra node down (RF 3, QUORUM: completes); two nodes down (exit 68 with a
 * resumable checkpoint, then --resume completes). Runs are throttled with --max-rate so
 * they are still running when the test acts on them; nothing here measures time.
 */
import {join} from 'node:path'

import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {
  cassandraClient,
  checkpointShowsProgress,
  clusterEnv,
  createKeyspace,
  createTopic,
  groundTruth,
  kafka,
  kafkaJobYaml,
  makeEvents,
  produce,
  readSink,
  sorted,
  spawnCli,
  tempDir,
  waitFor,
  writeJob,
  dropTestData,
} from './support.js'

const suffix = Date.now().toString(36)
const topic = `lookback-res-${suffix}`
const ks = `lb_res_${suffix}`
const AS_OF = '2026-11-15'
const DAYS = ['2026-11-13', '2026-11-14', '2026-11-15']
const events = makeEvents({firstDay: Date.UTC(2026, 10, 11), days: 5, perDay: 2400, latePerDay: 100, lateByDays: 2, seed: 11, idPrefix: 'r'})
const truth = groundTruth(events, DAYS)

describe('lookback run: crashes, locks, sharing and node loss', () => {
  const client = cassandraClient()
  const dir = tempDir('lb-res')
  const env = clusterEnv({FLEETOPS_HOME: dir})
  const jobFor = (name: string) => writeJob(dir, name, kafkaJobYaml({name, topic, ks, table: 'daily'}))
  const checkpointOf = (name: string) => join(dir, 'lookback', name, 'checkpoint.json')
  const args = (name: string, ...extra: string[]) => ['lookback', 'run', '--job', jobFor(name), '--as-of', AS_OF, '--json', '--create-sink', '--lease-ttl', '5s', ...extra]

  beforeAll(async () => {
    await client.connect()
    await createKeyspace(client, ks)
    await createTopic(topic, 6)
    // Small sends: one Kafka batch per 100 records, so throttled reads report progress often.
    await produce(topic, events, {chunk: 100})
  })

  afterAll(() => dropTestData(client, ks, topic))

  it('SIGKILL in the middle, then --resume: the sink equals the ground truth', async () => {
    const {child, done} = spawnCli(args('killed', '--max-rate', '3000'), env)
    await waitFor('checkpoint progress', () => checkpointShowsProgress(checkpointOf('killed')))
    child.kill('SIGKILL')
    const killed = await done
    expect(killed.signal).toBe('SIGKILL')
    // A bounded wait, so a stuck resume fails with its JSON log lines instead of the test timeout.
    const resumed = await runCli(args('killed', '--resume'), {env, timeoutMs: 150_000})
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
    expect(resumed.json.resumed).toBe(true)
    expect(sorted(await readSink(client, ks, 'daily', 'killed', DAYS))).toEqual(sorted(truth))
    // The checkpoint is gone once the run completed; it never held connection secrets.
    const again = await runCli(args('killed', '--resume'), {env})
    expect(again.code).toBe(2)
    expect(again.json.error.message).toMatch(/no checkpoint to resume/)
  })

  it('two runs of one job: one works, the other exits 75', async () => {
    const first = spawnCli(args('locked', '--max-rate', '1000'), env)
    await waitFor('the first run to hold the lease', () => checkpointShowsProgress(checkpointOf('locked')))
    const second = await runCli(args('locked'), {env})
    expect(second.code).toBe(75)
    expect(second.json.error.message).toMatch(/job "locked" is already running/)
    const a = await first.done
    expect(a.code, a.stdout + a.stderr).toBe(0)
    expect(sorted(await readSink(client, ks, 'daily', 'locked', DAYS))).toEqual(sorted(truth))
  })

  it('--share-work: two instances split the units and the result equals a single run', async () => {
    // Slow enough (2 s a unit) that the second instance is up before the first could finish alone.
    const a = spawnCli(args('shared', '--share-work', '--max-rate', '1000'), env)
    const b = spawnCli(args('shared', '--share-work', '--max-rate', '1000'), env)
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(ra.code, ra.stdout + ra.stderr).toBe(0)
    expect(rb.code, rb.stdout + rb.stderr).toBe(0)
    const ja = JSON.parse(ra.stdout)
    const jb = JSON.parse(rb.stdout)
    expect(ja.runId).toBe(jb.runId)
    expect(ja.units.processedHere).toBeGreaterThan(0)
    expect(jb.units.processedHere).toBeGreaterThan(0)
    expect(ja.units.processedHere + jb.units.processedHere).toBe(6)
    const shared = sorted(await readSink(client, ks, 'daily', 'shared', DAYS))
    expect(shared).toEqual(sorted(truth))
    expect(shared).toEqual(sorted(await readSink(client, ks, 'daily', 'locked', DAYS)))
  })

  it('node loss: one node down completes at QUORUM; two down exit 68 resumably; --resume completes after they return', async () => {
    // Cassandra nodes take long to restart here, so one restart cycle serves both cases.
    try {
      const one = spawnCli(args('onedown', '--max-rate', '1000'), env)
      await waitFor('checkpoint progress', () => checkpointShowsProgress(checkpointOf('onedown')))
      const stop3 = await runCli(['sandbox', 'stop-node', 'node', '3', '--kill', ...sandboxFlags])
      expect(stop3.code, stop3.stdout + stop3.stderr).toBe(0)
      const r1 = await one.done
      expect(r1.code, r1.stdout + r1.stderr).toBe(0)
      expect(sorted(await readSink(client, ks, 'daily', 'onedown', DAYS))).toEqual(sorted(truth))

      // Node 3 is still down; stop node 2 while the next run reads.
      const two = spawnCli(args('twodown', '--max-rate', '1000'), env)
      await waitFor('checkpoint progress', () => checkpointShowsProgress(checkpointOf('twodown')))
      const stop2 = await runCli(['sandbox', 'stop-node', 'node', '2', '--kill', ...sandboxFlags])
      expect(stop2.code, stop2.stdout + stop2.stderr).toBe(0)
      const r2 = await two.done
      expect(r2.code, r2.stdout + r2.stderr).toBe(68)
      const err = JSON.parse(r2.stdout).error
      expect(err.message).toMatch(/writing the sink failed: .*rerun with --resume/)
      expect(checkpointShowsProgress(checkpointOf('twodown'))).toBe(true)
    } finally {
      const started = await Promise.all(['2', '3'].map((id) => runCli(['sandbox', 'start-node', 'node', id, ...sandboxFlags])))
      for (const r of started) expect(r.code, r.stdout + r.stderr).toBe(0)
    }
    // The restarted nodes must be back in the ring (a QUORUM write succeeds) before resuming.
    await waitFor(
      'QUORUM writes to succeed again',
      () =>
        client
          .execute(`INSERT INTO ${ks}.daily (job, day, group_key) VALUES ('probe', '2026-01-01', '')`, [], {consistency: cassandra.types.consistencies.quorum})
          .then(() => true)
          .catch(() => false),
      // Two nodes back from SIGKILL replay their commit logs first; on a loaded 2-core host 180 s was once not enough.
      300_000,
    )
    // ...and agree on the schema, as an operator would check before resuming. (Sandbox nodes used to
    // run with -Dcassandra.unsafesystem, lost the schema on SIGKILL and answered "keyspace … does not
    // exist"; they now keep it as production nodes do.) The driver compares system.local and system.peers.
    const metadata = client.metadata as unknown as {checkSchemaAgreement(): Promise<boolean>}
    await waitFor(
      'every node up and on one schema version',
      async () => client.hosts.length >= 3 && client.hosts.values().every((h) => h.isUp()) && (await metadata.checkSchemaAgreement()),
      180_000,
    )
    const resumed = await runCli(args('twodown', '--resume'), {env})
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
    expect(sorted(await readSink(client, ks, 'daily', 'twodown', DAYS))).toEqual(sorted(truth))
    // Leave the cluster as found: every node up for the files that run next (they probe every replica).
    await waitFor(
      'every Cassandra node up again',
      async () => {
        const probe = await runCli(['sandbox', 'status', '--json', ...sandboxFlags])
        return probe.code === 0 && probe.json.cassandra.nodes.every((n: {up: boolean}) => n.up)
      },
      180_000,
    )
  }, 600_000)
})

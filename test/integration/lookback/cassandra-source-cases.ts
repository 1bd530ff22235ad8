/**
 * The same 5-day scenario from a time-bucketed Cassandra events table,
 * PRIMARY KEY ((day, bucket), ts, id): rows are written USING TIMESTAMP = their arrival,
 * so WRITETIME is the arrival time the late-event logic uses. Cases shared by the default
 * version's file (cassandra-source.test.ts) and the Cassandra 4.1 matrix
 * (cassandra/version-41.test.ts): source and sink are the cluster the test helpers point at.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {HOUR, cassandraClient, clusterEnv, createEventsTable, createKeyspace, groundTruth, insertEvents, makeEvents, readSink, sorted, tempDir, writeCassandraSourceJob, type TestEvent} from './support.js'

export function cassandraSourceCases(): void {
  const suffix = Date.now().toString(36)
  const ks = `lb_cas_${suffix}`
  const AS_OF = '2026-11-15'
  const DAYS = ['2026-11-13', '2026-11-14', '2026-11-15']
  const B = Date.UTC(2026, 10, 16)
  const BUCKETS = 4

  describe('lookback run: Cassandra events table as the source', () => {
    const client = cassandraClient()
    const dir = tempDir('lb-cas')
    const env = clusterEnv({FLEETOPS_HOME: dir})
    const job = writeCassandraSourceJob(dir, 'casjob', ks, BUCKETS, [
      'groupBy: country',
      'distinct: user_id',
      'value: amount',
      'sink:',
      `  keyspace: ${ks}`,
      '  table: daily',
    ])
    const produced: TestEvent[] = []
    const run = () => runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--create-sink'], {env})

    const insert = (events: TestEvent[]): Promise<void> => insertEvents(client, ks, events, BUCKETS)

    beforeAll(async () => {
      await client.connect()
      await createKeyspace(client, ks)
      await createEventsTable(client, ks)
      const batchA = makeEvents({firstDay: Date.UTC(2026, 10, 11), days: 5, perDay: 150, latePerDay: 10, lateByDays: 1, seed: 5, idPrefix: 'c'})
      produced.push(...batchA)
      await insert(batchA)
    })

    afterAll(async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
      await client.shutdown()
    })

    it('first run equals the ground truth, late rows by WRITETIME', async () => {
      const r = await run()
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.source).toEqual({kind: 'cassandra', keyspace: ks, table: 'events', buckets: BUCKETS})
      expect(r.json.units.total).toBe(3 * BUCKETS)
      const truth = groundTruth(produced, DAYS)
      expect(sorted(await readSink(client, ks, 'daily', 'casjob', DAYS))).toEqual(sorted(truth))
      expect(r.json.late.total).toBe([...truth.values()].reduce((a, x) => a + x.late_events, 0))
    })

    it('late rows change only their days; a rerun changes nothing', async () => {
      const late: TestEvent[] = [0, 1, 2].map((i) => ({
        eventMs: Date.UTC(2026, 10, 14, 3 + i),
        // Written now (WRITETIME = the real arrival), after the first run.
        arrivalMs: Date.now() + i,
        user: `lateuser${i}`,
        country: 'jp',
        amount: 7.25,
        id: `late-${i}`,
      }))
      await insert(late)
      produced.push(...late)
      const r = await run()
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(sorted(await readSink(client, ks, 'daily', 'casjob', DAYS))).toEqual(sorted(groundTruth(produced, DAYS)))
      expect(r.json.changes.map((c: {day: string; group: string}) => `${c.day}|${c.group}`)).toEqual(['2026-11-14|jp'])
      expect(r.json.days.map((d: {lateEvents: number}) => d.lateEvents)).toEqual([0, 3, 0])
      const named = r.json.late.examples.map((e: {ref: {key: Record<string, string>}}) => e.ref.key.id).sort()
      expect(named).toEqual(['late-0', 'late-1', 'late-2'])
      expect(late[0]!.arrivalMs).toBeGreaterThan(B + HOUR)

      const again = await run()
      expect(again.code).toBe(0)
      expect(again.json.changes).toEqual([])
      expect(again.json.late.total).toBe(0)
    })
  })
}

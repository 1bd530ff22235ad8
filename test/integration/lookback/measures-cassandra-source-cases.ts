/**
 * The measures form from a time-bucketed Cassandra events table (PRIMARY KEY ((day, bucket),
 * ts, id), rows written USING TIMESTAMP = arrival): a daily job in UTC with a where, one
 * dimension and count, sum, distinct, max, checked against plain loops over the inserted rows.
 * Cases shared by the default version's file (measures-cassandra-source.test.ts) and the
 * Cassandra 4.1 matrix (cassandra/version-41.test.ts).
 */
import cassandra from 'cassandra-driver'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {cassandraClient, clusterEnv, createEventsTable, createKeyspace, insertEvents, makeEvents, tempDir, writeCassandraSourceJob, type TestEvent} from './support.js'

export function measuresCassandraSourceCases(): void {
  const suffix = Date.now().toString(36)
  const ks = `lb_mcs_${suffix}`
  const AS_OF = '2026-11-15'
  const DAYS = ['2026-11-13', '2026-11-14', '2026-11-15']
  const BUCKETS = 3

  describe('lookback run: measures form from a Cassandra events table', () => {
    const client = cassandraClient()
    const dir = tempDir('lb-mcs')
    const env = clusterEnv({FLEETOPS_HOME: dir})
    const job = writeCassandraSourceJob(dir, 'casmeasures', ks, BUCKETS, [
      'where:',
      '  amount: {gte: 100}',
      'dimensions: [country]',
      'measures:',
      '  orders: count',
      '  revenue: {sum: amount}',
      '  buyers: {distinct: user_id}',
      '  largest: {max: amount}',
      'sink:',
      `  keyspace: ${ks}`,
      '  table: daily_measures',
    ])
    const produced: TestEvent[] = []

    beforeAll(async () => {
      await client.connect()
      await createKeyspace(client, ks)
      await createEventsTable(client, ks)
      produced.push(...makeEvents({firstDay: Date.UTC(2026, 10, 12), days: 4, perDay: 120, latePerDay: 5, lateByDays: 1, seed: 9, idPrefix: 'm'}))
      await insertEvents(client, ks, produced, BUCKETS)
    })

    afterAll(async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
      await client.shutdown()
    })

    it('writes the expected rows and counts what the where left out', async () => {
      const r = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--create-sink'], {env})
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const inWindow = produced.filter((e) => DAYS.includes(new Date(e.eventMs).toISOString().slice(0, 10)))
      expect(r.json.filtered).toBe(inWindow.filter((e) => !(e.amount >= 100)).length)
      const expected = new Map<string, {orders: number; revenue: number; buyers: Set<string>; largest: number; late: number}>()
      for (const e of inWindow) {
        if (!(e.amount >= 100)) continue
        const day = new Date(e.eventMs).toISOString().slice(0, 10)
        const key = `${day}|${e.country}`
        const cell = expected.get(key) ?? {orders: 0, revenue: 0, buyers: new Set<string>(), largest: -Infinity, late: 0}
        cell.orders++
        cell.revenue += e.amount
        cell.buyers.add(e.user)
        cell.largest = Math.max(cell.largest, e.amount)
        if (e.arrivalMs >= Date.parse(`${day}T00:00:00Z`) + 86_400_000) cell.late++
        expected.set(key, cell)
      }
      const actual = new Map<string, {orders: number; revenue: number; buyers: number; largest: number; late: number}>()
      for (const day of DAYS) {
        const rs = await client.execute(`SELECT * FROM ${ks}.daily_measures WHERE job = ? AND day = ?`, ['casmeasures', cassandra.types.LocalDate.fromString(day)], {prepare: true})
        for (const row of rs.rows) actual.set(`${day}|${row.country}`, {orders: Number(row.orders), revenue: row.revenue, buyers: Number(row.buyers), largest: row.largest, late: Number(row.late_events)})
      }
      expect(actual).toEqual(new Map([...expected].map(([k, c]) => [k, {orders: c.orders, revenue: c.revenue, buyers: c.buyers.size, largest: c.largest, late: c.late}])))

      const again = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json'], {env})
      expect(again.code, again.stdout + again.stderr).toBe(0)
      expect(again.json.bucketChanges).toEqual([])
    })
  })
}

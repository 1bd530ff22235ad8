/**
 * Leases under contention, on the real cluster: several instances race for the same lease
 * rows at once, as `--share-work` instances do when they claim units. Paxos rounds that
 * collide can time out; a timed-out LWT has an unknown outcome, not an unavailable cluster.
 * Whatever happens, exactly one racer holds each lease, and every racer knows whether it is
 * the one.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LookbackCassandra} from '../../../src/adapters/cassandra/lookback-store.js'
import {cassandraContactPoints, cassandraLocalDc} from '../support/cluster.js'
import {cassandraClient, createKeyspace} from './support.js'

const ks = `lb_lease_${Date.now().toString(36)}`
const RACERS = 8
const ROUNDS = 6

describe('lookback leases under contention', () => {
  const admin = cassandraClient()
  const stores: LookbackCassandra[] = []

  beforeAll(async () => {
    await admin.connect()
    await createKeyspace(admin, ks)
    // One client per racer, each starting from a different contact point, so the LWTs
    // reach the replicas through different coordinators, as separate processes do.
    const points = cassandraContactPoints()
    for (let i = 0; i < RACERS; i++) {
      const rotated = [...points.slice(i % points.length), ...points.slice(0, i % points.length)]
      stores.push(await LookbackCassandra.open({contactPoints: rotated, localDc: cassandraLocalDc(), connectTimeoutMs: 10_000, requestTimeoutMs: 20_000}))
    }
    await stores[0]!.ensureStateTables(ks)
  })

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()))
    await admin.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await admin.shutdown()
  })

  it('racing for one lease: exactly one racer gets it, the rest see it held, nobody fails', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const name = `unit:race:${round}`
      const results = await Promise.all(stores.map((s, i) => s.acquireLease(ks, name, `racer-${i}`, 30)))
      const winners = results.flatMap((r, i) => (r.acquired ? [i] : []))
      expect(winners, JSON.stringify(results)).toHaveLength(1)
      const winner = `racer-${winners[0]}`
      for (const r of results) if (!r.acquired) expect(r.holder).toBe(winner)
      // The holder renews while the others keep trying, as the finish stage does.
      const [renewed, ...others] = await Promise.all([
        stores[winners[0]!]!.renewLease(ks, name, winner, 30),
        ...stores.map((s, i) => s.acquireLease(ks, name, `racer-${i}`, 30)),
      ])
      expect(renewed).toBe(true)
      for (const [i, r] of others.entries()) expect(r.acquired).toBe(`racer-${i}` === winner)
      // Racers that do not hold it cannot release it; its holder can.
      await Promise.all(stores.map((s, i) => (`racer-${i}` === winner ? Promise.resolve() : s.releaseLease(ks, name, `racer-${i}`))))
      expect((await stores[0]!.acquireLease(ks, name, 'late', 30)).holder).toBe(winner)
      await stores[winners[0]!]!.releaseLease(ks, name, winner)
      expect((await stores[0]!.acquireLease(ks, name, 'late', 30)).acquired).toBe(true)
    }
  })

  it('racing to point a job at a shared run: exactly one racer wins', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const job = `race-${round}`
      const won = await Promise.all(stores.map((s, i) => s.setSharedRun(ks, job, null, `run-${i}`)))
      const winners = won.flatMap((w, i) => (w ? [i] : []))
      expect(winners, JSON.stringify(won)).toHaveLength(1)
      expect((await stores[0]!.readJobState(ks, job))?.sharedRun).toBe(`run-${winners[0]}`)
    }
  })
})

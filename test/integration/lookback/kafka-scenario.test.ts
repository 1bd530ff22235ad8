/**
 * The 5-day Kafka scenario on the real sandbox: a 3-day window with a fixed
 * --as-of equals an independently computed ground truth; more late events change only
 * the affected days and the report names exactly them; a third run changes nothing; a
 * dry run writes nothing; a retention gap is reported and exits 68.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {
  DAY,
  HOUR,
  cassandraClient,
  clusterEnv,
  createKeyspace,
  createTopic,
  groundTruth,
  kafka,
  kafkaJobYaml,
  makeEvents,
  produce,
  produceOneByOne,
  readSink,
  sorted,
  tempDir,
  writeJob,
  type TestEvent,
  dropTestData,
} from './support.js'

const suffix = Date.now().toString(36)
const topic = `lookback-scn-${suffix}`
const ks = `lb_scn_${suffix}`
const AS_OF = '2026-11-15'
const DAYS = ['2026-11-13', '2026-11-14', '2026-11-15']
const FIRST = Date.UTC(2026, 10, 11)
const B = Date.UTC(2026, 10, 16) // end of the as-of day: the first run's boundary

describe('lookback run: Kafka 5-day scenario', () => {
  const client = cassandraClient()
  const dir = tempDir('lb-scn')
  const env = clusterEnv({FLEETOPS_HOME: dir})
  const job = writeJob(dir, 'nightly', kafkaJobYaml({name: 'nightly', topic, ks, table: 'daily'}))
  const produced: TestEvent[] = []
  const run = (...extra: string[]) => runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF, '--json', '--lease-ttl', '10s', ...extra], {env})

  beforeAll(async () => {
    await client.connect()
    await createKeyspace(client, ks)
    await createTopic(topic, 3)
    // 5 days (11-11 .. 11-15), 400 on time + 30 late (arriving a day later) per day.
    const batchA = makeEvents({firstDay: FIRST, days: 5, perDay: 400, latePerDay: 30, lateByDays: 1, seed: 1, idPrefix: 'a'})
    produced.push(...batchA)
    const t = Date.UTC(2026, 10, 14, 12)
    await produce(topic, batchA, {
      raw: [
        {value: 'not json at all', timestamp: t},
        {value: JSON.stringify({ts: 'yesterday noon', user: 'x', country: 'de', amount: 1}), timestamp: t},
        {value: JSON.stringify({user: 'x', country: 'de', amount: 1}), timestamp: t},
      ],
    })
  })

  afterAll(() => dropTestData(client, ks, topic))

  it('first run: the sink equals the ground truth; rejects are counted with examples', async () => {
    const noSink = await runCli(['lookback', 'run', '--job', job, '--as-of', AS_OF], {env})
    expect(noSink.code).toBe(2)
    expect(noSink.stderr).toMatch(/sink table .*daily does not exist; pass --create-sink/)

    const r = await run('--create-sink')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.status).toBe('ok_with_rejects')
    expect(r.json.window.days).toEqual(DAYS)
    expect(r.json.sink.created).toBe(true)
    const truth = groundTruth(produced, DAYS)
    expect(sorted(await readSink(client, ks, 'daily', 'nightly', DAYS))).toEqual(sorted(truth))
    expect(r.json.rejects.total).toBe(3)
    expect(r.json.rejects.counts).toEqual({'bad-time': 2, 'malformed-json': 1})
    expect(r.json.rejects.examples.length).toBe(3)
    expect(r.json.rejects.examples[0].ref.kind).toBe('kafka')
    // Reading starts at the window start minus the 1h skew margin (by arrival); what it
    // reads of older days is counted as outside the window, never aggregated.
    const T0 = Date.UTC(2026, 10, 13) - HOUR
    expect(r.json.outOfWindow.before).toBe(produced.filter((e) => e.eventMs < Date.UTC(2026, 10, 13) && e.arrivalMs >= T0).length)
    // First run: late = arrived after its own day.
    for (const d of r.json.days) {
      expect(d.lateEvents).toBe([...truth.values()].filter((x) => x.day === d.day).reduce((a, x) => a + x.late_events, 0))
      expect(d.groupsChanged).toBe(4)
    }
    expect(r.json.changes.every((c: {kind: string}) => c.kind === 'added')).toBe(true)
    // JSON-line logs with the run id on stderr.
    const logs = r.stderr.trim().split('\n').map((l) => JSON.parse(l))
    expect(logs.every((l: {runId: string}) => typeof l.runId === 'string')).toBe(true)
    expect(logs.at(-1)).toMatchObject({event: 'done', runId: r.json.runId})
  })

  it('more late events: only affected days change and the report names exactly them', async () => {
    // 5 late events for 11-13 and 4 for 11-14, arriving after the first run's boundary.
    const r = (() => {
      let s = 7
      return () => (s = (s * 48271) % 2147483647) / 2147483647
    })()
    const late: TestEvent[] = []
    for (const [day, n] of [
      [Date.UTC(2026, 10, 13), 5],
      [Date.UTC(2026, 10, 14), 4],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const eventMs = day + Math.floor(r() * DAY)
        late.push({eventMs, arrivalMs: B + HOUR + i * 60_000, user: `late${i % 3}`, country: ['de', 'fr'][i % 2]!, amount: 1000 + i / 4, id: `late-${day}-${i}`})
      }
    }
    const refs = await produceOneByOne(topic, late)
    produced.push(...late)

    const before = await readSink(client, ks, 'daily', 'nightly', DAYS)
    const res = await run()
    expect(res.code, res.stdout + res.stderr).toBe(0)
    const truth = groundTruth(produced, DAYS)
    const after = await readSink(client, ks, 'daily', 'nightly', DAYS)
    expect(sorted(after)).toEqual(sorted(truth))

    const affected = new Set(late.map((e) => `${new Date(e.eventMs).toISOString().slice(0, 10)}|${e.country}`))
    const changed = new Set(res.json.changes.map((c: {day: string; group: string}) => `${c.day}|${c.group}`))
    expect(changed).toEqual(affected)
    for (const c of res.json.changes) {
      expect(c.kind).toBe('changed')
      const key = `${c.day}|${c.group}`
      expect(c.before.events).toBe(before.get(key)!.events)
      expect(c.after.events).toBe(truth.get(key)!.events)
    }
    expect(res.json.days.map((d: {groupsChanged: number}) => d.groupsChanged)).toEqual([2, 2, 0])
    expect(res.json.days.map((d: {lateEvents: number}) => d.lateEvents)).toEqual([5, 4, 0])
    const named = res.json.late.examples.map((e: {ref: {partition: number; offset: string}}) => `${e.ref.partition}@${e.ref.offset}`)
    expect(new Set(named)).toEqual(new Set(refs))
    expect(res.json.previousRunBoundaryMs).toBe(B)
    // The unaffected day is byte-for-byte what it was.
    for (const [k, v] of before) if (k.startsWith('2026-11-15')) expect(after.get(k)).toEqual(v)
  })

  it('a third run with nothing new changes nothing', async () => {
    const before = await readSink(client, ks, 'daily', 'nightly', DAYS)
    const res = await run()
    expect(res.code, res.stdout + res.stderr).toBe(0)
    expect(res.json.changes).toEqual([])
    expect(res.json.late.total).toBe(0)
    expect(sorted(await readSink(client, ks, 'daily', 'nightly', DAYS))).toEqual(sorted(before))
  })

  it('--dry-run reports the change a new late event makes but writes nothing', async () => {
    const extra: TestEvent = {eventMs: Date.UTC(2026, 10, 15, 8), arrivalMs: B + 2 * HOUR, user: 'dry', country: 'us', amount: 5, id: 'dry-1'}
    await produceOneByOne(topic, [extra])
    const before = await readSink(client, ks, 'daily', 'nightly', DAYS)
    const dry = await run('--dry-run')
    expect(dry.code, dry.stdout + dry.stderr).toBe(0)
    expect(dry.json.sink.written).toBe(false)
    expect(dry.json.changes.map((c: {day: string; group: string}) => `${c.day}|${c.group}`)).toEqual(['2026-11-15|us'])
    expect(sorted(await readSink(client, ks, 'daily', 'nightly', DAYS))).toEqual(sorted(before))
    // The dry run recorded no state: the real run still sees the same straggler.
    produced.push(extra)
    const real = await run()
    expect(real.code).toBe(0)
    expect(real.json.late.total).toBe(1)
    expect(sorted(await readSink(client, ks, 'daily', 'nightly', DAYS))).toEqual(sorted(groundTruth(produced, DAYS)))
  })

  it('when retention no longer covers the window start, the days are named incomplete and the run exits 68', async () => {
    const gapTopic = `${topic}-gap`
    await createTopic(gapTopic, 1)
    const events = makeEvents({firstDay: FIRST, days: 5, perDay: 50, latePerDay: 0, lateByDays: 0, seed: 3, idPrefix: 'g'})
    await produce(gapTopic, events)
    // Delete the records before 11-14 12:00, as retention would.
    const cut = [...events].sort((a, b) => a.arrivalMs - b.arrivalMs).findIndex((e) => e.arrivalMs >= Date.UTC(2026, 10, 14, 12))
    const admin = kafka().admin()
    await admin.connect()
    await admin.fetchTopicMetadata({topics: [gapTopic]})
    await admin.deleteTopicRecords({topic: gapTopic, partitions: [{partition: 0, offset: String(cut)}]})
    await admin.disconnect()
    const gapJob = writeJob(dir, 'gap', kafkaJobYaml({name: 'gap', topic: gapTopic, ks, table: 'daily'}))
    const r = await runCli(['lookback', 'run', '--job', gapJob, '--as-of', AS_OF, '--json'], {env})
    expect(r.code).toBe(68)
    expect(r.json.status).toBe('incomplete')
    expect(r.json.incompleteDays).toEqual(['2026-11-13', '2026-11-14'])
    expect(r.json.message).toMatch(/retention no longer covers 2026-11-13, 2026-11-14/)
    expect(r.json.days.map((d: {complete: boolean}) => d.complete)).toEqual([false, false, true])
    // Only the complete day was written.
    const sink = await readSink(client, ks, 'daily', 'gap', DAYS)
    expect([...new Set([...sink.values()].map((x) => x.day))]).toEqual(['2026-11-15'])
    expect(sorted(sink)).toEqual(sorted(groundTruth(events, ['2026-11-15'])))
  })
})

/**
 * The look-back runner driven through its own interfaces with in-memory clusters: crash and
 * resume, a held lease, a failed sink write, Ctrl-C, --share-work and reruns, each in
 * milliseconds. The sink is checked against a ground truth computed here with plain loops.
 */
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it, vi} from 'vitest'

import type {SinkRow} from '../../../src/core/lookback/sink-row.js'
import {type LookbackRunOptions, runLookback} from '../../../src/services/lookback/runner.js'
import {MemoryRunLog, MemoryStore, MemoryTopic, TestClock, type TopicRecord, memoryAdapters, tick} from './in-memory.js'

const KS = 'lb'
const TABLE = 'daily'
const JOB = 'nightly'
const DAY = 86_400_000
const PARTITIONS = 8
const PER_PARTITION = 40
const NOW = Date.parse('2026-11-21T06:00:00Z')
const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20']

interface TestEvent {
  eventMs: number
  arrivalMs: number
  user: string
  country: string
  amount: number
}

/** Events over the three days in every partition; every seventh arrives a day late. */
function makeEvents(): TestEvent[][] {
  let seed = 7
  const next = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  return Array.from({length: PARTITIONS}, () => {
    const events = Array.from({length: PER_PARTITION}, (_, i) => {
      const day = Date.parse(`${DAYS[Math.floor(next() * 3)]}T00:00:00Z`)
      const eventMs = day + Math.floor(next() * 23 * 3_600_000)
      const late = i % 7 === 0 && eventMs < Date.parse('2026-11-20T00:00:00Z')
      return {eventMs, arrivalMs: eventMs + (late ? DAY : 60_000), user: `u${Math.floor(next() * 12)}`, country: ['de', 'fr', 'us'][Math.floor(next() * 3)]!, amount: Math.floor(next() * 40) / 4}
    })
    return events.sort((a, b) => a.arrivalMs - b.arrivalMs)
  })
}

const EVENTS = makeEvents()
const RECORDS: TopicRecord[][] = EVENTS.map((p) =>
  p.map((e) => ({timestampMs: e.arrivalMs, value: JSON.stringify({ts: new Date(e.eventMs).toISOString(), user: e.user, country: e.country, amount: e.amount})})),
)

/** The sink a correct run writes, from the events themselves. */
function groundTruth(): SinkRow[] {
  const groups = new Map<string, {day: string; country: string; events: TestEvent[]}>()
  for (const e of EVENTS.flat()) {
    const day = new Date(e.eventMs).toISOString().slice(0, 10)
    const key = `${day}/${e.country}`
    if (!groups.has(key)) groups.set(key, {day, country: e.country, events: []})
    groups.get(key)!.events.push(e)
  }
  return [...groups.values()]
    .map(({day, country, events}) => {
      const amounts = events.map((e) => e.amount)
      const dayEnd = Date.parse(`${day}T00:00:00Z`) + DAY
      return {
        job: JOB,
        day,
        group_key: country,
        events: events.length,
        distinct_count: new Set(events.map((e) => e.user)).size,
        value_sum: amounts.reduce((a, b) => a + b, 0),
        value_min: Math.min(...amounts),
        value_max: Math.max(...amounts),
        late_events: events.filter((e) => e.arrivalMs >= dayEnd).length,
      }
    })
    .sort((a, b) => a.day.localeCompare(b.day) || a.group_key.localeCompare(b.group_key))
}

const TRUTH = groundTruth()

function jobFile(dir: string): string {
  const path = join(dir, 'job.yaml')
  const yaml = [`name: ${JOB}`, 'source:', '  kafka:', '    topic: events', '    eventTimeField: ts', 'window: 3d', 'timezone: UTC', 'groupBy: country', 'distinct: user', 'value: amount', 'sink:', `  keyspace: ${KS}`, `  table: ${TABLE}`, '']
  writeFileSync(path, yaml.join('\n'))
  return path
}

interface Harness {
  store: MemoryStore
  clock: TestClock
  dir: string
  /** A fresh topic over the same records (a new process reads the same log). */
  topic(chunkMs?: number): MemoryTopic
  run(topic: MemoryTopic, flags?: Partial<LookbackRunOptions>): Promise<{report: Awaited<ReturnType<typeof runLookback>>; log: MemoryRunLog}>
  checkpointPath: string
}

function harness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-lookback-'))
  const store = new MemoryStore(KS)
  const clock = new TestClock(NOW)
  const job = jobFile(dir)
  const h: Harness = {
    store,
    clock,
    dir,
    checkpointPath: join(dir, 'checkpoint', 'checkpoint.json'),
    topic: (chunkMs = 0) => new MemoryTopic('events', RECORDS, 10, chunkMs, clock),
    async run(topic, flags = {}) {
      const log = new MemoryRunLog()
      const opts: LookbackRunOptions = {jobPath: job, asOf: '2026-11-20', dryRun: false, resume: false, createSink: true, leaseTtlSeconds: 60, share: false, checkpointDir: join(dir, 'checkpoint'), log, ...flags}
      return {report: await runLookback(opts, memoryAdapters(store, topic), clock), log}
    },
  }
  return h
}

const savedUnits = (path: string): Record<string, {state: string; lastOffset?: string}> => JSON.parse(readFileSync(path, 'utf8')).units

/** Waits until `done()` holds, letting the runner's callbacks run (bounded: a stuck run fails the test). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await tick()
  expect(done()).toBe(true)
}

describe('runLookback with in-memory clusters', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('a first run writes the ground truth and releases its lease; a rerun converges on the same sink', async () => {
    const h = harness()
    const first = await h.run(h.topic())
    expect(first.report).toMatchObject({exit: 0, status: 'ok', units: {total: PARTITIONS, done: PARTITIONS, processedHere: PARTITIONS, failed: []}, sink: {created: true, written: true}})
    expect(first.report.window.days).toEqual(DAYS)
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
    expect(first.report.changes.filter((c) => c.kind === 'added')).toHaveLength(TRUTH.length)
    expect(h.store.leases.size).toBe(0)
    expect(existsSync(h.checkpointPath)).toBe(false)
    expect(first.log.named('done')).toHaveLength(1)

    // Someone damaged the sink since: a stray group and a wrong count. The rerun puts it back.
    const rows = h.store.sinks.get(`${KS}.${TABLE}`)!
    const damaged = rows.findIndex((r) => r.day === TRUTH[0]!.day && r.group_key === TRUTH[0]!.group_key)
    rows[damaged] = {...rows[damaged]!, events: rows[damaged]!.events + 5}
    rows.push({...TRUTH[1]!, group_key: 'zz'})
    h.clock.ms += 3_600_000
    const rerun = await h.run(h.topic())
    expect(rerun.report.exit).toBe(0)
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
    expect(rerun.report.changes.map((c) => [c.kind, c.group])).toEqual(expect.arrayContaining([['changed', TRUTH[0]!.group_key], ['removed', 'zz']]))
    expect(rerun.report.changes).toHaveLength(2)
    expect(rerun.report.previousRunBoundaryMs).toBe(first.report.window.endMs)

    const third = await h.run(h.topic())
    expect(third.report.changes).toEqual([])
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
  })

  it('after a crash mid-run, --resume reads only what the checkpoint lacks and the sink equals the ground truth', async () => {
    const h = harness()
    // Every chunk takes 11 s of run time, so each one is due for a checkpoint save.
    const crashing = h.topic(11_000)
    let kill: (error: Error) => void = () => {}
    crashing.afterChunkRead = async (partition, next) => {
      // The process dies here: this read does not return until the test lets the run go.
      if (partition === 3 && next === 20) await new Promise<void>((_, reject) => (kill = reject))
    }
    const crashed = h.run(crashing)
    await until(() => crashing.reads.length === PARTITIONS && crashing.active === 1)
    await tick()
    const saved = savedUnits(h.checkpointPath)
    expect(saved['kafka/p=3']).toEqual(expect.objectContaining({state: 'pending', lastOffset: '9'}))
    const notDone = Object.keys(saved).filter((u) => saved[u]!.state !== 'done')
    expect(notDone.length).toBeLessThan(PARTITIONS)
    expect(h.store.sinkRows(KS, TABLE)).toEqual([])

    const resumedTopic = h.topic()
    const resumed = await h.run(resumedTopic, {resume: true})
    expect(resumed.report).toMatchObject({exit: 0, status: 'ok', resumed: true, units: {total: PARTITIONS, done: PARTITIONS, processedHere: notDone.length}})
    // Each unit continues after its saved offset (every partition's window starts at offset 0;
    // one saved up to its end needs no read); done units are not read again.
    const expectedReads = notDone
      .map((u) => ({partition: Number(u.split('=')[1]), from: saved[u]!.lastOffset === undefined ? 0 : Number(saved[u]!.lastOffset) + 1}))
      .filter((r) => r.from < PER_PARTITION)
    expect([...resumedTopic.reads].sort((x, y) => x.partition - y.partition)).toEqual(expectedReads.sort((x, y) => x.partition - y.partition))
    expect(resumedTopic.reads).toContainEqual({partition: 3, from: 10})
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
    expect(resumed.report.events).toBe(PARTITIONS * PER_PARTITION)
    expect(existsSync(h.checkpointPath)).toBe(false)
    expect(h.store.leases.size).toBe(0)

    // Let the dead run's promise settle, so its signal handler goes with it.
    kill(new Error('killed'))
    expect((await crashed).report.exit).toBe(68)
  })

  it('a lease held by another run: exit 75 before anything is read, planned or saved', async () => {
    const h = harness()
    h.store.leases.set(`job:${JOB}`, 'nightly.20261121T050000Z.abcdef')
    const topic = h.topic()
    const error = await h.run(topic).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'LOCKED', exit: 75})
    expect((error as Error).message).toMatch(/^job "nightly" is already running: run nightly\.20261121T050000Z\.abcdef holds its lease \(lb\.fleetops_lookback_leases\)/)
    expect(topic.reads).toEqual([])
    expect(existsSync(h.checkpointPath)).toBe(false)
    expect(h.store.leases.get(`job:${JOB}`)).toBe('nightly.20261121T050000Z.abcdef')
    expect(h.store.closed).toBe(1)
    expect(topic.closed).toBe(1)
  })

  it('a failed sink write exits 68 with every unit saved; --resume writes without reading Kafka again', async () => {
    const h = harness()
    h.store.failingWrites = 1
    const error = await h.run(h.topic()).catch((e: unknown) => e)
    expect(error).toMatchObject({code: 'PARTIAL', exit: 68})
    expect((error as Error).message).toBe(
      `writing the sink failed: connection reset by peer; every unit is done and saved in ${h.checkpointPath}; rerun with --resume once Cassandra is back`,
    )
    expect(Object.values(savedUnits(h.checkpointPath)).every((u) => u.state === 'done')).toBe(true)
    // The lease stays with the run: its --resume (same run id) takes it back.
    expect([...h.store.leases.values()]).toEqual([expect.stringMatching(/^nightly\./)])

    const topic = h.topic()
    const resumed = await h.run(topic, {resume: true})
    expect(resumed.report).toMatchObject({exit: 0, resumed: true, units: {done: PARTITIONS, processedHere: 0}})
    expect(topic.reads).toEqual([])
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
    expect(h.store.leases.size).toBe(0)
  })

  it('Ctrl-C: the units stop between chunks, progress is saved, exit 130; --resume completes it', async () => {
    const h = harness()
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    const topic = h.topic()
    topic.afterChunkRead = (partition, next) => {
      if (partition === 1 && next === 20) process.emit('SIGINT')
    }
    const {report, log} = await h.run(topic)
    expect(exit).not.toHaveBeenCalled()
    expect(report).toMatchObject({exit: 130, status: 'interrupted', units: {total: PARTITIONS, failed: []}})
    expect(report.message).toBe(`interrupted; ${PARTITIONS - report.units.done} of ${PARTITIONS} units left, progress saved in ${h.checkpointPath}: rerun with --resume`)
    expect(report.units.done).toBeLessThan(PARTITIONS)
    expect(log.named('stopped')).toEqual([{exit: 130, message: report.message}])
    expect(h.store.sinkRows(KS, TABLE)).toEqual([])
    expect(h.store.leases.size).toBe(0)
    const saved = savedUnits(h.checkpointPath)
    expect(Object.values(saved).some((u) => u.state === 'pending' && u.lastOffset !== undefined)).toBe(true)

    // The signal handler is gone with the run: a second Ctrl-C now ends the process.
    process.emit('SIGINT')
    expect(exit).toHaveBeenCalledWith(130)

    const resumedTopic = h.topic()
    const resumed = await h.run(resumedTopic, {resume: true})
    expect(resumed.report.exit).toBe(0)
    expect(resumed.report.units.processedHere).toBe(PARTITIONS - report.units.done)
    expect(resumedTopic.reads.some((r) => r.from > 0)).toBe(true)
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
  })

  it('--max-runtime stops the run resumably (exit 68)', async () => {
    const h = harness()
    const {report} = await h.run(h.topic(1_000), {maxRuntimeMs: 5_000})
    expect(report).toMatchObject({exit: 68, status: 'partial'})
    expect(report.message).toBe(`--max-runtime reached; ${PARTITIONS - report.units.done} of ${PARTITIONS} units left, progress saved in ${h.checkpointPath}: rerun with --resume`)
    const pending = Object.values(savedUnits(h.checkpointPath)).filter((u) => u.state !== 'done')
    expect(pending).toHaveLength(PARTITIONS - report.units.done)
    expect(pending.some((u) => u.lastOffset !== undefined)).toBe(true)
    expect(h.store.leases.size).toBe(0)
  })

  it('--share-work: two instances split the units, one writes, both report the same result', async () => {
    const h = harness()
    const [a, b] = await Promise.all([h.run(h.topic(), {share: true}), h.run(h.topic(), {share: true})])
    expect(a.report.runId).toBe(b.report.runId)
    expect([a.report.exit, b.report.exit]).toEqual([0, 0])
    expect(a.report.units.processedHere).toBeGreaterThan(0)
    expect(b.report.units.processedHere).toBeGreaterThan(0)
    expect(a.report.units.processedHere + b.report.units.processedHere).toBe(PARTITIONS)
    expect(a.report.instance).not.toBe(b.report.instance)
    expect(a.report.days).toEqual(b.report.days)
    expect(a.report.changes).toEqual(b.report.changes)
    expect([a.log.named('done').length, b.log.named('done').length].sort()).toEqual([0, 1])
    expect(h.store.sinkRows(KS, TABLE)).toEqual(TRUTH)
    expect(h.store.jobs.get(JOB)?.sharedRun).toBeNull()
    expect(h.store.leases.size).toBe(0)
    expect(existsSync(h.checkpointPath)).toBe(false)
  })
})

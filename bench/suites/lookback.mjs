// Look-back reprocessing: end-to-end throughput of `fleetops lookback run` over N Kafka events
// against Kafka's own ConsumerPerformance reading the same topic in the same run, and the run's
// peak RSS at N and 5N events (the key space is fixed, so memory must not grow with events).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'lookback'
export const title = 'Look-back run throughput vs ConsumerPerformance; peak RSS vs events'
export const needs = ['kafka', 'cassandra']

const DAY = 86_400_000

/** The legacy job form's lines between `window` and `sink`. */
const LEGACY_JOB = ['groupBy: country', 'distinct: user', 'value: amount']

/**
 * One look-back bench topic with its job and sink: `lookback()` runs `fleetops lookback run` and
 * `consumerPerf(n)` Kafka's ConsumerPerformance on the same topic; `close()` drops both.
 * `topicConfigs` are set on the topic (e.g. compression.type); the lookback-codecs suite uses this too.
 * `job` is the job's lines between `window: 3d` and `sink` (default: the legacy form above);
 * `addJob(name, lines)` writes another job on the same topic (its sink table is `name`), to pass
 * to `lookback(path)`. `prefix` names the topic and keyspace (other suites pick their own, so
 * runs against a shared sandbox do not collide). `produce(count, seed, options)` passes options
 * (users, shape) to produceEvents. `sinkRows(table)` reads a sink table back.
 */
/**
 * `format: 'avro'`: the events are Avro records in the Schema Registry wire format (their schema
 * registered in the sandbox's registry), and the job reads them with `format: avro`.
 */
export async function lookbackHarness(ctx, {name, topicConfigs = {}, format = 'json', job = LEGACY_JOB, prefix = 'lookback-bench', keyspacePrefix = 'lb_bench'} = {}) {
  const {createTopic, deleteTopic, produceEvents} = await import(pathToFileURL(join(ctx.root, 'bench', 'lookback-produce.mjs')).href)
  const cassandra = (await import('cassandra-driver')).default
  if (!ctx.env.FLEETOPS_BROKERS || !ctx.env.FLEETOPS_CONTACT_POINTS) {
    throw new Error('the bench sandbox has no Kafka or no Cassandra; stop it (sandbox down --name bench --purge) so the runner starts both')
  }
  const brokers = ctx.env.FLEETOPS_BROKERS.split(',')
  const suffix = `${name ? `${name}-` : ''}${Date.now().toString(36)}`
  const topic = `${prefix}-${suffix}`
  const ks = `${keyspacePrefix}_${suffix.replace(/-/g, '_')}`
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-bench-lookback-'))
  // A window that ended two days ago; events cover its 3 days.
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())
  const asOfMs = today - 2 * DAY
  const asOf = new Date(asOfMs).toISOString().slice(0, 10)
  const firstDayMs = asOfMs - 2 * DAY

  const client = new cassandra.Client({contactPoints: ctx.env.FLEETOPS_CONTACT_POINTS.split(','), localDataCenter: ctx.env.FLEETOPS_LOCAL_DC})
  await client.connect()
  const cassandraNodes = 1 + (await client.execute('SELECT peer FROM system.peers')).rowLength
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class':'NetworkTopologyStrategy','${ctx.env.FLEETOPS_LOCAL_DC}':${Math.min(3, cassandraNodes)}}`)
  const addJob = (jobName, lines, table = jobName) => {
    const path = join(dir, `${jobName}.yaml`)
    const source = ['source:', '  kafka:', `    topic: ${topic}`, '    eventTimeField: ts', ...(format === 'json' ? [] : [`    format: ${format}`])]
    writeFileSync(path, [`name: ${jobName}`, ...source, 'window: 3d', ...lines, 'sink:', `  keyspace: ${ks}`, `  table: ${table}`, ''].join('\n'))
    return path
  }
  const jobPath = addJob('bench', job, 'daily')
  const rssFile = join(dir, 'rss')
  const lookback = async (path = jobPath) => {
    rmSync(rssFile, {force: true})
    const r = await ctx.cli(['lookback', 'run', '--job', path, '--as-of', asOf, '--create-sink', '--json'], {
      env: {...ctx.env, FLEETOPS_HOME: dir, FLEETOPS_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--import ${pathToFileURL(join(ctx.root, 'bench', 'lookback-rss.mjs')).href}`},
    })
    if (r.code !== 0) throw new Error(`lookback run exited ${r.code}: ${r.stderr.slice(-500)}`)
    const report = JSON.parse(r.stdout)
    return {ms: r.ms, runMs: report.durationMs, events: report.events, rejects: report.rejects.total, filtered: report.filtered ?? 0, rss: Number(readFileSync(rssFile, 'utf8'))}
  }
  const consumerPerf = async (messages) => {
    const r = await ctx.java('org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', brokers.join(','), '--topic', topic, '--messages', String(messages), '--timeout', '120000'], {lib: ctx.kafkaLib})
    if (r.code !== 0) throw new Error(`ConsumerPerformance exited ${r.code}: ${r.stderr.slice(-500)}`)
    // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    const line = r.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).at(-1)
    const cols = line.split(',').map((s) => s.trim())
    return {nMsgSec: Number(cols[5]), fetchNMsgSec: Number(cols[9]), wallMs: r.ms}
  }
  await createTopic(brokers, topic, 6, topicConfigs)
  const encode = format === 'avro' ? await avroEncoder(ctx, topic) : null
  const produce = (count, seed, options = {}) => produceEvents(brokers, topic, {count, firstDayMs, days: 3, seed, encode, ...options})
  const sinkRows = async (table) => (await client.execute(`SELECT * FROM ${ks}.${table}`, [], {fetchSize: 100_000})).rows
  const close = async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
    await deleteTopic(brokers, topic)
    rmSync(dir, {recursive: true, force: true})
  }
  return {topic, lookback, addJob, consumerPerf, produce, sinkRows, close}
}

/**
 * One unmeasured run of each side first (page cache, the brokers' JIT; ours also creates the
 * sink table, a schema change that waits for agreement), then `reps` alternating measured runs.
 */
export async function measureThroughput(ctx, h, n, reps, {checkEvents = false} = {}) {
  await h.consumerPerf(n)
  await h.lookback()
  const ours = []
  const wall = []
  const anchor = []
  const rss = []
  for (let i = 0; i < reps; i++) {
    const a = await h.consumerPerf(n)
    anchor.push(a.nMsgSec)
    const l = await h.lookback()
    if (checkEvents && (l.events !== n || l.rejects !== 0)) throw new Error(`lookback run read ${l.events} events with ${l.rejects} rejects; expected ${n} and 0`)
    rss.push(l.rss)
    ours.push(l.events / (l.runMs / 1000))
    wall.push(l.events / (l.ms / 1000))
  }
  return {ours: ctx.summarize(ours), anchor: ctx.summarize(anchor), wall: ctx.summarize(wall), rss}
}

export async function run(ctx) {
  const n = ctx.quick ? 100_000 : 1_000_000
  const big = ctx.quick ? 500_000 : 5_000_000
  const h = await lookbackHarness(ctx)
  const figures = []
  try {
    ctx.log(`producing ${n} events`)
    await h.produce(n, 1)
    const reps = ctx.quick ? 2 : ctx.runs
    const m = await measureThroughput(ctx, h, n, reps)
    const rssAtN = m.rss
    const med = (xs) => ctx.summarize(xs).median
    const oursFigure = m.ours
    const anchorFigure = m.anchor
    const ratio = oursFigure.median / anchorFigure.median
    figures.push({
      id: 'throughput',
      label: `lookback run over ${n.toLocaleString('en-US')} Kafka events (events/s, end to end)`,
      unit: 'events/s',
      ours: oursFigure,
      anchor: anchorFigure,
      ratio,
      goal: '≥ 0.5',
      met: ratio >= 0.5,
      notes: `ours = records / the run's own duration (Cassandra connect, lease, offset planning, 6 partitions fetched and JSON-parsed, aggregation of 3 days x 8 groups with exact distinct users, sink read, diff and write; Node/oclif start excluded, as the JVM start is for the anchor); including process start: ${Math.round(m.wall.median).toLocaleString('en-US')} events/s; anchor = ConsumerPerformance nMsg.sec on the same topic; both sides had one unmeasured run first, and the measured runs alternate${ctx.quick ? '; quick mode (100k events)' : ''}`,
    })

    const rssSmall = med(rssAtN)
    ctx.log(`producing ${big - n} more events`)
    await h.produce(big - n, 2)
    const l = await h.lookback()
    const rssRatio = l.rss / rssSmall
    figures.push({
      id: 'peak-rss',
      label: `peak RSS at ${(big / 1e6).toString()}M vs ${(n / 1e6).toString()}M events (same keys)`,
      unit: 'MiB',
      ours: Math.round(l.rss / 1024 / 1024),
      anchor: Math.round(rssSmall / 1024 / 1024),
      ratio: rssRatio,
      goal: '≤ 1.25',
      met: rssRatio <= 1.25,
      notes: `${ctx.quick ? 'quick mode: 100k and 500k events instead of 1M and 5M; ' : ''}5,000 users x 8 countries x 3 days in both runs; anchor = the median peak RSS of the ${reps} runs at ${(n / 1e6).toString()}M (${rssAtN.map((r) => Math.round(r / 1024 / 1024)).join(', ')} MiB); ours = one run at ${(big / 1e6).toString()}M, ${l.events.toLocaleString('en-US')} events read in ${(l.ms / 1000).toFixed(1)} s`,
    })
  } finally {
    await h.close()
  }
  return figures
}

/** Registers the bench event schema under `<topic>-value` and returns an encoder to the wire format. */
async function avroEncoder(ctx, topic) {
  const registry = ctx.env.FLEETOPS_SCHEMA_REGISTRY
  if (!registry) throw new Error('the bench sandbox has no schema registry; stop it (sandbox down --name bench --purge) so the runner starts one')
  const avro = (await import('avsc')).default
  const schema = {
    type: 'record',
    name: 'BenchEvent',
    fields: [
      {name: 'ts', type: {type: 'long', logicalType: 'timestamp-millis'}},
      {name: 'user', type: 'string'},
      {name: 'country', type: 'string'},
      {name: 'amount', type: 'double'},
    ],
  }
  const res = await fetch(`${registry}/subjects/${topic}-value/versions`, {
    method: 'POST',
    headers: {'content-type': 'application/vnd.schemaregistry.v1+json'},
    body: JSON.stringify({schema: JSON.stringify(schema)}),
  })
  if (!res.ok) throw new Error(`registering the bench schema: HTTP ${res.status}`)
  const {id} = await res.json()
  const type = avro.Type.forSchema(schema)
  return (event) => {
    const payload = type.toBuffer(event)
    const out = Buffer.alloc(5 + payload.length)
    out.writeInt32BE(id, 1)
    payload.copy(out, 5)
    return out
  }
}

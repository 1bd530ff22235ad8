// `fleetops lag kafka --group G --json` against Kafka's own ConsumerGroupCommand --describe
// (run from the sandbox's kafka-tools classpath) on the same group in the same run, and our
// wall time at 10,000 partitions. Drives the built CLI only; imports nothing from src.
import {createRequire} from 'node:module'
import {loadavg} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'lag'
export const title = 'Lag probe vs Kafka ConsumerGroupCommand --describe'
export const needs = ['kafka']

const TOOL = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand'

// Runs in a child node: creates the topic, produces 2 records per partition and commits
// offset 1 on every partition for the group (setup only; the probe itself is read-only).
const SETUP = `
const kafkajs = require(process.env.KAFKAJS_PATH)
const {Kafka, logLevel} = kafkajs
const [topic, group, n, action, compression] = process.argv.slice(1)
const kafka = new Kafka({clientId: 'fleetops-bench', brokers: process.env.FLEETOPS_BROKERS.split(','), logLevel: logLevel.NOTHING, requestTimeout: 120000, retry: {retries: 12, initialRetryTime: 500, maxRetryTime: 5000}})
const admin = kafka.admin()
;(async () => {
  await admin.connect()
  if (action === 'delete') {
    await admin.deleteGroups([group]).catch(() => {})
    await admin.deleteTopics({topics: [topic], timeout: 120000}).catch(() => {})
  } else {
    const parts = Array.from({length: Number(n)}, (_, p) => p)
    // KRaft refuses one operation of more than 10,000 metadata records (max.records.per.user.op),
    // so a big topic is created in steps of at most 5,000 partitions.
    const STEP = 5000
    const configEntries = compression ? [{name: 'compression.type', value: compression}] : []
    await admin.createTopics({topics: [{topic, numPartitions: Math.min(Number(n), STEP), replicationFactor: 1, configEntries}], waitForLeaders: false, timeout: 300000})
    const {waitForLeaders: waitAll} = await import(process.env.BENCH_TOPICS_URL)
    const waitForLeaders = (count) => waitAll(admin, [topic], count)
    await waitForLeaders(Math.min(Number(n), STEP))
    for (let count = STEP; count < Number(n); count += STEP) {
      await admin.createPartitions({topicPartitions: [{topic, count: Math.min(Number(n), count + STEP)}], timeout: 300000})
      await waitForLeaders(Math.min(Number(n), count + STEP))
    }
    // Exactly 2 records on every partition. Idempotent, so a retried send writes nothing twice;
    // and checked, because a producer whose metadata does not yet list partitions added by
    // CreatePartitions drops their messages without an error (kafkajs 2.2.4), which left half of
    // a 10,000-partition topic empty. Missing records are sent again by a fresh producer.
    let missing = parts.map((p) => ({partition: p, count: 2}))
    for (let attempt = 0; missing.length > 0; attempt++) {
      if (attempt === 5) throw new Error(missing.length + ' partitions still lack their 2 records after 5 attempts')
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2000))
      const producer = kafka.producer({allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1})
      await producer.connect()
      for (let i = 0; i < missing.length; i += 2000) {
        const chunk = missing.slice(i, i + 2000)
        await producer.send({topic, acks: -1, messages: chunk.flatMap(({partition, count}) => Array.from({length: count}, (_, k) => ({partition, value: 'ab'[k]})))})
      }
      await producer.disconnect()
      const ends = await admin.fetchTopicOffsets(topic)
      missing = ends.filter((o) => Number(o.high) < 2).map((o) => ({partition: o.partition, count: 2 - Number(o.high)}))
    }
    await admin.setOffsets({groupId: group, topic, partitions: parts.map((p) => ({partition: p, offset: '1'}))})
  }
  await admin.disconnect()
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1) })
`

/** `compression` sets the topic's compression.type (the broker stores every batch that way). */
export async function setup(ctx, topic, group, n, action = 'create', compression = '') {
  const kafkajsPath = createRequire(join(ctx.root ?? process.cwd(), 'package.json')).resolve('kafkajs')
  const r = await ctx.exec(process.execPath, ['-e', SETUP, topic, group, String(n), action, compression], {env: {...ctx.env, KAFKAJS_PATH: kafkajsPath, BENCH_TOPICS_URL: pathToFileURL(join(ctx.root ?? process.cwd(), 'bench', 'kafka-topics.mjs')).href}, timeoutMs: 900_000})
  if (r.code !== 0) throw new Error(`lag bench setup (${action} ${n} partitions) failed: ${r.stderr.trim().split('\n').slice(0, 6).join(' | ')}`)
}

export async function ours(ctx, group, partitions) {
  const r = await ctx.cli(['lag', 'kafka', '--group', group, '--json'], {env: ctx.env})
  const g = JSON.parse(r.stdout || '{}')?.groups?.[0]
  // Every partition committed offset 1 of at least 2 records: lag >= 1 and a time lag everywhere.
  if (r.code !== 0 || g?.partitionCount !== partitions || g.unknownLagPartitions !== 0 || !(g.lag >= partitions)) {
    throw new Error(`fleetops lag kafka exited ${r.code} with ${g?.partitionCount} partitions, lag ${g?.lag}: ${r.stderr.trim()}`)
  }
  return r.ms
}

export async function theirs(ctx, group, partitions) {
  const r = await ctx.java(TOOL, ['--bootstrap-server', ctx.env.FLEETOPS_BROKERS, '--describe', '--group', group], {lib: ctx.kafkaLib})
  const rows = r.stdout.split('\n').filter((l) => l.startsWith(`${group} `)).length
  if (r.code !== 0 || rows !== partitions) throw new Error(`ConsumerGroupCommand exited ${r.code} with ${rows} rows (expected ${partitions}): ${r.stderr.trim().split('\n')[0]}`)
  return r.ms
}

export const pick = (m) => ({median: m.median, min: m.min, max: m.max})

/**
 * Ours and ConsumerGroupCommand --describe on the same group, interleaved (theirs, ours, theirs, ...)
 * so that drift in the machine's load hits both sides alike, plus Node's own start-up each round.
 * Call after one unmeasured run of each.
 */
export async function interleaved(ctx, group, n) {
  const theirTimes = []
  const ourTimes = []
  // Node's own start-up (`node -e ''`), part of every run of ours: on a machine that sets
  // NODE_EXTRA_CA_CERTS, Node parses those certificates at each start, before any of our code.
  const nodeStartTimes = []
  // More runs than the other suites: this ratio sits near its goal, and on a 2-core host
  // with steal time a median of 5 moves by several percent between runs.
  const runs = ctx.quick ? ctx.runs : Math.max(ctx.runs, 9)
  for (let i = 0; i < runs; i++) {
    theirTimes.push(await theirs(ctx, group, n))
    ourTimes.push(await ours(ctx, group, n))
    nodeStartTimes.push((await ctx.exec(process.execPath, ['-e', ''], {env: ctx.env})).ms)
  }
  return {a: ctx.summarize(theirTimes), o: ctx.summarize(ourTimes), nodeStart: ctx.summarize(nodeStartTimes), runs}
}

/** A figure of ours against ConsumerGroupCommand --describe (time ratio, goal ≤ 0.2). */
export function describeFigure({id, label, o, a, nodeStart, notes}) {
  const ratio = o.median / a.median
  return {id, label, unit: 'ms', ours: pick(o), anchor: pick(a), ratio, goal: '≤ 0.2', met: ratio <= 0.2, nodeStartup: pick(nodeStart), notes}
}

export async function run(ctx) {
  const stamp = Date.now().toString(36)
  const figures = []

  const n1 = 1000
  const t1 = `bench-lag-1k-${stamp}`
  const g1 = `bench-lag-1k-${stamp}`
  ctx.log(`lag: creating ${t1} (${n1} partitions) and committing offsets for ${g1}`)
  try {
    await setup(ctx, t1, g1, n1)
    await ctx.settle()
    // Not measured: warms the brokers' page cache and JIT, and fills our compile cache as the
    // first run of any command does (every later cron or CI run starts from it).
    await ours(ctx, g1, n1)
    await theirs(ctx, g1, n1)
    const {a, o, nodeStart, runs} = await interleaved(ctx, g1, n1)
    const extraCa = process.env.NODE_EXTRA_CA_CERTS ? `, with NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}` : ''
    figures.push(
      describeFigure({
        id: 'describe-1k',
        label: `lag kafka --group G --json, 1 group × ${n1} partitions (vs ConsumerGroupCommand --describe)`,
        o,
        a,
        nodeStart,
        notes: `same group and topic in the same run, ${runs} runs each, interleaved; ours also reads the record at every committed offset for the time lag, and runs with its compile cache filled (by an unmeasured first run); of ours, ${Math.round(nodeStart.median)} ms is Node's own start-up (node -e '', median${extraCa})`,
      }),
    )
  } finally {
    await setup(ctx, t1, g1, n1, 'delete').catch((e) => ctx.log(String(e.message)))
  }

  const n2 = ctx.quick ? 3000 : 10000
  const t2 = `bench-lag-big-${stamp}`
  const g2 = `bench-lag-big-${stamp}`
  ctx.log(`lag: creating ${t2} (${n2} partitions)`)
  const big = {
    id: 'describe-10k',
    label: `lag kafka --group G --json, 1 group × ${n2.toLocaleString('en')} partitions`,
    unit: 'ms',
    anchor: null,
    ratio: null,
    goal: '< 1500 ms at 10,000 partitions',
  }
  try {
    await setup(ctx, t2, g2, n2)
    // Creating 10,000 partitions keeps the brokers busy for a while after they all lead.
    await ctx.settle()
    await ours(ctx, g2, n2)
    const o = await ctx.measure(() => ours(ctx, g2, n2), ctx.runs)
    const quickNote = `quick mode: ${n2.toLocaleString('en')} partitions instead of 10,000, so the goal is not judged`
    figures.push({
      ...big,
      ours: pick(o),
      met: ctx.quick ? null : o.median < 1500,
      notes: ctx.quick ? quickNote : 'absolute goal, no anchor',
    })
    // The same runs against issue 18's goal (under 1 s).
    figures.push({
      ...big,
      id: 'describe-10k-1s',
      goal: '< 1000 ms at 10,000 partitions',
      ours: pick(o),
      met: ctx.quick ? null : o.median < 1000,
      notes: ctx.quick ? quickNote : `absolute goal, no anchor; the same runs as the row above; 1-minute load average ${loadavg()[0].toFixed(2)}`,
    })
  } catch (error) {
    // Keep the 1k figure measured above; report this one as not measured.
    figures.push({...big, ours: null, met: null, notes: `not measured: ${String(error?.message ?? error).split('\n')[0]}`})
  } finally {
    await setup(ctx, t2, g2, n2, 'delete').catch((e) => ctx.log(String(e.message)))
  }
  return figures
}

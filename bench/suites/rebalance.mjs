// Rebalance plans: our moves against Kafka's own `kafka-reassign-partitions --generate` on the same
// cluster in the same run, our moves against the lower bound, planning time / peak RSS for a
// synthetic 100,000-partition, RF 3, 100-broker state file, and at 1,000,000 partitions (1,000
// brokers, 10 racks, 100 of them new and empty) planning time and peak RSS against JSON.parse of
// the same file, alternated in the same run, with moves and leader changes against their bounds.
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {waitForLeaders} from '../kafka-topics.mjs'

export const id = 'rebalance'
export const title = 'Kafka rebalance plans against kafka-reassign-partitions --generate; planning speed at 100k partitions and against JSON.parse at 1M'
export const needs = ['kafka']

const TOPICS = 6
const PARTITIONS = 10
const PREFIX = 'bench-reb-'

export async function run(ctx) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-bench-rebalance-'))
  try {
    const generated = await againstGenerate(ctx, dir)
    // The brokers and the exiting JVMs of --generate settle before the CPU-bound planning runs.
    await ctx.settle()
    const speed = await planningSpeed(ctx, dir)
    await ctx.settle()
    return [...generated, ...speed, ...(await planningAtMillion(ctx, dir))]
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** Replicas added to brokers that did not hold them: the moves a reassignment costs. */
function movesBetween(before, after) {
  const old = new Map(before.map((p) => [`${p.topic}/${p.partition}`, p.replicas]))
  let moves = 0
  for (const p of after) {
    const was = old.get(`${p.topic}/${p.partition}`) ?? []
    moves += p.replicas.filter((b) => !was.includes(b)).length
  }
  return moves
}

async function againstGenerate(ctx, dir) {
  const require = createRequire(join(ctx.root, 'package.json'))
  const {Kafka, logLevel} = require('kafkajs')
  const brokers = ctx.env.FLEETOPS_BROKERS.split(',')
  const admin = new Kafka({clientId: 'fleetops-bench', brokers, logLevel: logLevel.NOTHING}).admin()
  await admin.connect()
  const topics = Array.from({length: TOPICS}, (_, t) => `${PREFIX}${Date.now().toString(36)}-${t}`)
  try {
    const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b).slice(0, 3)
    const [a, b, c] = ids
    // RF 2, nearly balanced but with the third broker light: pairs {a,b} 26x, {a,c} 17x, {b,c} 17x give
    // replica counts 43/43/34 of 120, so the minimum is 6 moves. A layout like this is what clusters look like
    // after a broker was added or replaced a while ago.
    const pairs = [...Array(26).fill([a, b]), ...Array(17).fill([a, c]), ...Array(17).fill([b, c])]
    const order = (pair, i) => (i % 2 === 0 ? pair : [pair[1], pair[0]])
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((topic, t) => ({
        topic,
        replicaAssignment: Array.from({length: PARTITIONS}, (_, p) => ({partition: p, replicas: order(pairs[(p * TOPICS + t) % pairs.length], p + t)})),
      })),
    })
    await waitForLeaders(admin, topics, PARTITIONS, {timeoutS: 120})
    const meta = await admin.fetchTopicMetadata({topics})
    const current = meta.topics.flatMap((t) => t.partitions.map((p) => ({topic: t.name, partition: p.partitionId, replicas: p.replicas})))

    const regex = `^(${topics.map((t) => t.replace(/[.-]/g, (ch) => `\\${ch}`)).join('|')})$`
    const ours = await ctx.cli(['kafka', 'rebalance', 'plan', '--topics', regex, '--json'], {env: ctx.env})
    if (ours.code !== 0) throw new Error(`fleetops plan failed: ${ours.stderr}`)
    const plan = JSON.parse(ours.stdout)
    const ourMoves = movesBetween(current, plan.reassignment.partitions)

    const topicsFile = join(dir, 'topics.json')
    writeFileSync(topicsFile, JSON.stringify({version: 1, topics: topics.map((topic) => ({topic}))}))
    const theirs = []
    const runs = ctx.quick ? 3 : ctx.runs
    for (let i = 0; i < runs; i++) {
      const r = await ctx.java(
        'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
        ['--bootstrap-server', brokers.join(','), '--topics-to-move-json-file', topicsFile, '--broker-list', ids.join(','), '--generate'],
        {lib: ctx.kafkaLib, timeoutMs: 180_000},
      )
      const text = r.stdout.split('Proposed partition reassignment configuration')[1]
      if (r.code !== 0 || !text) throw new Error(`ReassignPartitionsCommand --generate failed: ${r.stderr || r.stdout}`)
      const proposed = JSON.parse(text.trim().split('\n')[0])
      theirs.push(movesBetween(current, proposed.partitions))
    }
    const anchor = ctx.summarize(theirs)
    const ratio = ourMoves / anchor.median
    const lb = plan.summary.lowerBound
    return [
      {
        id: 'moves-vs-generate',
        label: `replica moves vs kafka-reassign-partitions --generate (${TOPICS}×${PARTITIONS} partitions RF 2, 3 brokers)`,
        unit: 'moves',
        ours: ourMoves,
        anchor,
        ratio,
        goal: '≤ 0.25',
        met: ratio <= 0.25,
        notes: `--generate is random (runs: ${theirs.join(', ')}); a move = a replica added to a broker that did not hold it`,
      },
      {
        id: 'moves-vs-lower-bound',
        label: 'replica moves vs the lower bound',
        unit: 'moves',
        ours: ourMoves,
        anchor: lb,
        ratio: lb === 0 ? (ourMoves === 0 ? 1 : null) : ourMoves / lb,
        goal: '= 1.00',
        met: ourMoves === lb,
        notes: `lower bound max(Σ over ⌈R/n⌉, Σ under ⌊R/n⌋) = ${lb}; leader changes ${plan.summary.leaderChanges} (bound ${plan.summary.leaderLowerBound})`,
      },
    ]
  } finally {
    await admin.deleteTopics({topics}).catch(() => {})
    await admin.disconnect()
  }
}

async function planningSpeed(ctx, dir) {
  const core = await import(pathToFileURL(join(ctx.root, 'build', 'core', 'rebalance', 'index.js')).href)
  // Skewed (30 % of replicas drawn from the hottest fifth of the brokers) and rack-aware (5 racks).
  const state = core.syntheticClusterState({brokers: 100, partitions: 100_000, rf: 3, racks: 5, skew: 0.3, seed: 1})
  const file = join(dir, 'synthetic-100k.json')
  writeFileSync(file, JSON.stringify(state))
  const args = ['kafka', 'rebalance', 'plan', '--state', file, '--json']
  let moves = null
  let lowerBound = null
  const rss = []
  const cpu = []
  // The plan (13 MB of JSON) goes to a file, as a user would redirect it: read through a pipe,
  // this runner's own handling of it competed for the 2 cores with the process being timed.
  const outFile = join(dir, 'plan-100k.json')
  const quote = (a) => `'${String(a).replace(/'/g, `'\\''`)}'`
  const command = ['exec', '/usr/bin/time', '-f', quote('RSS_KB=%M CPU_S=%U+%S'), quote(process.execPath), quote(join(ctx.root, 'bin', 'run.js')), ...args.map(quote), '>', quote(outFile)].join(' ')
  const time = await ctx.measure(async () => {
    const r = await ctx.exec('/bin/sh', ['-c', command])
    if (r.code !== 0) throw new Error(`plan --state failed: ${r.stderr.slice(0, 500)}`)
    const m = /RSS_KB=(\d+)/.exec(r.stderr)
    if (m) rss.push(Number(m[1]) / 1024)
    const t = /CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr)
    if (t) cpu.push((Number(t[1]) + Number(t[2])) * 1000)
    const summary = JSON.parse(readFileSync(outFile, 'utf8')).summary
    moves = summary.moves
    lowerBound = summary.lowerBound
    return r.ms
  }, ctx.quick ? 3 : ctx.runs)
  const rssFigure = ctx.summarize(rss)
  return [
    {
      id: 'plan-time-100k',
      label: 'plan --state: 100,000 partitions, RF 3, 100 brokers, 5 racks (wall time incl. start-up, parse, output to a file)',
      unit: 'ms',
      ours: time,
      anchor: 2000,
      ratio: time.median / 2000,
      goal: '< 2 s',
      met: time.median < 2000,
      notes: `anchor = the goal; ${moves} moves, lower bound ${lowerBound}; CPU (user+sys) median ${Math.round(ctx.summarize(cpu).median ?? 0)} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
    },
    {
      id: 'plan-rss-100k',
      label: 'plan --state: peak RSS at 100,000 partitions',
      unit: 'MB',
      ours: rssFigure,
      anchor: 500,
      ratio: rssFigure.median / 500,
      goal: '< 500 MB',
      met: rssFigure.median < 500,
      notes: 'anchor = the goal; /usr/bin/time %M of the CLI process',
    },
  ]
}

/** Runs `argv` under /usr/bin/time (stdout to `outFile`); wall ms, peak RSS in MB, CPU ms. */
async function timed(ctx, argv, outFile) {
  const quote = (a) => `'${String(a).replace(/'/g, `'\\''`)}'`
  const command = ['exec', '/usr/bin/time', '-f', quote('RSS_KB=%M CPU_S=%U+%S'), ...argv.map(quote), '>', quote(outFile)].join(' ')
  const r = await ctx.exec('/bin/sh', ['-c', command])
  if (r.code !== 0) throw new Error(`${argv.slice(1, 4).join(' ')} failed: ${r.stderr.slice(0, 500)}`)
  const rss = /RSS_KB=(\d+)/.exec(r.stderr)
  const t = /CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr)
  return {ms: r.ms, rssMB: rss ? Number(rss[1]) / 1024 : null, cpuMs: t ? (Number(t[1]) + Number(t[2])) * 1000 : null}
}

/**
 * The planner near the cost of reading its input: `plan --state` on 1,000,000 partitions against
 * `JSON.parse` of the same file in Node (the anchor), one of each in turn, so both see the same
 * machine; then the plan's moves and leader changes against their lower bounds.
 */
export async function planningAtMillion(ctx, dir) {
  const core = await import(pathToFileURL(join(ctx.root, 'build', 'core', 'rebalance', 'index.js')).href)
  const file = join(dir, 'synthetic-1m.json')
  const shape = {brokers: 1000, partitions: 1_000_000, rf: 3, racks: 10, newBrokers: 100, seed: 1}
  writeFileSync(file, JSON.stringify(core.syntheticClusterState(shape)))
  const planOut = join(dir, 'plan-1m.json')
  const parseOut = join(dir, 'parse-1m.txt')
  const plan = [process.execPath, join(ctx.root, 'bin', 'run.js'), 'kafka', 'rebalance', 'plan', '--state', file, '--json']
  const parse = [process.execPath, '-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]
  const loadBefore = loadavg()[0]
  const ours = []
  const anchor = []
  const runs = ctx.quick ? 3 : ctx.runs
  // One unmeasured run of each first (page cache, compile cache), then alternating measured runs.
  await timed(ctx, parse, parseOut)
  await timed(ctx, plan, planOut)
  for (let i = 0; i < runs; i++) {
    anchor.push(await timed(ctx, parse, parseOut))
    ours.push(await timed(ctx, plan, planOut))
  }
  const loadAfter = loadavg()[0]
  const summary = JSON.parse(readFileSync(planOut, 'utf8')).summary
  const time = ctx.summarize(ours.map((r) => r.ms))
  const parseTime = ctx.summarize(anchor.map((r) => r.ms))
  const rss = ctx.summarize(ours.map((r) => r.rssMB))
  const parseRss = ctx.summarize(anchor.map((r) => r.rssMB))
  const pairs = ctx.summarize(ours.map((r, i) => r.ms / anchor[i].ms))
  const load = `load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores`
  const shapeText = '1,000,000 partitions, 1,000 brokers, 10 racks, 100 new'
  const timeRatio = time.median / parseTime.median
  const rssRatio = rss.median / parseRss.median
  const leaderRatio = summary.leaderLowerBound === 0 ? (summary.leaderChanges === 0 ? 1 : null) : summary.leaderChanges / summary.leaderLowerBound
  return [
    {
      id: 'plan-time-1m-vs-parse',
      label: `plan --state: ${shapeText} (wall time incl. start-up, read, plan, output to a file) vs JSON.parse of the file in Node`,
      unit: 'ms',
      ours: time,
      anchor: parseTime,
      ratio: timeRatio,
      goal: '≤ 2.00',
      met: timeRatio <= 2,
      notes: `anchor = node -e JSON.parse(readFileSync(file, 'utf8')) on the same ${Math.round(statSync(file).size / 1e6)} MB file, alternated with ours (${runs} pairs after one unmeasured run of each); pairwise ratio median ${pairs.median.toFixed(2)} (${pairs.min.toFixed(2)}–${pairs.max.toFixed(2)}); CPU (user+sys) median ${Math.round(ctx.summarize(ours.map((r) => r.cpuMs)).median)} ms vs ${Math.round(ctx.summarize(anchor.map((r) => r.cpuMs)).median)} ms; ${load}`,
    },
    {
      id: 'plan-rss-1m-vs-parse',
      label: `plan --state: peak RSS at ${shapeText} vs JSON.parse's`,
      unit: 'MB',
      ours: rss,
      anchor: parseRss,
      ratio: rssRatio,
      goal: '≤ 2.00',
      met: rssRatio <= 2,
      notes: `/usr/bin/time %M of each process, same runs as the time row; ${load}`,
    },
    {
      id: 'plan-moves-1m-vs-lower-bound',
      label: `plan --state: replica moves at ${shapeText} vs the lower bound`,
      unit: 'moves',
      ours: summary.moves,
      anchor: summary.lowerBound,
      ratio: summary.lowerBound === 0 ? (summary.moves === 0 ? 1 : null) : summary.moves / summary.lowerBound,
      goal: '= 1.00',
      met: summary.moves === summary.lowerBound,
      notes: `lower bound max(Σ over ⌈R/n⌉, Σ under ⌊R/n⌋) = ${summary.lowerBound}; ${summary.partitionsChanged} partitions change; rack violations after ${summary.rackViolationsAfter}; ${load}`,
    },
    {
      id: 'plan-leaders-1m-vs-leader-bound',
      label: `plan --state: preferred-leader changes at ${shapeText} vs the leader bound`,
      unit: 'changes',
      ours: summary.leaderChanges,
      anchor: summary.leaderLowerBound,
      ratio: leaderRatio,
      goal: '≤ 1.01',
      met: leaderRatio !== null && leaderRatio <= 1.01,
      notes: `leader bound = the count bound on preferred leaders (⌊P/n⌋..⌈P/n⌉ per broker) = ${summary.leaderLowerBound}; ${load}`,
    },
  ]
}

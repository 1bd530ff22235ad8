// Look-back, measures job form (issue 16 item 8): end-to-end throughput of a job with a `where`,
// 3 dimensions and all 8 measure kinds against Kafka's ConsumerPerformance on the same topic;
// peak RSS at 5N vs N events with the approximate measures (the key space is fixed, so memory
// must not grow with events); and what exact distinct costs per value it keeps.
// FLEETOPS_BENCH_EVENTS=N scales the event counts down for development (N and 5N).
import {loadavg} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'lookback-measures'
export const title = 'Look-back measures form: throughput vs ConsumerPerformance; peak RSS vs events; exact distinct memory'
export const needs = ['kafka', 'cassandra']

const WHERE = ['where:', '  status: {ne: cancelled}']
const DIMENSIONS = ['dimensions: [country, device.os, channel]']

/** Daily buckets, one where operator, 3 dimensions (one nested), the 8 measure kinds. */
const ALL_KINDS_JOB = [
  'granularity: day',
  ...WHERE,
  ...DIMENSIONS,
  'measures:',
  '  orders: count',
  '  revenue: {sum: amount}',
  '  smallest: {min: amount}',
  '  largest: {max: amount}',
  '  mean: {avg: amount}',
  '  buyers: {distinct: user}',
  '  approx_buyers: {approx_distinct: user}',
  '  p95: {quantile: amount, q: 0.95}',
]

/** The approximate measures only (and count/sum, whose state is a number). */
const APPROX_JOB = [
  'granularity: day',
  ...WHERE,
  ...DIMENSIONS,
  'measures:',
  '  orders: count',
  '  revenue: {sum: amount}',
  '  approx_buyers: {approx_distinct: user}',
  '  p95: {quantile: amount, q: 0.95}',
]

/** Exact distinct alone, one cell per day: its memory is the distinct values kept. */
const DISTINCT_JOB = ['granularity: day', 'measures:', '  orders: count', '  buyers: {distinct: user}']

const PREFIX = {prefix: 'bench_measures', keyspacePrefix: 'bench_measures'}
const mib = (bytes) => Math.round(bytes / 1024 / 1024)
const fmtN = (n) => n.toLocaleString('en-US')
const sizeOf = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`)

export async function run(ctx) {
  const {lookbackHarness, measureThroughput} = await import(pathToFileURL(join(ctx.root, 'bench', 'suites', 'lookback.mjs')).href)
  const scaled = Number(process.env.FLEETOPS_BENCH_EVENTS) || 0
  const n = scaled || (ctx.quick ? 100_000 : 1_000_000)
  const big = 5 * n
  const reps = ctx.quick ? 2 : ctx.runs
  const scaleNote = scaled ? `; development size (FLEETOPS_BENCH_EVENTS=${scaled})` : ctx.quick ? '; quick mode' : ''
  const figures = []

  const h = await lookbackHarness(ctx, {name: 'all', job: ALL_KINDS_JOB, ...PREFIX})
  try {
    ctx.log(`producing ${n} events (measures shape)`)
    await h.produce(n, 1, {shape: 'measures'})
    await ctx.settle()
    const loadBefore = loadavg()
    const m = await measureThroughput(ctx, h, n, reps, {checkEvents: true})
    const loadAfter = loadavg()
    const ratio = m.ours.median / m.anchor.median
    figures.push({
      id: 'throughput',
      label: `lookback run, measures form: 3 dimensions × 8 measure kinds over ${fmtN(n)} Kafka events (events/s)`,
      unit: 'events/s',
      ours: m.ours,
      anchor: m.anchor,
      ratio,
      goal: '≥ 0.4',
      met: ratio >= 0.4,
      notes:
        `job: granularity day (3 daily buckets), where status ne cancelled (about 10 % filtered, still read and counted), dimensions country (8) × device.os (nested, 3) × channel (4), ` +
        `measures count, sum, min, max, avg, distinct (exact, of 5,000 users), approx_distinct (of user), quantile q 0.95 (of amount); every run read all ${fmtN(n)} events with 0 rejects; ` +
        `ours = records / the run's own duration (Node start excluded, as the JVM start is for the anchor); including process start: ${fmtN(Math.round(m.wall.median))} events/s; ` +
        `anchor = ConsumerPerformance nMsg.sec on the same topic; one unmeasured run of each first, then ${reps} alternating runs; ` +
        `load average (1, 5, 15 min) ${loadBefore.map((x) => x.toFixed(2)).join(', ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(', ')} after${scaleNote}`,
    })

    figures.push(await approxRss(ctx, h, n, big, scaleNote))
  } finally {
    await h.close()
  }
  figures.push(await distinctMemory(ctx, lookbackHarness, n, scaleNote))
  return figures
}

/** Peak RSS of the approximate-measures job at N events, then at 5N (same topic, same keys): medians of 3 runs each. */
async function approxRss(ctx, h, n, big, scaleNote) {
  const job = h.addJob('approx', APPROX_JOB)
  const small = []
  for (let i = 0; i < 3; i++) small.push((await h.lookback(job)).rss)
  const rssSmall = ctx.summarize(small).median
  ctx.log(`producing ${big - n} more events (measures shape)`)
  await h.produce(big - n, 2, {shape: 'measures'})
  const large = []
  for (let i = 0; i < 3; i++) {
    const l = await h.lookback(job)
    if (l.events !== big || l.rejects !== 0) throw new Error(`lookback run read ${l.events} events with ${l.rejects} rejects; expected ${big} and 0`)
    large.push(l)
  }
  const rssLarge = ctx.summarize(large.map((l) => l.rss)).median
  const rssRatio = rssLarge / rssSmall
  return {
    id: 'peak-rss-approx',
    label: `peak RSS at ${sizeOf(big)} vs ${sizeOf(n)} events, approximate measures only (approx_distinct + quantile + count/sum)`,
    unit: 'MiB',
    ours: mib(rssLarge),
    anchor: mib(rssSmall),
    ratio: rssRatio,
    goal: '≤ 1.25',
    met: rssRatio <= 1.25,
    notes:
      `same job form as the throughput row (daily, where, 3 dimensions) with count, sum, approx_distinct of user and quantile 0.95 of amount; ` +
      `the same 5,000 users × 96 dimension combinations × 3 days in both runs (at ${sizeOf(n)} events every approx_distinct sketch is already dense, 16 KiB); ` +
      `anchor = the median of 3 runs at ${sizeOf(n)} (${small.map(mib).join(', ')} MiB); ours = the median of 3 runs at ${sizeOf(big)} (${large.map((l) => mib(l.rss)).join(', ')} MiB; ${fmtN(big)} events read in ${large.map((l) => (l.ms / 1000).toFixed(1)).join(', ')} s); ` +
      `in memory a sketch holds its registers as 16 KiB of bytes past 256 set (a Map entry costs more than a byte per register), so with 6 partitions × 288 cells the sketches are the same size at both counts${scaleNote}`,
  }
}

/**
 * Exact distinct's memory: the same job (one cell per day, count + distinct of user) over N
 * events of 10,000 users and over N events each of its own user. The difference of peak RSS
 * over the difference of distinct values kept (read back from the sink) is the cost per value.
 */
async function distinctMemory(ctx, lookbackHarness, n, scaleNote) {
  const measured = []
  for (const [name, users] of [
    ['few', 10_000],
    ['many', Infinity],
  ]) {
    const h = await lookbackHarness(ctx, {name: `distinct-${name}`, job: DISTINCT_JOB, ...PREFIX})
    try {
      ctx.log(`producing ${n} events with ${users === Infinity ? 'a user each' : `${fmtN(users)} users`}`)
      await h.produce(n, 3, {users})
      const runs = [await h.lookback(), await h.lookback()]
      const values = (await h.sinkRows('daily')).reduce((sum, row) => sum + Number(row.buyers ?? 0), 0)
      measured.push({name, users, values, rss: ctx.summarize(runs.map((r) => r.rss)).median, runs})
    } finally {
      await h.close()
    }
  }
  const [few, many] = measured
  const perValue = (many.rss - few.rss) / (many.values - few.values)
  return {
    id: 'distinct-memory',
    label: `exact distinct memory: peak RSS at ${sizeOf(n)} events, ${fmtN(many.values)} vs ${fmtN(few.values)} distinct values kept (informational)`,
    unit: 'MiB',
    ours: mib(many.rss),
    anchor: mib(few.rss),
    ratio: many.rss / few.rss,
    goal: 'info',
    met: null,
    notes:
      `${Math.round(perValue)} bytes per distinct value kept = (peak RSS difference) / (distinct values difference); job: granularity day, no dimensions (3 cells), count + distinct of user; ` +
      `${fmtN(n)} events of ${fmtN(few.users)} users (${fmtN(few.values)} values over the 3 days) against ${fmtN(n)} events each of its own user (${fmtN(many.values)} values); ` +
      `values = the sum of the distinct column read back from the sink; peak RSS = the median of 2 runs each (${few.runs.map((r) => mib(r.rss)).join(', ')} and ${many.runs.map((r) => mib(r.rss)).join(', ')} MiB), ` +
      `which includes the checkpoint written at the end of the run; user ids of 2–5 characters (u0–u9999) and 4–9 (s3-0–s3-999999)${scaleNote}`,
  }
}

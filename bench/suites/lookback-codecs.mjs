// Look-back over compressed topics: the same events stored lz4 and stored zstd (the topic's
// compression.type; the broker recompresses what the producer sends), each read end to end by
// `fleetops lookback run` against Kafka's own ConsumerPerformance on that same topic in the same run.
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'lookback-codecs'
export const title = 'Look-back run throughput on lz4 and zstd topics vs ConsumerPerformance'
export const needs = ['kafka', 'cassandra']

export async function run(ctx) {
  const {lookbackHarness, measureThroughput} = await import(pathToFileURL(join(ctx.root, 'bench', 'suites', 'lookback.mjs')).href)
  const n = ctx.quick ? 100_000 : 1_000_000
  const reps = ctx.quick ? 2 : ctx.runs
  const figures = []
  for (const codec of ['lz4', 'zstd']) {
    const h = await lookbackHarness(ctx, {name: codec, topicConfigs: {'compression.type': codec}})
    try {
      ctx.log(`producing ${n} events into a ${codec} topic`)
      // Same seed for both codecs: the same events, stored two ways.
      await h.produce(n, 1)
      await ctx.settle()
      const m = await measureThroughput(ctx, h, n, reps, {checkEvents: true})
      const ratio = m.ours.median / m.anchor.median
      figures.push({
        id: `throughput-${codec}`,
        label: `lookback run over ${n.toLocaleString('en-US')} Kafka events stored ${codec} (events/s, end to end)`,
        unit: 'events/s',
        ours: m.ours,
        anchor: m.anchor,
        ratio,
        goal: '≥ 0.6',
        met: ratio >= 0.6,
        notes: `topic compression.type=${codec} (uncompressed produce, the broker stores ${codec} batches); every run read all ${n.toLocaleString('en-US')} events with 0 rejects; ours = records / the run's own duration (Node start excluded, as the JVM start is for the anchor); including process start: ${Math.round(m.wall.median).toLocaleString('en-US')} events/s; anchor = ConsumerPerformance nMsg.sec on the same topic; one unmeasured run of each first, then ${reps} alternating runs${ctx.quick ? '; quick mode (100k events)' : ''}`,
      })
    } finally {
      await h.close()
    }
  }
  return figures
}

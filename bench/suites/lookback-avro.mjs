// Look-back over Avro records: the same kind of events as the JSON row, as Avro in the Schema
// Registry wire format (schema registered in the sandbox's Apicurio Registry), read end to end by
// `fleetops lookback run` (format: avro) against Kafka's own ConsumerPerformance on that same topic.
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'lookback-avro'
export const title = 'Look-back run throughput on Avro records vs ConsumerPerformance'
export const needs = ['kafka', 'cassandra', 'schema-registry']

export async function run(ctx) {
  const {lookbackHarness, measureThroughput} = await import(pathToFileURL(join(ctx.root, 'bench', 'suites', 'lookback.mjs')).href)
  const n = ctx.quick ? 100_000 : 1_000_000
  const reps = ctx.quick ? 2 : ctx.runs
  const h = await lookbackHarness(ctx, {name: 'avro', format: 'avro'})
  try {
    ctx.log(`producing ${n} Avro events`)
    await h.produce(n, 1)
    await ctx.settle()
    const m = await measureThroughput(ctx, h, n, reps, {checkEvents: true})
    const ratio = m.ours.median / m.anchor.median
    const shape = `sandbox of ${ctx.env.FLEETOPS_BROKERS.split(',').length} broker(s) and ${ctx.env.FLEETOPS_CONTACT_POINTS.split(',').length} Cassandra node(s)`
    return [
      {
        id: 'throughput-avro',
        label: `lookback run over ${n.toLocaleString('en-US')} Avro events (events/s, end to end)`,
        unit: 'events/s',
        ours: m.ours,
        anchor: m.anchor,
        ratio,
        goal: '≥ 0.4',
        met: ratio >= 0.4,
        notes: `records: zero magic byte, schema id, Avro {ts timestamp-millis, user, country, amount double}, decoded with the writer schema fetched once per run from the sandbox's schema registry; every run read all ${n.toLocaleString('en-US')} events with 0 rejects; ours = records / the run's own duration (Node start excluded, as the JVM start is for the anchor); including process start: ${Math.round(m.wall.median).toLocaleString('en-US')} events/s; anchor = ConsumerPerformance nMsg.sec on the same topic; one unmeasured run of each first, then ${reps} alternating runs; ${shape}${ctx.quick ? '; quick mode (100k events)' : ''}`,
      },
    ]
  } finally {
    await h.close()
  }
}

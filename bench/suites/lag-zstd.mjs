// `fleetops lag kafka` on a 1,000-partition topic stored zstd (compression.type=zstd: the time
// lag decompresses the batch at every committed offset) against Kafka's own
// ConsumerGroupCommand --describe on the same group in the same run.
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'lag-zstd'
export const title = 'Lag probe on a zstd topic vs Kafka ConsumerGroupCommand --describe'
export const needs = ['kafka']

export async function run(ctx) {
  const {describeFigure, interleaved, ours, setup, theirs} = await import(pathToFileURL(join(ctx.root, 'bench', 'suites', 'lag.mjs')).href)
  const n = 1000
  const stamp = Date.now().toString(36)
  const topic = `bench-lag-zstd-${stamp}`
  const group = `bench-lag-zstd-${stamp}`
  ctx.log(`lag-zstd: creating ${topic} (${n} partitions, compression.type=zstd) and committing offsets for ${group}`)
  try {
    await setup(ctx, topic, group, n, 'create', 'zstd')
    await ctx.settle()
    // Not measured: page cache, JIT and our compile cache (see the lag suite).
    await ours(ctx, group, n)
    await theirs(ctx, group, n)
    const {a, o, nodeStart, runs} = await interleaved(ctx, group, n)
    return [
      describeFigure({
        id: 'describe-1k-zstd',
        label: `lag kafka --group G --json, 1 group × ${n} partitions stored zstd (vs ConsumerGroupCommand --describe)`,
        o,
        a,
        nodeStart,
        notes: `topic compression.type=zstd; same group and topic in the same run, ${runs} runs each, interleaved; ours also reads and decompresses the zstd batch at every committed offset for the time lag (every partition has a time lag, checked each run); of ours, ${Math.round(nodeStart.median)} ms is Node's own start-up (node -e '', median)`,
      }),
    ]
  } finally {
    await setup(ctx, topic, group, n, 'delete').catch((e) => ctx.log(String(e.message)))
  }
}

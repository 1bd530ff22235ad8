// Fleet-wide lag: `fleetops lag kafka --group-regex '.*' --json` over 1,000 groups × 50
// partitions against Kafka's own ConsumerGroupCommand --describe --all-groups (from the
// sandbox's kafka-tools classpath) on the same cluster in the same run, interleaved. Drives the
// built CLI only; imports nothing from src. The groups get their offsets committed directly
// (bench/lag-fleet-setup.mjs): no consumer runs.
import {cpus, loadavg} from 'node:os'
import {join} from 'node:path'
import {pick} from './lag.mjs'

export const id = 'lag-fleet'
export const title = 'Fleet-wide lag sweep vs ConsumerGroupCommand --describe --all-groups'
export const needs = ['kafka']

const TOOL = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand'
const TOPICS = 20
const PARTITIONS = 50
const GOAL = 0.15

/** The lag of group i, as the set-up commits it: 1 + (i + p) % 2 of 3 records on each partition. */
const expectedLag = (i) => Array.from({length: PARTITIONS}, (_, p) => 3 - (1 + ((i + p) % 2))).reduce((a, b) => a + b, 0)

async function setup(ctx, action, prefix, groups) {
  const script = join(ctx.root, 'bench', 'lag-fleet-setup.mjs')
  const r = await ctx.exec(process.execPath, [script, action, prefix, String(TOPICS), String(PARTITIONS), String(groups)], {env: ctx.env, timeoutMs: 900_000})
  if (r.code !== 0) throw new Error(`lag-fleet set-up (${action}) failed: ${r.stderr.trim().split('\n').slice(0, 6).join(' | ')}`)
}

/** Ours over every group; checks each bench group's lag against the set-up. */
async function ours(ctx, prefix, groups, regex = '.*') {
  const r = await ctx.cli(['lag', 'kafka', '--group-regex', regex, '--json'], {env: ctx.env})
  const doc = JSON.parse(r.stdout || '{}')
  const mine = (doc.groups ?? []).filter((g) => g.group.startsWith(`${prefix}-`))
  const wrong = mine.filter((g) => g.partitionCount !== PARTITIONS || g.unknownLagPartitions !== 0 || g.lag !== expectedLag(Number(g.group.slice(prefix.length + 2))))
  // Other groups on the cluster may make the whole document WARNING or UNKNOWN (exit 1-3): the
  // exit code must be the document's, and every bench group right.
  if (r.code !== doc.exitCode || mine.length !== groups || wrong.length > 0) {
    throw new Error(`fleetops lag kafka exited ${r.code} with ${mine.length} of ${groups} groups, ${wrong.length} wrong: ${r.stderr.trim().split('\n')[0]}`)
  }
  return r.ms
}

async function theirs(ctx, prefix, groups) {
  const r = await ctx.java(TOOL, ['--bootstrap-server', ctx.env.FLEETOPS_BROKERS, '--describe', '--all-groups'], {lib: ctx.kafkaLib})
  const rows = r.stdout.split('\n').filter((l) => l.startsWith(`${prefix}-`)).length
  if (r.code !== 0 || rows !== groups * PARTITIONS) throw new Error(`ConsumerGroupCommand exited ${r.code} with ${rows} rows (expected ${groups * PARTITIONS}): ${r.stderr.trim().split('\n')[0]}`)
  return r.ms
}

/** Peak RSS (MiB) of one run of ours, from /usr/bin/time; null where there is none. */
async function peakRss(ctx, regex) {
  const r = await ctx.exec('/usr/bin/time', ['-f', '%M', process.execPath, join(ctx.root, 'bin', 'run.js'), 'lag', 'kafka', '--group-regex', regex, '--json'], {env: ctx.env})
  const kb = Number(r.stderr.trim().split('\n').pop())
  return r.code === 0 && Number.isFinite(kb) ? Math.round(kb / 1024) : null
}

export async function run(ctx) {
  const groups = ctx.quick ? 400 : 1000
  const prefix = `bench-fleet-${Date.now().toString(36)}`
  ctx.log(`lag-fleet: ${TOPICS} topics × ${PARTITIONS} partitions, ${groups} groups with committed offsets (${prefix})`)
  try {
    await setup(ctx, 'create', prefix, groups)
    await ctx.settle()
    // Not measured: page cache, JIT, our compile cache.
    await ours(ctx, prefix, groups)
    await theirs(ctx, prefix, groups)
    const theirTimes = []
    const ourTimes = []
    const loads = []
    for (let i = 0; i < ctx.runs; i++) {
      theirTimes.push(await theirs(ctx, prefix, groups))
      ourTimes.push(await ours(ctx, prefix, groups))
      loads.push(loadavg()[0])
    }
    const a = ctx.summarize(theirTimes)
    const o = ctx.summarize(ourTimes)
    const fifth = `^${prefix}-g00[01]` // groups 0-199
    const [rssAll, rssFifth] = [await peakRss(ctx, `^${prefix}-`), ctx.quick ? null : await peakRss(ctx, fifth)]
    const ratio = o.median / a.median
    // Memory flat in the number of groups (issue 18): peak RSS over all groups against 200 of them,
    // three runs each, alternated.
    const rssRuns = {all: [rssAll], fifth: [rssFifth]}
    for (let i = 0; i < 2 && !ctx.quick; i++) {
      rssRuns.fifth.push(await peakRss(ctx, fifth))
      rssRuns.all.push(await peakRss(ctx, `^${prefix}-`))
    }
    const rssKnown = !ctx.quick && [...rssRuns.all, ...rssRuns.fifth].every((v) => v !== null)
    const rss = rssKnown ? {all: ctx.summarize(rssRuns.all), fifth: ctx.summarize(rssRuns.fifth)} : null
    const rssFigure = rss && {
      id: 'sweep-rss-flat',
      label: `peak RSS of lag kafka --group-regex --json, ${groups.toLocaleString('en')} groups against 200 of them`,
      unit: 'MiB',
      ours: rss.all,
      anchor: rss.fifth,
      ratio: rss.all.median / rss.fifth.median,
      goal: '≤ 1.2',
      met: rss.all.median / rss.fifth.median <= 1.2,
      notes: 'same groups, 3 runs each, alternated; /usr/bin/time %M of the whole process; memory flat in the number of groups (pages of --page-size, 2 in flight)',
    }
    return [
      {
        id: 'sweep-1k-groups',
        label: `lag kafka --group-regex '.*' --json, ${groups.toLocaleString('en')} groups × ${PARTITIONS} partitions (vs ConsumerGroupCommand --describe --all-groups)`,
        unit: 'ms',
        ours: pick(o),
        anchor: pick(a),
        ratio,
        goal: `≤ ${GOAL}`,
        met: ctx.quick ? null : ratio <= GOAL,
        notes:
          `same cluster and groups in the same run, ${ctx.runs} runs each, interleaved (theirs, ours); every bench group's lag checked against the set-up; ` +
          `1-minute load average after each pair: ${loads.map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores; ` +
          `peak RSS of ours: ${rssAll ?? '-'} MiB for ${groups} groups${rssFifth === null ? '' : `, ${rssFifth} MiB for 200 of them`}` +
          (ctx.quick ? `; quick mode: ${groups} groups, the goal is not judged` : ''),
      },
      ...(rssFigure ? [rssFigure] : []),
    ]
  } finally {
    await setup(ctx, 'delete', prefix, groups).catch((e) => ctx.log(String(e.message)))
  }
}

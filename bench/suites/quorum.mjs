// `fleetops lag quorum --json` against Kafka's own MetadataQuorumCommand describe --replication
// (run from the sandbox's kafka-tools classpath) on the same quorum in the same run, whole
// process each. Drives the built CLI only; imports nothing from src.
export const id = 'quorum'
export const title = 'Quorum probe vs Kafka MetadataQuorumCommand describe --replication'
export const needs = ['kafka']

const TOOL = 'org.apache.kafka.tools.MetadataQuorumCommand'

async function ours(ctx) {
  const r = await ctx.cli(['lag', 'quorum', '--json'], {env: ctx.env})
  const doc = JSON.parse(r.stdout || '{}')
  if (r.code !== 0 || !(doc.voters?.length >= 1)) throw new Error(`fleetops lag quorum exited ${r.code} (${doc.status}): ${r.stderr.trim().split('\n')[0]}`)
  return {ms: r.ms, voters: doc.voters.length}
}

async function theirs(ctx) {
  const r = await ctx.java(TOOL, ['--bootstrap-server', ctx.env.FLEETOPS_BROKERS, 'describe', '--replication'], {lib: ctx.kafkaLib})
  const voters = r.stdout.split('\n').filter((l) => /\b(Leader|Follower)\s*$/.test(l)).length
  if (r.code !== 0 || voters === 0) throw new Error(`MetadataQuorumCommand exited ${r.code} with ${voters} voters: ${r.stderr.trim().split('\n')[0]}`)
  return {ms: r.ms, voters}
}

const pick = (m) => ({median: m.median, min: m.min, max: m.max})

export async function run(ctx) {
  // Not measured: fills our compile cache and warms the JVM's file cache.
  await ours(ctx)
  await theirs(ctx)
  const ourTimes = []
  const theirTimes = []
  let voters = null
  // Interleaved so that drift in the machine's load hits both sides alike.
  for (let i = 0; i < ctx.runs; i++) {
    const t = await theirs(ctx)
    const o = await ours(ctx)
    if (o.voters !== t.voters) throw new Error(`voter counts differ: ours ${o.voters}, theirs ${t.voters}`)
    voters = o.voters
    theirTimes.push(t.ms)
    ourTimes.push(o.ms)
  }
  const o = ctx.summarize(ourTimes)
  const a = ctx.summarize(theirTimes)
  const ratio = o.median / a.median
  return [
    {
      id: 'describe-replication',
      label: `lag quorum --json, ${voters} voters (vs MetadataQuorumCommand describe --replication)`,
      unit: 'ms',
      ours: pick(o),
      anchor: pick(a),
      ratio,
      goal: '≤ 0.25',
      met: ratio <= 0.25,
      notes: `whole process each, same quorum in the same run, ${ctx.runs} runs each, interleaved; ours with its compile cache filled (by an unmeasured first run)`,
    },
  ]
}

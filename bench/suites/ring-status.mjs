// `ring show --keyspace KS --json` vs Cassandra's own `nodetool status KS` (org.apache.cassandra.tools.NodeTool from
// the sandbox's cassandra-all jars, over the first node's local JMX), whole processes, same cluster, same run,
// interleaved. Goal: ours ≤ 0.3× nodetool's wall time.
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'ring-status'
export const title = 'ring show vs nodetool status (whole process, same cluster)'
export const needs = ['cassandra']

export async function run(ctx) {
  const {cassandraModuleFlags} = await import(pathToFileURL(join(ctx.root, 'build', 'core', 'sandbox', 'cassandra-runtime.js')).href)
  const status = JSON.parse((await ctx.cli(['sandbox', 'status', '--name', process.env.FLEETOPS_BENCH_SANDBOX ?? 'bench', '--json'])).stdout)
  const cass = status.cassandra
  const first = cass.nodes.find((n) => n.up)
  const ks = 'bench_ring_status'
  const dc = cass.dc
  // The keyspace the status is judged for (RF 2, so ownership differs per node).
  const cql = await import(pathToFileURL(join(ctx.root, 'node_modules', 'cassandra-driver', 'index.js')).href)
  const client = new cql.default.Client({contactPoints: [first.host], localDataCenter: dc})
  await client.connect()
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class':'NetworkTopologyStrategy','${dc}':2}`)
  await client.shutdown()

  const env = {FLEETOPS_CONTACT_POINTS: ctx.env.FLEETOPS_CONTACT_POINTS, FLEETOPS_LOCAL_DC: ctx.env.FLEETOPS_LOCAL_DC}
  const ours = async () => {
    const r = await ctx.cli(['ring', 'show', '--keyspace', ks, '--json'], {env})
    if (r.code !== 0) throw new Error(`ring show failed (exit ${r.code}): ${r.stderr.slice(0, 300)}`)
    return r.ms
  }
  const theirs = async () => {
    const argv = ['-Xmx256m', ...cassandraModuleFlags(cass.java.major), '-cp', `${ctx.cassandraLib}/*`, 'org.apache.cassandra.tools.NodeTool', '-h', '127.0.0.1', '-p', String(first.jmxPort), 'status', ks]
    const r = await ctx.exec(cass.java.command, argv)
    if (r.code !== 0 || !/Owns \(effective\)/.test(r.stdout)) throw new Error(`nodetool status failed (exit ${r.code}): ${(r.stderr || r.stdout).slice(-300)}`)
    return r.ms
  }
  // Not measured: JIT/page cache warm-up of both.
  await ours()
  await theirs()
  const o = []
  const a = []
  for (let i = 0; i < ctx.runs; i++) {
    o.push(await ours())
    a.push(await theirs())
  }
  const os = ctx.summarize(o)
  const as = ctx.summarize(a)
  const ratio = os.median / as.median
  return [
    {
      id: 'ring-show-vs-nodetool-status',
      label: `ring show --keyspace KS --json vs nodetool status KS (${cass.nodes.length} nodes, Cassandra ${cass.version})`,
      unit: 'ms',
      ours: os,
      anchor: as,
      ratio,
      goal: '≤ 0.3',
      met: ratio <= 0.3,
      notes: `whole processes, interleaved, ${ctx.runs} runs each; nodetool = org.apache.cassandra.tools.NodeTool on Java ${cass.java.major} over 127.0.0.1:${first.jmxPort}; ring show reads system.local/peers, schema and system_views.gossip_info over CQL`,
    },
  ]
}

// Token allocation quality against Cassandra's own allocator (org.apache.cassandra.tools.GenerateTokens from the
// sandbox's cassandra-all jars, run offline in the same benchmark run), and planning time for 1,000 nodes.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'ring'
export const title = 'Token proposals vs Cassandra GenerateTokens (16 tokens, RF 3, 3 racks) and planning time'
export const needs = []

const COUNTS = [6, 12, 24, 48, 96]
const RACKS = ['rack1', 'rack2', 'rack3']
const NTS3 = {strategy: 'NetworkTopologyStrategy', dcs: {dc1: 3}}
const EMPTY = {partitioner: 'Murmur3Partitioner', nodes: [], keyspaces: {}}

export async function run(ctx) {
  const ring = await import(pathToFileURL(join(ctx.root, 'build', 'core', 'ring', 'index.js')).href)
  const maxOverMean = (nodes) => ring.imbalanceByDc(ring.computeOwnership(nodes, NTS3))[0].effective.maxOverMean

  // GenerateTokens loads the server config (DatabaseDescriptor.toolInitialization): give it a minimal one, quiet logs.
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-gentokens-'))
  writeFileSync(
    join(dir, 'cassandra.yaml'),
    [
      'cluster_name: gentokens',
      'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
      'endpoint_snitch: SimpleSnitch',
      'commitlog_sync: periodic',
      'commitlog_sync_period: 10000ms',
      'seed_provider:',
      '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
      '    parameters:',
      '      - seeds: "127.0.0.1:7000"',
      '',
    ].join('\n'),
  )
  writeFileSync(join(dir, 'logback.xml'), '<configuration><root level="OFF"/></configuration>\n')
  const generate = async (n) => {
    const per = n / 3
    const r = await ctx.exec('java', [
      '-Xmx512m',
      `-Dcassandra.config=file://${dir}/cassandra.yaml`,
      `-Dlogback.configurationFile=${dir}/logback.xml`,
      `-Dcassandra.storagedir=${dir}`,
      '-cp',
      `${ctx.cassandraLib}/*`,
      'org.apache.cassandra.tools.GenerateTokens',
      '-n', String(n), '-t', '16', '--rf', '3', '--racks', `${per},${per},${per}`,
    ])
    const nodes = []
    for (const m of r.stdout.matchAll(/^Node (\d+) rack (\d+): \[([^\]]*)\]/gm)) {
      nodes.push({address: `gt-${m[1]}`, dc: 'dc1', rack: RACKS[Number(m[2])], tokens: m[3].split(',').map((t) => BigInt(t.trim())).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))})
    }
    if (nodes.length !== n) throw new Error(`GenerateTokens -n ${n} printed ${nodes.length} nodes (exit ${r.code}): ${(r.stderr || r.stdout).slice(0, 300)}`)
    return {nodes, ms: r.ms}
  }

  // Ours: one bootstrap-ordered plan of 96 nodes from an empty DC; each prefix is the cluster at that size.
  const ours = ring.proposeTokens(EMPTY, {count: Math.max(...COUNTS), dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3, newDc: true}).nodes
  const figures = []
  // Two JVMs at a time: each takes seconds to start.
  const theirs = new Map()
  for (let i = 0; i < COUNTS.length; i += 2) {
    const batch = COUNTS.slice(i, i + 2)
    const done = await Promise.all(batch.map((n) => generate(n)))
    batch.forEach((n, k) => theirs.set(n, done[k]))
  }
  for (const n of COUNTS) {
    const mine = maxOverMean(ours.slice(0, n))
    const cass = maxOverMean(theirs.get(n).nodes)
    const ratio = mine / cass
    figures.push({
      id: `balance-${n}`,
      label: `effective ownership max/mean, ${n} nodes`,
      unit: '',
      ours: mine,
      anchor: cass,
      ratio,
      goal: '≤ 1.0',
      met: ratio <= 1.0,
      notes: n === COUNTS[0] ? 'anchor: Cassandra 5.0 GenerateTokens -t 16 --rf 3 --racks n/3×3, ownership of both measured with fleetops\' NTS placement' : undefined,
    })
  }

  // Planning time: 1,000 nodes × 16 tokens, RF 3, 3 racks, from an empty DC.
  let quality = null
  const planning = await ctx.measure(async () => {
    const t0 = performance.now()
    const plan = ring.proposeTokens(EMPTY, {count: 1000, dc: 'dc1', racks: RACKS, tokensPerNode: 16, rf: 3, newDc: true})
    const ms = performance.now() - t0
    quality ??= maxOverMean(plan.nodes)
    return ms
  }, ctx.quick ? 3 : 5)
  figures.push({
    id: 'plan-1000',
    label: 'planning 1,000 nodes × 16 tokens',
    unit: 'ms',
    ours: planning,
    anchor: null,
    ratio: planning.median / 1000,
    goal: '< 1 s',
    met: planning.median < 1000,
    notes: 'ratio is against the 1 s goal',
  })
  figures.push({
    id: 'balance-1000',
    label: 'effective ownership max/mean, 1,000 nodes (ours)',
    unit: '',
    ours: quality,
    anchor: null,
    ratio: null,
    goal: 'informational',
    met: null,
  })
  return figures
}

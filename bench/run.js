#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only lag,rebalance]`: runs every benchmark suite in bench/suites,
// each figure against its anchor measured in the same run, and writes bench/results/latest.{json,md}.
// A benchmark is not a test: it never fails the build (always exits 0).
import {execFile} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const bin = join(root, 'bin', 'run.js')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyArg = args.find((a) => a.startsWith('--only'))
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : null
const runs = quick ? 3 : 5
// The bench sandbox; FLEETOPS_BENCH_SANDBOX and FLEETOPS_BENCH_NETWORK point a run at another
// one (a helper's own, e.g. a Kafka-only sandbox for `--only lag-fleet`).
const SANDBOX = ['--name', process.env.FLEETOPS_BENCH_SANDBOX || 'bench']
const NETWORK = process.env.FLEETOPS_BENCH_NETWORK || '127.0.30'

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`)
}

function exec(command, argv, opts = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint()
    execFile(command, argv, {maxBuffer: 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 900_000, env: {...process.env, NO_COLOR: '1', ...opts.env}}, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({code, stdout, stderr, ms})
    })
  })
}

const cli = (argv, opts = {}) => exec(process.execPath, [bin, ...argv], opts)
const java = (mainClass, argv, opts) => exec('java', ['-Xmx512m', '-cp', `${opts.lib}/*`, mainClass, ...argv], opts)

/** The figure of a set of samples: median (the upper middle for an even count), min, max. */
function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  return {median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], samples}
}

async function measure(fn, n = runs) {
  const samples = []
  for (let i = 0; i < n; i++) samples.push(await fn())
  return summarize(samples)
}

function versionOf(cmd, argv) {
  return exec(cmd, argv).then((r) => (r.stdout + r.stderr).split('\n')[0].trim())
}

const suiteFiles = readdirSync(join(root, 'bench', 'suites')).filter((f) => f.endsWith('.mjs')).sort()
const suites = []
for (const f of suiteFiles) {
  const mod = await import(pathToFileURL(join(root, 'bench', 'suites', f)).href)
  if (!only || only.includes(mod.id)) suites.push(mod)
}

const needs = new Set(suites.flatMap((s) => s.needs ?? []))
let env = {}
let sandboxStatus = null
let startedSandbox = false
if (needs.size > 0) {
  const before = await cli(['sandbox', 'status', ...SANDBOX, '--json'])
  const status = JSON.parse(before.stdout || '{}')
  const hasWhatIsNeeded = (!needs.has('kafka') || status.kafka) && (!needs.has('cassandra') || status.cassandra)
  const allUp = status.exists && hasWhatIsNeeded && [...(status.kafka?.brokers ?? []), ...(status.cassandra?.nodes ?? [])].every((n) => n.up)
  if (status.exists && !hasWhatIsNeeded) await cli(['sandbox', 'down', ...SANDBOX, '--purge'])
  if (!allUp) {
    log('starting the bench sandbox (3 brokers, 3 Cassandra nodes)')
    const up = await cli(['sandbox', 'up', ...SANDBOX, '--network', NETWORK, '--json'])
    if (up.code !== 0) {
      log(`sandbox did not start: ${up.stderr}`)
      process.exit(0)
    }
    startedSandbox = true
    sandboxStatus = JSON.parse(up.stdout)
  } else sandboxStatus = status
  env = sandboxStatus.env
}
const home = sandboxStatus?.home ?? join(process.env.HOME ?? '', '.cache', 'fleetops')
const kafkaVersion = sandboxStatus?.kafka?.version ?? '4.4.0'
const cassandraVersion = sandboxStatus?.cassandra?.version ?? '5.0.8'
const ctx = {
  quick,
  runs,
  env,
  root,
  home,
  kafkaLib: join(home, 'maven', `kafka-${kafkaVersion}`, 'lib'),
  cassandraLib: join(home, 'maven', `cassandra-${cassandraVersion}`, 'lib'),
  cli,
  java,
  exec,
  measure,
  summarize,
  log,
  settle,
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  java: await versionOf('java', ['-version']),
  kafka: needs.has('kafka') ? kafkaVersion : null,
  cassandra: needs.has('cassandra') ? cassandraVersion : null,
}

/** Share of CPU time idle over `ms`, from /proc/stat (null where there is none). */
async function idleShare(ms) {
  const sample = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
      return {idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0)}
    } catch {
      return null
    }
  }
  const a = sample()
  await new Promise((r) => setTimeout(r, ms))
  const b = sample()
  return a && b && b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : null
}

/**
 * Each suite starts on a settled machine: a suite's clean-up (deleting a 10,000-partition
 * topic, a JVM exiting) keeps the brokers busy for a while, and that would be charged to the
 * next suite's timings. Waits for 5 s windows at least 70 % idle, at most 2 minutes.
 */
async function settle() {
  const deadline = Date.now() + 120_000
  let idle = await idleShare(5000)
  while (idle !== null && idle < 0.7 && Date.now() < deadline) idle = await idleShare(5000)
  return idle
}

const results = []
for (const suite of suites) {
  const idle = await settle()
  log(`suite ${suite.id}: ${suite.title}${idle === null ? '' : ` (machine ${Math.round(idle * 100)} % idle at start)`}`)
  const started = Date.now()
  try {
    const figures = await suite.run(ctx)
    results.push({id: suite.id, title: suite.title, seconds: Math.round((Date.now() - started) / 1000), idleAtStart: idle, figures})
  } catch (error) {
    log(`suite ${suite.id} failed: ${error?.stack ?? error}`)
    results.push({id: suite.id, title: suite.title, error: String(error?.message ?? error), figures: []})
  }
}

if (startedSandbox) await cli(['sandbox', 'down', ...SANDBOX, '--purge'])

mkdirSync(join(root, 'bench', 'results'), {recursive: true})
const stem = quick ? 'latest-quick' : 'latest'
// A run of some suites (--only) updates those suites in the results file and keeps the others,
// each with the time it was measured.
for (const r of results) r.measuredAt = new Date().toISOString()
let previous = []
try {
  previous = JSON.parse(readFileSync(join(root, 'bench', 'results', `${stem}.json`), 'utf8')).suites ?? []
} catch {}
const merged = [...previous.filter((p) => !results.some((r) => r.id === p.id)), ...results].sort((a, b) => a.id.localeCompare(b.id))
const report = {generatedAt: new Date().toISOString(), quick, runs, machine, suites: merged}
writeFileSync(join(root, 'bench', 'results', `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`)
writeFileSync(join(root, 'bench', 'results', `${stem}.md`), renderMarkdown(report))
process.stdout.write(renderMarkdown(report))

function fmt(v, unit) {
  if (v === null || v === undefined) return '-'
  if (typeof v === 'number') return `${Number.isInteger(v) ? v : v.toPrecision(4)}${unit ? ` ${unit}` : ''}`
  return `${fmt(v.median, unit)} (${fmt(v.min)}–${fmt(v.max)})`
}

function renderMarkdown(r) {
  const lines = [
    `# fleetops benchmarks${r.quick ? ' (quick)' : ''}`,
    '',
    `Generated ${r.generatedAt}; medians of ${r.runs} runs with (min–max).`,
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.java}` +
      `${r.machine.kafka ? `, Kafka ${r.machine.kafka}` : ''}${r.machine.cassandra ? `, Cassandra ${r.machine.cassandra}` : ''}.`,
    '',
    '| suite | figure | ours | anchor | ratio | goal | met |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const s of r.suites) {
    if (s.error) lines.push(`| ${s.id} | suite failed: ${s.error.replace(/\|/g, '/')} | | | | | |`)
    for (const f of s.figures) {
      lines.push(
        `| ${s.id} | ${f.label} | ${fmt(f.ours, f.unit)} | ${fmt(f.anchor, f.unit)} | ${f.ratio === null || f.ratio === undefined ? '-' : f.ratio.toFixed(3)} | ${f.goal} | ${f.met === null || f.met === undefined ? '-' : f.met ? 'yes' : 'no'} |`,
      )
    }
  }
  const notes = r.suites.flatMap((s) => s.figures.filter((f) => f.notes).map((f) => `- ${s.id} / ${f.label}: ${f.notes}`))
  if (notes.length) lines.push('', 'Notes:', ...notes)
  return `${lines.join('\n')}\n`
}

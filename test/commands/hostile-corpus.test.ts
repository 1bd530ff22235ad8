import {execFile, execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {binPath} from '../integration/support/cli.js'

/**
 * The hostile-input corpus that needs no cluster (test/fixtures/hostile/cases.json): special
 * files, oversized files and counts, catastrophic regular expressions, deep nesting, garbage,
 * secrets that must not be echoed, bad time specs and unsafe identifiers. Every case runs the
 * built CLI under a 256 MB heap, pointed at closed ports so that any connection attempt would
 * show as a different error, and must end with exit 2 and one line on stderr.
 */
interface FileSpec {
  generate: string
  count: number
}
interface Case {
  id: string
  category: string
  command: string[]
  expectMessage?: string
  expectExit?: number[]
  files?: Record<string, string | FileSpec>
  secret?: string
}
interface Corpus {
  validPlan: unknown
  fileFlags: {id: string; command: string[]; skip?: string[]}[]
  fileKinds: {id: string; expectMessage?: string; secret?: string}[]
  cases: Case[]
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/hostile/cases.json', import.meta.url), 'utf8')) as Corpus
const root = mkdtempSync(join(tmpdir(), 'fleetops-hostile-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
const isRoot = process.getuid?.() === 0
const SECRET = 'hunter2-Secr3t-PW'

function generate(spec: FileSpec): string {
  const n = spec.count
  switch (spec.generate) {
    case 'state-brokers':
      return JSON.stringify({brokers: Array.from({length: n}, (_, i) => ({id: i})), partitions: []})
    case 'state-replicas':
      return JSON.stringify({brokers: [{id: 1}], partitions: [{topic: 't', partition: 0, replicas: Array.from({length: n}, (_, i) => i)}]})
    case 'plan-replicas': {
      const reassignment = {version: 1, partitions: [{topic: 't', partition: 0, replicas: Array.from({length: n}, (_, i) => i)}]}
      return JSON.stringify({version: 1, reassignment, original: {version: 1, partitions: [{topic: 't', partition: 0, replicas: [1]}]}, summary: {moves: 1, warnings: []}})
    }
    case 'ring-nodes':
      return JSON.stringify({partitioner: 'Murmur3Partitioner', nodes: Array.from({length: n}, (_, i) => ({address: `10.0.${i >> 8}.${i & 255}`, dc: 'dc1', rack: 'r1', tokens: [String(i)]})), keyspaces: {}})
    case 'ring-tokens':
      return JSON.stringify({partitioner: 'Murmur3Partitioner', nodes: [{address: '10.0.0.1', dc: 'dc1', rack: 'r1', tokens: Array.from({length: n}, (_, i) => String(i))}], keyspaces: {}})
    default:
      throw new Error(`unknown generator ${spec.generate}`)
  }
}

/** Makes a hostile file of the given kind at dir/name (or returns a special path). */
function hostileFile(kind: string, dir: string): string {
  const path = join(dir, 'input.json')
  switch (kind) {
    case 'dev-zero':
      return '/dev/zero'
    case 'dev-urandom':
      return '/dev/urandom'
    case 'dev-null':
      return '/dev/null'
    case 'fifo':
      execFileSync('mkfifo', [path])
      return path
    case 'directory':
      mkdirSync(path)
      return path
    case 'symlink-to-dev-zero':
      symlinkSync('/dev/zero', path)
      return path
    case 'sparse-600MiB': {
      const fd = openSync(path, 'w')
      ftruncateSync(fd, 600 * 1024 * 1024)
      closeSync(fd)
      return path
    }
    case 'binary-garbage':
      writeFileSync(path, randomBytes(64 * 1024))
      return path
    case 'password-file':
      writeFileSync(path, `${SECRET}\n`)
      return path
    case 'empty':
      writeFileSync(path, '')
      return path
    case 'missing':
      return path
    case 'unreadable':
      writeFileSync(path, '{}')
      chmodSync(path, 0o000)
      return path
    default:
      throw new Error(`unknown file kind ${kind}`)
  }
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
  killed: boolean
}

/**
 * Closed ports for the clusters the command talks to (each command accepts only its own
 * clusters' flags), so any connection attempt would show as a connection error, not exit 2.
 */
function deadClusterFlags(args: string[]): string[] {
  const kafka = ['--brokers', '127.0.0.1:1']
  const cassandra = ['--contact-points', '127.0.0.1:1']
  const timeout = ['--connect-timeout', '20s']
  const [topic, verb] = args
  if (topic === 'hash' && verb === 'simulate') return []
  if (topic === 'kafka' || topic === 'hash' || (topic === 'lag' && verb !== 'cassandra')) return [...kafka, ...timeout]
  if (topic === 'ring' || topic === 'lag') return [...cassandra, ...timeout]
  return [...kafka, ...cassandra, ...timeout]
}

function run(args: string[]): Promise<Run> {
  const full = [...args, ...deadClusterFlags(args)]
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=256', '--stack-size=984', binPath, ...full],
      {env: {...process.env, NO_COLOR: '1', FLEETOPS_PROFILE: undefined, FLEETOPS_CONFIG: join(root, 'no-config.json')}, timeout: 30_000, maxBuffer: 1 << 20},
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & {code?: number | string; killed?: boolean}) | null
        resolve({code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, killed: Boolean(e?.killed)})
      },
    )
  })
}

function expectHostileRejected(r: Run, c: {expectMessage?: string; expectExit?: number[]; secret?: string}): void {
  expect(r.killed, 'the command hung or ran too long').toBe(false)
  expect(c.expectExit ?? [2], `exit code; stderr: ${r.stderr}`).toContain(r.code)
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  expect(r.stderr).not.toMatch(/\n\s+at |RangeError|Maximum call stack|heap out of memory|Invalid string length|ECONNREFUSED|cannot reach/)
  if (c.expectMessage !== undefined) expect(lines[0]).toMatch(new RegExp(c.expectMessage))
  expect(r.stderr + r.stdout).not.toContain(SECRET)
  if (c.secret !== undefined) expect(r.stderr + r.stdout).not.toContain(c.secret)
}

const validPlanPath = join(root, 'valid-plan.json')
writeFileSync(validPlanPath, JSON.stringify(corpus.validPlan))

const matrix = corpus.fileFlags.flatMap((flag) =>
  corpus.fileKinds
    .filter((kind) => !(flag.skip ?? []).includes(kind.id) && !(kind.id === 'unreadable' && isRoot))
    .map((kind) => ({id: `${flag.id}/${kind.id}`, flag, kind})),
)

describe('hostile input corpus (no cluster)', () => {
  it('holds at least 100 cases', () => {
    expect(matrix.length + corpus.cases.length).toBeGreaterThanOrEqual(100)
  })

  it.concurrent.each(matrix)('$id', async ({id, flag, kind}) => {
    const dir = join(root, id.replace('/', '__'))
    mkdirSync(dir, {recursive: true})
    const file = hostileFile(kind.id, dir)
    const args = flag.command.map((a) => (a === '{file}' ? file : a === '{validPlan}' ? validPlanPath : a))
    const r = await run(args)
    expectHostileRejected(r, kind)
    // The message names the flag's file, so the user knows which input to fix.
    expect(r.stderr).toContain(file)
  })

  it.concurrent.each(corpus.cases)('$category: $id', async (c) => {
    const dir = join(root, c.id)
    mkdirSync(dir, {recursive: true})
    for (const [name, spec] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), typeof spec === 'string' ? spec : generate(spec))
    const r = await run(c.command.map((a) => a.replaceAll('{dir}', dir)))
    expectHostileRejected(r, c)
  })
})

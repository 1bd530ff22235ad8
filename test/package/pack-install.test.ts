import {execFile} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

/**
 * The npm package as a user gets it: `npm pack` of a clean checkout (no build/, dist/ or
 * manifest: prepack must build them), installed globally into a temporary prefix with its
 * runtime dependencies from the registry, then run as `fleetops` with no cluster.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
// The installed bin runs on `node` from PATH: the Node this suite runs on. NODE_ENV=test (from
// vitest) stays set: oclif must still not look for TypeScript sources (bin/run.js).
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(file: string, args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, {cwd: opts.cwd, env: {...process.env, NO_COLOR: '1', PATH, ...opts.env}, maxBuffer: 64 * 1024 * 1024, timeout: 300_000}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? Number((error as {code: number}).code) : 1) : 0
      resolve({code, stdout, stderr})
    })
  })
}

const work = mkdtempSync(join(tmpdir(), 'fleetops-pack-'))
const prefix = join(work, 'prefix')
const home = join(work, 'home')
let packed: {filename: string; files: {path: string}[]}

beforeAll(async () => {
  // A clean checkout: the files git tracks (or would, new ones included), nothing built.
  const checkout = join(work, 'checkout')
  const listed = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {cwd: root})
  expect(listed.code, listed.stderr).toBe(0)
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(checkout, file)), {recursive: true})
    cpSync(join(root, file), join(checkout, file))
  }
  // The dev dependencies the build needs, as `npm ci` would install them.
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'))
  expect(readdirSync(checkout)).not.toContain('dist')

  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], {cwd: checkout})
  expect(pack.code, pack.stderr).toBe(0)
  // prepack's build logs to stdout before npm's JSON.
  packed = JSON.parse(pack.stdout.slice(pack.stdout.lastIndexOf('\n[\n') + 1))[0]

  const install = await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, packed.filename)], {cwd: work})
  expect(install.code, install.stderr).toBe(0)
}, 600_000)

afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('the npm package', () => {
  it('holds what the CLI needs at run time and no development files', () => {
    const files = packed.files.map((f) => f.path)
    for (const needed of ['bin/run.js', 'dist/cli.cjs', 'dist/compile-cache.cjs', 'dist/fast-path.cjs', 'dist/help.json', 'dist/commands/hash/simulate.cjs', 'oclif.manifest.json', 'package.json', 'README.md', 'LICENSE']) {
      expect(files).toContain(needed)
    }
    expect(files.filter((f) => /^(src|test|build|bench|scripts|\.ci)\//.test(f) || f === 'bin/dev.js' || f.startsWith('tsconfig'))).toEqual([])
  })

  const fleetops = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
    run(join(prefix, 'bin', 'fleetops'), args, {env: {FLEETOPS_HOME: home, XDG_CACHE_HOME: join(home, 'xdg'), FLEETOPS_BROKERS: undefined, FLEETOPS_CONTACT_POINTS: undefined, ...env}})

  it('installs a working fleetops: --help', async () => {
    const r = await fleetops(['--help'])
    expect(r).toMatchObject({code: 0, stderr: ''})
    for (const topic of ['sandbox', 'kafka', 'ring', 'hash', 'lag', 'lookback', 'doctor']) expect(r.stdout).toContain(topic)
  })

  it('prints the stored help texts (dist/help.json) exactly as oclif renders them', async () => {
    for (const args of [['--help'], ['kafka', 'rebalance'], ['hash', 'simulate', '--help']]) {
      const [stored, live] = [await fleetops(args), await fleetops(args, {FLEETOPS_FAST_PATHS: 'off'})]
      expect(stored).toMatchObject({code: 0, stderr: ''})
      expect(stored.stdout).toBe(live.stdout)
    }
  })

  it('runs a --json command that needs no cluster, the same from a warm compile cache', async () => {
    const runs = [await fleetops(['hash', 'simulate', '--nodes', '4', '--keys', '1000', '--json']), await fleetops(['hash', 'simulate', '--nodes', '4', '--keys', '1000', '--json'])]
    for (const r of runs) expect(r).toMatchObject({code: 0, stderr: ''})
    const result = JSON.parse(runs[0]!.stdout)
    expect(result).toMatchObject({nodes: 4, keys: 1000})
    expect(result.results.length).toBeGreaterThan(0)
    for (const scheme of result.results) expect(scheme).toMatchObject({scheme: expect.any(String), peakToMean: expect.any(Number)})
    // lookupNsPerKey is a timing; everything else is a pure function of the flags.
    const stable = (s: string): unknown => JSON.parse(s).results.map(({lookupNsPerKey: _, ...rest}: Record<string, unknown>) => rest)
    expect(stable(runs[1]!.stdout)).toEqual(stable(runs[0]!.stdout))
    expect(readdirSync(join(home, 'xdg', 'fleetops', 'compile-cache')).length).toBe(1)
  })

  it('sandbox status --json answers without a sandbox', async () => {
    const r = await fleetops(['sandbox', 'status', '--json'])
    expect(r).toMatchObject({code: 0, stderr: ''})
    expect(JSON.parse(r.stdout)).toMatchObject({name: expect.any(String), exists: false})
  })
})

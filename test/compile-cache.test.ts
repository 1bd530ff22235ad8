import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import Module from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {compileCacheDir, compileCacheKind} from '../src/compile-cache.js'
import {runCli} from './integration/support/cli.js'

/**
 * The code cache bin/run.js installs (src/compile-cache.ts, built to dist/compile-cache.cjs):
 * ours (Node 22) and Node's own (Node 24). Each case runs modules in a fresh Node process,
 * twice or more, against a cache directory of its own.
 */
const built = fileURLToPath(new URL('../dist/compile-cache.cjs', import.meta.url))

function node(script: string, env: NodeJS.ProcessEnv = {}): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], {env: {...process.env, ...env}}, (error, stdout, stderr) => {
      resolve({code: error ? Number(error.code ?? 1) : 0, stdout, stderr})
    })
  })
}

/** A process that installs the cache (ours unless told) in `cacheDir` and then requires `entry`. */
const withCache = (cacheDir: string, entry: string, kind = 'fleetops'): string =>
  `require(${JSON.stringify(built)}).enableCompileCache(${JSON.stringify(cacheDir)}, ${JSON.stringify(kind)}); require(${JSON.stringify(entry)})`

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-cc-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return dir
}

/** Our cache files: one directory per Node version under the cache directory. */
const cacheFiles = (cache: string): string[] => {
  const dir = join(cache, `${process.version}-${process.arch}`)
  return readdirSync(dir).filter((f) => f.endsWith('.v8')).sort()
}
/** Every file under `dir` with its modification time (Node's own cache has a layout of its own). */
const allFiles = (dir: string): Record<string, number> =>
  Object.fromEntries(
    readdirSync(dir, {recursive: true, encoding: 'utf8'})
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => [f, statSync(join(dir, f)).mtimeMs]),
  )

describe('compile cache', () => {
  it('runs a module the same from cached code, with the require, module and paths Node gives it', async () => {
    const src = fixture({
      'main.cjs': `const other = require('./other.cjs')
console.log(JSON.stringify({
  sum: other.add(2, 3),
  resolved: require.resolve('./other.cjs') === __dirname + '/other.cjs',
  filename: __filename.endsWith('/main.cjs'),
  cached: Object.keys(require.cache).some((k) => k.endsWith('/other.cjs')),
  self: module.exports === exports && this === exports,
  builtin: require('node:path').basename(__filename),
}))`,
      'other.cjs': 'exports.add = (a, b) => a + b',
    })
    const cache = mkdtempSync(join(tmpdir(), 'fleetops-cc-dir-'))
    const expected = {sum: 5, resolved: true, filename: true, cached: true, self: true, builtin: 'main.cjs'}

    const first = await node(withCache(cache, join(src, 'main.cjs')))
    expect(first.stderr).toBe('')
    expect(JSON.parse(first.stdout)).toEqual(expected)
    const files = cacheFiles(cache)
    expect(files).toHaveLength(2)
    const written = allFiles(cache)

    // The second run takes the cached code: V8 accepts it, so nothing is written again.
    const second = await node(withCache(cache, join(src, 'main.cjs')))
    expect(second.stderr).toBe('')
    expect(JSON.parse(second.stdout)).toEqual(expected)
    expect(allFiles(cache)).toEqual(written)
  })

  it('never runs stale code: a rebuilt module of the same length is compiled afresh', async () => {
    const src = fixture({'m.cjs': 'console.log("answer " + (40 + 1))'})
    const cache = mkdtempSync(join(tmpdir(), 'fleetops-cc-dir-'))
    expect((await node(withCache(cache, join(src, 'm.cjs')))).stdout).toBe('answer 41\n')
    expect((await node(withCache(cache, join(src, 'm.cjs')))).stdout).toBe('answer 41\n')
    // Same length, different code: V8's own check (the source length) would accept the old data.
    writeFileSync(join(src, 'm.cjs'), 'console.log("answer " + (40 + 2))')
    expect((await node(withCache(cache, join(src, 'm.cjs')))).stdout).toBe('answer 42\n')
    expect((await node(withCache(cache, join(src, 'm.cjs')))).stdout).toBe('answer 42\n')
  })

  it('recovers from a damaged cache file: the module compiles as usual and the file is rewritten', async () => {
    const src = fixture({'m.cjs': 'console.log([1, 2, 3].map((x) => x * 2).join(","))'})
    const cache = mkdtempSync(join(tmpdir(), 'fleetops-cc-dir-'))
    await node(withCache(cache, join(src, 'm.cjs')))
    const [name] = cacheFiles(cache)
    const file = join(cache, `${process.version}-${process.arch}`, name!)
    const good = readFileSync(file)
    // The right source hash, then bytes that are not V8 data.
    const damaged = Buffer.concat([good.subarray(0, 20), Buffer.alloc(good.length - 20, 7)])
    writeFileSync(file, damaged)
    const r = await node(withCache(cache, join(src, 'm.cjs')))
    expect(r).toMatchObject({code: 0, stdout: '2,4,6\n', stderr: ''})
    const rewritten = readFileSync(file)
    expect(rewritten.equals(damaged)).toBe(false)
    expect(rewritten.subarray(0, 20).equals(good.subarray(0, 20))).toBe(true)
  })

  it('leaves code that calls import() to Node, so a dynamic import works on every run', async () => {
    const src = fixture({'dyn.cjs': 'import("node:os").then((os) => console.log(typeof os.platform()))'})
    const cache = mkdtempSync(join(tmpdir(), 'fleetops-cc-dir-'))
    for (let i = 0; i < 2; i++) {
      expect(await node(withCache(cache, join(src, 'dyn.cjs')))).toMatchObject({code: 0, stdout: 'string\n', stderr: ''})
    }
    expect(cacheFiles(cache)).toEqual([])
  })

  for (const kind of ['fleetops', 'node']) {
    it(`still runs when the cache directory cannot be created (${kind})`, async () => {
      const src = fixture({'m.cjs': 'console.log("ran")', blocker: 'a file, not a directory'})
      const script = `const ok = require(${JSON.stringify(built)}).enableCompileCache(${JSON.stringify(join(src, 'blocker', 'cache'))}, ${JSON.stringify(kind)}); require(${JSON.stringify(join(src, 'm.cjs'))}); console.log(ok)`
      expect(await node(script)).toMatchObject({code: 0, stdout: 'ran\nfalse\n', stderr: ''})
    })
  }

  it("Node's own cache: the second run is served from it, with the same results", async () => {
    const src = fixture({
      'main.cjs': 'const o = require("./other.cjs"); console.log(JSON.stringify({sum: o.add(2, 3), file: require("node:path").basename(__filename)}))',
      'other.cjs': 'exports.add = (a, b) => a + b',
    })
    const cache = mkdtempSync(join(tmpdir(), 'fleetops-cc-dir-'))
    // NODE_DEBUG_NATIVE makes Node say, per module, whether it took the cached code.
    const env = {NODE_DEBUG_NATIVE: 'COMPILE_CACHE'}
    const first = await node(withCache(cache, join(src, 'main.cjs'), 'node'), env)
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toEqual({sum: 5, file: 'main.cjs'})
    const written = allFiles(cache)
    expect(Object.keys(written).length).toBeGreaterThanOrEqual(2)

    const second = await node(withCache(cache, join(src, 'main.cjs'), 'node'), env)
    expect(second.stdout).toBe(first.stdout)
    for (const name of ['main.cjs', 'other.cjs']) expect(second.stderr).toMatch(new RegExp(`cache for (CommonJS )?\\S*${name.replace('.', '\\.')} was accepted`))
    expect(allFiles(cache)).toEqual(written)
  })

  it('is placed per user, can be moved or turned off, and is Node\'s own from Node 24 on', () => {
    expect(compileCacheDir({XDG_CACHE_HOME: '/x/cache'})).toBe(join('/x/cache', 'fleetops', 'compile-cache'))
    expect(compileCacheDir({FLEETOPS_COMPILE_CACHE: '/y'})).toBe('/y')
    for (const off of ['off', '0', 'false', 'no', '']) expect(compileCacheDir({FLEETOPS_COMPILE_CACHE: off})).toBeNull()
    expect(compileCacheDir({})).toMatch(/[/\\]\.cache[/\\]fleetops[/\\]compile-cache$/)
    expect(compileCacheKind('22.23.5')).toBe('fleetops')
    expect(compileCacheKind('24.22.3')).toBe(typeof Module.enableCompileCache === 'function' ? 'node' : 'fleetops')
  })

  it('the CLI answers the same from a cold and a warm cache, ESM plugins (help) included', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'fleetops-cc-dir-'))
    // Help on a pipe is answered from dist/help.json without loading oclif (src/fast-path.ts): off here, so that
    // oclif's help plugin, an ESM module, goes through the cache.
    const env = {FLEETOPS_COMPILE_CACHE: cache, FLEETOPS_FAST_PATHS: 'off'}
    const runs = []
    for (let i = 0; i < 2; i++) runs.push(await runCli(['help', 'lag', 'kafka'], {env}))
    for (const r of runs) {
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      expect(r.stdout).toContain('Consumer-group lag')
    }
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout)
    // The bundle's chunks were cached, by whichever cache this Node gets (one directory per
    // Node version), and the warm run wrote nothing new.
    expect(readdirSync(cache)).toEqual([expect.stringMatching(new RegExp(`^${process.version.replace(/\./g, '\\.')}-${process.arch}`))])
    const written = allFiles(cache)
    expect(Object.keys(written).length).toBeGreaterThanOrEqual(3)
    const third = await runCli(['help', 'lag', 'kafka'], {env})
    expect(third.stdout).toBe(runs[0]!.stdout)
    expect(allFiles(cache)).toEqual(written)
  })

  it('FLEETOPS_COMPILE_CACHE=off writes nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fleetops-cc-home-'))
    const r = await runCli(['hash', 'simulate', '--nodes', '4', '--keys', '1000', '--json'], {env: {FLEETOPS_COMPILE_CACHE: 'off', XDG_CACHE_HOME: home, HOME: home}})
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({nodes: 4, keys: 1000})
    expect(readdirSync(home)).toEqual([])
  })
})

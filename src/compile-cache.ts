/**
 * A code cache for the CommonJS modules a run loads: the CLI's own bundle (dist/*.cjs) and the
 * SDKs. Parsing and compiling the same ~0.5 MB of JavaScript again is most of the start-up of
 * every command, and a cron probe or CI gate is mostly start-up. bin/run.js turns it on before
 * it loads anything else.
 *
 * Two ways, chosen by measurement (`fleetops --help`, warm cache, CPU time):
 * - Node 24 and later: Node's own, module.enableCompileCache(). It is as fast as ours there.
 *   Node keeps a subdirectory per Node version, architecture and flags and checks each entry
 *   against the source it was made from.
 * - Node 22: ours, below. Node 22's own cache holds only the code compiled before a module
 *   runs (its top level), and start-up took 7-15% more CPU with it than with ours, which is
 *   written after the module has run and so also holds the functions compiled lazily.
 *
 * Ours: each module is compiled with vm.Script and the V8 data of the previous run. A module
 * compiled without usable data is cached when the process exits. A cache file is keyed by the
 * module's path and holds the SHA-1 of the source it was made from: V8 itself only checks
 * the source's length, and a rebuilt file of the same length must not run stale code. V8
 * rejects data from another V8 version or other flags, and the module is then compiled as
 * usual. Any failure to read or write the cache only costs the time it would have saved.
 *
 * Where: $FLEETOPS_COMPILE_CACHE, else $XDG_CACHE_HOME/fleetops/compile-cache (default
 * ~/.cache), one subdirectory per Node version; FLEETOPS_COMPILE_CACHE=off turns it off. The
 * directory is the user's own (mode 0700): cached code runs as that user, so it is never a
 * shared temporary directory.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import Module from 'node:module'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import vm from 'node:vm'

/** The parts of node:module's CommonJS loader this needs; public in behaviour, untyped in @types/node. */
interface LoaderModule {
  exports: unknown
  require(id: string): unknown
  _compile(content: string, filename: string): unknown
}
interface Loader {
  prototype: LoaderModule
  wrap(source: string): string
  _resolveFilename(request: string, parent: LoaderModule, isMain: boolean, options?: {paths?: string[]}): string
  _resolveLookupPaths(request: string, parent: LoaderModule): string[] | null
  _extensions: unknown
  _cache: unknown
}

const HASH_BYTES = 20
/** An import( call; a mention in a comment or string also matches, which only costs the caching. */
const DYNAMIC_IMPORT = /\bimport\s*\(/

/** The cache directory from the environment, or null when turned off. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const setting = env.FLEETOPS_COMPILE_CACHE
  if (setting !== undefined && /^(|0|off|false|no)$/i.test(setting.trim())) return null
  return setting?.trim() || join(env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache'), 'fleetops', 'compile-cache')
}

/** Which cache this Node gets: Node's own from 24 on (see above). */
export function compileCacheKind(version: string = process.versions.node): 'node' | 'fleetops' {
  return Number(version.split('.')[0]) >= 24 && typeof Module.enableCompileCache === 'function' ? 'node' : 'fleetops'
}

/**
 * Turns the code cache on in `dir` (null: off) for the rest of the process, Node's own or ours
 * as `kind` says. Returns false (and changes nothing) when the directory cannot be created.
 * Under Node's, NODE_COMPILE_CACHE (already on, elsewhere) and NODE_DISABLE_COMPILE_CACHE win.
 */
export function enableCompileCache(dir: string | null = compileCacheDir(), kind = compileCacheKind()): boolean {
  if (dir === null) return false
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
  } catch {
    return false
  }
  if (kind === 'node') {
    const {status} = Module.enableCompileCache(dir)
    const {ENABLED, ALREADY_ENABLED} = Module.constants.compileCacheStatus
    return status === ENABLED || status === ALREADY_ENABLED
  }
  return enableV8Cache(join(dir, `${process.version}-${process.arch}`))
}

let installed = false

/** Ours: routes CommonJS compilation through the V8 code cache in `dir`. */
function enableV8Cache(dir: string): boolean {
  if (installed) return true
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
  } catch {
    return false
  }
  installed = true
  const loader = Module as unknown as Loader
  const compileWithoutCache = loader.prototype._compile
  const toWrite: {file: string; hash: Buffer; script: vm.Script}[] = []

  loader.prototype._compile = function compileWithCache(this: LoaderModule, content: string, filename: string): unknown {
    // A hashbang line is valid only at the very start of a script, not inside the wrapper.
    // Code that can call import() is left to Node: vm.Script code cannot run a dynamic import
    // without a host hook (scripts/bundle.mjs keeps oclif's few import() calls in a chunk of
    // their own).
    if (typeof content !== 'string' || content.startsWith('#!') || DYNAMIC_IMPORT.test(content)) return compileWithoutCache.call(this, content, filename)
    const hash = createHash('sha1').update(content).digest()
    const file = join(dir, `${createHash('sha1').update(filename).digest('hex').slice(0, 24)}.v8`)
    let cachedData: Buffer | undefined
    try {
      const stored = readFileSync(file)
      if (stored.length > HASH_BYTES && stored.subarray(0, HASH_BYTES).equals(hash)) cachedData = stored.subarray(HASH_BYTES)
    } catch {
      // No cache yet.
    }
    let script: vm.Script
    try {
      script = new vm.Script(loader.wrap(content), {filename, cachedData})
    } catch {
      // A syntax error: Node's own compile reports it the usual way.
      return compileWithoutCache.call(this, content, filename)
    }
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({file, hash, script})
    const wrapper = script.runInThisContext({displayErrors: true}) as (...args: unknown[]) => unknown
    return wrapper.call(this.exports, this.exports, requireFor(this, loader), this, filename, dirname(filename))
  }

  process.once('exit', () => {
    for (const {file, hash, script} of toWrite) {
      try {
        const temporary = `${file}.${process.pid}.tmp`
        writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]), {mode: 0o600})
        // Atomic: concurrent runs (CI starts many) never read a half-written file.
        renameSync(temporary, file)
      } catch {
        // Read-only or full disk: the next run compiles as usual.
      }
    }
  })
  return true
}

/** The `require` a CommonJS module sees, as Node builds it. */
function requireFor(mod: LoaderModule, loader: Loader): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require
  const resolve = ((request: string, options?: {paths?: string[]}) => loader._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, mod)
  require.resolve = resolve
  require.main = process.mainModule
  require.extensions = loader._extensions as NodeJS.Require['extensions']
  require.cache = loader._cache as NodeJS.Require['cache']
  return require
}

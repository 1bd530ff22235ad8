// Bundles the compiled CLI (build/, from tsc) into dist/ so that start-up loads a handful of
// files instead of ~300 small modules: module resolution and loading, not our code,
// dominated `fleetops --help` and the pure commands (bench suite "cli").
//
// Layout stays what oclif expects: dist/commands/<topic>/<verb>.cjs (one entry per command,
// so the manifest and pattern discovery are unchanged), dist/cli.cjs (the entry bin/run.js
// loads), and shared chunks in dist/chunks/ (one copy of @oclif/core shared by the entry and
// the commands). The SDKs stay external and are still loaded only inside run().
//
// The output is CommonJS: src/compile-cache.ts (dist/compile-cache.cjs, installed first by
// bin/run.js) caches V8's compiled code of CommonJS modules; compiling the bundle afresh was
// most of every command's start-up. An ESM bundle with Node 22's own cache measured 18% more
// CPU for `fleetops --help` than this.
import {readdirSync, rmSync, statSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'rolldown'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const from = join(root, 'build')
const to = join(root, 'dist')

function commandFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return commandFiles(path)
    return name.endsWith('.js') ? [path] : []
  })
}

// fast-path: help answered from dist/help.json, and the lean commands' choice, without oclif (bin/run.js).
// lookback-aggregator-worker: the entry of the look-back run's aggregation worker threads
// (services/lookback/aggregator-pool.ts finds it next to dist/chunks/).
const input = {
  cli: join(from, 'cli.js'),
  'compile-cache': join(from, 'compile-cache.js'),
  'fast-path': join(from, 'fast-path.js'),
  'lookback-aggregator-worker': join(from, 'services', 'lookback', 'aggregator-worker.js'),
}
for (const file of [...commandFiles(join(from, 'commands')), ...commandFiles(join(from, 'hooks'))]) {
  input[relative(from, file).slice(0, -'.js'.length).split(sep).join('/')] = file
}

rmSync(to, {recursive: true, force: true})
await build({
  input,
  platform: 'node',
  // Loaded at run time from node_modules: the SDKs (lazily, inside run()), the native record
  // codecs (lazily, on the first batch that needs one; their .node binaries cannot be bundled)
  // and oclif's optional TypeScript hook, which only development mode uses.
  external: ['kafkajs', 'cassandra-driver', 'avsc', 'protobufjs', 'snappy', 'lz4-napi', '@mongodb-js/zstd', 'typescript', 'ts-node', 'tsx'],
  // Needed by includeDependenciesRecursively: false below; an entry may export more than it
  // declares, which nothing here relies on.
  preserveEntrySignatures: 'allow-extension',
  logLevel: 'warn',
  output: {
    dir: to,
    format: 'cjs',
    // A command module has a default export (the command) and sometimes named ones too.
    exports: 'named',
    entryFileNames: '[name].cjs',
    chunkFileNames: 'chunks/[name]-[hash].cjs',
    // Our compile cache (Node 22) skips any module that uses import() (code compiled with
    // vm.Script cannot run a dynamic import without a loader hook). oclif's module loader, its
    // TypeScript hook and lilconfig (rc files) use import() for ESM; in a chunk of their own
    // they leave the rest of oclif cacheable.
    codeSplitting: {
      groups: [
        {
          name: 'esm-loaders',
          includeDependenciesRecursively: false,
          test: /(@oclif[\\/]core[\\/]lib[\\/](module-loader|config[\\/]ts-path)|lilconfig[\\/]src[\\/]index)\.js$/,
        },
      ],
    },
    // Stack traces under --verbose stay readable.
    minify: {compress: false, mangle: false},
  },
})

// The lean commands (offline commands run without oclif when the command line allows,
// src/fast-path.ts): each one file with everything it uses, no shared chunks, because for a
// command this short, finding and reading a module more is a measurable share of its start-up.
for (const name of ['hash-simulate']) {
  await build({
    input: join(from, 'lean', `${name}.js`),
    platform: 'node',
    logLevel: 'warn',
    output: {file: join(to, 'lean', `${name}.cjs`), format: 'cjs', exports: 'named', codeSplitting: false, minify: {compress: false, mangle: false}},
  })
}

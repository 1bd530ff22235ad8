// Bundles the compiled CLI (build/, from tsc) into dist/ so that start-up loads a handful of
// files instead of ~300 small CommonJS modules: module resolution and loading, not our code,
// dominated `fleetops --help` and the pure commands (bench suite "cli").
//
// Layout stays what oclif expects: dist/commands/<topic>/<verb>.js (one entry per command, so
// the manifest and pattern discovery are unchanged), dist/cli.js (the entry bin/run.js loads),
// and shared chunks in dist/chunks/ (one copy of @oclif/core shared by the entry and the
// commands). The SDKs stay external and are still loaded only inside run(): dynamic imports
// become their own chunks.
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

const input = {cli: join(from, 'cli.js')}
for (const file of commandFiles(join(from, 'commands'))) {
  input[relative(from, file).slice(0, -'.js'.length).split(sep).join('/')] = file
}

rmSync(to, {recursive: true, force: true})
await build({
  input,
  platform: 'node',
  // Loaded at run time from node_modules: the SDKs (lazily, inside run()) and oclif's optional
  // TypeScript hook, which only development mode uses.
  external: ['kafkajs', 'cassandra-driver', 'typescript', 'ts-node', 'tsx'],
  logLevel: 'warn',
  output: {
    dir: to,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    // Stack traces under --verbose stay readable.
    minify: {compress: false, mangle: false},
  },
})

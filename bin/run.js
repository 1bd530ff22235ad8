#!/usr/bin/env node
// Production entry: runs the bundled commands in dist/ (npm run build) with the shipped manifest.
// The code cache (dist/compile-cache.cjs: Node's own on Node 24, ours on Node 22) goes in
// first, so that everything loaded after it, the CommonJS bundle and the SDKs, runs from the
// code compiled by an earlier run.
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const require = createRequire(import.meta.url)
const dist = fileURLToPath(new URL('../dist', import.meta.url))
const argv = process.argv.slice(2)
const fastPath = require('../dist/fast-path.cjs')

/**
 * Without oclif when that gives the same answer (src/fast-path.ts): a help request printed from
 * the texts oclif rendered at build time (dist/help.json), or an offline command run from its
 * lean bundle (dist/lean/), which declines whatever it does not answer exactly as oclif would.
 * A lean bundle runs without the code cache: it is one small file, which compiles in less time
 * than opening the cache takes.
 */
function answeredWithoutOclif() {
  if (fastPath.printStoredHelp(dist, argv)) return true
  const lean = fastPath.leanCommandToRun(argv)
  if (lean === null) return false
  return require(join(dist, lean.bundle)).runLean(lean.rest)
}

if (!answeredWithoutOclif()) {
  require('../dist/compile-cache.cjs').enableCompileCache()
  const {execute, settings} = require('../dist/cli.cjs')
  // dist/ is already compiled: oclif must never look for TypeScript sources, which it otherwise
  // tries whenever NODE_ENV is development or test (and then warns, from an installed package,
  // that typescript is missing).
  settings.enableAutoTranspile = false

  await execute({dir: import.meta.url})
}

// The command has finished and written its output. A client library can leave a retry timer
// or a socket behind when a broker goes away mid-run (kafkajs does); that must not keep a cron
// job or a CI step alive after its answer. Normally the process has nothing left and exits at
// once, before this unref'd timer fires.
setTimeout(() => process.exit(), 1000).unref()

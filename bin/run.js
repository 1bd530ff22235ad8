#!/usr/bin/env node
// Production entry: runs the bundled commands in dist/ (npm run build) with the shipped manifest.
// The bundle is CommonJS so that its compiled code can be cached between runs (Node 20 has no
// built-in cache): the cache goes in first, then everything else loads through it.
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
require('../dist/compile-cache.cjs').enableCompileCache()
const {execute} = require('../dist/cli.cjs')

await execute({dir: import.meta.url})

// The command has finished and written its output. A client library can leave a retry timer
// or a socket behind when a broker goes away mid-run (kafkajs does); that must not keep a cron
// job or a CI step alive after its answer. Normally the process has nothing left and exits at
// once, before this unref'd timer fires.
setTimeout(() => process.exit(), 1000).unref()

#!/usr/bin/env node
// Production entry: runs the bundled commands in dist/ (npm run build) with the shipped manifest.
import {execute} from '../dist/cli.js'

await execute({dir: import.meta.url})

// The command has finished and written its output. A client library can leave a retry timer
// or a socket behind when a broker goes away mid-run (kafkajs does); that must not keep a cron
// job or a CI step alive after its answer. Normally the process has nothing left and exits at
// once, before this unref'd timer fires.
setTimeout(() => process.exit(), 1000).unref()

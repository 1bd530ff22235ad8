#!/usr/bin/env node
// Production entry: runs the bundled commands in dist/ (npm run build) with the shipped manifest.
import {execute} from '../dist/cli.js'

await execute({dir: import.meta.url})

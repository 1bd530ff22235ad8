#!/usr/bin/env node
// Development entry: runs the TypeScript sources directly (needs `npx tsx`); use bin/run.js otherwise.
import {execute} from '@oclif/core/execute'

await execute({development: true, dir: import.meta.url})

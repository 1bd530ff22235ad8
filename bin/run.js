#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/ with the shipped manifest.
import {execute} from '@oclif/core/execute'

await execute({dir: import.meta.url})

// `oclif manifest` lists commands in the order its file search finds them, which varies from
// build to build; sorted by id, a rebuild of the same sources leaves oclif.manifest.json
// unchanged (a clean checkout stays clean after `npm run build`).
import {readFileSync, writeFileSync} from 'node:fs'

const file = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(file, JSON.stringify(manifest, null, 2))

// `oclif manifest` lists commands in the order its file search finds them, which varies from
// build to build; sorted by id, a rebuild of the same sources leaves oclif.manifest.json
// unchanged (a clean checkout stays clean after `npm run build`).
import {readFileSync, writeFileSync} from 'node:fs'

const file = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

// Typed flags (src/flags.ts) give their default's text through a defaultHelp function, which oclif
// marks as dynamic help: --help would then load the command module to compute what the manifest
// already holds ("5s"). Every defaultHelp of ours is constant text, so the manifest's value is final.
for (const command of Object.values(manifest.commands)) {
  for (const flag of Object.values(command.flags ?? {})) if (flag.hasDynamicHelp) flag.hasDynamicHelp = false
  if (command.hasDynamicHelp) command.hasDynamicHelp = false
}
writeFileSync(file, JSON.stringify(manifest, null, 2))

// Build step (after `oclif manifest`): renders every help text of the CLI with oclif's own Help
// class, as a pipe or a file receives it (80 columns, no colour), into dist/help.json. bin/run.js
// prints a stored text for a help request whose output is not a terminal (src/fast-path.ts),
// without loading oclif: its configuration (plugins, manifests, themes) and help rendering were
// most of `fleetops --help`. test/commands/help-store.test.ts checks the file against oclif's
// live rendering, so a stale or wrong text fails the tests.
//
// `node scripts/render-help.mjs` renders in a child process whose stdout is a pipe and whose
// environment forces neither colour nor a width, whatever terminal the build runs in, and
// writes dist/help.json. `--print` renders in this process and prints the JSON (the child, and
// the test, which runs it with another HOME to prove that no text depends on the user's files).
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Output width oclif uses when stdout is not a terminal (and OCLIF_COLUMNS is unset). */
const WIDTH = 80

async function renderAll() {
  const {Config} = await import('@oclif/core/config')
  const {loadHelpClass} = await import('@oclif/core/help')
  const config = await Config.load({root})
  const Help = await loadHelpClass(config)
  // A fresh configuration for each text, as each run of the CLI has: oclif's Help rewrites the
  // ids of the configuration's commands as it renders them.
  const render = async (argv) => {
    const fresh = await Config.load({root})
    const help = new Help(fresh, fresh.pjson.oclif.helpOptions ?? fresh.pjson.helpOptions)
    const chunks = []
    const write = process.stdout.write
    process.stdout.write = (chunk) => chunks.push(String(chunk)) > 0
    try {
      await help.showHelp(argv)
    } finally {
      process.stdout.write = write
    }
    return chunks.join('')
  }
  const spaced = (id) => id.replaceAll(':', ' ')
  const commands = config.commands.map((c) => spaced(c.id)).sort()
  const topics = config.topics.map((t) => spaced(t.name)).filter((t) => !commands.includes(t)).sort()
  const texts = {'': await render([])}
  for (const key of [...topics, ...commands]) texts[key] = await render(key.split(' '))
  const helpFlags = [...new Set(['--help', ...(config.pjson.oclif.additionalHelpFlags ?? [])])]
  return {width: WIDTH, helpFlags, userAgent: config.userAgent, commands, topics, texts}
}

if (process.argv.includes('--print')) {
  process.stdout.write(JSON.stringify(await renderAll()))
} else {
  const env = {...process.env}
  for (const name of ['FORCE_COLOR', 'OCLIF_COLUMNS']) delete env[name]
  const json = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--print'], {env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024})
  const store = JSON.parse(String(json))
  if (store.width !== WIDTH || Object.keys(store.texts).length < 2) throw new Error('render-help: unexpected rendering')
  writeFileSync(join(root, 'dist', 'help.json'), `${JSON.stringify(store)}\n`)
}

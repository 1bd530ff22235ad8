/**
 * Start-up fast path: a help request answered from the texts rendered at build time
 * (scripts/render-help.mjs writes dist/help.json with oclif's own Help class), without loading
 * oclif. bin/run.js asks this first; loading oclif's configuration (three plugins, their
 * manifests, a theme) and its help renderer was most of `fleetops --help`.
 *
 * A fast path may decline, never disagree: it answers only when the stored text is, byte for
 * byte, what oclif would print here, and leaves everything else to oclif:
 * - the request is one oclif answers with help and nothing else: no arguments; a topic alone;
 *   `help [command or topic]`; or command/topic words with --help or -h and nothing else;
 * - stdout is not a terminal (oclif wraps at 80 columns then, and colours nothing), and neither
 *   OCLIF_COLUMNS (a width) nor FORCE_COLOR (colour on a pipe) is set;
 * - no user plugins (oclif would list their commands): the data directory has no package.json;
 * - not Windows nor WSL (oclif names the platform in the root help's VERSION line).
 * FLEETOPS_FAST_PATHS=off turns it off (the tests compare both ways).
 *
 * The same file chooses the lean commands (leanCommandToRun): offline commands bundled without oclif,
 * which answer only a command line they parse exactly as oclif would, and print what the oclif
 * command would print.
 *
 * No imports but node built-ins: this runs before the code cache is on.
 */
import {existsSync, readFileSync} from 'node:fs'
import {arch, homedir, release} from 'node:os'
import {join} from 'node:path'

/** dist/help.json. */
export interface HelpStore {
  width: number
  /** oclif's help flags: --help and the package's additionalHelpFlags. */
  helpFlags: string[]
  /** oclif's user agent when rendered (the root help's VERSION line). */
  userAgent: string
  /** Command ids and topics (not also commands), words separated by spaces. */
  commands: string[]
  topics: string[]
  /** The help text by command id or topic; '' is the root help. */
  texts: Record<string, string>
}

/** The key of the stored text that answers argv, or null when oclif would do something else. */
export function helpKey(argv: readonly string[], store: Pick<HelpStore, 'commands' | 'helpFlags' | 'texts'>): string | null {
  const known = (key: string) => Object.hasOwn(store.texts, key)
  const isHelpFlag = (a: string) => store.helpFlags.includes(a)
  if (argv[0] === 'help') {
    const rest = argv.slice(1)
    // `help --help` is the help command's own help; `help <words>` renders their help.
    if (rest.length === 1 && isHelpFlag(rest[0]!)) return 'help'
    if (rest.some((a) => a.startsWith('-'))) return null
    const key = rest.join(' ')
    return known(key) ? key : null
  }
  const words = argv.filter((a) => !isHelpFlag(a))
  if (words.some((a) => a.startsWith('-') || a.includes(' ') || a === '')) return null
  const key = words.join(' ')
  if (!known(key)) return null
  // Without a help flag, oclif shows help for the root and for a topic that is not a command.
  if (words.length === argv.length && store.commands.includes(key)) return null
  return key
}

/** Whether the environment lets oclif's output equal the stored texts (see the file comment). */
export function storedHelpApplies(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean, platform: string, osRelease: string): boolean {
  if (fastPathsTurnedOff(env)) return false
  // DEBUG: oclif would also log on stderr.
  if (stdoutIsTTY || env.OCLIF_COLUMNS || env.FORCE_COLOR !== undefined || env.DEBUG) return false
  if (platform === 'win32' || (platform === 'linux' && /microsoft/i.test(osRelease))) return false
  return true
}

/** FLEETOPS_FAST_PATHS=off (or 0, false, no): oclif answers everything. */
function fastPathsTurnedOff(env: NodeJS.ProcessEnv): boolean {
  return /^(0|off|false|no)$/i.test(env.FLEETOPS_FAST_PATHS?.trim() ?? '')
}

/** Whether the user installed oclif plugins (their commands show in help, their hooks run on any command). */
function hasUserPlugins(env: NodeJS.ProcessEnv): boolean {
  return existsSync(join(oclifDataDir(env, 'fleetops'), 'package.json'))
}

/** oclif's data directory (where a package.json would list user plugins). */
export function oclifDataDir(env: NodeJS.ProcessEnv, bin: string): string {
  const scoped = env[`${bin.toUpperCase().replaceAll('-', '_')}_DATA_DIR`]
  if (scoped) return scoped
  const home = env.HOME || homedir()
  return join(env.XDG_DATA_HOME || join(home, '.local/share'), bin)
}

/** oclif's user agent here: `<name>/<version> <platform>-<arch> node-<version>`. */
export function userAgentHere(stored: string): string {
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return stored.replace(/ \S+ node-\S+$/, ` ${process.platform}-${cpu} node-${process.version}`)
}

/**
 * The stored text of `key` as oclif would print it here: the user agent (with this Node's
 * version) goes wherever it was rendered, in the root help and in texts that show the root
 * help (`help --help`).
 */
export function storedHelpText(store: Pick<HelpStore, 'texts' | 'userAgent'>, key: string): string {
  return store.texts[key]!.replaceAll(store.userAgent, userAgentHere(store.userAgent))
}

/**
 * Prints the stored help that answers argv and returns true; false (nothing printed) when the
 * fast path declines. `distDir` holds help.json.
 */
export function printStoredHelp(distDir: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (!storedHelpApplies(env, Boolean(process.stdout.isTTY), process.platform, release())) return false
  const first = argv[0] ?? ''
  // A cheap refusal before reading the file: a help request starts with a word (a topic, a
  // command, `help`) or a help flag, or has no argument at all.
  if (first.startsWith('-') && first !== '--help' && first !== '-h') return false
  let store: HelpStore
  try {
    store = JSON.parse(readFileSync(join(distDir, 'help.json'), 'utf8')) as HelpStore
  } catch {
    return false
  }
  const key = helpKey(argv, store)
  if (key === null) return false
  if (hasUserPlugins(env)) return false
  const text = storedHelpText(store, key)
  // As oclif does: a reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  process.stdout.write(text)
  return true
}

/** Offline commands that have a lean bundle (dist/lean/*.cjs, exporting runLean(argv): boolean). */
const LEAN_COMMANDS: Readonly<Record<string, string>> = {'hash simulate': 'lean/hash-simulate.cjs'}

/** The lean bundle of argv's command and the rest of argv, or null when there is none. */
export function leanCommandOf(argv: readonly string[]): {bundle: string; rest: string[]} | null {
  const id = argv.slice(0, 2).join(' ')
  return Object.hasOwn(LEAN_COMMANDS, id) ? {bundle: LEAN_COMMANDS[id]!, rest: argv.slice(2)} : null
}

/** Whether the environment lets a lean command print what oclif's command would. */
export function leanCommandApplies(env: NodeJS.ProcessEnv): boolean {
  if (fastPathsTurnedOff(env)) return false
  // DEBUG: oclif would also log on stderr; FLEETOPS_CONTENT_TYPE=json: oclif's other way to ask for JSON.
  return !env.DEBUG && env.FLEETOPS_CONTENT_TYPE === undefined
}

/**
 * The lean command to run for argv (bin/run.js loads its bundle from dist/ and calls
 * runLean(rest), which returns false when it declines), or null when oclif runs the command.
 */
export function leanCommandToRun(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): {bundle: string; rest: string[]} | null {
  const lean = leanCommandOf(argv)
  if (lean === null || !leanCommandApplies(env)) return null
  if (hasUserPlugins(env)) return null
  return lean
}

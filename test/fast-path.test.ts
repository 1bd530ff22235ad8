import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {helpKey, type HelpStore, oclifDataDir, storedHelpApplies, storedHelpText, userAgentHere} from '../src/fast-path.js'
import {runCli} from './integration/support/cli.js'

/**
 * The help fast path (src/fast-path.ts): help requests answered from dist/help.json, the texts
 * oclif rendered at build time. Every stored text must be what oclif prints live, and the fast
 * path must answer exactly the requests oclif answers with that text.
 */
const store = JSON.parse(readFileSync(fileURLToPath(new URL('../dist/help.json', import.meta.url)), 'utf8')) as HelpStore
const oclifOnly = {FLEETOPS_FAST_PATHS: 'off'}
// Another user: no text may depend on the files or settings of the one who built it.
const stranger = mkdtempSync(join(tmpdir(), 'fleetops-help-'))
const elsewhere = {HOME: stranger, XDG_CONFIG_HOME: join(stranger, 'cfg'), XDG_DATA_HOME: join(stranger, 'data'), XDG_CACHE_HOME: join(stranger, 'cache')}
const mini: Pick<HelpStore, 'commands' | 'helpFlags' | 'texts'> = {
  commands: ['doctor', 'help', 'kafka describe', 'config use'],
  helpFlags: ['-h', '--help'],
  texts: {'': 'root', doctor: 'd', help: 'h', kafka: 'k', 'kafka describe': 'kd', config: 'c', 'config use': 'cu'},
}

describe('helpKey: which stored text answers a command line', () => {
  it.each([
    [[], ''],
    [['--help'], ''],
    [['-h'], ''],
    [['kafka'], 'kafka'],
    [['kafka', '--help'], 'kafka'],
    [['--help', 'kafka'], 'kafka'],
    [['kafka', 'describe', '-h'], 'kafka describe'],
    [['kafka', '--help', 'describe'], 'kafka describe'],
    [['help'], ''],
    [['help', 'kafka', 'describe'], 'kafka describe'],
    [['help', '--help'], 'help'],
    [['help', '-h'], 'help'],
    [['config', 'use', '--help'], 'config use'],
  ])('%j -> %j', (argv, key) => expect(helpKey(argv, mini)).toBe(key))

  it.each([
    // a command without a help flag runs
    [['doctor']],
    [['kafka', 'describe']],
    // an argument, another flag or an unknown word: oclif decides
    [['config', 'use', 'prod', '--help']],
    [['kafka', 'describe', '--json', '--help']],
    [['kafka', 'nope', '--help']],
    [['help', 'nope']],
    [['help', 'kafka', '-n']],
    [['help', 'help', '--help']],
    [['--help', '--']],
    [['--version']],
    [['kafka describe', '--help']],
    [['', '--help']],
    [['constructor', '--help']],
  ])('%j -> null', (argv) => expect(helpKey(argv, mini)).toBeNull())

  it('knows every command and topic of the built CLI, and the root', () => {
    expect(Object.keys(store.texts).sort()).toEqual(['', ...store.commands, ...store.topics].sort())
    for (const id of ['hash simulate', 'kafka rebalance plan', 'lag kafka', 'help', 'autocomplete']) expect(store.commands).toContain(id)
    for (const topic of ['kafka', 'kafka rebalance', 'lag']) expect(store.topics).toContain(topic)
    expect(store.helpFlags.sort()).toEqual(['--help', '-h'])
  })
})

describe('storedHelpApplies: only where oclif would print the stored bytes', () => {
  it('answers on a pipe with a plain environment', () => expect(storedHelpApplies({}, false, 'linux', '6.8.0')).toBe(true))
  it.each([
    ['a terminal', {}, true, 'linux', '6.8.0'],
    ['a width', {OCLIF_COLUMNS: '120'}, false, 'linux', '6.8.0'],
    ['forced colour', {FORCE_COLOR: '1'}, false, 'linux', '6.8.0'],
    ['debug logging', {DEBUG: '*'}, false, 'linux', '6.8.0'],
    ['turned off', {FLEETOPS_FAST_PATHS: 'off'}, false, 'linux', '6.8.0'],
    ['Windows', {}, false, 'win32', '10.0'],
    ['WSL', {}, false, 'linux', '5.15.153.1-microsoft-standard-WSL2'],
  ])('declines for %s', (_what, env, tty, platform, release) => expect(storedHelpApplies(env, tty, platform, release)).toBe(false))

  it('finds the data directory where oclif looks for user plugins', () => {
    expect(oclifDataDir({HOME: '/h'}, 'fleetops')).toBe('/h/.local/share/fleetops')
    expect(oclifDataDir({HOME: '/h', XDG_DATA_HOME: '/x'}, 'fleetops')).toBe('/x/fleetops')
    expect(oclifDataDir({HOME: '/h', FLEETOPS_DATA_DIR: '/d'}, 'fleetops')).toBe('/d')
  })

  it('names this platform and Node in the user agent', () => {
    expect(userAgentHere('fleetops/1.2.3 sunos-sparc node-v1.0.0')).toBe(`fleetops/1.2.3 ${process.platform}-${process.arch === 'ia32' ? 'x86' : process.arch} node-${process.version}`)
  })
})

describe('the stored help texts', () => {
  it('equal what oclif prints live for every command, topic and the root', async () => {
    const keys = Object.keys(store.texts)
    const live = new Map<string, string>()
    // Two at a time: one process per text.
    for (let i = 0; i < keys.length; i += 2) {
      const runs = await Promise.all(keys.slice(i, i + 2).map(async (key) => [key, await runCli([...(key ? key.split(' ') : []), '--help'], {env: {...oclifOnly, ...elsewhere}})] as const))
      for (const [key, r] of runs) {
        expect(r.code, key).toBe(0)
        live.set(key, r.stdout)
      }
    }
    for (const key of keys) {
      const stored = storedHelpText(store, key)
      expect(stored, `help of "${key}"`).toBe(live.get(key))
    }
  }, 300_000)

  it.each([[[]], [['--help']], [['kafka']], [['kafka', 'rebalance', '--help']], [['help', 'hash', 'simulate']], [['hash', 'simulate', '-h']], [['help', '--help']], [['--help', 'lag']]])(
    'fleetops %j prints what oclif prints, without loading oclif',
    async (argv) => {
      const [fast, slow] = await Promise.all([runCli(argv, {env: {NODE_DEBUG: 'module'}}), runCli(argv, {env: oclifOnly})])
      expect(fast.code).toBe(0)
      expect(fast.stdout).toBe(slow.stdout)
      expect(fast.stdout.length).toBeGreaterThan(100)
      expect(fast.stderr).toContain('fast-path.cjs')
      expect(fast.stderr).not.toContain('cli.cjs')
    },
  )

  it('leaves the request to oclif when the user has plugins (oclif would list their commands)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'fleetops-plugins-'))
    mkdirSync(join(home, 'data', 'fleetops'), {recursive: true})
    writeFileSync(join(home, 'data', 'fleetops', 'package.json'), JSON.stringify({private: true, oclif: {plugins: []}}))
    const r = await runCli(['--help'], {env: {NODE_DEBUG: 'module', HOME: home, XDG_DATA_HOME: join(home, 'data')}})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('TOPICS')
    expect(r.stderr).toContain('cli.cjs')
  })
})

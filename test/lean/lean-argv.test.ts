import {Parser} from '@oclif/core'
import * as Flags from '@oclif/core/flags'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import HashSimulate from '../../src/commands/hash/simulate.js'
import {SIMULATE_FLAGS} from '../../src/lean/hash-simulate-flags.js'
import {type LeanValues, parseLeanArgv} from '../../src/lean/lean-argv.js'

/**
 * The lean parser (src/lean/lean-argv.ts) against oclif's own, on the flags of hash simulate:
 * wherever the lean parser answers, oclif must accept the same line and give the same values.
 */
// --json as oclif adds it to a command with enableJsonFlag.
const oclifFlags = {...HashSimulate.baseFlags, ...HashSimulate.flags, json: Flags.boolean()}

async function oclifValues(argv: string[]): Promise<Record<string, unknown> | null> {
  expect(HashSimulate.enableJsonFlag).toBe(true)
  try {
    const {flags} = await Parser.parse(argv, {flags: oclifFlags, args: {}, strict: true})
    return flags
  } catch {
    return null
  }
}

/** What oclif gives for the flags the lean parser knows (booleans oclif leaves unset are false). */
function comparable(values: Record<string, unknown>): LeanValues {
  const out: LeanValues = {}
  for (const name of [...Object.keys(SIMULATE_FLAGS), 'json', 'verbose']) out[name] = (values[name] as number | string | boolean | undefined) ?? false
  return out
}

describe('parseLeanArgv', () => {
  it('gives the defaults of an empty line', () => {
    expect(parseLeanArgv([], SIMULATE_FLAGS)).toEqual({json: false, verbose: false, scheme: 'ring', nodes: 10, vnodes: 100, keys: 100_000, add: 1, remove: 1, seed: 1, compare: false})
  })

  it.each([
    [['--nodes', '3', '--keys', '1'], {nodes: 3, keys: 1}],
    [['--nodes=3', '--json'], {nodes: 3, json: true}],
    [['--compare', '--scheme', 'jump', '--verbose'], {compare: true, scheme: 'jump', verbose: true}],
    [['--seed', '4294967295'], {seed: 4_294_967_295}],
  ])('reads %j', (argv, some) => expect(parseLeanArgv(argv, SIMULATE_FLAGS)).toMatchObject(some))

  it.each([
    [['--nodes']],
    [['--nodes', '1']],
    [['--nodes', '-3']],
    [['--nodes', 'three']],
    [['--nodes=']],
    [['--nodes', '3', '--nodes', '4']],
    [['--compare=true']],
    [['--no-compare']],
    [['-h']],
    [['--help']],
    [['--']],
    [['extra']],
    [['--unknown']],
    [['--constructor', 'x']],
    [['--keys', '10000001']],
  ])('declines %j', (argv) => expect(parseLeanArgv(argv, SIMULATE_FLAGS)).toBeNull())

  it('answers only lines oclif accepts, with the values oclif gives', async () => {
    const word = fc.constantFrom('--nodes', '--keys', '--vnodes', '--add', '--remove', '--seed', '--scheme', '--compare', '--json', '--verbose', '--no-compare', '--help', '--', '-n', 'jump', 'x')
    const value = fc.constantFrom('0', '1', '2', '3', '10', '100000', '10000000', '10000001', '-1', '4294967296', ' 7', 'ring', 'maglev', '')
    const token = fc.oneof(word, value, fc.tuple(word, value).map(([w, v]) => `${w}=${v}`))
    let answered = 0
    await fc.assert(
      fc.asyncProperty(fc.array(token, {maxLength: 6}), async (argv) => {
        const lean = parseLeanArgv(argv, SIMULATE_FLAGS)
        if (lean === null) return
        answered++
        const oclif = await oclifValues(argv)
        expect(oclif, JSON.stringify(argv)).not.toBeNull()
        expect(lean).toEqual(comparable(oclif!))
      }),
      {numRuns: 400},
    )
    // The property says something only about lines the lean parser answers.
    expect(answered).toBeGreaterThan(40)
  })
})

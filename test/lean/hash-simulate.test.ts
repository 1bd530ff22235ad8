import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {leanCommandApplies, leanCommandOf, leanCommandToRun} from '../../src/fast-path.js'
import {runCli} from '../integration/support/cli.js'

/**
 * `hash simulate` from its lean bundle (dist/lean/hash-simulate.cjs) against the oclif command:
 * the same bytes and exit code, except the measured lookup time, which differs between any two runs.
 */
const oclifOnly = {FLEETOPS_FAST_PATHS: 'off'}

/** Output with the one measured figure (ns per lookup, in the table and in JSON) blanked. */
function withoutTimings(text: string): string {
  return text.replace(/"lookupNsPerKey": [\d.e+-]+/g, '"lookupNsPerKey": T').replace(/ +\d+ ns\/key/g, ' T ns/key').replace(/ +LOOKUP/g, ' LOOKUP')
}

describe('choosing the lean command', () => {
  it('knows hash simulate, and only offline commands', () => {
    expect(leanCommandOf(['hash', 'simulate', '--nodes', '3'])).toEqual({bundle: 'lean/hash-simulate.cjs', rest: ['--nodes', '3']})
    expect(leanCommandOf(['hash', 'kafka-partitions'])).toBeNull()
    expect(leanCommandOf(['lag', 'kafka'])).toBeNull()
    expect(leanCommandOf(['hash'])).toBeNull()
  })

  it.each([
    ['turned off', {FLEETOPS_FAST_PATHS: 'off'}],
    ['debug logging', {DEBUG: '*'}],
    ['JSON asked for by environment', {FLEETOPS_CONTENT_TYPE: 'json'}],
  ])('leaves the command to oclif when %s', (_what, env) => expect(leanCommandApplies(env)).toBe(false))

  it('answers in a plain environment, and not when the user has plugins', () => {
    expect(leanCommandApplies({})).toBe(true)
    const data = mkdtempSync(join(tmpdir(), 'fleetops-lean-'))
    expect(leanCommandToRun(['hash', 'simulate'], {FLEETOPS_DATA_DIR: data})).not.toBeNull()
    // oclif reads user plugins from the data directory's package.json; they may hook any command.
    writeFileSync(join(data, 'package.json'), JSON.stringify({private: true, oclif: {plugins: []}}))
    expect(leanCommandToRun(['hash', 'simulate'], {FLEETOPS_DATA_DIR: data})).toBeNull()
  })
})

describe('hash simulate without oclif', () => {
  it.each([
    [['--nodes', '3', '--keys', '1']],
    [['--nodes', '3', '--keys', '1', '--json']],
    [['--compare', '--nodes', '5', '--keys=2000', '--add', '2', '--remove', '2']],
    [['--scheme', 'bounded', '--keys', '500', '--vnodes', '8', '--seed', '9', '--json', '--verbose']],
  ])('fleetops hash simulate %j prints what oclif prints, without loading oclif', async (argv) => {
    const [lean, slow] = await Promise.all([runCli(['hash', 'simulate', ...argv], {env: {NODE_DEBUG: 'module'}}), runCli(['hash', 'simulate', ...argv], {env: oclifOnly})])
    expect(lean.code).toBe(0)
    expect(withoutTimings(lean.stdout)).toBe(withoutTimings(slow.stdout))
    expect(lean.stdout.length).toBeGreaterThan(100)
    expect(lean.stderr).toContain('hash-simulate.cjs')
    expect(lean.stderr).not.toContain('cli.cjs')
  })

  it.each([
    [['--nodes', '1'], 2],
    [['--nodes', '3', '--remove', '3'], 2],
    [['--scheme', 'nope'], 2],
    [['--nodes', '3', '--nodes', '4'], 2],
    [['--bogus'], 2],
    [['--nodes', '3', '--keys', '1', '--json', '--no-compare'], 2],
  ])('leaves %j to oclif, which says what is wrong', async (argv, exit) => {
    const [lean, slow] = await Promise.all([runCli(['hash', 'simulate', ...argv], {env: {NODE_DEBUG: 'module'}}), runCli(['hash', 'simulate', ...argv], {env: oclifOnly})])
    expect(lean.code).toBe(exit)
    expect(slow.code).toBe(exit)
    expect(lean.stdout).toBe(slow.stdout)
    expect(lean.stderr).toContain('cli.cjs')
    expect(lean.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toEqual(slow.stderr.split('\n').filter((l) => l.startsWith('Error:')))
  })
})

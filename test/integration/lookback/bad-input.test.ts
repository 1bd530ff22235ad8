/**
 * Bad input: each case is one clear line and exit 2, raised before any cluster is touched
 * (the connection settings point nowhere). Bad records are not input errors: they are
 * counted as rejects with examples (see kafka-scenario.test.ts).
 */
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {tempDir, writeJob} from './support.js'

const dead = {FLEETOPS_BROKERS: '127.0.0.1:1', FLEETOPS_CONTACT_POINTS: '127.0.0.1:1', FLEETOPS_LOCAL_DC: 'datacenter1', FLEETOPS_CONNECT_TIMEOUT: '1s', FLEETOPS_REQUEST_TIMEOUT: '2s'}
const dir = tempDir('lb-bad')
const good = ['name: j', 'source:', '  kafka:', '    topic: t', 'window: 3d', 'sink:', '  keyspace: ks', '  table: daily', ''].join('\n')

async function expectUsage(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(['lookback', 'run', ...args], {env: {...dead, FLEETOPS_HOME: dir}})
  expect(r.code, r.stdout + r.stderr).toBe(2)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
}

describe('lookback run: bad input exits 2 with one line', () => {
  it('a malformed job file', async () => {
    await expectUsage(['--job', writeJob(dir, 'malformed', 'name: j\nsource: [unclosed\n')], /^Error: .*malformed\.yaml/)
    await expectUsage(['--job', join(dir, 'missing.yaml')], /^Error: --job .*missing\.yaml: no such file/)
  })

  it('unknown fields', async () => {
    await expectUsage(['--job', writeJob(dir, 'unknown', good.replace('window: 3d', 'window: 3d\ngroupby: country'))], /unknown field "groupby"/)
    await expectUsage(['--job', writeJob(dir, 'unknown2', good.replace('    topic: t', '    topic: t\n    eventTime: ts'))], /source\.kafka has unknown field "eventTime"/)
  })

  it('a zero or negative window, in the file or on the command line', async () => {
    await expectUsage(['--job', writeJob(dir, 'zero', good.replace('window: 3d', 'window: 0d'))], /window "0d" must be between 1d and/)
    await expectUsage(['--job', writeJob(dir, 'neg', good.replace('window: 3d', 'window: -2d'))], /window "-2d" is not a day window/)
    await expectUsage(['--job', writeJob(dir, 'ok1', good), '--window', '0d'], /--window "0d" must be between 1d/)
  })

  it('an unparseable or future --as-of', async () => {
    await expectUsage(['--job', writeJob(dir, 'ok2', good), '--as-of', '2026-13-45'], /--as-of/)
    await expectUsage(['--job', writeJob(dir, 'ok4', good), '--as-of', '2999-01-01'], /--as-of 2999-01-01 is after today/)
  })

  it('unsafe CQL identifiers are refused, never quoted into a statement', async () => {
    await expectUsage(['--job', writeJob(dir, 'inj', good.replace('table: daily', 'table: "daily; DROP KEYSPACE ks"'))], /sink\.table .* is not a safe CQL identifier/)
  })

  it('--resume without a checkpoint, and contradictory flags', async () => {
    await expectUsage(['--job', writeJob(dir, 'ok5', good), '--resume', '--dry-run'], /--dry-run cannot be combined with --resume/)
    await expectUsage(['--job', writeJob(dir, 'ok6', good), '--max-runtime', '0s'], /--max-runtime must be greater than zero/)
  })
})

function join(a: string, b: string): string {
  return `${a}/${b}`
}

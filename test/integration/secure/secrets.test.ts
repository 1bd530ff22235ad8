import {randomBytes} from 'node:crypto'
import {chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {executeStatements} from '../../../src/adapters/cassandra/roles.js'
import {type CliResult, runCli} from '../support/cli.js'
import {passwordFile, passwordOf, secureCassandra, secureEnv, secureInfo} from '../support/secure.js'

/**
 * Secret hygiene: run the commands this work touched with recognisable passwords
 * (a Cassandra role made for the test, the real admin password, and a wrong one)
 * and look for them in stdout, stderr, --json and --verbose output, and in every
 * file fleetops wrote: the test's FLEETOPS_HOME and the secure sandbox's own
 * directory, except the sandbox's password files, which exist to hold them.
 */
const probeRole = 'hygiene_probe'
const probePassword = `RecognisableProbe${randomBytes(8).toString('hex')}`
const wrongPassword = `RecognisableWrong${randomBytes(8).toString('hex')}`

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    const st = lstatSync(path)
    if (st.isDirectory()) out.push(...filesUnder(path))
    else if (st.isFile()) out.push(path)
  }
  return out
}

describe('no secret in any output or file', () => {
  let home: string
  const results: {args: string[]; r: CliResult}[] = []

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'fleetops-hygiene-'))
    await executeStatements(secureCassandra('admin'), [
      // Dropped and made again: Cassandra 5 throttles password changes of an existing role.
      `DROP ROLE IF EXISTS ${probeRole}`,
      `CREATE ROLE ${probeRole} WITH LOGIN = true AND PASSWORD = '${probePassword}'`,
      `GRANT SELECT ON ALL KEYSPACES TO ${probeRole}`,
    ])
    const config = join(home, 'config.json')
    const s = secureInfo()
    writeFileSync(
      config,
      JSON.stringify({
        profiles: {
          probe: {contactPoints: s.contactPoints, localDc: s.localDc, cassandraTls: true, cassandraCaFile: s.caFile, cassandraUsername: probeRole, cassandraPassword: probePassword},
        },
      }),
    )
    chmodSync(config, 0o600)
    const env = (extra: Record<string, string | undefined>) =>
      secureEnv('admin', {FLEETOPS_HOME: home, XDG_CONFIG_HOME: home, FLEETOPS_PASSWORD_FILE: undefined, ADMIN_PW: passwordOf('admin'), PROBE_PW: probePassword, WRONG_PW: wrongPassword, ...extra})
    const runs: [string[], Record<string, string | undefined>][] = [
      [['doctor', '--password-env', 'ADMIN_PW', '--cassandra-username', probeRole, '--cassandra-password-env', 'PROBE_PW'], {}],
      [['doctor', '--password-env', 'ADMIN_PW', '--cassandra-username', probeRole, '--cassandra-password-env', 'PROBE_PW', '--json'], {}],
      [['doctor', '--password-env', 'ADMIN_PW', '--cassandra-username', probeRole, '--cassandra-password-env', 'PROBE_PW', '--verbose'], {}],
      [['doctor', '--password-env', 'ADMIN_PW', '--cassandra-username', probeRole, '--cassandra-password-env', 'PROBE_PW', '--verbose', '--json'], {}],
      // Wrong passwords: the failure lines must not echo them either.
      [['doctor', '--password-env', 'WRONG_PW', '--verbose'], {}],
      [['doctor', '--password-env', 'WRONG_PW', '--json'], {}],
      // Profiles holding the password inline.
      [['doctor', '--profile', 'probe', '--verbose'], {FLEETOPS_CONFIG: config, FLEETOPS_BROKERS: undefined, FLEETOPS_CONTACT_POINTS: undefined}],
      [['doctor', '--profile', 'probe', '--json'], {FLEETOPS_CONFIG: config, FLEETOPS_BROKERS: undefined, FLEETOPS_CONTACT_POINTS: undefined}],
      // The refused bare --password flag must not echo its value.
      [['doctor', '--password', wrongPassword], {}],
      // The sandbox commands that show the connection settings.
      [['sandbox', 'status', '--name', s.name, '--verbose'], {FLEETOPS_HOME: s.home}],
      [['sandbox', 'status', '--name', s.name, '--json'], {FLEETOPS_HOME: s.home}],
      [['sandbox', 'env', '--name', s.name], {FLEETOPS_HOME: s.home}],
      [['sandbox', 'up', '--name', s.name, '--network', s.brokers.split('.').slice(0, 3).join('.'), '--secure', '--json'], {FLEETOPS_HOME: s.home}],
    ]
    for (const [args, extra] of runs) results.push({args, r: await runCli(args, {env: env(extra), timeoutMs: 240_000})})
  })

  afterAll(async () => {
    await executeStatements(secureCassandra('admin'), [`DROP ROLE IF EXISTS ${probeRole}`])
  })

  it('the runs did what they should (so the output is worth searching)', () => {
    const codes = results.map(({args, r}) => `${args.slice(0, 2).join(' ')}${args.includes('--json') ? ' --json' : ''} => ${r.code}`)
    expect(results.slice(0, 4).map(({r}) => r.code)).toEqual([0, 0, 0, 0])
    expect(results[4].r.code).toBe(77)
    expect(results[5].r.code).toBe(77)
    expect(results[6].r.code, codes.join('\n')).toBe(0)
    expect(results[8].r.code).toBe(2)
    expect(results[12].r.code, results[12].r.stderr).toBe(0)
    expect(results[2].r.stderr).toMatch(/password=<set>/)
  })

  it('no password in stdout, stderr, --json or --verbose output', () => {
    const secrets = [passwordOf('admin'), passwordOf('reader'), probePassword]
    for (const {args, r} of results) {
      for (const secret of secrets) {
        expect(r.stdout.includes(secret), `stdout of ${args.join(' ')}`).toBe(false)
        expect(r.stderr.includes(secret), `stderr of ${args.join(' ')}`).toBe(false)
      }
      // The wrong password is not echoed except where the test itself put it: the refused --password flag's argv.
      if (!args.includes('--password')) expect(r.stdout + r.stderr, args.join(' ')).not.toContain(wrongPassword)
    }
    expect(results[8].r.stderr).not.toContain(wrongPassword)
  })

  it('no password in any file fleetops wrote (except the sandbox password files)', () => {
    const secrets = [passwordOf('admin'), passwordOf('reader'), probePassword, wrongPassword].map((s) => Buffer.from(s))
    const sandboxDir = dirname(dirname(passwordFile('admin')))
    const allowed = new Set([passwordFile('admin'), passwordFile('reader')])
    const files = [...filesUnder(home).filter((f) => !f.endsWith('config.json')), ...filesUnder(sandboxDir)].filter(
      (f) => !allowed.has(f) && !(dirname(f) === dirname(passwordFile('admin')) && f.endsWith('.password')),
    )
    expect(files.length).toBeGreaterThan(10)
    const leaks: string[] = []
    for (const file of files) {
      let data: Buffer
      try {
        data = readFileSync(file)
      } catch {
        continue // a file a server is rotating right now
      }
      for (const s of secrets) if (data.includes(s)) leaks.push(file)
    }
    expect(leaks).toEqual([])
  })
})

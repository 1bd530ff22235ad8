import {spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {type CliResult, runCli} from '../support/cli.js'
import {noConnectionEnv, passwordFile, passwordOf, secureEnv, secureInfo} from '../support/secure.js'

/**
 * fleetops's client side against the secure sandbox, through `doctor` (the
 * connectivity check): every connection flag, env variable and profile setting
 * works with TLS (host names verified) and SCRAM / Cassandra auth, and each way
 * of getting it wrong is one clear line with its documented exit code and no hang.
 */
const fast = {FLEETOPS_CONNECT_TIMEOUT: '3s', FLEETOPS_REQUEST_TIMEOUT: '5s'}
const kafkaOnly = {FLEETOPS_CONTACT_POINTS: undefined}
const cassandraOnly = {FLEETOPS_BROKERS: undefined}
// A hang would hit this bound and fail the exit-code assertions; the timeouts above keep real runs to seconds.
const bounded = {timeoutMs: 90_000}

function expectOneLineError(r: CliResult, exit: number, pattern: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(exit)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

let otherCa: string
let tmp: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'fleetops-secure-'))
  otherCa = join(tmp, 'other-ca.pem')
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tmp, 'other-ca.key'), '-out', otherCa, '-days', '2', '-subj', '/CN=not the sandbox CA'], {encoding: 'utf8'})
  expect(r.status, r.stderr).toBe(0)
})

describe('connecting to the secure sandbox', () => {
  it('works for admin with the settings `sandbox env` prints', async () => {
    const r = await runCli(['doctor', '--json'], {env: secureEnv('admin')})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.kafka).toMatchObject({ok: true, brokers: [1, 2, 3]})
    expect(r.json.cassandra.ok).toBe(true)
  })

  it('works for the read-only user', async () => {
    const r = await runCli(['doctor', '--json'], {env: secureEnv('reader')})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.kafka.ok && r.json.cassandra.ok).toBe(true)
  })

  it('works with flags only: --tls --ca-file --sasl-mechanism --username --password-file and the timeouts', async () => {
    const s = secureInfo()
    const r = await runCli(
      ['doctor', '--brokers', s.brokers, '--contact-points', s.contactPoints, '--local-dc', s.localDc, '--tls', '--ca-file', s.caFile,
        '--sasl-mechanism', 'scram-sha-512', '--username', 'admin', '--password-file', passwordFile('admin'),
        '--connect-timeout', '5s', '--request-timeout', '15s'],
      {env: noConnectionEnv},
    )
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Kafka: brokers 1, 2, 3 registered/)
  })

  it('works with --password-env', async () => {
    const r = await runCli(['doctor', '--password-env', 'SECURE_TEST_PW'], {
      env: secureEnv('reader', {FLEETOPS_PASSWORD_FILE: undefined, SECURE_TEST_PW: passwordOf('reader')}),
    })
    expect(r.code, r.stdout + r.stderr).toBe(0)
  })

  it('works with the Cassandra-only flags (--cassandra-tls, --cassandra-ca-file, --cassandra-username, --cassandra-password-file)', async () => {
    const s = secureInfo()
    const r = await runCli(
      ['doctor', '--contact-points', s.contactPoints, '--local-dc', s.localDc, '--cassandra-tls', '--cassandra-ca-file', s.caFile,
        '--cassandra-username', 'reader', '--cassandra-password-file', passwordFile('reader')],
      {env: noConnectionEnv},
    )
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Cassandra .*answers CQL/)
  })

  it('works from a profile, and refuses a profile holding a password unless it is mode 0600', async () => {
    const s = secureInfo()
    const profile = {
      brokers: s.brokers.split(','), contactPoints: s.contactPoints.split(','), localDc: s.localDc, tls: true, caFile: s.caFile,
      saslMechanism: 'scram-sha-512', username: 'reader', password: passwordOf('reader'),
    }
    const config = join(tmp, 'config.json')
    writeFileSync(config, JSON.stringify({defaultProfile: 'secure', profiles: {secure: profile}}))
    chmodSync(config, 0o600)
    const ok = await runCli(['doctor', '--profile', 'secure'], {env: {...noConnectionEnv, FLEETOPS_CONFIG: config}})
    expect(ok.code, ok.stdout + ok.stderr).toBe(0)

    chmodSync(config, 0o644)
    const refused = await runCli(['doctor', '--profile', 'secure'], {env: {...noConnectionEnv, FLEETOPS_CONFIG: config}})
    expectOneLineError(refused, 2, /holds a password but is readable by others .*chmod 600/)
    expect(refused.stderr).not.toContain(passwordOf('reader'))

    // A profile that points at the password file instead may be world-readable.
    const indirect = join(tmp, 'config-indirect.json')
    const {password: _, ...rest} = profile
    writeFileSync(indirect, JSON.stringify({profiles: {secure: {...rest, passwordFile: passwordFile('reader')}}}))
    chmodSync(indirect, 0o644)
    const viaFile = await runCli(['doctor', '--profile', 'secure'], {env: {...noConnectionEnv, FLEETOPS_CONFIG: indirect}})
    expect(viaFile.code, viaFile.stdout + viaFile.stderr).toBe(0)
  })
})

describe('failing to connect to the secure sandbox: one line, documented exit code, no hang', () => {
  const wrong = {FLEETOPS_PASSWORD_FILE: undefined, FLEETOPS_PASSWORD: 'NotTheRightPassword1234'}

  it('wrong Kafka password: exit 77', async () => {
    const r = await runCli(['doctor'], {env: secureEnv('admin', {...wrong, ...kafkaOnly, ...fast}), ...bounded})
    expectOneLineError(r, 77, /^Error: Kafka: authentication failed; check the user name, the password/)
  })

  it('wrong Cassandra password: exit 77', async () => {
    const r = await runCli(['doctor'], {env: secureEnv('admin', {...wrong, ...cassandraOnly, ...fast}), ...bounded})
    expectOneLineError(r, 77, /^Error: Cassandra: the server rejected the credentials/)
  })

  for (const [what, ca] of [['a different CA', () => otherCa], ['no CA (system trust only)', () => undefined]] as const) {
    it(`untrusted certificate with ${what}: a TLS line, exit 69`, async () => {
      const k = await runCli(['doctor'], {env: secureEnv('admin', {FLEETOPS_CA_FILE: ca(), ...kafkaOnly, ...fast}), ...bounded})
      expectOneLineError(k, 69, /^Error: Kafka: TLS: the server's certificate is not trusted \(.*certificate.*\); pass --ca-file/)
      const c = await runCli(['doctor'], {env: secureEnv('admin', {FLEETOPS_CA_FILE: ca(), ...cassandraOnly, ...fast}), ...bounded})
      expectOneLineError(c, 69, /^Error: Cassandra: TLS: the server's certificate is not trusted \(.*certificate.*\); pass --ca-file/)
    })
  }

  it('plaintext to the Kafka SASL_SSL listener: exit 69, says the port may require TLS', async () => {
    const r = await runCli(['doctor'], {env: secureEnv('admin', {FLEETOPS_TLS: undefined, FLEETOPS_CA_FILE: undefined, ...kafkaOnly, ...fast}), ...bounded})
    expectOneLineError(r, 69, /^Error: Kafka: .*the port may require TLS \(--tls\)$/)
  })

  it('plaintext to the Cassandra TLS native port: exit 69, says the port may require TLS', async () => {
    const r = await runCli(['doctor'], {env: secureEnv('admin', {FLEETOPS_TLS: undefined, FLEETOPS_CA_FILE: undefined, ...cassandraOnly, ...fast}), ...bounded})
    expectOneLineError(r, 69, /^Error: Cassandra: .*the port may require TLS \(--tls\)$/)
  })

  // The probes talk to Kafka over fleetops's own connections (adapters/kafka/protocol), not kafkajs's:
  // the same failures read the same, with the probes' UNKNOWN exit code.
  describe('through the probes\' own Kafka connection (lag replicas): one line, exit 3 (UNKNOWN)', () => {
    const probe = (env: Record<string, string | undefined>) => runCli(['lag', 'replicas'], {env: secureEnv('admin', {...kafkaOnly, ...fast, ...env}), ...bounded})

    it('connects and probes with TLS and SCRAM-SHA-512', async () => {
      const r = await runCli(['lag', 'replicas', '--json'], {env: secureEnv('admin', {...kafkaOnly, ...fast}), ...bounded})
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json.status).toBe('OK')
    })

    it('wrong password', async () => {
      expectOneLineError(await probe(wrong), 3, /Kafka.*: authentication failed; check the user name, the password/)
    })

    it('a mechanism the listener does not enable', async () => {
      expectOneLineError(await probe({FLEETOPS_SASL_MECHANISM: 'scram-sha-256'}), 3, /authentication failed; .*--sasl-mechanism/)
    })

    it('an untrusted certificate', async () => {
      expectOneLineError(await probe({FLEETOPS_CA_FILE: otherCa}), 3, /TLS: the server's certificate is not trusted \(.*certificate.*\); pass --ca-file/)
    })

    it('plaintext to the SASL_SSL listener', async () => {
      expectOneLineError(await probe({FLEETOPS_TLS: undefined, FLEETOPS_CA_FILE: undefined}), 3, /the port may require TLS \(--tls\)$/)
    })
  })

  it('keeps the documented exit code and a JSON error under --json', async () => {
    const r = await runCli(['doctor', '--json'], {env: secureEnv('admin', {...wrong, ...kafkaOnly, ...fast}), ...bounded})
    expect(r.code).toBe(77)
    expect(r.json.error).toMatchObject({code: 'AUTH', exit: 77})
  })
})

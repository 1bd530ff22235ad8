import {chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli} from '../integration/support/cli.js'

/**
 * Issue 21 on the built CLI without a cluster: one-line parse errors, suggestions for mistyped
 * commands, version, JSON errors, doctor --json, per-cluster connection flags, safe profile
 * lookups and the config commands.
 */
const noCluster: Record<string, string | undefined> = Object.fromEntries(
  [
    'BROKERS', 'CONTACT_POINTS', 'LOCAL_DC', 'TLS', 'CA_FILE', 'CERT_FILE', 'KEY_FILE', 'SASL_MECHANISM', 'USERNAME', 'PASSWORD',
    'PASSWORD_FILE', 'CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'CASSANDRA_PASSWORD_FILE', 'CASSANDRA_TLS', 'CASSANDRA_CA_FILE',
    'CONNECT_TIMEOUT', 'REQUEST_TIMEOUT', 'PROFILE',
  ].map((k) => [`FLEETOPS_${k}`, undefined]),
)
const noConfig = {...noCluster, FLEETOPS_CONFIG: '/nonexistent/fleetops-config.json'}

function tempConfig(content: unknown, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-cfg-'))
  const file = join(dir, 'config.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  chmodSync(file, mode)
  return file
}

function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n')
  expect(lines, stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  return lines[0]!
}

describe('parse errors are one line naming the flag or argument', () => {
  it.each([
    [['kafka', 'rebalance', 'execute'], /^Error: Missing required flag --plan; see --help$/],
    [['kafka', 'rebalance', 'plan', '--balance-by=foo'], /^Error: Expected --balance-by=foo to be one of: count, size; see --help$/],
    [['kafka', 'describe', '--foo'], /^Error: Nonexistent flag: --foo; see --help$/],
    [['config', 'use'], /^Error: Missing 1 required arg: name .*; see --help$/],
  ])('%j', async (args, pattern) => {
    const r = await runCli(args, {env: noConfig})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(pattern)
  })

  it('is a JSON error under --json', async () => {
    const r = await runCli(['kafka', 'rebalance', 'execute', '--json'], {env: noConfig})
    expect(r.code).toBe(2)
    expect(r.json.error).toEqual({code: 'USAGE', message: 'Missing required flag --plan; see --help', exit: 2})
  })
})

describe('a mistyped command', () => {
  it('prints a suggestion and exits 2 without prompting', async () => {
    const r = await runCli(['lga', 'kafka'], {env: noConfig, timeoutMs: 20_000})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/lga kafka is not a fleetops command\. Did you mean lag kafka\?/)
    expect(r.stdout).toBe('')
  })

  it('is a JSON error under --json, with the suggestion', async () => {
    const r = await runCli(['kafak', 'describe', '--json'], {env: noConfig, timeoutMs: 20_000})
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({code: 'USAGE', exit: 2, suggestion: 'kafka describe'})
  })

  it('names an argument a command does not take', async () => {
    const r = await runCli(['ring', 'show', 'extra'], {env: noConfig})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/ring show takes no argument extra/)
  })
})

describe('version', () => {
  it.each([['version'], ['--version'], ['-v']])('%s prints the version', async (arg) => {
    const r = await runCli([arg], {env: noConfig})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^fleetops\/\d+\.\d+\.\d+ /)
  })

  it('version --json', async () => {
    const r = await runCli(['version', '--json'], {env: noConfig})
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({name: 'fleetops', version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.versions.node})
  })
})

describe('connection flags by cluster', () => {
  const kafkaOnly = ['brokers', 'sasl-mechanism']
  const cassandraOnly = ['contact-points', 'local-dc', 'cassandra-username', 'cassandra-password-env', 'cassandra-password-file', 'cassandra-tls', 'cassandra-ca-file']
  const shared = ['profile', 'tls', 'ca-file', 'cert-file', 'key-file', 'connect-timeout', 'request-timeout', 'username', 'password-env', 'password-file']
  const helpOf = async (args: string[]) => (await runCli([...args, '--help'], {env: noConfig})).stdout
  const has = (help: string, flag: string) => new RegExp(`--${flag}[=\\s]`).test(help)

  it.each([
    [['kafka', 'describe'], true, false],
    [['kafka', 'rebalance', 'plan'], true, false],
    [['lag', 'kafka'], true, false],
    [['lag', 'replicas'], true, false],
    [['lag', 'quorum'], true, false],
    [['hash', 'kafka-partitions'], true, false],
    [['ring', 'show'], false, true],
    [['ring', 'plan'], false, true],
    [['lag', 'cassandra'], false, true],
    [['doctor'], true, true],
    [['lookback', 'run'], true, true],
  ])('%j shows only the flags of its clusters', async (args, kafka, cassandra) => {
    const help = await helpOf(args)
    for (const f of shared) expect(has(help, f), f).toBe(true)
    for (const f of kafkaOnly) expect(has(help, f), f).toBe(kafka)
    for (const f of cassandraOnly) expect(has(help, f), f).toBe(cassandra)
  })

  it('a Kafka command refuses a Cassandra flag', async () => {
    const r = await runCli(['kafka', 'describe', '--cassandra-password-file', '/missing'], {env: noConfig})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/Nonexistent flag: --cassandra-password-file/)
  })

  // A broker list that is not host:port fails after the settings resolved: reaching that error
  // proves the other cluster's settings were never read.
  it('a Kafka command does not read Cassandra settings from the profile or the environment', async () => {
    const file = tempConfig({profiles: {p: {brokers: 'not-a-broker', contactPoints: '127.0.0.1', cassandraUsername: 'c', cassandraPasswordFile: '/missing/pw'}}})
    for (const env of [
      {...noCluster, FLEETOPS_CONFIG: file, FLEETOPS_PROFILE: 'p'},
      {...noCluster, FLEETOPS_CONFIG: file, FLEETOPS_PROFILE: 'p', FLEETOPS_CASSANDRA_PASSWORD_FILE: '/missing/env-pw'},
    ]) {
      const r = await runCli(['kafka', 'describe'], {env})
      expect(r.code).toBe(2)
      expect(oneLineError(r.stderr)).toMatch(/broker "not-a-broker" is not host:port/)
    }
  })

  it('a Cassandra command does not read Kafka settings from the profile', async () => {
    const file = tempConfig({profiles: {p: {brokers: 'k:1', saslMechanism: 'bogus', passwordFile: '/missing/kafka-pw', contactPoints: 'bad_host!'}}})
    const r = await runCli(['ring', 'show', '--profile', 'p'], {env: {...noCluster, FLEETOPS_CONFIG: file}})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/contact point "bad_host!" is not a host/)
  })

  it('a Cassandra password of its own means the shared (Kafka) password file is not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-pw-'))
    const pw = join(dir, 'cass-pw')
    writeFileSync(pw, 'cass-secret-1\n')
    const file = tempConfig({profiles: {p: {contactPoints: 'bad_host!', username: 'u', passwordFile: '/missing/kafka-pw', cassandraPasswordFile: pw}}})
    const r = await runCli(['lag', 'cassandra', '--profile', 'p'], {env: {...noCluster, FLEETOPS_CONFIG: file}})
    expect(oneLineError(r.stderr)).toMatch(/contact point "bad_host!"/)
  })
})

describe('doctor --json', () => {
  it('reports each check and where each setting came from, secrets only as "set"', async () => {
    const file = tempConfig({profiles: {p: {contactPoints: '127.0.0.254:9', cassandraUsername: 'ops', cassandraPasswordEnv: 'CASS_PW'}}})
    const r = await runCli(['doctor', '--profile', 'p', '--connect-timeout', '1s', '--json'], {
      env: {...noCluster, FLEETOPS_CONFIG: file, FLEETOPS_LOCAL_DC: 'dc9', CASS_PW: 'doctor-secret-42'},
    })
    expect(r.code).toBe(69)
    expect(r.stdout).not.toContain('doctor-secret-42')
    expect(r.json.error.code).toBe('UNAVAILABLE')
    const doctor = r.json.doctor
    expect(doctor.ok).toBe(false)
    expect(doctor.profile).toBe('p')
    expect(doctor.checks).toEqual([
      {name: 'kafka', status: 'skipped', message: 'no brokers configured', durationMs: 0},
      expect.objectContaining({name: 'cassandra', status: 'failed', durationMs: expect.any(Number), message: expect.any(String)}),
    ])
    expect(doctor.settings).toMatchObject({
      contactPoints: {value: '127.0.0.254:9', source: 'profile'},
      localDc: {value: 'dc9', source: 'environment'},
      connectTimeout: {value: '1s', source: 'flag'},
      requestTimeout: {value: '30s', source: 'default'},
      cassandraUsername: {value: 'ops', source: 'profile'},
      cassandraPassword: {value: 'set', source: 'profile'},
    })
  })
})

describe('profiles are looked up by name only', () => {
  const file = () => tempConfig({profiles: {prod: {brokers: '127.0.0.1:1'}}})

  it.each(['constructor', '__proto__', 'toString'])('--profile %s is no such profile', async (name) => {
    const r = await runCli(['kafka', 'describe', '--profile', name], {env: {...noCluster, FLEETOPS_CONFIG: file()}})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(new RegExp(`no such profile "${name}".*defined profiles: prod`))
  })

  it('--password-env and a profile passwordEnv name variables, never Object.prototype properties', async () => {
    const r = await runCli(['kafka', 'describe', '--brokers', '127.0.0.1:1', '--sasl-mechanism', 'plain', '--username', 'u', '--password-env', 'constructor'], {env: noConfig})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/--password-env names constructor, but that environment variable is not set/)
    const f = tempConfig({profiles: {p: {brokers: '127.0.0.1:1', username: 'u', saslMechanism: 'plain', passwordEnv: 'toString'}}})
    const viaProfile = await runCli(['kafka', 'describe', '--profile', 'p'], {env: {...noCluster, FLEETOPS_CONFIG: f}})
    expect(viaProfile.code).toBe(2)
    expect(oneLineError(viaProfile.stderr)).toMatch(/profile passwordEnv names toString, but that environment variable is not set/)
  })

  it('a world-readable file whose profile __proto__ holds a password is refused', async () => {
    const f = tempConfig('{"profiles": {"__proto__": {"brokers": "127.0.0.1:1", "password": "proto-pw-77"}, "prod": {"brokers": "127.0.0.1:1"}}}', 0o644)
    const r = await runCli(['kafka', 'describe', '--profile', 'prod'], {env: {...noCluster, FLEETOPS_CONFIG: f}})
    expect(r.code).toBe(2)
    expect(oneLineError(r.stderr)).toMatch(/holds a password but is readable by others.*chmod 600/)
    expect(r.stderr).not.toContain('proto-pw-77')
  })
})

describe('fleetops config', () => {
  const profiles = {defaultProfile: 'dev', profiles: {dev: {brokers: '127.0.0.1:9092'}, prod: {brokers: 'k1:9092', contactPoints: ['c1', 'c2'], username: 'ops', password: 'prod-pw-99'}}}

  it('config list --json names the profiles and the default', async () => {
    const r = await runCli(['config', 'list', '--json'], {env: {...noCluster, FLEETOPS_CONFIG: tempConfig(profiles)}})
    expect(r.code).toBe(0)
    expect(r.json.defaultProfile).toBe('dev')
    expect(r.json.profiles).toEqual([
      {name: 'dev', default: true, kafka: true, cassandra: false},
      {name: 'prod', default: false, kafka: true, cassandra: true},
    ])
  })

  it('config show NAME --json resolves settings with sources, secrets as "set"', async () => {
    const r = await runCli(['config', 'show', 'prod', '--json'], {env: {...noCluster, FLEETOPS_CONFIG: tempConfig(profiles), FLEETOPS_LOCAL_DC: 'dc2'}})
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('prod-pw-99')
    expect(r.json.profile).toBe('prod')
    expect(r.json.settings).toMatchObject({
      brokers: {value: 'k1:9092', source: 'profile'},
      contactPoints: {value: 'c1,c2', source: 'profile'},
      localDc: {value: 'dc2', source: 'environment'},
      password: {value: 'set', source: 'profile'},
      connectTimeout: {value: '10s', source: 'default'},
    })
  })

  it('config show of an unknown or prototype name is no such profile', async () => {
    for (const name of ['staging', 'constructor']) {
      const r = await runCli(['config', 'show', name], {env: {...noCluster, FLEETOPS_CONFIG: tempConfig(profiles)}})
      expect(r.code).toBe(2)
      expect(oneLineError(r.stderr)).toMatch(/no such profile/)
    }
  })

  it('config use NAME sets the default and keeps the mode; refuses names that are not profiles', async () => {
    const f = tempConfig(profiles)
    const r = await runCli(['config', 'use', 'prod', '--json'], {env: {...noCluster, FLEETOPS_CONFIG: f}})
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({defaultProfile: 'prod', previous: 'dev'})
    expect(JSON.parse(readFileSync(f, 'utf8')).defaultProfile).toBe('prod')
    expect(statSync(f).mode & 0o777).toBe(0o600)
    for (const name of ['nope', '__proto__', 'toString']) {
      const bad = await runCli(['config', 'use', name, '--json'], {env: {...noCluster, FLEETOPS_CONFIG: f}})
      expect(bad.code).toBe(2)
      expect(bad.json.error.message).toMatch(/no such profile/)
    }
    expect(JSON.parse(readFileSync(f, 'utf8')).defaultProfile).toBe('prod')
  })
})

import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {describeAllowAcls} from '../../../src/adapters/kafka/acls.js'
import {connectCassandra} from '../../../src/adapters/cassandra/client.js'
import {readerAcls} from '../../../src/core/sandbox/security.js'
import {runCli} from '../support/cli.js'
import {passwordFile, passwordOf, secureCassandra, secureEnv, secureInfo, secureKafka} from '../support/secure.js'

const mode = (path: string) => statSync(path).mode & 0o777
const sortAcls = <T extends {resource: string; operation: string}>(a: T[]) =>
  [...a].sort((x, y) => `${x.resource}/${x.operation}`.localeCompare(`${y.resource}/${y.operation}`))

/** The secure sandbox itself: what it reports, where its secrets live, and how it is locked down. */
describe('secure sandbox', () => {
  const sandbox = () => ['--name', secureInfo().name]

  it('sandbox status --json says secure, names the users and never holds a password', async () => {
    const r = await runCli(['sandbox', 'status', ...sandbox(), '--json'])
    expect(r.code).toBe(0)
    expect(r.json.secure).toBe(true)
    expect(r.json.users.map((u: {name: string}) => u.name)).toEqual(['admin', 'reader'])
    for (const n of [...r.json.kafka.brokers, ...r.json.cassandra.nodes]) expect(n.up).toBe(true)
    expect(r.json.env.FLEETOPS_PASSWORD).toBeUndefined()
    expect(r.json.env.FLEETOPS_PASSWORD_FILE).toBe(passwordFile('admin'))
    expect(r.stdout).not.toContain(passwordOf('admin'))
    expect(r.stdout).not.toContain(passwordOf('reader'))
  })

  it('sandbox env prints the CA and password FILES, never a password', async () => {
    const r = await runCli(['sandbox', 'env', ...sandbox()])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^export FLEETOPS_CA_FILE=\S+ca\.pem$/m)
    expect(r.stdout).toMatch(/^export FLEETOPS_PASSWORD_FILE=\S+admin\.password$/m)
    expect(r.stdout).toMatch(/^export FLEETOPS_TLS=1$/m)
    expect(r.stdout).toMatch(/^export FLEETOPS_SASL_MECHANISM=scram-sha-512$/m)
    expect(r.stdout).not.toMatch(/FLEETOPS_PASSWORD=/)
    for (const user of ['admin', 'reader'] as const) expect(r.stdout + r.stderr).not.toContain(passwordOf(user))
  })

  it('keeps keys, keystore, passwords and the servers\' config files private (0600, directory 0700)', () => {
    const secrets = dirname(passwordFile('admin'))
    expect(mode(secrets)).toBe(0o700)
    for (const f of readdirSync(secrets)) {
      if (/\.(password|key|p12)$/.test(f)) expect([f, mode(join(secrets, f))]).toEqual([f, 0o600])
    }
    const root = dirname(secrets)
    for (const d of readdirSync(root).filter((x) => /^(kafka|cassandra)-\d+$/.test(x))) {
      const config = join(root, d, d.startsWith('kafka') ? 'server.properties' : 'cassandra.yaml')
      expect([config, mode(config)]).toEqual([config, 0o600])
      // The login users' passwords are in no server file: brokers authenticate as their own user.
      const text = readFileSync(config, 'utf8')
      expect(text).not.toContain(passwordOf('admin'))
      expect(text).not.toContain(passwordOf('reader'))
    }
  })

  it('stop-node and start-node work unchanged (readiness goes through TLS and SCRAM)', async () => {
    const stop = await runCli(['sandbox', 'stop-node', 'broker', '3', ...sandbox(), '--json'])
    expect(stop.code, stop.stdout + stop.stderr).toBe(0)
    expect(stop.json.up).toBe(false)
    const start = await runCli(['sandbox', 'start-node', 'broker', '3', ...sandbox(), '--json'])
    expect(start.code, start.stdout + start.stderr).toBe(0)
    expect(start.json.up).toBe(true)
    const doctor = await runCli(['doctor', '--json'], {env: secureEnv('reader', {FLEETOPS_CONTACT_POINTS: undefined})})
    expect(doctor.json.kafka.brokers).toEqual([1, 2, 3])
  })

  it('gives the read-only user exactly the describe/read ACLs', async () => {
    const acls = await describeAllowAcls(secureKafka('admin'), 'User:reader')
    expect(sortAcls(acls)).toEqual(sortAcls(readerAcls()))
  })

  it('replicates system_auth to every node and locks the default cassandra superuser', async () => {
    const client = await connectCassandra(secureCassandra('admin'))
    try {
      const rs = await client.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'system_auth'")
      const replication = rs.first().replication as Record<string, string>
      expect(replication.class).toMatch(/NetworkTopologyStrategy/)
      expect(Number(replication[secureInfo().localDc])).toBe(secureInfo().contactPoints.split(',').length)
      const roles = await client.execute('SELECT role, can_login, is_superuser FROM system_auth.roles')
      const byName = new Map(roles.rows.map((r) => [r.role as string, r]))
      expect(byName.get('admin')).toMatchObject({can_login: true, is_superuser: true})
      expect(byName.get('reader')).toMatchObject({can_login: true, is_superuser: false})
      expect(byName.get('cassandra')).toMatchObject({can_login: false})
    } finally {
      await client.shutdown()
    }
    const r = await runCli(['doctor', '--json'], {
      env: secureEnv('admin', {FLEETOPS_BROKERS: undefined, FLEETOPS_CASSANDRA_USERNAME: 'cassandra', FLEETOPS_CASSANDRA_PASSWORD: 'cassandra'}),
    })
    expect(r.code).toBe(77)
    expect(r.json.error.code).toBe('AUTH')
  })
})

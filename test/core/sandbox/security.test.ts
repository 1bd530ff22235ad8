import {describe, expect, it} from 'vitest'

import {
  assertSafeSecret,
  cassandraLockDefaultSuperuser,
  cassandraRoleStatements,
  cassandraSecurityYaml,
  javaArgFile,
  readerAcls,
  scramFormatArgs,
  serverCertExtensions,
  serverSans,
} from '../../../src/core/sandbox/security.js'
import {cassandraJvmArgs, cassandraYaml, initialSpec, kafkaServerProperties} from '../../../src/core/sandbox/topology.js'

const spec = initialSpec({name: 's', network: '127.0.20', kafkaNodes: 3, cassandraNodes: 3, kafkaVersion: '4.1.1', cassandraVersion: '5.0.8', tokensPerNode: 1})
const pw = 'Abcdefghijklmnop1234'
const security = {keystore: '/s/server.p12', keystorePassword: pw, truststorePem: '/s/ca.pem', brokerPassword: 'Brokerpassword12345'}

describe('secure sandbox recipe', () => {
  it('puts localhost and every sandbox loopback address in the server certificate', () => {
    const sans = serverSans('127.0.20')
    expect(sans).toContain('DNS:localhost')
    for (let i = 1; i <= 9; i++) expect(sans).toContain(`IP:127.0.20.${i}`)
    expect(serverCertExtensions('127.0.20')).toMatch(/^subjectAltName=DNS:localhost,IP:127\.0\.0\.1,IP:127\.0\.20\.1,/m)
    expect(serverCertExtensions('127.0.20')).toMatch(/extendedKeyUsage=serverAuth,clientAuth/)
  })

  it('makes the client and inter-broker listener SASL_SSL with SCRAM-SHA-512 and keeps the controller on loopback PLAINTEXT', () => {
    const props = kafkaServerProperties(spec, spec.kafka!.nodes[0], '/d', security)
    expect(props).toContain('listeners=SASL_SSL://127.0.20.1:9092,CONTROLLER://127.0.20.1:9093')
    expect(props).toContain('advertised.listeners=SASL_SSL://127.0.20.1:9092')
    expect(props).toContain('inter.broker.listener.name=SASL_SSL')
    expect(props).toContain('listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL')
    expect(props).toContain('sasl.enabled.mechanisms=SCRAM-SHA-512')
    expect(props).toContain('authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer')
    expect(props).toContain('super.users=User:admin;User:broker;User:ANONYMOUS')
    expect(props).toContain('ssl.endpoint.identification.algorithm=https')
    expect(props).toMatch(/username="broker" password="Brokerpassword12345"/)
    expect(props).not.toContain('PLAINTEXT://')
    // Without security the recipe is unchanged.
    expect(kafkaServerProperties(spec, spec.kafka!.nodes[0], '/d')).not.toMatch(/SASL|ssl\.|authorizer/)
  })

  it('creates the SCRAM users at format time through quoted @argfile lines', () => {
    const args = scramFormatArgs([{name: 'admin', password: pw}])
    expect(args).toEqual(['--add-scram', `SCRAM-SHA-512=[name=admin,password=${pw}]`])
    expect(javaArgFile(['-cp', '/lib/*', ...args])).toBe(`"-cp"\n"/lib/*"\n"--add-scram"\n"SCRAM-SHA-512=[name=admin,password=${pw}]"\n`)
    expect(() => javaArgFile(['a"b'])).toThrow(/argument file/)
  })

  it('refuses secrets that would need quoting', () => {
    expect(assertSafeSecret(pw)).toBe(pw)
    for (const bad of ['short', `quote'${pw}`, `space ${pw}`, `${pw}"`, `${pw}\n`]) expect(() => assertSafeSecret(bad)).toThrow(/letters and digits/)
    expect(() => cassandraRoleStatements({dc: 'dc1', nodes: 3, adminPassword: "x' OR '1", readerPassword: pw})).toThrow()
  })

  it('gives the read-only user describe and read only', () => {
    const acls = readerAcls()
    expect(new Set(acls.map((a) => a.principal))).toEqual(new Set(['User:reader']))
    expect(acls.every((a) => ['READ', 'DESCRIBE', 'DESCRIBE_CONFIGS'].includes(a.operation))).toBe(true)
    expect(acls).toContainEqual({principal: 'User:reader', resource: 'cluster', name: 'kafka-cluster', operation: 'DESCRIBE'})
    expect(acls).toContainEqual({principal: 'User:reader', resource: 'group', name: '*', operation: 'READ'})
  })

  it('turns on Cassandra auth and required client TLS', () => {
    const yaml = cassandraYaml(spec, spec.cassandra!.nodes[0], '/n', cassandraSecurityYaml({keystore: '/s/server.p12', keystorePassword: pw}))
    expect(yaml).toMatch(/^authenticator: PasswordAuthenticator$/m)
    expect(yaml).toMatch(/^authorizer: CassandraAuthorizer$/m)
    expect(yaml).toMatch(/^role_manager: CassandraRoleManager$/m)
    expect(yaml).toMatch(/client_encryption_options:\n {2}enabled: true\n {2}optional: false\n {2}keystore: \/s\/server\.p12\n/)
    expect(cassandraYaml(spec, spec.cassandra!.nodes[0], '/n')).not.toMatch(/authenticator|client_encryption/)
    const jvm = cassandraJvmArgs({libDir: '/l', jammJar: '/j', dir: '/n', logback: '/lb', java: 17, jmxPort: 7199, secure: true})
    expect(jvm).toContain('-Dcassandra.superuser_setup_delay_ms=0')
    expect(jvm.at(-1)).toBe('org.apache.cassandra.service.CassandraDaemon')
  })

  it('replicates system_auth to every node before creating the roles, and locks the default superuser', () => {
    const cql = cassandraRoleStatements({dc: 'datacenter1', nodes: 3, adminPassword: pw, readerPassword: 'Readerpassword12345'})
    expect(cql[0]).toBe("ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}")
    expect(cql).toContain(`CREATE ROLE IF NOT EXISTS admin WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = '${pw}'`)
    expect(cql).toContain('GRANT SELECT ON ALL KEYSPACES TO reader')
    expect(cql.join('\n')).not.toMatch(/GRANT (ALL|MODIFY|CREATE|ALTER|DROP)/)
    expect(cassandraLockDefaultSuperuser(pw)).toBe(`ALTER ROLE cassandra WITH PASSWORD = '${pw}' AND LOGIN = false AND SUPERUSER = false`)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {classifySdkError} from '../../src/adapters/classify-error.js'
import {endpointHost, mergeLayers, parseBrokerList, parseContactPoints, resolveCassandraConnection, resolveKafkaConnection, splitHostPort} from '../../src/core/connection.js'
import {envLayer, holdsInlineSecret, parseProfilesFile} from '../../src/core/profile.js'
import {redact, redactValue, registerSecret} from '../../src/core/redact.js'

describe('connection precedence', () => {
  it('takes flag over env over profile, key by key', () => {
    const merged = mergeLayers({brokers: 'flag:1'}, {brokers: 'env:1', localDc: 'envdc'}, {brokers: 'prof:1', localDc: 'profdc', username: 'u'})
    expect(merged).toEqual({brokers: 'flag:1', localDc: 'envdc', username: 'u'})
  })

  it('reads FLEETOPS_* variables', () => {
    const layer = envLayer({FLEETOPS_BROKERS: 'a:1', FLEETOPS_TLS: 'true', FLEETOPS_CASSANDRA_TLS: '0', FLEETOPS_REQUEST_TIMEOUT: '5s'})
    expect(layer.brokers).toBe('a:1')
    expect(layer.tls).toBe(true)
    expect(layer.cassandraTls).toBe(false)
    expect(layer.requestTimeout).toBe('5s')
  })
})

describe('resolveKafkaConnection', () => {
  it('explains how to configure brokers when none are given', () => {
    expect(() => resolveKafkaConnection({})).toThrow(/--brokers.*FLEETOPS_BROKERS.*--profile/)
  })
  it('validates host:port lists', () => {
    expect(parseBrokerList('127.0.0.1:9092, k2:9093')).toEqual(['127.0.0.1:9092', 'k2:9093'])
    expect(() => parseBrokerList('127.0.0.1')).toThrow(/not host:port/)
    expect(splitHostPort('[::1]:9092')).toEqual({host: '::1', port: 9092})
    expect(splitHostPort('k2.example:9093')).toEqual({host: 'k2.example', port: 9093})
    expect(splitHostPort('k2')).toBeNull()
    expect(() => parseBrokerList('h:99999')).toThrow(/not host:port/)
    expect(() => parseBrokerList('h:1;rm -rf /')).toThrow(/not host:port/)
  })
  it('needs user and password for SASL, and a known mechanism', () => {
    expect(() => resolveKafkaConnection({brokers: 'a:1', saslMechanism: 'scram-sha-512'})).toThrow(/user name/)
    expect(() => resolveKafkaConnection({brokers: 'a:1', saslMechanism: 'scram-sha-512', username: 'u'})).toThrow(/--password-env/)
    expect(() => resolveKafkaConnection({brokers: 'a:1', saslMechanism: 'gssapi', username: 'u', password: 'p'})).toThrow(/not supported/)
    const conn = resolveKafkaConnection({brokers: 'a:1', saslMechanism: 'SCRAM-SHA-512', username: 'u', password: 'pw', tls: true, caFile: '/ca'})
    expect(conn.sasl).toEqual({mechanism: 'scram-sha-512', username: 'u', password: 'pw'})
    expect(conn.tls).toEqual({caFile: '/ca', certFile: undefined, keyFile: undefined})
    expect(conn.requestTimeoutMs).toBe(30_000)
  })
  it('refuses half a client certificate', () => {
    expect(() => resolveKafkaConnection({brokers: 'a:1', certFile: '/c'})).toThrow(/--key-file/)
  })
})

describe('resolveCassandraConnection', () => {
  it('uses Cassandra-specific credentials before the shared ones', () => {
    const conn = resolveCassandraConnection({contactPoints: 'c1', username: 'shared', password: 'p1', cassandraUsername: 'cass', cassandraPassword: 'p2'})
    expect(conn.auth).toEqual({username: 'cass', password: 'p2'})
  })
  it('requires a password with a user', () => {
    expect(() => resolveCassandraConnection({contactPoints: 'c1', cassandraUsername: 'cass'})).toThrow(/password/)
  })
})

describe('profile file', () => {
  it('parses profiles and joins list settings', () => {
    const file = parseProfilesFile(JSON.stringify({defaultProfile: 'p', profiles: {p: {brokers: ['a:1', 'b:2'], tls: true}}}), 'cfg')
    expect(file.profiles.p.brokers).toBe('a:1,b:2')
    expect(holdsInlineSecret(file)).toBe(false)
    expect(holdsInlineSecret(parseProfilesFile('{"profiles":{"p":{"password":"x"}}}', 'cfg'))).toBe(true)
  })
  it.each([
    ['{', /not valid JSON/],
    ['[]', /JSON object/],
    ['{"profiles":{"p":{"brokerz":"a:1"}}}', /unknown setting "brokerz"/],
    ['{"profiles":{"p":{"tls":"yes"}}}', /true or false/],
    ['{"profiles":{},"defaultProfile":"nope"}', /does not define/],
    ['{"profile":{}}', /unknown key/],
  ])('rejects %s with one line', (text, pattern) => {
    expect(() => parseProfilesFile(text, 'cfg')).toThrow(pattern)
  })
})

describe('redaction', () => {
  it('replaces registered secrets everywhere', () => {
    registerSecret('s3cr3t-Value')
    expect(redact('password=s3cr3t-Value; again s3cr3t-Value')).toBe('password=***; again ***')
    expect(redactValue({nested: ['x s3cr3t-Value y']})).toEqual({nested: ['x *** y']})
  })

  it('redactValue walks values instead of printing them, and prints as redacting the printed value does', () => {
    registerSecret('s3cr3t-Value')
    const withSecret = fc.oneof(fc.string(), fc.string().map((s) => `${s}s3cr3t-Value${s}`))
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 4}), fc.dictionary(withSecret, withSecret, {maxKeys: 4}), fc.date({noInvalidDate: true}), (v, d, date) => {
        const doc = {v, d, date, list: [d, v, undefined, Number.NaN]}
        expect(JSON.stringify(redactValue(doc))).toBe(redact(JSON.stringify(doc)))
      }),
    )
    // A plan-sized value is never printed whole.
    const big = {partitions: Array.from({length: 200_000}, (_, i) => ({topic: `t-s3cr3t-Value-${i}`, partition: i, replicas: [1, 2, 3]}))}
    const out = redactValue(big)
    expect(out.partitions[199_999].topic).toBe('t-***-199999')
  })
})

describe('classifySdkError for secured clusters', () => {
  // Shapes of the real kafkajs / cassandra-driver errors (observed against the secure sandbox).
  const kafkaRetries = (cause: object) => Object.assign(new Error((cause as Error).message), {name: 'KafkaJSNumberOfRetriesExceeded', cause})
  it('wrong password is AUTH (77), for Kafka and Cassandra', () => {
    const k = classifySdkError(Object.assign(new Error('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'), {name: 'KafkaJSSASLAuthenticationError'}), 'Kafka')
    expect([k.code, k.exit]).toEqual(['AUTH', 77])
    const inner = Object.assign(new Error('Provided username admin and/or password are incorrect'), {name: 'AuthenticationError'})
    const c = classifySdkError(Object.assign(new Error('All host(s) tried for query failed.'), {name: 'NoHostAvailableError', innerErrors: {'127.0.20.1:9042': inner}}), 'Cassandra')
    expect([c.code, c.exit]).toEqual(['AUTH', 77])
  })
  it('an untrusted certificate is a TLS line, exit 69', () => {
    const e = classifySdkError(kafkaRetries(Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), {name: 'KafkaJSConnectionError'})), 'Kafka')
    expect(e.exit).toBe(69)
    expect(e.message).toBe("Kafka: TLS: the server's certificate is not trusted (self-signed certificate in certificate chain); pass --ca-file with the CA that signed the servers")
  })
  it('TLS to a plaintext port says the port does not speak TLS', () => {
    const e = classifySdkError(new Error('Connection error: Client network socket disconnected before secure TLS connection was established'), 'Kafka')
    expect(e.message).toMatch(/does not speak TLS/)
  })
  it('a closed plaintext connection hints at TLS when the client did not use it', () => {
    const e = classifySdkError(Object.assign(new Error('All host(s) tried for query failed. First host tried, 127.0.20.1:9042: Error: socket hang up'), {name: 'NoHostAvailableError'}), 'Cassandra', {plaintext: true})
    expect([e.exit, e.message]).toEqual([69, 'Cassandra: the server closed the connection without answering; the port may require TLS (--tls)'])
    const refused = classifySdkError(new Error('connect ECONNREFUSED 127.0.0.1:9042'), 'Cassandra', {plaintext: true})
    expect(refused.message).not.toMatch(/TLS/)
  })
  it('authorization failures are PERMISSION (77) and name the permission', () => {
    const kafka = classifySdkError(
      Object.assign(new Error('Topic creation errors'), {name: 'KafkaJSAggregateError', errors: [Object.assign(new Error('Topic authorization failed'), {name: 'KafkaJSCreateTopicError', type: 'TOPIC_AUTHORIZATION_FAILED'})]}),
      'Kafka: creating topic t',
      {needs: 'CREATE on the topic'},
    )
    expect([kafka.code, kafka.exit]).toEqual(['PERMISSION', 77])
    expect(kafka.message).toBe('Kafka: creating topic t: permission denied (TOPIC_AUTHORIZATION_FAILED): the user needs CREATE on the topic; ask an administrator for the ACL')
    const cass = classifySdkError(Object.assign(new Error('User reader has no CREATE permission on <all keyspaces> or any of its parents'), {name: 'ResponseError', code: 0x2100}), 'Cassandra')
    expect(cass.message).toMatch(/^Cassandra: permission denied: User reader has no CREATE permission/)
  })
})

describe('classifySdkError for a degraded Cassandra', () => {
  it('maps an unavailable consistency level to exit 69', async () => {
    const {classifySdkError} = await import('../../src/adapters/classify-error.js')
    const err = Object.assign(new Error('Cannot achieve consistency level QUORUM'), {name: 'ResponseError', code: 0x1000})
    const mapped = classifySdkError(err, 'Cassandra')
    expect(mapped.exit).toBe(69)
    expect(mapped.message).toMatch(/too few replicas/)
  })
})

describe('bracketed IPv6 addresses', () => {
  it('brokers accept [v6]:port and keep the brackets for the clients, which split them', () => {
    expect(parseBrokerList('[::1]:9092,[fe80::1]:9093')).toEqual(['[::1]:9092', '[fe80::1]:9093'])
    expect(resolveKafkaConnection({brokers: '[::1]:9092'}).brokers).toEqual(['[::1]:9092'])
    expect(splitHostPort('[::ffff:10.0.0.1]:9092')).toEqual({host: '::ffff:10.0.0.1', port: 9092})
    expect(() => parseBrokerList('[::1]')).toThrow(/not host:port/)
    expect(() => parseBrokerList('[]:9092')).toThrow(/not host:port/)
  })

  it('contact points accept [v6] and [v6]:port in the forms cassandra-driver reads', () => {
    expect(parseContactPoints('[::1]:9042, [::1], 10.0.0.1')).toEqual(['[::1]:9042', '::1', '10.0.0.1'])
    expect(resolveCassandraConnection({contactPoints: '[::1]'}).contactPoints).toEqual(['::1'])
    expect(() => parseContactPoints('[:x:]')).toThrow(/not a host/)
  })
})

describe('endpointHost', () => {
  it.each([
    ['127.0.0.1:9042', '127.0.0.1'],
    ['cass-1.prod:9042', 'cass-1.prod'],
    ['[::1]:9042', '::1'],
    ['[fe80::1]', 'fe80::1'],
    ['::1:9042', '::1'],
    ['fe80::2:9042', 'fe80::2'],
    ['cass-1', 'cass-1'],
  ])('%s -> %s', (endpoint, host) => {
    expect(endpointHost(endpoint)).toBe(host)
  })
})

import {describe, expect, it} from 'vitest'

import {mergeLayers, parseBrokerList, resolveCassandraConnection, resolveKafkaConnection} from '../../src/core/connection.js'
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
})

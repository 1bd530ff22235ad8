import {readFileSync} from 'node:fs'

import {inject} from 'vitest'

import type {CassandraConnection, KafkaConnection} from '../../../src/core/connection.js'
import type {SecureSandboxInfo} from './secure-sandbox.js'

/**
 * Helpers for tests on the secure sandbox (project `secure`). `secureEnv('admin')`
 * and `secureEnv('reader')` give the FLEETOPS_* environment a user would get from
 * `eval "$(fleetops sandbox env)"`, for runCli; the password is passed by FILE
 * (FLEETOPS_PASSWORD_FILE), never by value. Every other FLEETOPS_* connection
 * variable is cleared so nothing leaks in from the developer's shell.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    secure: SecureSandboxInfo
  }
}

export type SecureUser = 'admin' | 'reader'

export function secureInfo(): SecureSandboxInfo {
  return inject('secure')
}

export function passwordFile(user: SecureUser): string {
  const u = secureInfo().users.find((x) => x.name === user)
  if (!u) throw new Error(`the secure sandbox has no user ${user}`)
  return u.passwordFile
}

/** The real password, for tests that must look for it in output (never pass it on a command line). */
export function passwordOf(user: SecureUser): string {
  return readFileSync(passwordFile(user), 'utf8').trim()
}

/** Every connection variable fleetops reads, unset: a clean slate for a test's own settings. */
export const noConnectionEnv: Record<string, undefined> = Object.fromEntries(
  [
    'BROKERS', 'CONTACT_POINTS', 'LOCAL_DC', 'TLS', 'CA_FILE', 'CERT_FILE', 'KEY_FILE', 'SASL_MECHANISM', 'USERNAME', 'PASSWORD',
    'PASSWORD_FILE', 'CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'CASSANDRA_PASSWORD_FILE', 'CASSANDRA_TLS', 'CASSANDRA_CA_FILE',
    'CASSANDRA_CERT_FILE', 'CASSANDRA_KEY_FILE', 'CONNECT_TIMEOUT', 'REQUEST_TIMEOUT', 'PROFILE', 'CONFIG',
  ].map((k) => [`FLEETOPS_${k}`, undefined]),
)

/** FLEETOPS_* env for the admin or the read-only user of the secure sandbox. */
export function secureEnv(user: SecureUser, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const s = secureInfo()
  return {
    ...noConnectionEnv,
    FLEETOPS_BROKERS: s.brokers,
    FLEETOPS_CONTACT_POINTS: s.contactPoints,
    FLEETOPS_LOCAL_DC: s.localDc,
    FLEETOPS_TLS: '1',
    FLEETOPS_CA_FILE: s.caFile,
    FLEETOPS_SASL_MECHANISM: 'scram-sha-512',
    FLEETOPS_USERNAME: user,
    FLEETOPS_PASSWORD_FILE: passwordFile(user),
    FLEETOPS_CONNECT_TIMEOUT: '5s',
    FLEETOPS_REQUEST_TIMEOUT: '15s',
    ...overrides,
  }
}

/** The same settings as adapter connection objects, for setting up or checking data in a test. */
export function secureKafka(user: SecureUser): KafkaConnection {
  const s = secureInfo()
  return {
    brokers: s.brokers.split(','),
    tls: {caFile: s.caFile},
    sasl: {mechanism: 'scram-sha-512', username: user, password: passwordOf(user)},
    connectTimeoutMs: 5000,
    requestTimeoutMs: 15000,
  }
}

export function secureCassandra(user: SecureUser): CassandraConnection {
  const s = secureInfo()
  return {
    contactPoints: s.contactPoints.split(','),
    localDc: s.localDc,
    tls: {caFile: s.caFile},
    auth: {username: user, password: passwordOf(user)},
    connectTimeoutMs: 5000,
    requestTimeoutMs: 15000,
  }
}

import {badInput} from './errors.js'
import {parseDuration, printable} from './units.js'

/**
 * Connection settings, resolved from three sources with a fixed precedence:
 * command-line flag, then FLEETOPS_* environment variable, then the profile.
 * This module is pure: callers pass in the three layers already read.
 */

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512'
export const saslMechanisms: SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512']

export interface TlsSettings {
  caFile?: string
  certFile?: string
  keyFile?: string
  /** Only for sandboxes and tests; never the default. */
  insecureSkipVerify?: boolean
}

export interface KafkaConnection {
  brokers: string[]
  tls?: TlsSettings
  sasl?: {mechanism: SaslMechanism; username: string; password: string}
  connectTimeoutMs: number
  requestTimeoutMs: number
}

export interface CassandraConnection {
  contactPoints: string[]
  localDc?: string
  tls?: TlsSettings
  auth?: {username: string; password: string}
  connectTimeoutMs: number
  requestTimeoutMs: number
}

/** One layer of settings, as it comes from flags, env or a profile. All optional. */
export interface ConnectionLayer {
  brokers?: string
  contactPoints?: string
  localDc?: string
  tls?: boolean
  caFile?: string
  certFile?: string
  keyFile?: string
  saslMechanism?: string
  username?: string
  password?: string
  cassandraUsername?: string
  cassandraPassword?: string
  cassandraTls?: boolean
  cassandraCaFile?: string
  cassandraCertFile?: string
  cassandraKeyFile?: string
  connectTimeout?: string
  requestTimeout?: string
}

export const connectionLayerKeys: (keyof ConnectionLayer)[] = [
  'brokers',
  'contactPoints',
  'localDc',
  'tls',
  'caFile',
  'certFile',
  'keyFile',
  'saslMechanism',
  'username',
  'password',
  'cassandraUsername',
  'cassandraPassword',
  'cassandraTls',
  'cassandraCaFile',
  'cassandraCertFile',
  'cassandraKeyFile',
  'connectTimeout',
  'requestTimeout',
]

/** Merges layers: the first layer that defines a key wins. */
export function mergeLayers(...layers: ConnectionLayer[]): ConnectionLayer {
  const out: ConnectionLayer = {}
  for (const key of connectionLayerKeys) {
    for (const layer of layers) {
      const v = layer[key]
      if (v !== undefined && v !== '') {
        ;(out as Record<string, unknown>)[key] = v
        break
      }
    }
  }
  return out
}

// A bracketed IPv6 literal ("[::1]", "[::ffff:10.0.0.1]") or a host name / IPv4 address.
const hostPort = /^(\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/
const host = /^(\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\]|[A-Za-z0-9][A-Za-z0-9.-]*)(:(\d{1,5}))?$/

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** "host:port" or "[v6]:port" as a host (brackets dropped, as sockets take it) and a port; null when not that shape. */
export function splitHostPort(address: string): {host: string; port: number} | null {
  const m = hostPort.exec(address)
  return m ? {host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2])} : null
}

/**
 * The host of a driver endpoint "host:port", "[v6]:port" or "v6:port" (cassandra-driver names
 * IPv6 hosts both ways; it always appends the port). Anything else is returned as it is.
 */
export function endpointHost(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(endpoint)
  if (bracketed) return bracketed[1]!
  const colons = endpoint.split(':').length - 1
  if (colons === 0) return endpoint
  return colons === 1 ? endpoint.slice(0, endpoint.indexOf(':')) : endpoint.replace(/:\d+$/, '')
}

export function parseBrokerList(value: string): string[] {
  const list = splitList(value)
  if (list.length === 0) throw badInput('--brokers is empty; give host:port pairs such as 127.0.0.1:9092')
  for (const b of list) {
    const m = splitHostPort(b)
    if (!m || m.port < 1 || m.port > 65535) {
      throw badInput(`broker "${printable(b)}" is not host:port; use e.g. --brokers 127.0.0.1:9092,127.0.0.2:9092`)
    }
  }
  return list
}

/**
 * Contact points as cassandra-driver reads them: "host", "host:port", "[v6]:port", and a bare
 * "[v6]" without its brackets (the driver takes "[v6]" for a host name to look up).
 */
export function parseContactPoints(value: string): string[] {
  const list = splitList(value)
  if (list.length === 0) throw badInput('--contact-points is empty; give hosts such as 127.0.0.1,127.0.0.2')
  return list.map((c) => {
    const m = host.exec(c)
    if (!m || (m[3] && (Number(m[3]) < 1 || Number(m[3]) > 65535))) {
      throw badInput(`contact point "${printable(c)}" is not a host or host:port; use e.g. --contact-points 127.0.0.1 or [::1]:9042`)
    }
    return m[3] === undefined && m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : c
  })
}

function tlsFrom(enabled: boolean | undefined, ca?: string, cert?: string, key?: string): TlsSettings | undefined {
  if (!enabled && !ca && !cert && !key) return undefined
  if ((cert && !key) || (key && !cert)) throw badInput('a client certificate needs both --cert-file and --key-file')
  return {caFile: ca, certFile: cert, keyFile: key}
}

function timeouts(layer: ConnectionLayer): {connectTimeoutMs: number; requestTimeoutMs: number} {
  return {
    connectTimeoutMs: parseDuration(layer.connectTimeout ?? '10s', '--connect-timeout'),
    requestTimeoutMs: parseDuration(layer.requestTimeout ?? '30s', '--request-timeout'),
  }
}

export function resolveKafkaConnection(layer: ConnectionLayer): KafkaConnection {
  if (!layer.brokers) {
    throw badInput(
      'no Kafka brokers configured; pass --brokers, set FLEETOPS_BROKERS, or choose a --profile (`fleetops sandbox env` prints the sandbox settings)',
    )
  }
  const conn: KafkaConnection = {brokers: parseBrokerList(layer.brokers), ...timeouts(layer)}
  conn.tls = tlsFrom(layer.tls, layer.caFile, layer.certFile, layer.keyFile)
  if (layer.saslMechanism) {
    const mechanism = layer.saslMechanism.toLowerCase() as SaslMechanism
    if (!saslMechanisms.includes(mechanism)) {
      throw badInput(`--sasl-mechanism "${printable(layer.saslMechanism)}" is not supported; use ${saslMechanisms.join(', ')}`)
    }
    if (!layer.username) throw badInput('SASL needs a user name; pass --username or set FLEETOPS_USERNAME')
    if (!layer.password) {
      throw badInput('SASL needs a password; pass --password-env VAR or --password-file FILE, or set FLEETOPS_PASSWORD')
    }
    conn.sasl = {mechanism, username: layer.username, password: layer.password}
  }
  return conn
}

export function resolveCassandraConnection(layer: ConnectionLayer): CassandraConnection {
  if (!layer.contactPoints) {
    throw badInput(
      'no Cassandra contact points configured; pass --contact-points, set FLEETOPS_CONTACT_POINTS, or choose a --profile (`fleetops sandbox env` prints the sandbox settings)',
    )
  }
  const conn: CassandraConnection = {
    contactPoints: parseContactPoints(layer.contactPoints),
    localDc: layer.localDc,
    ...timeouts(layer),
  }
  conn.tls = tlsFrom(
    layer.cassandraTls ?? layer.tls,
    layer.cassandraCaFile ?? layer.caFile,
    layer.cassandraCertFile ?? layer.certFile,
    layer.cassandraKeyFile ?? layer.keyFile,
  )
  const username = layer.cassandraUsername ?? layer.username
  const password = layer.cassandraPassword ?? layer.password
  if (username) {
    if (!password) {
      throw badInput(
        'Cassandra authentication needs a password; pass --cassandra-password-env VAR or --cassandra-password-file FILE (or the shared --password-env/--password-file)',
      )
    }
    conn.auth = {username, password}
  }
  return conn
}

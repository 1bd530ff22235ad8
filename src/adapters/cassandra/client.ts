import cassandra from 'cassandra-driver'

import type {CassandraConnection} from '../../core/connection.js'
import {classifySdkError} from '../classify-error.js'
import {tlsSocketOptions} from '../tls-files.js'
import {IdempotentRetryPolicy} from './idempotent-retry-policy.js'

export interface ClientOptions {
  keyspace?: string
  /** Bulk idempotent writers (look-back) ride out a slow replica; probes must not, their timings would lie. */
  retryIdempotentTimeouts?: boolean
}

/**
 * The one place a cassandra-driver Client is built from fleetops settings.
 * Reconnection is bounded so a dead cluster fails fast instead of retrying forever.
 */
export function createCassandraClient(conn: CassandraConnection, opts: ClientOptions = {}): cassandra.Client {
  const options: cassandra.DseClientOptions = {
    contactPoints: conn.contactPoints,
    localDataCenter: conn.localDc,
    keyspace: opts.keyspace,
    socketOptions: {connectTimeout: conn.connectTimeoutMs, readTimeout: conn.requestTimeoutMs},
    policies: {
      reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(1000),
      ...(opts.retryIdempotentTimeouts ? {retry: new IdempotentRetryPolicy()} : {}),
    },
    pooling: {warmup: true},
  }
  if (conn.auth) options.authProvider = new cassandra.auth.PlainTextAuthProvider(conn.auth.username, conn.auth.password)
  if (conn.tls) options.sslOptions = tlsSocketOptions(conn.tls)
  return new cassandra.Client(options)
}

/** Connects, turning driver errors into FleetopsErrors, with a hard deadline. */
export async function connectCassandra(conn: CassandraConnection, opts: ClientOptions = {}): Promise<cassandra.Client> {
  const client = createCassandraClient(conn, opts)
  try {
    await withDeadline(client.connect(), conn.connectTimeoutMs * 2, 'connecting to Cassandra')
  } catch (error) {
    await client.shutdown().catch(() => {})
    // A plaintext client whose connection the node closes is most likely talking to a TLS-only port.
    throw classifySdkError(error, 'Cassandra', {plaintext: !conn.tls})
  }
  return client
}

export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), {name: 'TimeoutError'})), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export {cassandra}

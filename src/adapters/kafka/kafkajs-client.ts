import {Kafka, type KafkaConfig, logLevel, type SASLOptions} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import {redact} from '../../core/redact.js'
import {readPem} from '../tls-files.js'

/**
 * The one place a kafkajs client is built from fleetops connection settings.
 * kafkajs is pinned at 2.2.4 (unmaintained); everything else talks to Kafka
 * through the adapters in this folder.
 */
export function kafkajsConfig(conn: KafkaConnection, clientId = 'fleetops', verbose = false): KafkaConfig {
  const config: KafkaConfig = {
    clientId,
    brokers: conn.brokers,
    connectionTimeout: conn.connectTimeoutMs,
    authenticationTimeout: conn.connectTimeoutMs,
    requestTimeout: conn.requestTimeoutMs,
    // Bounded retries: a dead cluster must fail in seconds, not hang a cron job.
    retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 2000},
    logLevel: verbose ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry) => {
      if (!verbose) return
      process.stderr.write(`${redact(`[kafkajs] ${entry.log.message}`)}\n`)
    },
  }
  if (conn.tls) {
    config.ssl = {
      rejectUnauthorized: !conn.tls.insecureSkipVerify,
      ca: conn.tls.caFile ? [readPem(conn.tls.caFile, '--ca-file')] : undefined,
      cert: conn.tls.certFile ? readPem(conn.tls.certFile, '--cert-file') : undefined,
      key: conn.tls.keyFile ? readPem(conn.tls.keyFile, '--key-file') : undefined,
    }
  }
  if (conn.sasl) {
    config.sasl = {mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password} as SASLOptions
  }
  return config
}

export function createKafka(conn: KafkaConnection, clientId?: string, verbose?: boolean): Kafka {
  return new Kafka(kafkajsConfig(conn, clientId, verbose))
}

import type {KafkaConnection} from '../../core/connection.js'
import {redact} from '../../core/redact.js'
import {tlsSocketOptions} from '../tls-files.js'
import type {KafkaTransportOptions} from './protocol/transport.js'

/**
 * Our own Kafka connections' settings (protocol client, lag probes, range reader) from
 * fleetops connection settings: the counterpart of kafkajsConfig() for the code that does
 * not load kafkajs at all.
 */
export function transportOptions(conn: KafkaConnection, clientId = 'fleetops', verbose = false): KafkaTransportOptions {
  return {
    clientId,
    brokers: conn.brokers,
    connectionTimeout: conn.connectTimeoutMs,
    authenticationTimeout: conn.connectTimeoutMs,
    requestTimeout: conn.requestTimeoutMs,
    // Bounded retries: a dead cluster must fail in seconds, not hang a cron job.
    retry: {retries: 2},
    ...(conn.tls ? {ssl: tlsSocketOptions(conn.tls)} : {}),
    ...(conn.sasl ? {sasl: {...conn.sasl}} : {}),
    ...(verbose ? {debug: (line: string) => process.stderr.write(`${redact(`[kafka] ${line}`)}\n`)} : {}),
  }
}

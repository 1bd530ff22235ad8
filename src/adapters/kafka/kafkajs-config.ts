import {createRequire} from 'node:module'
import net from 'node:net'
import tls from 'node:tls'
import type {KafkaConfig, SASLOptions, ISocketFactory} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import {redact} from '../../core/redact.js'
import {tlsSocketOptions} from '../tls-files.js'
import {observePlaintextAnswer} from '../transport-evidence.js'

// Only kafkajs's small loggers module: the protocol client (lag, replicas) never needs the
// kafkajs entry point, whose load costs ~30 ms of every probe.
const {LEVELS: logLevel} = createRequire(import.meta.url)('kafkajs/src/loggers') as {LEVELS: {NOTHING: number; WARN: number}}

/**
 * kafkajs's own socket factory, plus one observation: a plaintext connection
 * that the broker answers with a TLS record, or closes (or leaves to time out)
 * before sending any byte, is what a TLS listener does with a plaintext client;
 * classifySdkError then says the port may require TLS.
 */
const socketFactory: ISocketFactory = ({host, port, ssl, onConnect}) => {
  const socket = ssl
    ? tls.connect({host, port, ...(net.isIP(host) ? {} : {servername: host}), ...ssl}, onConnect)
    : net.connect({host, port}, onConnect)
  socket.setKeepAlive(true, 60_000)
  if (!ssl) observePlaintextAnswer(socket, `${host}:${port}`)
  return socket
}

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
    socketFactory,
    logLevel: verbose ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry) => {
      if (!verbose) return
      process.stderr.write(`${redact(`[kafkajs] ${entry.log.message}`)}\n`)
    },
  }
  if (conn.tls) config.ssl = tlsSocketOptions(conn.tls)
  if (conn.sasl) {
    config.sasl = {mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password} as SASLOptions
  }
  return config
}

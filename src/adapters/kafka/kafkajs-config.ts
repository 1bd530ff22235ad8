import {createRequire} from 'node:module'
import type {KafkaConfig, SASLOptions, ISocketFactory} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import {redact} from '../../core/redact.js'
import {openBrokerSocket} from './broker-socket.js'
import {transportOptions} from './transport-options.js'

// Only kafkajs's small loggers module: the protocol client (lag, replicas) never needs the
// kafkajs entry point, whose load costs ~30 ms of every probe.
const {LEVELS: logLevel} = createRequire(import.meta.url)('kafkajs/src/loggers') as {LEVELS: {NOTHING: number; WARN: number}}

/** kafkajs's sockets are opened the way ours are, plaintext-to-TLS evidence included. */
const socketFactory: ISocketFactory = ({host, port, ssl, onConnect}) => openBrokerSocket(host, port, ssl, onConnect)

/**
 * The one place a kafkajs client is built from fleetops connection settings: the same
 * brokers, timeouts, TLS and SASL as our own connections (transportOptions), with kafkajs's
 * retry timing, socket factory and logger. kafkajs is pinned at 2.2.4 (unmaintained);
 * everything else talks to Kafka through the adapters in this folder.
 */
export function kafkajsConfig(conn: KafkaConnection, clientId = 'fleetops', verbose = false): KafkaConfig {
  const {brokers, connectionTimeout, authenticationTimeout, requestTimeout, ssl, sasl} = transportOptions(conn, clientId)
  return {
    clientId,
    brokers,
    connectionTimeout,
    authenticationTimeout,
    requestTimeout,
    // Bounded retries: a dead cluster must fail in seconds, not hang a cron job.
    retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 2000},
    socketFactory,
    logLevel: verbose ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry) => {
      if (!verbose) return
      process.stderr.write(`${redact(`[kafkajs] ${entry.log.message}`)}\n`)
    },
    ...(ssl === undefined ? {} : {ssl}),
    ...(sasl === undefined ? {} : {sasl: sasl as SASLOptions}),
  }
}

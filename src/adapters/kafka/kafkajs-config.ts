import {createRequire} from 'node:module'
import type {KafkaConfig, SASLOptions, ISocketFactory} from 'kafkajs'

import {type KafkaConnection, splitHostPort} from '../../core/connection.js'
import {redact} from '../../core/redact.js'
import {openBrokerSocket} from './broker-socket.js'
import {transportOptions} from './transport-options.js'

// Only kafkajs's small loggers module: the protocol client (lag, replicas) never needs the
// kafkajs entry point, whose load costs ~30 ms of every probe.
const {LEVELS: logLevel} = createRequire(import.meta.url)('kafkajs/src/loggers') as {LEVELS: {NOTHING: number; WARN: number}}

/**
 * kafkajs reads a seed broker as `broker.split(':')`, so "[::1]:9092" would become host "[".
 * Bracketed IPv6 seeds go to kafkajs under a colon-free stand-in name, which the socket factory
 * (ours, below) turns back into the address. Brokers from the metadata come with host and port
 * apart and need no stand-in.
 */
export function kafkajsSeedBrokers(brokers: string[]): {brokers: string[]; hosts: Map<string, string>} {
  const hosts = new Map<string, string>()
  const seeds = brokers.map((broker) => {
    const endpoint = broker.startsWith('[') ? splitHostPort(broker) : null
    if (!endpoint) return broker
    const standIn = `ipv6-seed-${hosts.size}.fleetops.invalid`
    hosts.set(standIn, endpoint.host)
    return `${standIn}:${endpoint.port}`
  })
  return {brokers: seeds, hosts}
}

/** kafkajs's sockets are opened the way ours are, plaintext-to-TLS evidence included. */
const socketFactoryFor =
  (hosts: Map<string, string>): ISocketFactory =>
  ({host, port, ssl, onConnect}) =>
    openBrokerSocket(hosts.get(host) ?? host, port, ssl, onConnect)

/**
 * The one place a kafkajs client is built from fleetops connection settings: the same
 * brokers, timeouts, TLS and SASL as our own connections (transportOptions), with kafkajs's
 * retry timing, socket factory and logger. kafkajs is pinned at 2.2.4 (unmaintained);
 * everything else talks to Kafka through the adapters in this folder.
 */
export function kafkajsConfig(conn: KafkaConnection, clientId = 'fleetops', verbose = false): KafkaConfig {
  const {brokers: configured, connectionTimeout, authenticationTimeout, requestTimeout, ssl, sasl} = transportOptions(conn, clientId)
  const {brokers, hosts} = kafkajsSeedBrokers(configured)
  return {
    clientId,
    brokers,
    connectionTimeout,
    authenticationTimeout,
    requestTimeout,
    // Bounded retries: a dead cluster must fail in seconds, not hang a cron job.
    retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 2000},
    socketFactory: socketFactoryFor(hosts),
    logLevel: verbose ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry) => {
      if (!verbose) return
      process.stderr.write(`${redact(`[kafkajs] ${entry.log.message}`)}\n`)
    },
    ...(ssl === undefined ? {} : {ssl}),
    ...(sasl === undefined ? {} : {sasl: sasl as SASLOptions}),
  }
}

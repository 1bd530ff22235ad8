/**
 * The shapes the protocol client and the range reader talk to Kafka through: a request
 * ready for the wire, one broker, the cluster. Implemented by broker-connection.ts and
 * cluster-connection.ts (our own sockets; no kafkajs).
 */
import type {ConnectionOptions} from 'node:tls'

import type {SaslMechanism} from '../../../core/connection.js'
import type {ListedGroup} from './list-groups.js'
import type {Reader} from './reader.js'
import type {BrokerApiVersions} from './versions.js'

/** One request ready for the wire, plus its response decoder. */
export interface RawRequest<T> {
  apiKey: number
  apiName: string
  apiVersion: number
  flexible: boolean
  /** Request body (after the request header). */
  body: Buffer
  /** Decodes the response body (header already consumed). */
  decode(r: Reader): {value: T; throttleTimeMs: number}
}

/** How to reach and authenticate to a cluster. Secrets live only in `sasl` and `ssl`. */
export interface KafkaTransportOptions {
  /** Bootstrap servers, "host:port" ("[v6]:port" for IPv6 literals). */
  brokers: string[]
  clientId?: string
  /** true = TLS with Node's defaults; an object = tls.connect options (ca, cert, key, ...). */
  ssl?: boolean | ConnectionOptions
  sasl?: {mechanism: SaslMechanism; username: string; password: string}
  /** TCP (and TLS) connect, per attempt. Default 3000 ms. */
  connectionTimeout?: number
  /** The SASL exchange. Default: connectionTimeout. */
  authenticationTimeout?: number
  /** Each request, unless the caller passes its own. Default 30000 ms. */
  requestTimeout?: number
  /** Bootstrap attempts: 1 + retries rounds over the seed brokers. Default {retries: 2}. */
  retry?: {retries?: number}
  /** Debug lines (connections, "Request Name(key: K, version: V) to host:port"); never contain secrets. */
  debug?: (message: string) => void
}

export interface InternalBroker {
  readonly nodeId: number
  /** host:port as advertised; safe to show (no credentials). */
  readonly address: string
  readonly versions: BrokerApiVersions
  send<T>(request: RawRequest<T>, requestTimeoutMs?: number): Promise<T>
}

export interface InternalCluster {
  /** Connects to a bootstrap broker (TCP, TLS, ApiVersions, SASL). */
  connect(): Promise<void>
  /** Reads the broker list and the controller from metadata (no topics). */
  refreshMetadata(): Promise<void>
  nodeIds(): number[]
  broker(nodeId: number): Promise<InternalBroker>
  /** Opens the broker's connections now: the main one, and with `fetch` also the one Fetch uses. */
  warm(nodeId: number, fetch: boolean): Promise<void>
  /** Any connected broker (for requests any broker forwards / serves). */
  anyBroker(): Promise<InternalBroker>
  /** The broker metadata names as controller (in KRaft a random broker, which forwards). */
  controllerBroker(): Promise<InternalBroker>
  /** The group coordinator of a consumer group (FindCoordinator; does not join the group). Cached per group. */
  groupCoordinator(groupId: string): Promise<InternalBroker>
  /** Learns many groups' coordinators at once where the broker can (a hint; see ClusterConnection). */
  learnGroupCoordinators(groupIds: readonly string[]): Promise<void>
  /** Drops the cached coordinator of a group (it moved): the next request asks FindCoordinator again. */
  forgetGroupCoordinator(groupId: string): void
  /** DescribeGroups sent to each group's coordinator, consumer-protocol member assignments decoded. Read-only. */
  describeGroups(groupIds: string[]): Promise<InternalGroupDescription[]>
  /** ListGroups on every broker, group ids deduplicated and sorted (share groups left out). */
  listGroups(): Promise<string[]>
  /** ListGroups on every broker with each group's protocol type, state (v4+) and type (v5+), by id. */
  listGroupListings(): Promise<ListedGroup[]>
  disconnect(): Promise<void>
}

export interface InternalGroupDescription {
  groupId: string
  state: string
  protocolType: string
  members: {
    memberId: string
    clientId: string
    /** As the broker reports it, e.g. "/127.0.0.1". */
    clientHost: string
    /** Decoded consumer-protocol assignment; [] for other protocols or an undecodable one. */
    assignments: {topic: string; partitions: number[]}[]
  }[]
}

/**
 * THE ONLY FILE THAT TOUCHES kafkajs INTERNALS.
 *
 * kafkajs 2.2.4 (pinned exactly in package.json, unmaintained) lacks DescribeLogDirs,
 * IncrementalAlterConfigs and ElectLeaders, and its admin API cannot send ListOffsets with
 * a chosen replica id to a chosen broker. We reuse its connection machinery instead of
 * writing our own socket/TLS/SASL layer:
 *
 *   kafkajs/src/cluster            Cluster: seed brokers, metadata, BrokerPool,
 *                                  findBroker({nodeId}), findControllerBroker(), getNodeIds()
 *   kafkajs/src/broker             Broker#connect() runs ApiVersions once per broker and
 *                                  stores the result in `broker.versions`
 *                                  ({[apiKey]: {minVersion, maxVersion}}), which we read
 *                                  for version negotiation
 *   kafkajs/src/network/connectionPool  `broker.connectionPool.send({request, response,
 *                                  requestTimeout})` -> Connection#send (framing, correlation
 *                                  ids, SASL (re)authentication, request timeouts)
 *   kafkajs/src/protocol/encoder   Connection#send requires request.encode() to return an
 *                                  Encoder; we wrap our own bytes with writeBuffer()
 *   kafkajs/src/loggers, loggers/console, network/socketFactory   same defaults as new Kafka()
 *
 * kafkajs writes request header v1 (api key, version, correlation id, client id). Flexible
 * request versions need header v2 = v1 + an empty tagged-field section, so for those we
 * prepend one 0x00 byte to the body. Responses arrive with the correlation id already
 * stripped; flexible responses (header v1) still start with a tagged-field section, which
 * we skip before handing the body to the request's decoder.
 *
 * kafkajs's Cluster#refreshMetadata asks for the metadata of EVERY topic when it has no
 * target topics (its encoder turns [] into a null array), decodes all of it, and throws
 * if any single partition carries an error code (e.g. LEADER_NOT_AVAILABLE for an offline
 * partition). We never use kafkajs's topic metadata, only its broker list, so each Broker
 * the pool creates (BrokerPool#createBroker) gets a `metadata([])` that sends our own
 * Metadata request for no topics (metadata.ts) and answers in kafkajs's shape with an
 * empty topic list. Connecting therefore costs the same on 10 or 100,000 partitions and
 * works while partitions are offline.
 *
 * If kafkajs is ever upgraded, re-read those modules; `assertKafkajsVersion()` refuses to
 * run against any other version.
 */
import {createRequire} from 'node:module'
import type {KafkaConfig} from 'kafkajs'

import {FleetopsError, isFleetopsError} from '../../../core/errors.js'
import {METADATA_KEY, METADATA_VERSIONS, metadataRequest} from './metadata.js'
import {ProtocolDecodeError, Reader, fleetopsCodeFor, kafkaCodeOf, kafkaErrorName, negotiateVersion, retryWhileCoordinatorMoves, type BrokerApiVersions} from './shared.js'

export const KAFKAJS_PINNED_VERSION = '2.2.4'

const require = createRequire(import.meta.url)

/** The subset of `new Kafka({...})` options the protocol client accepts. */
export type ProtocolClientOptions = Pick<
  KafkaConfig,
  | 'brokers'
  | 'ssl'
  | 'sasl'
  | 'clientId'
  | 'connectionTimeout'
  | 'authenticationTimeout'
  | 'requestTimeout'
  | 'logLevel'
  | 'logCreator'
  | 'retry'
  | 'socketFactory'
>

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

export interface InternalBroker {
  readonly nodeId: number
  /** host:port as advertised; safe to show (no credentials). */
  readonly address: string
  readonly versions: BrokerApiVersions
  send<T>(request: RawRequest<T>, requestTimeoutMs?: number): Promise<T>
}

export interface InternalCluster {
  connect(): Promise<void>
  refreshMetadata(): Promise<void>
  nodeIds(): number[]
  broker(nodeId: number): Promise<InternalBroker>
  /** Any connected broker (for requests any broker forwards / serves). */
  anyBroker(): Promise<InternalBroker>
  /** The broker metadata names as controller (in KRaft a random broker, which forwards). */
  controllerBroker(): Promise<InternalBroker>
  /** The group coordinator of a consumer group (FindCoordinator; does not join the group). Cached per group. */
  groupCoordinator(groupId: string): Promise<InternalBroker>
  /** Drops the cached coordinator of a group (it moved): the next request asks FindCoordinator again. */
  forgetGroupCoordinator(groupId: string): void
  /**
   * DescribeGroups sent to each group's coordinator (kafkajs's Broker#describeGroups, the
   * same request admin.describeGroups sends), with consumer-protocol member assignments
   * decoded. Read-only: it does not join the groups.
   */
  describeGroups(groupIds: string[]): Promise<InternalGroupDescription[]>
  /** ListGroups on every broker (kafkajs's Broker#listGroups), group ids deduplicated. */
  listGroups(): Promise<string[]>
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

// Shapes of the kafkajs internals we call (untyped JavaScript).
interface KjsEncoder {
  writeBuffer(b: Buffer): KjsEncoder
}
interface KjsBroker {
  nodeId: number | string | null
  versions: BrokerApiVersions | null
  connectionPool: {
    host: string
    port: number
    send(protocolRequest: unknown): Promise<unknown>
  }
  disconnect(): Promise<void>
}
interface KjsGroupDescription {
  groupId: string
  state: string
  protocolType: string
  members: {memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer | null}[]
}
interface KjsBrokerRequests {
  describeGroups(q: {groupIds: string[]}): Promise<{groups: KjsGroupDescription[]}>
  listGroups(): Promise<{groups: {groupId: string}[]}>
}
interface KjsMetadataBroker extends KjsBroker {
  metadata(topics?: string[]): Promise<unknown>
}
interface KjsCluster {
  connect(): Promise<void>
  refreshMetadata(): Promise<void>
  disconnect(): Promise<void>
  getNodeIds(): Array<string | number>
  findBroker(q: {nodeId: number | string}): Promise<KjsBroker>
  findControllerBroker(): Promise<KjsBroker>
  findGroupCoordinator(q: {groupId: string}): Promise<KjsBroker>
  brokerPool: {findConnectedBroker(): Promise<KjsBroker>}
}

let checked = false
export function assertKafkajsVersion(): void {
  if (checked) return
  const pkg = require('kafkajs/package.json') as {version?: string}
  if (pkg.version !== KAFKAJS_PINNED_VERSION) {
    throw new FleetopsError(
      'INTERNAL',
      `fleetops's Kafka protocol adapter relies on kafkajs ${KAFKAJS_PINNED_VERSION} internals but found kafkajs ${String(pkg.version)}; ` +
        're-check src/adapters/kafka/protocol/kafkajs-internals.ts before changing the pin.',
    )
  }
  checked = true
}

export function openInternalCluster(options: ProtocolClientOptions): InternalCluster {
  assertKafkajsVersion()
  const Cluster = require('kafkajs/src/cluster') as new (opts: Record<string, unknown>) => KjsCluster
  const loggers = require('kafkajs/src/loggers') as {
    createLogger(o: {level: number; logCreator: unknown}): unknown
    LEVELS: Record<string, number>
  }
  const LoggerConsole = require('kafkajs/src/loggers/console') as unknown
  const defaultSocketFactory = require('kafkajs/src/network/socketFactory') as () => unknown
  const Encoder = require('kafkajs/src/protocol/encoder') as new () => KjsEncoder
  const AssignerProtocol = require('kafkajs/src/consumer/assignerProtocol') as {
    MemberAssignment: {decode(b: Buffer): {assignment: Record<string, number[]>} | null}
  }
  const decodeAssignment = (protocolType: string, buffer: Buffer | null | undefined): {topic: string; partitions: number[]}[] => {
    if (protocolType !== 'consumer' || !buffer || buffer.length === 0) return []
    try {
      const decoded = AssignerProtocol.MemberAssignment.decode(buffer)
      if (!decoded) return []
      return Object.entries(decoded.assignment)
        .map(([topic, partitions]) => ({topic, partitions: [...partitions].sort((a, b) => a - b)}))
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
    } catch {
      return []
    }
  }

  const cluster = new Cluster({
    logger: loggers.createLogger({
      level: options.logLevel ?? loggers.LEVELS.ERROR!,
      logCreator: options.logCreator ?? LoggerConsole,
    }),
    socketFactory: options.socketFactory ?? defaultSocketFactory(),
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl,
    clientId: options.clientId ?? 'fleetops',
    connectionTimeout: options.connectionTimeout ?? 3000,
    authenticationTimeout: options.authenticationTimeout,
    requestTimeout: options.requestTimeout ?? 30000,
    enforceRequestTimeout: true,
    retry: options.retry ?? {retries: 2},
    metadataMaxAge: 300000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    offsets: new Map(),
  })

  // Brokers-only metadata for kafkajs's own refreshes (see the module comment).
  const pool = (cluster as unknown as {brokerPool: {createBroker(options: unknown): KjsMetadataBroker}}).brokerPool
  const createBroker = pool.createBroker
  pool.createBroker = (brokerOptions: unknown) => {
    const broker = createBroker(brokerOptions)
    const allTopics = broker.metadata.bind(broker)
    broker.metadata = async (topics: string[] = []) => {
      if (topics.length > 0) return allTopics(topics)
      const label = `broker ${String(broker.nodeId ?? 'seed')} (${broker.connectionPool.host}:${broker.connectionPool.port})`
      const version = negotiateVersion('Metadata', METADATA_KEY, METADATA_VERSIONS, broker.versions ?? {}, label)
      const res = await wrap(broker).send(metadataRequest(version, []))
      return {throttleTime: 0, brokers: res.brokers, clusterId: res.clusterId, controllerId: res.controllerId, topicMetadata: []}
    }
    return broker
  }

  const wrap = (b: KjsBroker): InternalBroker => {
    const address = `${b.connectionPool.host}:${b.connectionPool.port}`
    const nodeId = Number(b.nodeId)
    return {
      nodeId,
      address,
      versions: b.versions ?? {},
      async send<T>(req: RawRequest<T>, requestTimeoutMs?: number): Promise<T> {
        const protocolRequest = {
          request: {
            apiKey: req.apiKey,
            apiVersion: req.apiVersion,
            apiName: req.apiName,
            // Flexible versions use request header v2: one extra empty tagged-field byte.
            encode: async () =>
              new Encoder().writeBuffer(req.flexible ? Buffer.concat([Buffer.from([0]), req.body]) : req.body),
          },
          response: {
            decode: async (payload: Buffer) => {
              const r = new Reader(payload, req.flexible)
              r.tags() // response header v1 tagged fields (flexible versions only)
              const {value, throttleTimeMs} = req.decode(r)
              return {value, clientSideThrottleTime: throttleTimeMs}
            },
            parse: async (decoded: {value: T}) => decoded.value,
          },
          requestTimeout: requestTimeoutMs ?? null,
          logResponseError: false,
        }
        try {
          return (await b.connectionPool.send(protocolRequest)) as T
        } catch (e) {
          // Same recovery Broker#sendRequest does: drop a connection the server closed.
          if ((e as {name?: string}).name === 'KafkaJSConnectionClosedError') await b.disconnect().catch(() => {})
          throw toFleetopsError(e, `${req.apiName} v${req.apiVersion} to broker ${nodeId} (${address})`)
        }
      },
    }
  }

  const guarded = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (e) {
      throw toFleetopsError(e, what)
    }
  }

  // One FindCoordinator per group per client: OffsetFetch and DescribeGroups share it.
  const coordinators = new Map<string, Promise<KjsBroker>>()
  const coordinatorOf = (groupId: string): Promise<KjsBroker> => {
    let p = coordinators.get(groupId)
    if (!p) {
      p = cluster.findGroupCoordinator({groupId})
      p.catch(() => coordinators.delete(groupId))
      coordinators.set(groupId, p)
    }
    return p
  }

  return {
    connect: () => guarded('connecting to the Kafka cluster', () => cluster.connect()),
    refreshMetadata: () => guarded('fetching Kafka cluster metadata', () => cluster.refreshMetadata()),
    nodeIds: () => cluster.getNodeIds().map(Number).sort((a, b) => a - b),
    broker: (nodeId) => guarded(`connecting to broker ${nodeId}`, async () => wrap(await cluster.findBroker({nodeId}))),
    anyBroker: () => guarded('connecting to a broker', async () => wrap(await cluster.brokerPool.findConnectedBroker())),
    controllerBroker: () => guarded('connecting to the controller', async () => wrap(await cluster.findControllerBroker())),
    groupCoordinator: (groupId) => guarded(`finding the coordinator of group "${groupId}"`, async () => wrap(await coordinatorOf(groupId))),
    forgetGroupCoordinator: (groupId) => {
      coordinators.delete(groupId)
    },
    describeGroups: (groupIds) =>
      guarded('describing consumer groups', async () => {
        // One request per coordinator. kafkajs fails the whole answer on any group's error,
        // so when a coordinator moved, every group is looked up again and asked again.
        const describeAll = async (): Promise<{groups: KjsGroupDescription[]}[]> => {
          const byCoordinator = new Map<number, {broker: KjsBroker; groupIds: string[]}>()
          await Promise.all(
            groupIds.map(async (groupId) => {
              const broker = await coordinatorOf(groupId)
              const id = Number(broker.nodeId)
              const entry = byCoordinator.get(id)
              if (entry) entry.groupIds.push(groupId)
              else byCoordinator.set(id, {broker, groupIds: [groupId]})
            }),
          )
          return Promise.all([...byCoordinator.values()].map(({broker, groupIds}) => (broker as unknown as KjsBrokerRequests).describeGroups({groupIds})))
        }
        const answers = await retryWhileCoordinatorMoves(describeAll, kafkaCodeOf, () => {
          for (const groupId of groupIds) coordinators.delete(groupId)
        })
        return answers.flatMap((a) =>
          a.groups.map((g) => ({
            groupId: g.groupId,
            state: g.state,
            protocolType: g.protocolType,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              assignments: decodeAssignment(g.protocolType, m.memberAssignment),
            })),
          })),
        )
      }),
    listGroups: () =>
      guarded('listing consumer groups', async () => {
        const ids = cluster.getNodeIds()
        const answers = await Promise.all(
          ids.map(async (nodeId) => ((await cluster.findBroker({nodeId})) as unknown as KjsBrokerRequests).listGroups()),
        )
        return [...new Set(answers.flatMap((a) => a.groups.map((g) => g.groupId)))].sort()
      }),
    disconnect: () => cluster.disconnect(),
  }
}

const UNAVAILABLE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
])

/**
 * kafkajs (and decode) errors as FleetopsErrors. kafkajs messages carry broker addresses
 * and server error text but never the SASL/TLS options, so they are safe to repeat.
 */
export function toFleetopsError(e: unknown, context: string): FleetopsError {
  if (isFleetopsError(e)) return e
  const err = e as {name?: string; message?: string; type?: string; code?: unknown; cause?: unknown}
  // Retries wrap the last error; report the underlying one.
  if (err.name === 'KafkaJSNumberOfRetriesExceeded' && err.cause) return toFleetopsError(err.cause, context)
  const message = `${context}: ${err.message ?? String(e)}`
  if (err.name && UNAVAILABLE_ERRORS.has(err.name)) return new FleetopsError('UNAVAILABLE', message, {cause: e})
  if (err.name === 'KafkaJSSASLAuthenticationError') return new FleetopsError('AUTH', message, {cause: e})
  if (err.name === 'KafkaJSProtocolError' && typeof err.code === 'number') {
    return new FleetopsError(fleetopsCodeFor(err.code), `${context}: ${kafkaErrorName(err.code)} (${err.code})`, {cause: e})
  }
  if (e instanceof ProtocolDecodeError) return new FleetopsError('INTERNAL', `${context}: could not decode the response (${e.message})`, {cause: e})
  // Socket-level errors from TLS setup etc.
  if (typeof err.code === 'string' && /^E[A-Z]+/.test(err.code)) return new FleetopsError('UNAVAILABLE', message, {cause: e})
  return new FleetopsError('INTERNAL', message, {cause: e})
}

/**
 * A Kafka cluster as the protocol client sees it: bootstrap brokers, the broker list and
 * controller from metadata, one connection per broker (opened on first use, reopened when
 * it closed or its SASL session is ending), plus a second one per broker for Fetch, whose
 * long polls would otherwise hold up the requests queued behind them.
 *
 * Metadata is always asked for no topics: the broker list costs the same on 10 or 100,000
 * partitions, and an offline partition anywhere cannot make connecting fail.
 *
 * Group requests (FindCoordinator, DescribeGroups, ListGroups) are read-only: no group is
 * joined, nothing is committed.
 */
import {splitHostPort} from '../../../core/connection.js'
import {retryWithBackoff} from '../../retry-backoff.js'
import {BrokerConnection} from './broker-connection.js'
import {DESCRIBE_GROUPS_KEY, DESCRIBE_GROUPS_VERSIONS, describeGroupsRequest, type DescribedGroup} from './describe-groups.js'
import {FETCH_KEY} from './fetch.js'
import {FIND_COORDINATOR_KEY, FIND_COORDINATOR_VERSIONS, FIND_COORDINATORS_VERSIONS, findGroupCoordinatorRequest, findGroupCoordinatorsRequest} from './find-coordinator.js'
import {LIST_GROUPS_KEY, LIST_GROUPS_VERSIONS, listGroupsRequest, type ListedGroup} from './list-groups.js'
import {METADATA_KEY, METADATA_VERSIONS, metadataRequest} from './metadata.js'
import {negotiateVersion, type VersionRange} from './versions.js'
import {COORDINATOR_MOVED_CODES, KafkaCodeError, KafkaErrorCode, kafkaCodeOf, kafkaError} from './errors.js'
import {retryWhileCoordinatorMoves} from './coordinator-retry.js'
import {byLeader} from './by-leader.js'
import {KafkaBrokerNotFoundError, KafkaConnectionError, isTransient, toFleetopsError} from './transport-errors.js'
import type {InternalBroker, InternalCluster, InternalGroupDescription, KafkaTransportOptions, RawRequest} from './transport.js'

interface Endpoint {
  host: string
  port: number
}

/** "host:port", "[v6]:port" (the shape --brokers accepts). */
export function parseBrokerAddress(address: string): Endpoint {
  const endpoint = splitHostPort(address)
  if (!endpoint) throw new KafkaConnectionError(`"${address}" is not host:port`)
  return endpoint
}

/** Groups per batched FindCoordinator (v4+): a request of a few tens of KiB. */
const COORDINATOR_KEYS_PER_REQUEST = 500

/** A connection that is opened once and reopened after it closed; concurrent callers share one attempt. */
class Lane {
  private current: BrokerConnection | null = null
  private opening: Promise<BrokerConnection> | null = null

  constructor(
    private readonly open: () => Promise<BrokerConnection>,
    initial: BrokerConnection | null = null,
  ) {
    this.current = initial
  }

  get(): Promise<BrokerConnection> {
    if (this.current?.usable) return Promise.resolve(this.current)
    if (!this.opening) {
      this.current?.close()
      this.current = null
      this.opening = this.open().then(
        (c) => {
          this.current = c
          this.opening = null
          return c
        },
        (e: unknown) => {
          this.opening = null
          throw e
        },
      )
    }
    return this.opening
  }

  get connected(): BrokerConnection | null {
    return this.current?.usable ? this.current : null
  }

  close(): void {
    this.current?.close()
    this.current = null
    // An attempt in flight closes its connection when it lands.
    this.opening?.then((c) => c.close()).catch(() => {})
    this.opening = null
  }
}

export function openCluster(options: KafkaTransportOptions): InternalCluster {
  return new ClusterConnection(options)
}

class ClusterConnection implements InternalCluster {
  private readonly seeds: Endpoint[]
  private seedIndex: number
  private seed: Lane | null = null
  private readonly addresses = new Map<number, Endpoint>()
  private controllerId = -1
  private readonly lanes = new Map<string, Lane>()
  private readonly coordinators = new Map<string, Promise<number>>()

  constructor(private readonly options: KafkaTransportOptions) {
    this.seeds = options.brokers.map(parseBrokerAddress)
    // Spread bootstrap load over the seed list, as the Java client does.
    this.seedIndex = Math.floor(Math.random() * Math.max(1, this.seeds.length))
  }

  async connect(): Promise<void> {
    await this.guarded('connecting to the Kafka cluster', () => this.seedConnection())
  }

  refreshMetadata(): Promise<void> {
    return this.guarded('fetching Kafka cluster metadata', () => this.readMetadata())
  }

  private async readMetadata(): Promise<void> {
    const candidates: (() => Promise<BrokerConnection>)[] = [
      ...[...this.lanes.values()].map((lane) => () => lane.connected ? Promise.resolve(lane.connected) : Promise.reject(new KafkaConnectionError('not connected'))),
      () => this.seedConnection(),
    ]
    let lastError: unknown = null
    for (const get of candidates) {
      try {
        const c = await get()
        const version = negotiateVersion('Metadata', METADATA_KEY, METADATA_VERSIONS, c.versions, `broker ${c.address}`)
        const res = await c.send(metadataRequest(version, []))
        if (res.errorCode !== 0) throw kafkaError(res.errorCode, `Metadata from ${c.address}`)
        this.addresses.clear()
        for (const b of res.brokers) this.addresses.set(b.nodeId, {host: b.host, port: b.port})
        this.controllerId = res.controllerId
        this.adoptSeed(c)
        for (const [key, lane] of this.lanes) {
          const id = Number(key.split('/')[0])
          if (!this.addresses.has(id)) {
            lane.close()
            this.lanes.delete(key)
          }
        }
        return
      } catch (error) {
        lastError = error
        if (!isTransient(error)) throw error
      }
    }
    throw lastError
  }

  nodeIds(): number[] {
    return [...this.addresses.keys()].sort((a, b) => a - b)
  }

  async broker(nodeId: number): Promise<InternalBroker> {
    return this.guarded(`connecting to broker ${nodeId}`, async () => {
      const main = await this.lane(nodeId, 'main')
      return this.wrap(nodeId, await main.get())
    })
  }

  async warm(nodeId: number, fetch: boolean): Promise<void> {
    await this.guarded(`connecting to broker ${nodeId}`, async () => {
      const kinds: ('main' | 'fetch')[] = fetch ? ['main', 'fetch'] : ['main']
      await Promise.all(kinds.map(async (kind) => (await this.lane(nodeId, kind)).get()))
    })
  }

  async anyBroker(): Promise<InternalBroker> {
    return this.guarded('connecting to a broker', async () => {
      for (const [key, lane] of this.lanes) {
        if (key.endsWith('/main') && lane.connected) return this.wrap(Number(key.split('/')[0]), lane.connected)
      }
      const ids = this.nodeIds()
      if (ids.length === 0) {
        await this.readMetadata()
        if (this.nodeIds().length === 0) throw new KafkaBrokerNotFoundError('the cluster metadata lists no brokers')
      }
      let lastError: unknown = null
      for (const id of this.nodeIds()) {
        try {
          return this.wrap(id, await (await this.lane(id, 'main')).get())
        } catch (error) {
          lastError = error
        }
      }
      throw lastError
    })
  }

  async controllerBroker(): Promise<InternalBroker> {
    if (!this.addresses.has(this.controllerId)) await this.refreshMetadata()
    return this.broker(this.controllerId)
  }

  async groupCoordinator(groupId: string): Promise<InternalBroker> {
    return this.guarded(`finding the coordinator of group "${groupId}"`, async () => this.broker(await this.coordinatorOf(groupId)))
  }

  /**
   * Learns the coordinators of many groups in one FindCoordinator v4+ per COORDINATOR_KEYS_PER_REQUEST
   * groups, where the broker speaks it (Kafka 3.0+), so that a sweep of a thousand groups does
   * not ask a thousand times. Only a hint: groups it could not place (an error for the key,
   * an older broker, a failed request) are asked one at a time when used, as before.
   */
  async learnGroupCoordinators(groupIds: readonly string[]): Promise<void> {
    const unknown = [...new Set(groupIds)].filter((g) => !this.coordinators.has(g))
    if (unknown.length < 2) return
    let b: InternalBroker
    try {
      b = await this.anyConnectedBroker()
    } catch {
      return
    }
    const theirs = b.versions[FIND_COORDINATOR_KEY]
    if (!theirs || theirs.maxVersion < FIND_COORDINATORS_VERSIONS.min) return
    const version = Math.min(theirs.maxVersion, FIND_COORDINATORS_VERSIONS.max)
    const pages: string[][] = []
    for (let i = 0; i < unknown.length; i += COORDINATOR_KEYS_PER_REQUEST) pages.push(unknown.slice(i, i + COORDINATOR_KEYS_PER_REQUEST))
    await Promise.all(
      pages.map(async (page) => {
        let found
        try {
          found = await b.send(findGroupCoordinatorsRequest(version, page))
        } catch {
          return
        }
        for (const c of found) {
          if (c.errorCode !== 0 || c.nodeId < 0 || this.coordinators.has(c.key)) continue
          if (!this.addresses.has(c.nodeId)) {
            this.addresses.set(c.nodeId, {host: c.host, port: c.port})
            this.adoptSeed(this.seed?.connected ?? null)
          }
          this.coordinators.set(c.key, Promise.resolve(c.nodeId))
        }
      }),
    )
  }

  forgetGroupCoordinator(groupId: string): void {
    this.coordinators.delete(groupId)
  }

  async describeGroups(groupIds: string[]): Promise<InternalGroupDescription[]> {
    return this.guarded('describing consumer groups', async () => {
      const describeAll = async (): Promise<DescribedGroup[]> => {
        await this.learnGroupCoordinators(groupIds)
        const coordinators = await Promise.all(groupIds.map((groupId) => this.coordinatorOf(groupId)))
        const answers = await byLeader(
          groupIds.keys(),
          (i) => coordinators[i]!,
          async (id, indexes) => {
            const b = await this.broker(id)
            const ids = indexes.map((i) => groupIds[i]!)
            return b.send(describeGroupsRequest(this.version(b, 'DescribeGroups', DESCRIBE_GROUPS_KEY, DESCRIBE_GROUPS_VERSIONS), ids))
          },
        )
        const groups = answers.flat()
        // A coordinator that moved answers NOT_COORDINATOR for its groups: ask them all again.
        const moved = groups.find((g) => COORDINATOR_MOVED_CODES.has(g.errorCode))
        if (moved) throw new KafkaCodeError(moved.errorCode, `DescribeGroups of group "${moved.groupId}": the coordinator moved`)
        const failed = groups.find((g) => g.errorCode !== 0 && g.errorCode !== KafkaErrorCode.GROUP_ID_NOT_FOUND)
        if (failed) throw kafkaError(failed.errorCode, `DescribeGroups of group "${failed.groupId}"`)
        // v6: not found or not a classic group; v1-v5 say "Dead" for both, and so do we.
        return groups.map((g) => (g.errorCode === KafkaErrorCode.GROUP_ID_NOT_FOUND ? {...g, errorCode: 0, state: 'Dead', protocolType: '', members: []} : g))
      }
      const groups = await retryWhileCoordinatorMoves(describeAll, kafkaCodeOf, () => {
        for (const groupId of groupIds) this.coordinators.delete(groupId)
      })
      return groups.map(({errorCode: _, ...g}) => g)
    })
  }

  async listGroups(): Promise<string[]> {
    // Share groups (KIP-932) commit no offsets and DescribeGroups does not know them: not consumer groups to probe.
    return (await this.listGroupListings()).filter((g) => g.groupType !== 'share').map((g) => g.groupId)
  }

  async listGroupListings(): Promise<ListedGroup[]> {
    return this.guarded('listing consumer groups', async () => {
      const answers = await Promise.all(
        this.nodeIds().map(async (id) => {
          const b = await this.broker(id)
          const res = await b.send(listGroupsRequest(this.version(b, 'ListGroups', LIST_GROUPS_KEY, LIST_GROUPS_VERSIONS)))
          if (res.errorCode !== 0) throw kafkaError(res.errorCode, `ListGroups on broker ${id}`)
          return res.groups
        }),
      )
      // Each group has one coordinator; a group listed twice (the coordinator moved between answers) is kept once.
      const byId = new Map<string, ListedGroup>()
      for (const g of answers.flat()) if (!byId.has(g.groupId)) byId.set(g.groupId, g)
      return [...byId.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
    })
  }

  async disconnect(): Promise<void> {
    for (const lane of this.lanes.values()) lane.close()
    this.lanes.clear()
    this.seed?.close()
    this.seed = null
    this.coordinators.clear()
  }

  // -------------------------------------------------------------------------

  /** Any broker once the broker list is known; before that, the bootstrap connection itself (node id unknown: -1). */
  private async anyConnectedBroker(): Promise<InternalBroker> {
    if (this.nodeIds().length > 0) return this.anyBroker()
    const seed = await this.guarded('connecting to the Kafka cluster', () => this.seedConnection())
    return this.handle(-1, seed, seed.address, async () => seed)
  }

  /** The bootstrap connection doubles as its broker's main connection: one handshake fewer. */
  private adoptSeed(c: BrokerConnection | null): void {
    if (!c || c !== this.seed?.connected) return
    for (const [id, endpoint] of this.addresses) {
      if (endpoint.host === c.host && endpoint.port === c.port && !this.lanes.has(`${id}/main`)) {
        this.lanes.set(`${id}/main`, new Lane(() => BrokerConnection.open(endpoint.host, endpoint.port, this.options), c))
      }
    }
  }

  /** A live bootstrap connection: the current one, or the next seed that answers, with bounded retries. */
  private seedConnection(): Promise<BrokerConnection> {
    if (this.seeds.length === 0) return Promise.reject(new KafkaConnectionError('no bootstrap brokers given'))
    this.seed ??= new Lane(() => {
      const retry = this.options.retry ?? {}
      const attempts = (retry.retries ?? 2) + 1
      return retryWithBackoff(
        async () => {
          let lastError: unknown = null
          for (let i = 0; i < this.seeds.length; i++) {
            const {host, port} = this.seeds[(this.seedIndex + i) % this.seeds.length]!
            try {
              return await BrokerConnection.open(host, port, this.options)
            } catch (error) {
              lastError = error
              if (!isTransient(error)) throw error
            }
          }
          this.seedIndex = (this.seedIndex + 1) % this.seeds.length
          throw lastError
        },
        isTransient,
        {attempts},
      )
    })
    return this.seed.get()
  }

  private async lane(nodeId: number, kind: 'main' | 'fetch'): Promise<Lane> {
    if (!this.addresses.has(nodeId)) {
      await this.readMetadata()
      if (!this.addresses.has(nodeId)) {
        throw new KafkaBrokerNotFoundError(`broker ${nodeId} is not in the cluster metadata (known brokers: ${this.nodeIds().join(', ') || 'none'})`)
      }
    }
    const key = `${nodeId}/${kind}`
    let lane = this.lanes.get(key)
    if (!lane) {
      lane = new Lane(() => {
        const endpoint = this.addresses.get(nodeId)
        if (!endpoint) return Promise.reject(new KafkaBrokerNotFoundError(`broker ${nodeId} is no longer in the cluster metadata`))
        return BrokerConnection.open(endpoint.host, endpoint.port, this.options)
      })
      this.lanes.set(key, lane)
    }
    return lane
  }

  /** A broker by id: each request goes over its current main or Fetch connection (reopened when needed). */
  private wrap(nodeId: number, first: BrokerConnection): InternalBroker {
    return this.handle(nodeId, first, `broker ${nodeId} (${first.address})`, async (req) => (await this.lane(nodeId, req.apiKey === FETCH_KEY ? 'fetch' : 'main')).get())
  }

  /** A broker as callers see it: requests go over `connectionFor(request)`; failures name `label`. */
  private handle(nodeId: number, first: BrokerConnection, label: string, connectionFor: (req: RawRequest<unknown>) => Promise<BrokerConnection>): InternalBroker {
    return {
      nodeId,
      address: first.address,
      versions: first.versions,
      send: async <T>(req: RawRequest<T>, requestTimeoutMs?: number): Promise<T> => {
        try {
          return await (await connectionFor(req)).send(req, requestTimeoutMs)
        } catch (error) {
          throw toFleetopsError(error, `${req.apiName} v${req.apiVersion} to ${label}`)
        }
      },
    }
  }

  private coordinatorOf(groupId: string): Promise<number> {
    let p = this.coordinators.get(groupId)
    if (!p) {
      p = (async () => {
        // Any broker answers FindCoordinator, the bootstrap one included: the question does
        // not wait for the broker list (Metadata), which is read meanwhile.
        const b = await this.anyConnectedBroker()
        const res = await b.send(findGroupCoordinatorRequest(this.version(b, 'FindCoordinator', FIND_COORDINATOR_KEY, FIND_COORDINATOR_VERSIONS), groupId))
        if (res.errorCode !== 0) throw kafkaError(res.errorCode, `FindCoordinator for group "${groupId}"`, res.errorMessage)
        // The answer carries the coordinator's address, so it can be reached before the
        // broker list arrives; the next Metadata replaces the whole list.
        if (!this.addresses.has(res.nodeId)) {
          this.addresses.set(res.nodeId, {host: res.host, port: res.port})
          this.adoptSeed(this.seed?.connected ?? null)
        }
        return res.nodeId
      })()
      p.catch(() => this.coordinators.delete(groupId))
      this.coordinators.set(groupId, p)
    }
    return p
  }

  private version(b: InternalBroker, apiName: string, apiKey: number, ours: VersionRange): number {
    return negotiateVersion(apiName, apiKey, ours, b.versions, b.nodeId < 0 ? `broker ${b.address}` : `broker ${b.nodeId} (${b.address})`)
  }

  private async guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw toFleetopsError(error, what)
    }
  }
}

import {badInput} from '../errors.js'
import {cassandraLine, cassandraModuleFlags, type JavaMajor, jmxFlags} from './cassandra-runtime.js'
import {type KafkaSecurityConfig, kafkaSecurityProperties, type SecureSpec} from './security.js'

/**
 * The sandbox's shape: which nodes run where, and the exact configuration
 * files and JVM flags for each. Pure, so the recipe is unit-tested; the
 * sandbox service only writes these files and starts the processes.
 */

export const DEFAULT_KAFKA_VERSION = '4.4.0'
/** The newest 5.0 that Maven Central serves (4.1.x is supported too: see cassandra-runtime.ts). */
export const DEFAULT_CASSANDRA_VERSION = '5.0.9'
export const SANDBOX_DC = 'datacenter1'

export interface KafkaNodeSpec {
  id: number
  host: string
  port: number
  controllerPort: number
  /** The first nodes are combined broker+controller voters; added brokers are broker-only. */
  roles: 'broker,controller' | 'broker'
  rack: string
}

export interface CassandraNodeSpec {
  id: number
  host: string
  port: number
  /** Its datacenter; absent in sandboxes made before `--cassandra-dcs` (they run SANDBOX_DC). */
  dc?: string
  rack: string
  /** Explicit tokens (initial_token). Empty: Cassandra's allocator chooses `numTokens` tokens at the first start. */
  tokens: string[]
  /** num_tokens when `tokens` is empty (allocator nodes); absent in sandboxes made before the allocator default. */
  numTokens?: number
  /** Initial nodes start together with auto_bootstrap off; added nodes bootstrap. */
  bootstrap: boolean
  /** -Dcassandra.ring_delay_ms when not the sandbox's 5 s (how long a bootstrapping node stays JOINING before it streams). */
  ringDelayMs?: number
}

export interface SandboxSpec {
  name: string
  /** First three octets of the loopback addresses, e.g. "127.0.0". */
  network: string
  kafka?: {version: string; nodes: KafkaNodeSpec[]; voters: number[]}
  cassandra?: {version: string; nodes: CassandraNodeSpec[]; seeds: number[]}
  /** Present for a secure sandbox (`sandbox up --secure`): TLS, SASL/SCRAM and Cassandra auth. */
  secure?: SecureSpec
}

export function validateNetwork(network: string): string {
  const m = /^127\.(\d{1,3})\.(\d{1,3})$/.exec(network)
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) {
    throw badInput(`sandbox network "${network}" must be a loopback prefix such as 127.0.0 (nodes get .1, .2, ...)`)
  }
  return network
}

export function validateVersion(version: string, product: 'kafka' | 'cassandra'): string {
  if (product === 'cassandra') {
    cassandraLine(version)
    return version
  }
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw badInput(`--${product}-version "${version}" must look like 4.1.1`)
    const [major, minor] = version.split('.').map(Number)
    if (major < 3 || (major === 3 && minor < 9)) throw badInput(`--kafka-version ${version} is too old; the sandbox runs KRaft from 3.9.0 on`)
  return version
}

export function hostFor(network: string, id: number): string {
  if (id < 1 || id > 254) throw badInput(`node id ${id} is out of range 1..254`)
  return `${network}.${id}`
}

/**
 * Evenly interleaved Murmur3 tokens for `nodes` nodes with `perNode` tokens
 * each: token k of node i sits at position (k*nodes + i) / (nodes*perNode) of
 * the ring, so every node owns exactly 1/nodes of the range.
 */
export function balancedTokens(nodes: number, perNode: number): string[][] {
  const total = BigInt(nodes * perNode)
  const span = 2n ** 64n
  const min = -(2n ** 63n)
  const out: string[][] = []
  for (let i = 0; i < nodes; i++) {
    const tokens: string[] = []
    for (let k = 0; k < perNode; k++) {
      const position = BigInt(k * nodes + i)
      tokens.push(String(min + (span * position) / total))
    }
    out.push(tokens)
  }
  return out
}

/** num_tokens of a new sandbox: what cassandra.yaml ships with since 4.0 (4.1 and 5.0 alike). */
export const DEFAULT_TOKENS_PER_NODE = 16
/** allocate_tokens_for_local_replication_factor as 4.1's and 5.0's cassandra.yaml ship it. */
export const ALLOCATOR_LOCAL_RF = 3

/**
 * How the initial nodes get their tokens:
 * - `allocator`: as the shipped cassandra.yaml does it (num_tokens + allocate_tokens_for_local_replication_factor: 3,
 *   no initial_token). The nodes start one at a time, as Cassandra requires, each allocating against the tokens
 *   of the nodes before it. With no ring yet (the first node), and for the first RF nodes, Cassandra's
 *   allocator itself seeds the layout: a random start token, then repeatedly the largest range split at a
 *   ratio of 0.553..0.628 (TokenAllocatorBase.generateSplits, CASSANDRA-15600); later nodes get the
 *   replication-aware allocation.
 * - `even`: evenly interleaved initial_token lists (what operators hand-assign to single-token clusters).
 */
export type TokenAllocation = 'allocator' | 'even'

/** The default: the allocator, except for one token per node, which nobody allocates (a single-token ring is hand-assigned). */
export function defaultTokenAllocation(tokensPerNode: number): TokenAllocation {
  return tokensPerNode === 1 ? 'even' : 'allocator'
}

/** What a user asks `sandbox up` for: name, network, node counts and server versions. */
export interface SandboxRequest {
  name: string
  network: string
  kafkaNodes: number
  cassandraNodes: number
  /** Datacenters the Cassandra nodes are spread over (default 1); `cassandraNodes` is per DC. */
  cassandraDcs?: number
  kafkaVersion: string
  cassandraVersion: string
  tokensPerNode: number
  /** Default: defaultTokenAllocation(tokensPerNode). */
  tokenAllocation?: TokenAllocation
}

export function initialSpec(opts: SandboxRequest): SandboxSpec {
  const spec: SandboxSpec = {name: opts.name, network: validateNetwork(opts.network)}
  if (opts.kafkaNodes > 0) {
    const voters = Array.from({length: Math.min(opts.kafkaNodes, 3)}, (_, i) => i + 1)
    spec.kafka = {
      version: validateVersion(opts.kafkaVersion, 'kafka'),
      voters,
      nodes: Array.from({length: opts.kafkaNodes}, (_, i) => ({
        id: i + 1,
        host: hostFor(spec.network, i + 1),
        port: 9092,
        controllerPort: 9093,
        roles: voters.includes(i + 1) ? ('broker,controller' as const) : ('broker' as const),
        rack: `rack${i + 1}`,
      })),
    }
  }
  if (opts.cassandraNodes > 0) {
    spec.cassandra = {
      version: validateVersion(opts.cassandraVersion, 'cassandra'),
      ...cassandraLayout(spec.network, opts.cassandraNodes, opts.cassandraDcs ?? 1, opts.tokensPerNode, opts.tokenAllocation ?? defaultTokenAllocation(opts.tokensPerNode)),
    }
  }
  return spec
}

export const MAX_CASSANDRA_DCS = 3
/** The sandbox's Cassandra nodes in all DCs together: a few JVMs share the machine's cores. */
export const MAX_CASSANDRA_NODES = 9

/** DC names: one DC keeps SANDBOX_DC (so a one-DC sandbox is what it always was); several are dc1, dc2, ... */
export function sandboxDcNames(dcs: number): string[] {
  return dcs === 1 ? [SANDBOX_DC] : Array.from({length: dcs}, (_, i) => `dc${i + 1}`)
}

/** A node's datacenter, for sandboxes made before nodes recorded it too. */
export function nodeDc(node: Pick<CassandraNodeSpec, 'dc'>): string {
  return node.dc ?? SANDBOX_DC
}

/** The DCs of a sandbox's nodes, in node order; the first is the one clients call local. */
export function cassandraDcsOf(nodes: readonly Pick<CassandraNodeSpec, 'dc'>[]): string[] {
  return [...new Set(nodes.map(nodeDc))]
}

/**
 * `perDc` nodes in each of `dcs` datacenters, DC after DC (dc1's nodes get the first
 * addresses), each in its own rack of its DC (rack1, rack2, ...). Tokens are balanced
 * within each DC (NetworkTopologyStrategy places each DC's replicas on its own ring), DC k's
 * shifted by k so no two nodes share one. Seeds: the first three nodes of every DC.
 */
export function cassandraLayout(
  network: string,
  perDc: number,
  dcs: number,
  tokensPerNode: number,
  allocation: TokenAllocation,
): {nodes: CassandraNodeSpec[]; seeds: number[]} {
  if (!Number.isInteger(dcs) || dcs < 1 || dcs > MAX_CASSANDRA_DCS) throw badInput(`--cassandra-dcs ${dcs} must be from 1 to ${MAX_CASSANDRA_DCS}`)
  if (perDc * dcs > MAX_CASSANDRA_NODES) {
    throw badInput(`${dcs} DCs × ${perDc} nodes is ${perDc * dcs} Cassandra nodes; the sandbox runs at most ${MAX_CASSANDRA_NODES} (lower --cassandra-nodes, which counts nodes per DC)`)
  }
  // Even: explicit tokens, balanced within each DC (shifted by the DC's index so none clash).
  // Allocator: none; each node's allocator chooses them at its first start, per DC.
  const tokens = allocation === 'even' ? balancedTokens(perDc, tokensPerNode) : undefined
  const nodes: CassandraNodeSpec[] = []
  const seeds: number[] = []
  sandboxDcNames(dcs).forEach((dc, d) => {
    for (let i = 0; i < perDc; i++) {
      const id = d * perDc + i + 1
      const node: CassandraNodeSpec = {
        id,
        host: hostFor(network, id),
        port: 9042,
        rack: `rack${i + 1}`,
        tokens: tokens ? tokens[i].map((t) => String(BigInt(t) + BigInt(d))) : [],
        ...(tokens ? {} : {numTokens: tokensPerNode}),
        bootstrap: false,
      }
      // A one-DC sandbox's nodes stay as they were (no dc field: SANDBOX_DC).
      nodes.push(dcs === 1 ? node : {...node, dc})
      if (i < 3) seeds.push(id)
    }
  })
  return {nodes, seeds}
}

/**
 * server.properties for one broker. With `security` (a secure sandbox) the
 * client and inter-broker listener is SASL_SSL instead of PLAINTEXT, on the same port.
 */
export function kafkaServerProperties(spec: SandboxSpec, node: KafkaNodeSpec, dataDir: string, security?: KafkaSecurityConfig): string {
  const kafka = spec.kafka!
  const voters = kafka.voters.map((id) => `${id}@${hostFor(spec.network, id)}:9093`).join(',')
  const rf = Math.min(3, kafka.voters.length)
  const listener = security ? 'SASL_SSL' : 'PLAINTEXT'
  const lines = [
    `process.roles=${node.roles}`,
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    node.roles === 'broker'
      ? `listeners=${listener}://${node.host}:${node.port}`
      : `listeners=${listener}://${node.host}:${node.port},CONTROLLER://${node.host}:${node.controllerPort}`,
    `advertised.listeners=${listener}://${node.host}:${node.port}`,
    'controller.listener.names=CONTROLLER',
    `inter.broker.listener.name=${listener}`,
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,${listener}:${listener}`,
    `log.dirs=${dataDir}`,
    `broker.rack=${node.rack}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${Math.min(2, rf)}`,
    'group.initial.rebalance.delay.ms=0',
    // Small-machine settings: the dedupe buffer is on-heap and 128 MiB by default.
    'log.cleaner.dedupe.buffer.size=2097152',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.partitions=3',
    'auto.create.topics.enable=false',
    // Let a restarted broker take its leaderships back quickly in fault tests.
    'leader.imbalance.check.interval.seconds=10',
    ...(security ? kafkaSecurityProperties(security) : []),
  ]
  return `${lines.join('\n')}\n`
}

export function kafkaJvmArgs(version: string, libDir: string, logConfig: string, heapMb = 512): string[] {
  const major = Number(version.split('.')[0])
  const logging = major >= 4 ? `-Dlog4j2.configurationFile=${logConfig}` : `-Dlog4j.configuration=file:${logConfig}`
  return [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    logging,
    '-cp',
    `${libDir}/*`,
  ]
}

export function kafkaLogConfig(version: string): string {
  const major = Number(version.split('.')[0])
  if (major >= 4) {
    return [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = STDOUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = info',
      'rootLogger.appenderRef.out.ref = STDOUT',
      '',
    ].join('\n')
  }
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n')
}

export function kafkaPom(version: string): string {
  const major = Number(version.split('.')[0])
  // The POM leaves out the logging backend the tarball ships; without it the
  // broker logs nothing, not even its readiness line.
  const logging =
    major >= 4
      ? ['log4j-slf4j-impl', 'log4j-core', 'log4j-api']
          .map((a) => `    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>${a}</artifactId><version>2.24.3</version></dependency>`)
          .join('\n')
      : '    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>'
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fleetops.sandbox</groupId><artifactId>kafka-runtime</artifactId><version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${version}</version></dependency>
${logging}
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
`
}

export function cassandraPom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fleetops.sandbox</groupId><artifactId>cassandra-runtime</artifactId><version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`
}

/**
 * 6.0 (Transactional Cluster Metadata): the first node initialises the CMS with a Paxos write to
 * its distributed metadata log; under the default 1 s contention timeout that write timed out on
 * a loaded 2-core host and the node refused to start.
 */
const TCM_YAML = 'cas_contention_timeout: 10000ms\n'

/** cassandra.yaml for one node; `securityYaml` (from cassandraSecurityYaml) turns on auth and client TLS. */
export function cassandraYaml(spec: SandboxSpec, node: CassandraNodeSpec, dir: string, securityYaml = ''): string {
  const cass = spec.cassandra!
  const seeds = cass.seeds.map((id) => `${hostFor(spec.network, id)}:7000`).join(',')
  return `cluster_name: 'fleetops-sandbox-${spec.name}'
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
${tokenLines(node)}
auto_bootstrap: ${node.bootstrap}
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${seeds}"
listen_address: ${node.host}
rpc_address: ${node.host}
storage_port: 7000
native_transport_port: ${node.port}
start_native_transport: true
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
data_file_directories: [${dir}/data]
commitlog_directory: ${dir}/commitlog
hints_directory: ${dir}/hints
saved_caches_directory: ${dir}/saved_caches
auto_snapshot: false
concurrent_compactors: 1
hinted_handoff_enabled: true
max_hint_window: 3h
hints_flush_period: 2000ms
# Several JVMs share a few cores here; the 2 s default write timeout trips on one GC pause.
write_request_timeout: 5000ms
${cassandraLine(cass.version) === '6.0' ? TCM_YAML : ''}${securityYaml}`
}

/** Explicit tokens, or the allocator settings 4.1's and 5.0's cassandra.yaml ship (same key names in both). */
function tokenLines(node: CassandraNodeSpec): string {
  if (node.tokens.length > 0) return `num_tokens: ${node.tokens.length}\ninitial_token: ${node.tokens.join(',')}`
  return `num_tokens: ${node.numTokens ?? DEFAULT_TOKENS_PER_NODE}\nallocate_tokens_for_local_replication_factor: ${ALLOCATOR_LOCAL_RF}`
}

/** A node whose tokens Cassandra's allocator chooses; such nodes must start (for the first time) one at a time. */
export function allocatesTokens(node: CassandraNodeSpec): boolean {
  return node.tokens.length === 0
}

export function cassandraRackdc(node: CassandraNodeSpec): string {
  return `dc=${nodeDc(node)}\nrack=${node.rack}\n`
}

export const cassandraLogback = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
`

/** A Cassandra node's JVM: `java` is the runtime its line runs on, JMX listens on 127.0.0.1:`jmxPort`. */
export interface CassandraJvmOptions {
  libDir: string
  jammJar: string
  dir: string
  logback: string
  java: JavaMajor
  jmxPort: number
  heapMb?: number
  secure?: boolean
  /**
   * Wait for gossip to settle (Cassandra's default). Only a node whose allocator is about to choose its
   * tokens needs it: the allocator must see every token of the ring first. Other starts skip the wait.
   */
  settleGossip?: boolean
  ringDelayMs?: number
}

export function cassandraJvmArgs(opts: CassandraJvmOptions): string[] {
  const heap = opts.heapMb ?? 768
  return [
    '-ea',
    '-da:net.openhft...',
    '-Xss256k',
    '-XX:+UseThreadPriorities',
    '-XX:+UseTLAB',
    '-XX:+ResizeTLAB',
    '-XX:+PerfDisableSharedMem',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.net.preferIPv4Stack=true',
    '-Dchronicle.analytics.disable=true',
    `-Xms${Math.min(512, heap)}m`,
    `-Xmx${heap}m`,
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:MaxGCPauseMillis=300',
    ...cassandraModuleFlags(opts.java),
    ...jmxFlags(opts.jmxPort),
    `-javaagent:${opts.jammJar}`,
    `-Dcassandra.config=file://${opts.dir}/cassandra.yaml`,
    `-Dcassandra-rackdc.properties=file://${opts.dir}/cassandra-rackdc.properties`,
    '-Dcassandra-foreground=yes',
    `-Dcassandra.storagedir=${opts.dir}`,
    `-Dcassandra.logdir=${opts.dir}/logs`,
    `-Dlogback.configurationFile=${opts.logback}`,
    ...(opts.settleGossip ? [] : ['-Dcassandra.skip_wait_for_gossip_to_settle=0']),
    // Every initial node is a seed and seeds are up before nodes are added, so a short ring delay is safe.
    `-Dcassandra.ring_delay_ms=${opts.ringDelayMs ?? 5000}`,
    // No -Dcassandra.unsafesystem: it skips flushing the schema tables, so a node killed with
    // SIGKILL came back without keyspaces created since its start and answered "keyspace … does
    // not exist" until it pulled the schema again. A production node keeps its schema; so must ours.
    `-Djna.tmpdir=${opts.dir}/tmp`,
    // A secure node creates the default superuser as soon as it can, not after the default 10 s.
    ...(opts.secure ? ['-Dcassandra.superuser_setup_delay_ms=0'] : []),
    '-cp',
    `${opts.libDir}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ]
}

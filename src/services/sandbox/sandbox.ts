import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {type CassandraConnection, type KafkaConnection} from '../../core/connection.js'
import {badInput, FleetopsError} from '../../core/errors.js'
import {APICURIO_VERSION, SCHEMA_REGISTRY_PORT, schemaRegistryUrl} from '../../core/sandbox/schema-registry.js'
import {
  allocatesTokens,
  type CassandraNodeSpec,
  cassandraJvmArgs,
  cassandraLogback,
  cassandraRackdc,
  cassandraDcsOf,
  cassandraYaml,
  DEFAULT_CASSANDRA_VERSION,
  hostFor,
  initialSpec,
  type SandboxRequest,
  type KafkaNodeSpec,
  kafkaJvmArgs,
  kafkaLogConfig,
  kafkaServerProperties,
  nodeDc,
  type SandboxSpec,
} from '../../core/sandbox/topology.js'
import {
  cassandraLockDefaultSuperuser,
  cassandraRoleStatements,
  cassandraSecurityYaml,
  CASSANDRA_DEFAULT_SUPERUSER,
  javaArgFile,
  KAFKA_BROKER_USER,
  readerAcls,
  scramFormatArgs,
  SECURE_USERS,
} from '../../core/sandbox/security.js'
import {cassandraJavaMajor, cassandraJmxPort, JMX_HOST} from '../../core/sandbox/cassandra-runtime.js'
import {findJar, resolveArtifacts} from './artifacts.js'
import {javaCommand, type JavaRuntime, resolveJava} from './java-runtime.js'
import {ensureSecrets, keystoreOf, passwordOf, writePrivateFile} from './security.js'
import {isOurProcess, logSize, portOpen, readPid, rssMb, startDetached, stopProcess, waitForLogLine} from './processes.js'
import {
  resolveSchemaRegistry,
  type SchemaRegistrySpec,
  type SchemaRegistryStatus,
  schemaRegistryStatus,
  startSchemaRegistry,
  stopSchemaRegistry,
} from './schema-registry.js'

/**
 * Local multi-node Kafka (KRaft) and Cassandra clusters from the real Maven
 * Central jars, as background JVMs on loopback addresses. State lives in
 * FLEETOPS_HOME/sandbox/<name>/sandbox.json; every operation is idempotent.
 */

export interface SandboxState extends SandboxSpec {
  kafkaClusterId?: string
  /** Present once `sandbox up --schema-registry` has added the registry. */
  schemaRegistry?: SchemaRegistrySpec
  createdAt: string
}

export type Report = (message: string) => void

export interface NodeStatus {
  kind: 'broker' | 'node'
  id: number
  host: string
  port: number
  /** A Cassandra node's datacenter; null for a broker. */
  dc: string | null
  rack: string
  pid: number | null
  up: boolean
  rssMb: number | null
  /** A Cassandra node's JMX (Cassandra's local JMX: 127.0.0.1 only, no auth; for nodetool); null for a broker. */
  jmxHost: string | null
  jmxPort: number | null
  log: string
}

export interface SandboxStatus {
  name: string
  home: string
  exists: boolean
  kafka: {version: string; clusterId?: string; brokers: NodeStatus[]} | null
  /** `java`: the Java major the nodes run on and its executable (Java 11 for 4.1, the machine's 17 for 5.0). */
  /** `dc` is the first (local) DC, as FLEETOPS_LOCAL_DC; `dcs` every DC, in node order. */
  cassandra: {version: string; java: {major: number; command: string}; dc: string; dcs: string[]; nodes: NodeStatus[]} | null
  /** Apicurio Registry's Confluent-compatible API, when the sandbox has one (`sandbox up --schema-registry`). */
  schemaRegistry: SchemaRegistryStatus | null
  /** A secure sandbox: TLS, SASL/SCRAM-SHA-512 for Kafka, password auth for Cassandra. */
  secure: boolean
  /** Its login users (names, roles and password FILES; never a password). */
  users: {name: string; role: 'admin' | 'read-only'; passwordFile: string}[]
  env: Record<string, string>
}

export function fleetopsHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETOPS_HOME || join(homedir(), '.cache', 'fleetops')
}

function sandboxDir(home: string, name: string): string {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw badInput(`sandbox name "${name}" must be lower-case letters, digits and '-'`)
  return join(home, 'sandbox', name)
}

const kafkaDir = (dir: string, id: number) => join(dir, `kafka-${id}`)
const cassandraDir = (dir: string, id: number) => join(dir, `cassandra-${id}`)

function readState(dir: string): SandboxState | undefined {
  const file = join(dir, 'sandbox.json')
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as SandboxState
}

function writeState(dir: string, state: SandboxState): void {
  writeFileSync(join(dir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`)
}

/** A lock so two `sandbox up` calls (say, two test projects) never race. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dir, {recursive: true})
  const lock = join(dir, '.lock')
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), {flag: 'wx'})
      break
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'))
      let alive = false
      try {
        process.kill(holder, 0)
        alive = holder !== process.pid
      } catch {}
      if (!alive) {
        rmSync(lock, {force: true})
        continue
      }
      if (Date.now() > deadline) throw new FleetopsError('LOCKED', `another fleetops (pid ${holder}) holds the sandbox lock ${lock}`)
      await sleep(500)
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, {force: true})
  }
}

export interface UpOptions extends Omit<SandboxRequest, 'cassandraVersion'> {
  home: string
  /** Unset: DEFAULT_CASSANDRA_VERSION for a new sandbox, the version it runs for an existing one. */
  cassandraVersion?: string
  /** TLS + SASL/SCRAM Kafka and TLS + password-auth Cassandra (see core/sandbox/security.ts). */
  secure?: boolean
  /** Also run a schema registry (added to an existing sandbox as well). */
  schemaRegistry?: boolean
}

export async function sandboxUp(opts: UpOptions, report: Report = () => {}): Promise<SandboxStatus> {
  const dir = sandboxDir(opts.home, opts.name)
  if (opts.secure && (opts.cassandraDcs ?? 1) > 1 && opts.cassandraNodes > 0) {
    throw badInput('a secure sandbox runs one Cassandra datacenter; drop --cassandra-dcs or --secure')
  }
  return withLock(dir, async () => {
    let state = readState(dir)
    const wanted = initialSpec({...opts, cassandraVersion: opts.cassandraVersion ?? state?.cassandra?.version ?? DEFAULT_CASSANDRA_VERSION})
    if (state) {
      assertCompatible(state, wanted, Boolean(opts.secure))
    } else {
      state = {...wanted, createdAt: new Date().toISOString()}
      if (opts.secure) {
        report('making the CA, the server certificate and the passwords')
        state.secure = ensureSecrets(dir, opts.name, state.network)
      }
    }
    const kafkaLib = state.kafka ? await resolveWithReport(opts.home, 'kafka', state.kafka.version, report) : undefined
    const cass = state.cassandra ? await cassandraRuntime(opts.home, state.cassandra.version, report) : undefined
    if (state.kafka && !state.kafkaClusterId) state.kafkaClusterId = kafkaClusterId()
    writeState(dir, state)

    // Kafka first: it is light, and its controllers need each other to form a quorum.
    const starts: Promise<void>[] = []
    if (state.kafka && kafkaLib) {
      for (const node of state.kafka.nodes) starts.push(startKafkaNode(dir, state, node, kafkaLib, report))
    }
    if (state.cassandra && cass) starts.push(startCassandraNodes(dir, state, cass, report))
    await Promise.all(starts)
    await waitClusterReady(dir, state, report)
    await ensureSchemaRegistry(opts, dir, state, report)
    return statusOf(opts.home, state)
  })
}

/** Adds the registry when asked, and (re)starts it whenever the sandbox has one. */
async function ensureSchemaRegistry(opts: UpOptions, dir: string, state: SandboxState, report: Report): Promise<void> {
  if (opts.schemaRegistry && !state.schemaRegistry) {
    state.schemaRegistry = {version: APICURIO_VERSION, host: hostFor(state.network, 1), port: SCHEMA_REGISTRY_PORT}
    writeState(dir, state)
  }
  if (!state.schemaRegistry) return
  report(`building Apicurio Registry ${state.schemaRegistry.version} from Maven Central (once)`)
  const runner = await resolveSchemaRegistry(opts.home, state.schemaRegistry.version)
  await startSchemaRegistry(dir, state.schemaRegistry, runner, report)
}

function assertCompatible(state: SandboxState, wanted: SandboxSpec, secure: boolean): void {
  const problems: string[] = []
  if (Boolean(state.secure) !== secure) problems.push(state.secure ? 'security on (--secure)' : 'security off (no --secure)')
  if (state.network !== wanted.network) problems.push(`network ${state.network}`)
  if (Boolean(state.kafka) !== Boolean(wanted.kafka)) problems.push(state.kafka ? 'Kafka' : 'no Kafka')
  if (Boolean(state.cassandra) !== Boolean(wanted.cassandra)) problems.push(state.cassandra ? 'Cassandra' : 'no Cassandra')
  if (state.kafka && wanted.kafka && state.kafka.version !== wanted.kafka.version) problems.push(`Kafka ${state.kafka.version}`)
  if (state.cassandra && wanted.cassandra && state.cassandra.version !== wanted.cassandra.version) problems.push(`Cassandra ${state.cassandra.version}`)
  // Nodes added later (add-broker / add-node) are fine: the sandbox keeps them.
  if (state.kafka && wanted.kafka && state.kafka.voters.length !== wanted.kafka.voters.length) problems.push(`${state.kafka.nodes.length} brokers`)
  if (state.cassandra && wanted.cassandra && state.cassandra.seeds.length !== wanted.cassandra.seeds.length) {
    problems.push(`${state.cassandra.nodes.length} Cassandra nodes`)
  }
  const dcs = state.cassandra && cassandraDcsOf(state.cassandra.nodes)
  if (dcs && wanted.cassandra && dcs.length !== cassandraDcsOf(wanted.cassandra.nodes).length) problems.push(`${dcs.length} Cassandra DC(s) (${dcs.join(', ')})`)
  if (problems.length > 0) {
    throw badInput(
      `sandbox "${state.name}" already exists with ${problems.join(', ')}; run \`fleetops sandbox down --purge\` first to change its shape`,
    )
  }
}

async function resolveWithReport(home: string, product: 'kafka' | 'cassandra', version: string, report: Report): Promise<string> {
  report(`resolving ${product} ${version} from Maven Central`)
  return resolveArtifacts(home, product, version)
}

/** A Cassandra version's jars and the Java runtime its line runs on. */
interface CassandraRuntime {
  lib: string
  java: JavaRuntime
}

async function cassandraRuntime(home: string, version: string, report: Report): Promise<CassandraRuntime> {
  const lib = await resolveWithReport(home, 'cassandra', version, report)
  const major = cassandraJavaMajor(version)
  report(`resolving Java ${major} for Cassandra ${version}`)
  return {lib, java: resolveJava(home, major)}
}

function kafkaClusterId(): string {
  // Kafka's Uuid: 16 random bytes, URL-safe base64 without padding, never starting with '-'.
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function processRunning(nodeDir: string): boolean {
  return isOurProcess(readPid(join(nodeDir, 'pid')), nodeDir)
}

async function startKafkaNode(dir: string, state: SandboxState, node: KafkaNodeSpec, lib: string, report: Report): Promise<void> {
  const nodeDir = kafkaDir(dir, node.id)
  const pidFile = join(nodeDir, 'pid')
  if (processRunning(nodeDir)) return
  mkdirSync(join(nodeDir, 'data'), {recursive: true})
  const props = join(nodeDir, 'server.properties')
  const logConfig = join(nodeDir, Number(state.kafka!.version.split('.')[0]) >= 4 ? 'log4j2.properties' : 'log4j.properties')
  const security = state.secure
    ? {...keystoreOf(state.secure), truststorePem: state.secure.caFile, brokerPassword: passwordOf(state.secure, KAFKA_BROKER_USER)}
    : undefined
  // A secure broker's properties hold the keystore and inter-broker passwords: owner-only.
  writePrivateFile(props, kafkaServerProperties(state, node, join(nodeDir, 'data'), security))
  writeFileSync(logConfig, kafkaLogConfig(state.kafka!.version))
  const jvm = kafkaJvmArgs(state.kafka!.version, lib, logConfig)
  if (!existsSync(join(nodeDir, 'data', 'meta.properties'))) {
    const formatArgs = [...jvm, 'kafka.tools.StorageTool', 'format', '-t', state.kafkaClusterId!, '-c', props, '--ignore-formatted']
    let format
    if (state.secure) {
      // SCRAM users exist from the first start. Their passwords go through a 0600 Java
      // @argfile (deleted right after), never on a command line where ps could see them.
      const users = [SECURE_USERS.admin, SECURE_USERS.reader, KAFKA_BROKER_USER].map((name) => ({name, password: passwordOf(state.secure!, name)}))
      const argFile = join(nodeDir, 'format.args')
      writePrivateFile(argFile, javaArgFile([...formatArgs, ...scramFormatArgs(users)]))
      try {
        format = spawnSync('java', [`@${argFile}`], {encoding: 'utf8'})
      } finally {
        rmSync(argFile, {force: true})
      }
    } else {
      format = spawnSync('java', formatArgs, {encoding: 'utf8'})
    }
    writeFileSync(join(nodeDir, 'format.log'), `${format.stdout ?? ''}${format.stderr ?? ''}`)
    if (format.status !== 0) throw new FleetopsError('INTERNAL', `formatting Kafka broker ${node.id} failed; see ${join(nodeDir, 'format.log')}`)
  }
  const log = join(nodeDir, 'server.log')
  const from = logSize(log)
  report(`starting Kafka broker ${node.id} on ${node.host}:${node.port}`)
  const pid = startDetached({command: 'java', args: [...jvm, 'kafka.Kafka', props], logFile: log, pidFile, cwd: nodeDir})
  await waitForLogLine({logFile: log, pattern: /Kafka Server started/, pid, marker: nodeDir, timeoutMs: 120_000, fromOffset: from, what: `Kafka broker ${node.id}`})
}

/** A node that has never started: it has no system keyspace on disk (and so no saved tokens). */
const neverStarted = (dir: string, node: CassandraNodeSpec) => !existsSync(join(cassandraDir(dir, node.id), 'data', 'system'))

/**
 * Nodes with tokens (explicit or saved at an earlier start) start together. A node whose tokens the
 * allocator has yet to choose starts alone, after them and after the allocating nodes before it, as
 * Cassandra requires: two nodes allocating at once see the same ring and pick clashing tokens.
 */
async function startCassandraNodes(dir: string, state: SandboxState, runtime: CassandraRuntime, report: Report): Promise<void> {
  const allocating = (n: CassandraNodeSpec) => allocatesTokens(n) && neverStarted(dir, n)
  const nodes = state.cassandra!.nodes
  await Promise.all(nodes.filter((n) => !allocating(n)).map((n) => startCassandraNode(dir, state, n, runtime, report)))
  for (const node of nodes.filter(allocating)) await startCassandraNode(dir, state, node, runtime, report)
}

async function startCassandraNode(dir: string, state: SandboxState, node: CassandraNodeSpec, runtime: CassandraRuntime, report: Report): Promise<void> {
  const nodeDir = cassandraDir(dir, node.id)
  const pidFile = join(nodeDir, 'pid')
  if (processRunning(nodeDir)) return
  // An allocating node must see every token of the nodes started before it; the first node has none to see.
  const allocating = allocatesTokens(node) && neverStarted(dir, node)
  const settleGossip = allocating && state.cassandra!.nodes.some((n) => n.id !== node.id && !neverStarted(dir, n))
  for (const sub of ['data', 'commitlog', 'hints', 'saved_caches', 'logs', 'tmp']) mkdirSync(join(nodeDir, sub), {recursive: true})
  const securityYaml = state.secure ? cassandraSecurityYaml(keystoreOf(state.secure)) : ''
  // A secure node's yaml holds the keystore password: owner-only.
  writePrivateFile(join(nodeDir, 'cassandra.yaml'), cassandraYaml(state, node, nodeDir, securityYaml))
  writeFileSync(join(nodeDir, 'cassandra-rackdc.properties'), cassandraRackdc(node))
  writeFileSync(join(nodeDir, 'logback.xml'), cassandraLogback)
  const args = cassandraJvmArgs({
    libDir: runtime.lib,
    jammJar: findJar(runtime.lib, 'jamm-'),
    dir: nodeDir,
    logback: join(nodeDir, 'logback.xml'),
    java: runtime.java.major,
    jmxPort: cassandraJmxPort(state.network, node.id),
    secure: Boolean(state.secure),
    settleGossip,
    ringDelayMs: node.ringDelayMs,
  })
  const log = join(nodeDir, 'server.log')
  const from = logSize(log)
  const tokens = allocating ? `, allocating ${node.numTokens} tokens` : ''
  report(`starting Cassandra node ${node.id} on ${node.host}:${node.port} (${nodeDc(node)}, ${node.rack}, Java ${runtime.java.major}${tokens})`)
  const pid = startDetached({command: runtime.java.command, args, logFile: log, pidFile, cwd: nodeDir})
  await waitForLogLine({
    logFile: log,
    pattern: /Startup complete|Starting listening for CQL clients/,
    pid,
    marker: nodeDir,
    timeoutMs: node.bootstrap || allocating ? 300_000 : 180_000,
    fromOffset: from,
    what: `Cassandra node ${node.id}`,
  })
}

/**
 * How the sandbox itself connects (readiness checks, set-up). For a secure
 * sandbox: TLS with the sandbox CA (host names verified) and the admin user,
 * or `user` (e.g. the read-only one).
 */
export function kafkaConnectionOf(state: SandboxSpec, user: string = SECURE_USERS.admin): KafkaConnection {
  const conn: KafkaConnection = {
    brokers: state.kafka!.nodes.map((n) => `${n.host}:${n.port}`),
    connectTimeoutMs: 5000,
    requestTimeoutMs: 15000,
  }
  if (state.secure) {
    conn.tls = {caFile: state.secure.caFile}
    conn.sasl = {mechanism: 'scram-sha-512', username: user, password: passwordOf(state.secure, user)}
  }
  return conn
}

export function cassandraConnectionOf(state: SandboxSpec, user: string = SECURE_USERS.admin): CassandraConnection {
  const conn: CassandraConnection = {
    contactPoints: state.cassandra!.nodes.map((n) => n.host),
    localDc: cassandraDcsOf(state.cassandra!.nodes)[0],
    connectTimeoutMs: 5000,
    requestTimeoutMs: 15000,
  }
  if (state.secure) {
    conn.tls = {caFile: state.secure.caFile}
    const password = user === CASSANDRA_DEFAULT_SUPERUSER && !state.secure.cassandraRolesReady ? 'cassandra' : passwordOf(state.secure, user)
    conn.auth = {username: user, password}
  }
  return conn
}

/** First start of a secure sandbox: the read-only user's Kafka ACLs, created as admin. Idempotent. */
async function ensureKafkaAcls(dir: string, state: SandboxState, report: Report): Promise<void> {
  if (!state.secure || state.secure.kafkaAclsReady) return
  report('creating the read-only user\'s Kafka ACLs')
  const {ensureAllowAcls} = await import('../../adapters/kafka/acls.js')
  await ensureAllowAcls(kafkaConnectionOf(state), readerAcls())
  state.secure.kafkaAclsReady = true
  writeState(dir, state)
}

/**
 * First start of a secure sandbox: as the default cassandra/cassandra superuser
 * (which each node creates once it is up), replicate system_auth, create the
 * admin and read-only roles; then, as admin, lock the default superuser.
 */
async function ensureCassandraRoles(dir: string, state: SandboxState, report: Report, deadline: number): Promise<void> {
  if (!state.secure || state.secure.cassandraRolesReady) return
  report('creating the Cassandra admin and read-only roles')
  const {executeStatements} = await import('../../adapters/cassandra/roles.js')
  const statements = cassandraRoleStatements({
    dc: cassandraDcsOf(state.cassandra!.nodes)[0],
    nodes: state.cassandra!.nodes.length,
    adminPassword: passwordOf(state.secure, SECURE_USERS.admin),
    readerPassword: passwordOf(state.secure, SECURE_USERS.reader),
  })
  await retryUntil(deadline, 'Cassandra default superuser', () => executeStatements(cassandraConnectionOf(state, CASSANDRA_DEFAULT_SUPERUSER), statements))
  const lock = cassandraLockDefaultSuperuser(passwordOf(state.secure, CASSANDRA_DEFAULT_SUPERUSER))
  await retryUntil(deadline, 'Cassandra admin role', () => executeStatements(cassandraConnectionOf(state), [lock]))
  state.secure.cassandraRolesReady = true
  writeState(dir, state)
}

async function retryUntil(deadline: number, what: string, fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await fn()
    } catch (error) {
      if (Date.now() > deadline) throw new FleetopsError('UNAVAILABLE', `Cassandra sandbox not ready: ${what}: ${(error as Error).message}`)
      await sleep(1000)
    }
  }
}

/**
 * Ready means: every running broker in the metadata, every running Cassandra node UP and
 * answering CQL. Nodes whose process is not running (stopped with stop-node) are not waited
 * for, so starting one of two stopped nodes does not wait on the other.
 */
/**
 * Waits until the running servers of the sandbox answer. `only` limits the wait to the cluster that
 * was just started: starting a Cassandra node must not fail because a test has stopped brokers.
 */
async function waitClusterReady(dir: string, state: SandboxState, report: Report, timeoutMs = 180_000, only?: 'kafka' | 'cassandra'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const {registeredBrokerIds} = await import('../../adapters/kafka/cluster-probe.js')
  const {probeCassandraNodes} = await import('../../adapters/cassandra/cluster-probe.js')
  if (state.kafka && only !== 'cassandra') {
    const want = state.kafka.nodes.filter((n) => processRunning(kafkaDir(dir, n.id))).map((n) => n.id).sort((a, b) => a - b)
    report('waiting for every broker to register')
    let last = ''
    for (;;) {
      try {
        const ids = await registeredBrokerIds(kafkaConnectionOf(state))
        if (want.every((id) => ids.includes(id))) break
        last = `registered brokers ${ids.join(',')}`
      } catch (error) {
        last = (error as Error).message
      }
      if (Date.now() > deadline) throw new FleetopsError('UNAVAILABLE', `Kafka sandbox not ready: ${last}`)
      await sleep(500)
    }
    await ensureKafkaAcls(dir, state, report)
  }
  if (state.cassandra && only !== 'kafka') {
    await ensureCassandraRoles(dir, state, report, deadline)
    report('waiting for every Cassandra node to be UP and answer CQL')
    await waitCassandraReady(dir, state, deadline)
  }
}

/**
 * Every running Cassandra node UP and answering CQL, asked DC by DC: a driver pinned to one
 * local DC keeps no connections to the others' nodes, so each DC is probed as its own local DC.
 */
async function waitCassandraReady(dir: string, state: SandboxState, deadline: number): Promise<void> {
  const {probeCassandraNodes} = await import('../../adapters/cassandra/cluster-probe.js')
  const running = state.cassandra!.nodes.filter((n) => processRunning(cassandraDir(dir, n.id)))
  let last = ''
  for (;;) {
    try {
      let ready = true
      const seen: string[] = []
      for (const dc of cassandraDcsOf(running)) {
        const want = running.filter((n) => nodeDc(n) === dc).map((n) => n.host)
        const nodes = (await probeCassandraNodes({...cassandraConnectionOf(state), localDc: dc})).filter((n) => want.includes(n.address))
        ready &&= want.every((h) => nodes.some((n) => n.address === h && n.up && n.answered))
        seen.push(...nodes.map((n) => `${n.address}:${n.up ? 'UP' : 'DOWN'}${n.answered ? '' : '(no answer)'}`))
      }
      if (ready) return
      last = seen.join(' ')
    } catch (error) {
      last = (error as Error).message
    }
    if (Date.now() > deadline) throw new FleetopsError('UNAVAILABLE', `Cassandra sandbox not ready: ${last}`)
    await sleep(1000)
  }
}

export async function sandboxStatus(home: string, name: string): Promise<SandboxStatus> {
  const state = readState(sandboxDir(home, name))
  if (!state) return {name, home, exists: false, kafka: null, cassandra: null, schemaRegistry: null, secure: false, users: [], env: {}}
  return statusOf(home, state)
}

async function statusOf(home: string, state: SandboxState): Promise<SandboxStatus> {
  const dir = sandboxDir(home, state.name)
  const nodeStatus = async (kind: 'broker' | 'node', nodeDir: string, n: {id: number; host: string; port: number; rack: string; dc?: string}): Promise<NodeStatus> => {
    const pid = readPid(join(nodeDir, 'pid'))
    const alive = isOurProcess(pid, nodeDir)
    const up = alive && (await portOpen(n.host, n.port))
    const jmx = kind === 'node' ? {jmxHost: JMX_HOST, jmxPort: cassandraJmxPort(state.network, n.id)} : {jmxHost: null, jmxPort: null}
    return {kind, id: n.id, host: n.host, port: n.port, dc: kind === 'node' ? nodeDc(n) : null, rack: n.rack, pid: alive ? pid! : null, up, rssMb: alive ? (rssMb(pid!) ?? null) : null, ...jmx, log: join(nodeDir, 'server.log')}
  }
  const status: SandboxStatus = {
    name: state.name,
    home,
    exists: true,
    kafka: null,
    cassandra: null,
    schemaRegistry: state.schemaRegistry ? await schemaRegistryStatus(dir, state.schemaRegistry) : null,
    secure: Boolean(state.secure),
    users: state.secure?.users ?? [],
    env: sandboxEnv(state),
  }
  if (state.kafka) {
    status.kafka = {
      version: state.kafka.version,
      clusterId: state.kafkaClusterId,
      brokers: await Promise.all(state.kafka.nodes.map((n) => nodeStatus('broker', kafkaDir(dir, n.id), n))),
    }
  }
  if (state.cassandra) {
    const major = cassandraJavaMajor(state.cassandra.version)
    status.cassandra = {
      version: state.cassandra.version,
      java: {major, command: javaCommand(home, major)},
      dc: cassandraDcsOf(state.cassandra.nodes)[0],
      dcs: cassandraDcsOf(state.cassandra.nodes),
      nodes: await Promise.all(state.cassandra.nodes.map((n) => nodeStatus('node', cassandraDir(dir, n.id), n))),
    }
  }
  return status
}

export function sandboxEnv(state: SandboxSpec & {schemaRegistry?: SchemaRegistrySpec}): Record<string, string> {
  const env: Record<string, string> = {}
  if (state.kafka) env.FLEETOPS_BROKERS = state.kafka.nodes.map((n) => `${n.host}:${n.port}`).join(',')
  if (state.schemaRegistry) env.FLEETOPS_SCHEMA_REGISTRY = schemaRegistryUrl(state.schemaRegistry.host, state.schemaRegistry.port)
  if (state.cassandra) {
    env.FLEETOPS_CONTACT_POINTS = state.cassandra.nodes.map((n) => n.host).join(',')
    // The first DC is the local one; contact points list every DC's nodes (the driver keeps to the local DC's).
    env.FLEETOPS_LOCAL_DC = cassandraDcsOf(state.cassandra.nodes)[0]
  }
  if (state.secure) {
    // Kafka and Cassandra share these (Cassandra falls back to the shared TLS and user settings).
    // The password is never printed: only the file (mode 0600) that holds it.
    const admin = state.secure.users.find((u) => u.role === 'admin')!
    env.FLEETOPS_TLS = '1'
    env.FLEETOPS_CA_FILE = state.secure.caFile
    if (state.kafka) env.FLEETOPS_SASL_MECHANISM = 'scram-sha-512'
    env.FLEETOPS_USERNAME = admin.name
    env.FLEETOPS_PASSWORD_FILE = admin.passwordFile
  }
  return env
}

export async function sandboxDown(home: string, name: string, opts: {purge: boolean}): Promise<{stopped: string[]; purged: boolean}> {
  const dir = sandboxDir(home, name)
  const state = readState(dir)
  const stopped: string[] = []
  if (state) {
    const stops: Promise<void>[] = []
    for (const n of state.kafka?.nodes ?? []) {
      const d = kafkaDir(dir, n.id)
      const pid = readPid(join(d, 'pid'))
      if (isOurProcess(pid, d)) {
        stopped.push(`broker ${n.id}`)
        stops.push(stopProcess(pid!, d, {graceMs: 30_000, kill: opts.purge}))
      }
    }
    for (const n of state.cassandra?.nodes ?? []) {
      const d = cassandraDir(dir, n.id)
      const pid = readPid(join(d, 'pid'))
      if (isOurProcess(pid, d)) {
        stopped.push(`node ${n.id}`)
        stops.push(stopProcess(pid!, d, {graceMs: 30_000, kill: opts.purge}))
      }
    }
    if (state.schemaRegistry) {
      stops.push(stopSchemaRegistry(dir, {kill: opts.purge}).then((was) => void (was && stopped.push('schema registry'))))
    }
    await Promise.all(stops)
  }
  if (opts.purge) rmSync(dir, {recursive: true, force: true})
  return {stopped, purged: opts.purge}
}

function requireState(home: string, name: string): {dir: string; state: SandboxState} {
  const dir = sandboxDir(home, name)
  const state = readState(dir)
  if (!state) throw badInput(`sandbox "${name}" does not exist; start it with \`fleetops sandbox up\``)
  return {dir, state}
}

function findNode(state: SandboxState, kind: 'broker' | 'node', id: number): KafkaNodeSpec | CassandraNodeSpec {
  const list = kind === 'broker' ? state.kafka?.nodes : state.cassandra?.nodes
  const node = list?.find((n) => n.id === id)
  if (!node) {
    const known = (list ?? []).map((n) => n.id).join(', ') || 'none'
    throw badInput(`the sandbox has no ${kind === 'broker' ? 'Kafka broker' : 'Cassandra node'} ${id}; known: ${known}`)
  }
  return node
}

export async function stopNode(home: string, name: string, kind: 'broker' | 'node', id: number, opts: {kill: boolean}): Promise<NodeStatus> {
  const {dir, state} = requireState(home, name)
  const node = findNode(state, kind, id)
  const d = kind === 'broker' ? kafkaDir(dir, id) : cassandraDir(dir, id)
  const pid = readPid(join(d, 'pid'))
  if (pid) await stopProcess(pid, d, {graceMs: 30_000, kill: opts.kill})
  const status = await statusOf(home, state)
  return (kind === 'broker' ? status.kafka!.brokers : status.cassandra!.nodes).find((n) => n.id === node.id)!
}

export async function startNode(home: string, name: string, kind: 'broker' | 'node', id: number, report: Report = () => {}): Promise<NodeStatus> {
  const {dir, state} = requireState(home, name)
  return withLock(dir, async () => {
    const node = findNode(state, kind, id)
    if (kind === 'broker') {
      const lib = await resolveArtifacts(home, 'kafka', state.kafka!.version)
      await startKafkaNode(dir, state, node as KafkaNodeSpec, lib, report)
    } else {
      const runtime = await cassandraRuntime(home, state.cassandra!.version, report)
      await startCassandraNode(dir, state, node as CassandraNodeSpec, runtime, report)
    }
    await waitClusterReady(dir, state, report, undefined, kind === 'broker' ? 'kafka' : 'cassandra')
    const status = await statusOf(home, state)
    return (kind === 'broker' ? status.kafka!.brokers : status.cassandra!.nodes).find((n) => n.id === id)!
  })
}

/** Adds a broker-only node that joins the running KRaft cluster. */
export async function addBroker(home: string, name: string, report: Report = () => {}): Promise<NodeStatus> {
  const {dir, state} = requireState(home, name)
  if (!state.kafka) throw badInput(`sandbox "${name}" has no Kafka; start it without --no-kafka`)
  return withLock(dir, async () => {
    const id = Math.max(...state.kafka!.nodes.map((n) => n.id)) + 1
    const node: KafkaNodeSpec = {id, host: hostFor(state.network, id), port: 9092, controllerPort: 9093, roles: 'broker', rack: `rack${id}`}
    state.kafka!.nodes.push(node)
    writeState(dir, state)
    const lib = await resolveArtifacts(home, 'kafka', state.kafka!.version)
    await startKafkaNode(dir, state, node, lib, report)
    await waitClusterReady(dir, state, report)
    const status = await statusOf(home, state)
    return status.kafka!.brokers.find((n) => n.id === id)!
  })
}

/** Adds a Cassandra node that bootstraps into the ring with the given tokens. */
export async function addNode(
  home: string,
  name: string,
  opts: {tokens: string[]; rack?: string; dc?: string; ringDelayMs?: number},
  report: Report = () => {},
): Promise<NodeStatus> {
  const {dir, state} = requireState(home, name)
  if (!state.cassandra) throw badInput(`sandbox "${name}" has no Cassandra; start it without --no-cassandra`)
  return withLock(dir, async () => {
    const id = Math.max(...state.cassandra!.nodes.map((n) => n.id)) + 1
    const dcs = cassandraDcsOf(state.cassandra!.nodes)
    const dc = opts.dc ?? dcs[0]
    if (!dcs.includes(dc)) throw badInput(`the sandbox has no Cassandra DC "${dc}"; known: ${dcs.join(', ')}`)
    const racks = [...new Set(state.cassandra!.nodes.filter((n) => nodeDc(n) === dc).map((n) => n.rack))].sort()
    const rack = opts.rack ?? racks[(id - 1) % racks.length]
    const taken = new Set(state.cassandra!.nodes.flatMap((n) => n.tokens))
    for (const t of opts.tokens) if (taken.has(t)) throw badInput(`token ${t} is already owned by another node; propose new tokens with \`fleetops ring plan --add 1\``)
    const node: CassandraNodeSpec = {id, host: hostFor(state.network, id), port: 9042, ...(dcs.length > 1 ? {dc} : {}), rack, tokens: opts.tokens, bootstrap: true, ringDelayMs: opts.ringDelayMs}
    state.cassandra!.nodes.push(node)
    writeState(dir, state)
    const runtime = await cassandraRuntime(home, state.cassandra!.version, report)
    try {
      await startCassandraNode(dir, state, node, runtime, report)
    } catch (error) {
      // Leave no half-added node in the state: a failed bootstrap can be retried.
      state.cassandra!.nodes = state.cassandra!.nodes.filter((n) => n.id !== id)
      writeState(dir, state)
      await stopProcess(readPid(join(cassandraDir(dir, id), 'pid')) ?? 0, cassandraDir(dir, id), {graceMs: 1000, kill: true})
      rmSync(cassandraDir(dir, id), {recursive: true, force: true})
      throw error
    }
    await waitClusterReady(dir, state, report, 300_000)
    const status = await statusOf(home, state)
    return status.cassandra!.nodes.find((n) => n.id === id)!
  })
}

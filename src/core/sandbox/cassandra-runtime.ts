import {badInput} from '../errors.js'

/**
 * Which Cassandra lines the sandbox runs, on which Java, with which JVM module
 * flags, and where each node's JMX listens. Pure: the sandbox service only
 * resolves the runtime this names and starts it.
 *
 * - 4.1.x supports Java 8 and 11 only (its scripts have no jvm17 options): it runs
 *   on a Java 11 runtime the sandbox fetches (see services/sandbox/java-runtime.ts).
 * - 5.0.x runs on the machine's Java 17.
 * - 6.0 pre-releases (6.0-alpha2, the only one Maven Central serves) run on Java 17 as a
 *   PREVIEW: the sandbox starts them and warns (see cassandraPreview); membership and tokens
 *   come from Transactional Cluster Metadata, whose first node initialises the CMS itself.
 */

export type CassandraLine = '4.1' | '5.0' | '6.0'
export type JavaMajor = 11 | 17

export const CASSANDRA_LINES: Record<CassandraLine, {java: JavaMajor}> = {
  '4.1': {java: 11},
  '5.0': {java: 17},
  '6.0': {java: 17},
}

/** A 6.0 pre-release as Maven Central names it: 6.0-alpha2, 6.0-beta1, 6.0-rc1. */
const PREVIEW = /^6\.0-(alpha|beta|rc)\d+$/

/** The line of a full version ("4.1.10" -> "4.1", "6.0-alpha2" -> "6.0"); refuses what the sandbox cannot run. */
export function cassandraLine(version: string): CassandraLine {
  if (PREVIEW.test(version)) return '6.0'
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw badInput(`--cassandra-version "${version}" must look like 5.0.9`)
  const line = version.split('.').slice(0, 2).join('.')
  if (line === '4.1' || line === '5.0') return line
  throw badInput(
    `--cassandra-version ${version} is not supported; the sandbox runs Cassandra 4.1.x (on Java 11) and 5.0.x (on Java 17), and 6.0-alpha2 as a preview`,
  )
}

/** The warning a preview version gets (a 6.0 pre-release), or null for a supported release. */
export function cassandraPreview(version: string): string | null {
  if (!PREVIEW.test(version)) return null
  return `Cassandra ${version} is a preview: a pre-release the sandbox starts, not a supported version (see the README for what works on it)`
}

export function cassandraJavaMajor(version: string): JavaMajor {
  return CASSANDRA_LINES[cassandraLine(version)].java
}

/** Where every sandbox node's JMX listens: Cassandra's local JMX binds the loopback address 127.0.0.1 only. */
export const JMX_HOST = '127.0.0.1'

/** Node ids per network in the JMX port space (initial nodes and added ones). */
const JMX_PORTS_PER_NETWORK = 32

/**
 * Node N's JMX port on 127.0.0.1. Cassandra's local JMX (what cassandra-env.sh uses unless remote
 * JMX is asked for) binds 127.0.0.1 for every node, so ports must differ between the nodes of a
 * sandbox and between sandboxes on one machine: 7199 + 32 x (third octet of the network) + (N - 1).
 * The default network 127.0.0 gets Cassandra's usual 7199, 7200, 7201.
 * (The JDK's own agent could bind each node's address, but it also opens a local-attach connector
 * on 0.0.0.0, which a loopback-only sandbox must not.)
 */
export function cassandraJmxPort(network: string, nodeId: number): number {
  const octet = Number(network.split('.')[2])
  if (!Number.isInteger(octet) || octet < 0 || octet > 255) throw badInput(`sandbox network "${network}" has no third octet`)
  if (nodeId < 1 || nodeId > JMX_PORTS_PER_NETWORK) throw badInput(`Cassandra node id ${nodeId} is out of range 1..${JMX_PORTS_PER_NETWORK} for a JMX port`)
  return 7199 + JMX_PORTS_PER_NETWORK * octet + nodeId - 1
}

/** Cassandra's local JMX: registry and RMI server on one port of 127.0.0.1, no authentication (cassandra-env.sh's LOCAL_JMX=yes). */
export function jmxFlags(port: number): string[] {
  return [`-Dcassandra.jmx.local.port=${port}`, `-Dcom.sun.management.jmxremote.rmi.port=${port}`]
}

const exportsOf = (packages: string[]) => packages.flatMap((p) => ['--add-exports', `${p}=ALL-UNNAMED`])
const opensOf = (packages: string[]) => packages.flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`])

const COMMON_OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
]

/** Cassandra 4.1's conf/jvm11-server.options, plus nio.charset for jamm. */
const JAVA11_MODULE_FLAGS = [
  '-Djdk.attach.allowAttachSelf=true',
  ...exportsOf([
    'java.base/jdk.internal.misc',
    'java.base/jdk.internal.ref',
    'java.base/sun.nio.ch',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
  ]),
  ...opensOf([...COMMON_OPENS, 'java.base/java.nio.charset']),
]

/** Cassandra 5.0's conf/jvm17-server.options, plus nio.charset for jamm. */
const JAVA17_MODULE_FLAGS = [
  '-Djdk.attach.allowAttachSelf=true',
  ...exportsOf([
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.management/com.sun.jmx.remote.security',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
  ]),
  ...opensOf([
    ...COMMON_OPENS,
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'java.base/java.lang',
    'java.base/java.util',
    'java.base/java.nio',
    'java.base/java.nio.charset',
  ]),
]

export function cassandraModuleFlags(java: JavaMajor): string[] {
  return [
    ...(java === 11 ? JAVA11_MODULE_FLAGS : JAVA17_MODULE_FLAGS),
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
  ]
}

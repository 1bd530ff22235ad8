import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {cassandraJavaMajor, cassandraJmxPort, cassandraLine, cassandraModuleFlags, cassandraPreview, JMX_HOST} from '../../../src/core/sandbox/cassandra-runtime.js'
import {cassandraJvmArgs, cassandraYaml, DEFAULT_CASSANDRA_VERSION, initialSpec} from '../../../src/core/sandbox/topology.js'

const jvm = (java: 11 | 17, jmxPort = 7199) => cassandraJvmArgs({libDir: '/l', jammJar: '/l/jamm-0.3.2.jar', dir: '/n', logback: '/lb', java, jmxPort})
const specOf = (cassandraVersion: string, tokensPerNode = 1, tokenAllocation: 'allocator' | 'even' = 'even') =>
  initialSpec({name: 't', network: '127.0.60', kafkaNodes: 0, cassandraNodes: 2, kafkaVersion: '4.4.0', cassandraVersion, tokensPerNode, tokenAllocation})

describe('Cassandra versions and their Java', () => {
  it('runs 4.1.x on Java 11 and 5.0.x on Java 17', () => {
    expect(cassandraLine('4.1.10')).toBe('4.1')
    expect(cassandraJavaMajor('4.1.10')).toBe(11)
    expect(cassandraJavaMajor('4.1.0')).toBe(11)
    expect(cassandraJavaMajor('5.0.9')).toBe(17)
    expect(cassandraJavaMajor(DEFAULT_CASSANDRA_VERSION)).toBe(17)
  })

  it('refuses other lines and malformed versions with one line naming what runs', () => {
    for (const v of ['4.0.19', '3.11.17', '5.1.0', '6.0.0']) expect(() => cassandraLine(v)).toThrow(/^--cassandra-version .* is not supported; the sandbox runs Cassandra 4\.1\.x \(on Java 11\) and 5\.0\.x \(on Java 17\), and 6\.0-alpha2 as a preview$/)
    for (const v of ['4.1', '4.1.x', '5.0.9-SNAPSHOT', '', '6.0-alpha', '6.0-SNAPSHOT', '6.1-alpha1', '5.0-alpha2']) expect(() => cassandraLine(v)).toThrow(/must look like/)
  })

  it('accepts a 6.0 pre-release as a preview on Java 17, with a warning; releases get none', () => {
    for (const v of ['6.0-alpha2', '6.0-beta1', '6.0-rc1']) {
      expect(cassandraLine(v)).toBe('6.0')
      expect(cassandraJavaMajor(v)).toBe(17)
      expect(cassandraPreview(v)).toBe(`Cassandra ${v} is a preview: a pre-release the sandbox starts, not a supported version (see the README for what works on it)`)
    }
    for (const v of ['4.1.10', '5.0.9']) expect(cassandraPreview(v)).toBeNull()
  })

  it('gives only the 6.0 preview a 10 s Paxos contention timeout (its first node initialises the CMS with a Paxos write)', () => {
    const node = specOf('6.0-alpha2').cassandra!.nodes[0]!
    expect(cassandraYaml(specOf('6.0-alpha2'), node, '/n')).toContain('\ncas_contention_timeout: 10000ms\n')
    for (const v of ['4.1.10', '5.0.9']) expect(cassandraYaml(specOf(v), specOf(v).cassandra!.nodes[0]!, '/n')).not.toContain('cas_contention_timeout')
  })

  test.prop([fc.constantFrom('4.1', '5.0'), fc.nat(99)])('every patch of a supported line maps to its line\'s Java', (line, patch) => {
    expect(cassandraJavaMajor(`${line}.${patch}`)).toBe(line === '4.1' ? 11 : 17)
  })

  it('the default is a 5.0 version', () => {
    expect(DEFAULT_CASSANDRA_VERSION).toMatch(/^5\.0\.\d+$/)
  })
})

describe('Cassandra JVM flags per Java', () => {
  it('gives Java 11 the 4.1 jvm11-server.options modules and Java 17 the 5.0 jvm17 ones', () => {
    const j11 = cassandraModuleFlags(11)
    const j17 = cassandraModuleFlags(17)
    expect(j11).toContain('java.base/jdk.internal.ref=ALL-UNNAMED')
    expect(j11.join(' ')).toContain('--add-exports java.base/sun.nio.ch=ALL-UNNAMED')
    // Java 17 needs these opens that Java 11's default illegal access still permits.
    expect(j17.join(' ')).toContain('--add-opens java.base/java.lang=ALL-UNNAMED')
    expect(j11.join(' ')).not.toContain('--add-opens java.base/java.lang=ALL-UNNAMED')
    expect(jvm(11)).toEqual(expect.arrayContaining(j11))
    expect(jvm(17)).toEqual(expect.arrayContaining(j17))
  })

  it('turns on Cassandra\'s local JMX (127.0.0.1 only) on the node\'s port, registry and RMI server on one port', () => {
    const args = jvm(11, 8671)
    expect(args).toContain('-Dcassandra.jmx.local.port=8671')
    expect(args).toContain('-Dcom.sun.management.jmxremote.rmi.port=8671')
    // Remote JMX (all interfaces) is never asked for.
    expect(args.join(' ')).not.toMatch(/jmx\.remote\.port|jmxremote\.port=|jmxremote\.host/)
    expect(JMX_HOST).toBe('127.0.0.1')
  })
})

describe('JMX ports', () => {
  it('keeps Cassandra\'s 7199, 7200, ... on the default network', () => {
    expect([1, 2, 3].map((id) => cassandraJmxPort('127.0.0', id))).toEqual([7199, 7200, 7201])
  })

  test.prop([fc.nat(255), fc.nat(255), fc.integer({min: 1, max: 32}), fc.nat(255), fc.integer({min: 1, max: 32})])(
    'no two nodes of sandboxes on different third octets, or of one sandbox, share a port',
    (a, b, id1, c, id2) => {
      const p1 = cassandraJmxPort(`127.${a}.${b}`, id1)
      const p2 = cassandraJmxPort(`127.${a}.${c}`, id2)
      expect(p1 === p2).toBe(b === c && id1 === id2)
      expect(p1).toBeGreaterThanOrEqual(7199)
      expect(p1).toBeLessThan(32768)
    },
  )

  it('refuses a node id beyond the per-network range', () => {
    expect(() => cassandraJmxPort('127.0.60', 33)).toThrow(/out of range 1\.\.32/)
  })
})

describe('cassandra.yaml per version', () => {
  // Every key the sandbox writes, checked against the Config class fields of cassandra-all 4.1.10
  // and 5.0.9 (both load unknown keys as a fatal error; the integration tests start both).
  const accepted = new Set([
    'cluster_name', 'partitioner', 'endpoint_snitch', 'num_tokens', 'initial_token', 'auto_bootstrap', 'seed_provider',
    'listen_address', 'rpc_address', 'storage_port', 'native_transport_port', 'start_native_transport', 'commitlog_sync',
    'commitlog_sync_period', 'commitlog_segment_size', 'data_file_directories', 'commitlog_directory', 'hints_directory',
    'saved_caches_directory', 'auto_snapshot', 'concurrent_compactors', 'hinted_handoff_enabled', 'max_hint_window',
    'hints_flush_period', 'write_request_timeout',
    // Config.allocate_tokens_for_local_replication_factor in both 4.1.10's and 5.0.9's cassandra-all jar (javap).
    'allocate_tokens_for_local_replication_factor',
  ])
  for (const version of ['4.1.10', '5.0.9']) {
    it(`${version}: only keys both lines accept, new-style duration and size names, the node's tokens`, () => {
      const spec = specOf(version, 4)
      const yaml = cassandraYaml(spec, spec.cassandra!.nodes[1], '/n')
      const keys = [...yaml.matchAll(/^([a-z_]+):/gm)].map((m) => m[1])
      expect(keys.filter((k) => !accepted.has(k))).toEqual([])
      // 4.1 introduced the unit-suffixed names; the old *_in_ms / *_in_mb names are not written.
      expect(yaml).not.toMatch(/_in_ms|_in_mb|_in_kb/)
      expect(yaml).toContain('num_tokens: 4')
      expect(yaml).toContain(`initial_token: ${spec.cassandra!.nodes[1].tokens.join(',')}`)
      const allocated = specOf(version, 16, 'allocator')
      const allocatedYaml = cassandraYaml(allocated, allocated.cassandra!.nodes[1], '/n')
      const allocatedKeys = [...allocatedYaml.matchAll(/^([a-z_]+):/gm)].map((m) => m[1])
      expect(allocatedKeys.filter((k) => !accepted.has(k))).toEqual([])
      expect(allocatedKeys).toContain('allocate_tokens_for_local_replication_factor')
    })
  }
})

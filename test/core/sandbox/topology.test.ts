import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {
  allocatesTokens,
  balancedTokens,
  cassandraJvmArgs,
  cassandraYaml,
  initialSpec,
  kafkaPom,
  kafkaServerProperties,
  validateVersion,
} from '../../../src/core/sandbox/topology.js'

const spec = initialSpec({name: 't', network: '127.0.10', kafkaNodes: 3, cassandraNodes: 3, kafkaVersion: '4.1.1', cassandraVersion: '5.0.8', tokensPerNode: 1})

describe('sandbox topology', () => {
  it('puts each node on its own loopback address and rack', () => {
    expect(spec.kafka!.nodes.map((n) => [n.host, n.rack, n.roles])).toEqual([
      ['127.0.10.1', 'rack1', 'broker,controller'],
      ['127.0.10.2', 'rack2', 'broker,controller'],
      ['127.0.10.3', 'rack3', 'broker,controller'],
    ])
    expect(spec.cassandra!.nodes.map((n) => n.host)).toEqual(['127.0.10.1', '127.0.10.2', '127.0.10.3'])
  })

  it('writes KRaft properties bound to loopback only, with the rack', () => {
    const props = kafkaServerProperties(spec, spec.kafka!.nodes[1], '/d')
    expect(props).toContain('controller.quorum.voters=1@127.0.10.1:9093,2@127.0.10.2:9093,3@127.0.10.3:9093')
    expect(props).toContain('listeners=PLAINTEXT://127.0.10.2:9092,CONTROLLER://127.0.10.2:9093')
    expect(props).toContain('broker.rack=rack2')
    expect(props).not.toMatch(/0\.0\.0\.0|:\/\/:/)
  })

  it('adds the logging backend the Kafka POM leaves out, per major version', () => {
    expect(kafkaPom('4.1.1')).toContain('log4j-slf4j-impl')
    expect(kafkaPom('3.9.1')).toContain('slf4j-reload4j')
    expect(kafkaPom('3.9.1')).not.toContain('log4j-core')
  })

  it('writes a cassandra.yaml with the tokens and GossipingPropertyFileSnitch', () => {
    const yaml = cassandraYaml(spec, spec.cassandra!.nodes[0], '/d')
    expect(yaml).toContain('endpoint_snitch: GossipingPropertyFileSnitch')
    expect(yaml).toContain('initial_token: -9223372036854775808')
    expect(yaml).toContain('listen_address: 127.0.10.1')
  })

  it('gives 16 tokens with the allocator settings 4.1 and 5.0 ship by default, and no initial_token', () => {
    for (const cassandraVersion of ['4.1.10', '5.0.9']) {
      const allocated = initialSpec({name: 't', network: '127.0.10', kafkaNodes: 0, cassandraNodes: 3, kafkaVersion: '4.4.0', cassandraVersion, tokensPerNode: 16})
      for (const node of allocated.cassandra!.nodes) {
        expect(allocatesTokens(node)).toBe(true)
        const yaml = cassandraYaml(allocated, node, '/d')
        expect(yaml).toContain('num_tokens: 16\nallocate_tokens_for_local_replication_factor: 3\n')
        expect(yaml).not.toContain('initial_token')
      }
    }
  })

  it('takes 256 tokens with the allocator, and even tokens when asked or for one token per node', () => {
    const of = (tokensPerNode: number, tokenAllocation?: 'allocator' | 'even') =>
      initialSpec({name: 't', network: '127.0.10', kafkaNodes: 0, cassandraNodes: 3, kafkaVersion: '4.4.0', cassandraVersion: '5.0.9', tokensPerNode, tokenAllocation})
    const many = of(256)
    expect(cassandraYaml(many, many.cassandra!.nodes[2], '/d')).toContain('num_tokens: 256\nallocate_tokens_for_local_replication_factor: 3\n')
    const single = of(1)
    expect(single.cassandra!.nodes.map((n) => n.tokens.length)).toEqual([1, 1, 1])
    expect(cassandraYaml(single, single.cassandra!.nodes[0], '/d')).not.toContain('allocate_tokens')
    const even = of(16, 'even')
    const yaml = cassandraYaml(even, even.cassandra!.nodes[1], '/d')
    expect(yaml).toMatch(/num_tokens: 16\ninitial_token: (-?\d+,){15}-?\d+\n/)
    expect(yaml).not.toContain('allocate_tokens')
  })

  it('skips the gossip settle wait except for a node about to allocate its tokens', () => {
    const base = {libDir: '/l', jammJar: '/j', dir: '/d', logback: '/x', java: 17 as const, jmxPort: 7199}
    expect(cassandraJvmArgs(base)).toContain('-Dcassandra.skip_wait_for_gossip_to_settle=0')
    expect(cassandraJvmArgs({...base, settleGossip: true}).join(' ')).not.toContain('skip_wait_for_gossip_to_settle')
  })

  it('refuses versions it cannot run', () => {
    expect(() => validateVersion('3.8.0', 'kafka')).toThrow(/too old/)
    expect(() => validateVersion('4.0.19', 'cassandra')).toThrow(/runs Cassandra 4\.1\.x \(on Java 11\) and 5\.0\.x \(on Java 17\)/)
    expect(() => validateVersion('5.1.0', 'cassandra')).toThrow(/not supported/)
    expect(validateVersion('4.1.10', 'cassandra')).toBe('4.1.10')
    expect(validateVersion('5.0.9', 'cassandra')).toBe('5.0.9')
    expect(() => validateVersion('4.1', 'kafka')).toThrow(/look like/)
  })

  test.prop([fc.integer({min: 1, max: 12}), fc.integer({min: 1, max: 32})])('balanced tokens give every node an equal share', (nodes, perNode) => {
    const tokens = balancedTokens(nodes, perNode)
    const all = tokens.flat().map(BigInt)
    expect(new Set(all).size).toBe(nodes * perNode)
    const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    // Ownership of token t = t - predecessor (wrapping); sum per node must be 2^64/nodes within rounding.
    const owner = new Map<bigint, number>()
    tokens.forEach((list, i) => list.forEach((t) => owner.set(BigInt(t), i)))
    const share = Array.from({length: nodes}, () => 0n)
    sorted.forEach((t, i) => {
      const prev = i === 0 ? sorted[sorted.length - 1] - 2n ** 64n : sorted[i - 1]
      share[owner.get(t)!] += t - prev
    })
    const ideal = 2n ** 64n / BigInt(nodes)
    for (const s of share) expect(Number(s - ideal) / Number(ideal)).toBeCloseTo(0, 9)
  })
})

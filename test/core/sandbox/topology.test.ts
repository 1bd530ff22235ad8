import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {balancedTokens, cassandraYaml, initialSpec, kafkaPom, kafkaServerProperties, validateVersion} from '../../../src/core/sandbox/topology.js'

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

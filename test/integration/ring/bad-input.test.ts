import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

/** Bad input to the ring and hash commands: one clear line and exit 2, before any cluster is touched. */
const dir = mkdtempSync(join(tmpdir(), 'fleetops-ring-bad-'))
// Unreachable contact points: a command that tried to connect would fail with 69, not 2.
const env = {FLEETOPS_CONTACT_POINTS: '127.0.0.1:1', FLEETOPS_BROKERS: '127.0.0.1:1'}

const good = {
  partitioner: 'Murmur3Partitioner',
  nodes: [
    {address: '10.0.0.1', dc: 'dc1', rack: 'r1', tokens: ['-9223372036854775808', '0']},
    {address: '10.0.0.2', dc: 'dc1', rack: 'r2', tokens: ['-3074457345618258603', '3074457345618258602']},
    {address: '10.0.0.3', dc: 'dc1', rack: 'r3', tokens: ['-6148914691236517206', '6148914691236517204']},
  ],
  keyspaces: {shop: {class: 'NetworkTopologyStrategy', replication: {dc1: 3}}},
}

function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

async function expectBadInput(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args, {env})
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  expect(lines[0]).toMatch(pattern)
  expect(r.stdout).toBe('')
}

describe('ring plan / ring show bad input', () => {
  const okState = file('good.json', good)

  it('a valid file plans (the control case)', async () => {
    const r = await runCli(['ring', 'plan', '--state', okState, '--add', '3', '--tokens-per-node', '16', '--json'], {env})
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.proposed).toHaveLength(3)
    expect(r.json.ownership.after).toHaveLength(6)
    expect(typeof r.json.movedFraction).toBe('number')
    expect(r.json.optimalMovedFraction).toBeCloseTo(0.5, 12)
  })

  it('malformed state file', async () => {
    await expectBadInput(['ring', 'plan', '--state', file('trunc.json', '{"partitioner": "Murmur3Partitioner", "nodes": ['), '--add', '1'], /not valid JSON/)
    await expectBadInput(['ring', 'plan', '--state', file('shape.json', {partitioner: 'Murmur3Partitioner', nodes: {}}), '--add', '1'], /"nodes" must be an array/)
    await expectBadInput(['ring', 'plan', '--state', join(dir, 'missing.json'), '--add', '1'], /--state .*missing\.json: no such file/)
  })

  it('tokens out of the Murmur3 range, or duplicated', async () => {
    const out = structuredClone(good)
    out.nodes[0].tokens[1] = '9223372036854775808'
    await expectBadInput(['ring', 'plan', '--state', file('range.json', out), '--add', '1'], /not an integer string in \[-2\^63, 2\^63-1\]/)
    const numeric = structuredClone(good) as {nodes: {tokens: unknown[]}[]}
    numeric.nodes[0].tokens[1] = 12
    await expectBadInput(['ring', 'plan', '--state', file('numeric.json', numeric), '--add', '1'], /decimal strings/)
    const dup = structuredClone(good)
    dup.nodes[1].tokens[0] = '0'
    await expectBadInput(['ring', 'plan', '--state', file('dup.json', dup), '--add', '1'], /token 0 is held by both 10\.0\.0\.1 and 10\.0\.0\.2/)
  })

  it('unknown DC or rack', async () => {
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '1', '--dc', 'dc9'], /DC "dc9" is not in the ring/)
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '1', '--rack', 'r7'], /rack "r7" is not in DC dc1/)
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '2', '--racks', 'r1,r9'], /rack "r9" is not in DC dc1/)
  })

  it('RF greater than the nodes in a DC', async () => {
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '1', '--rf', '5'], /RF 5 for DC dc1 is more than the 4 node/)
    const ks = structuredClone(good)
    ks.keyspaces.shop.replication.dc1 = 4
    await expectBadInput(['ring', 'plan', '--state', file('rf.json', ks), '--add', '1'], /RF 4 for DC "dc1" is more than its 3 node/)
  })

  it('N < 1 and other malformed numbers', async () => {
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '0'], /--add \(nodes to add\) must be between 1 and/)
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '-2'], /--add/)
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '1', '--tokens-per-node', '0'], /--tokens-per-node must be between 1/)
    await expectBadInput(['ring', 'plan', '--state', okState], /exactly one of --add N or --remove ADDRESS/)
    await expectBadInput(['ring', 'plan', '--state', okState, '--remove', '10.9.9.9'], /node "10\.9\.9\.9" is not in the ring/)
  })

  it('unsafe identifiers for --keyspace, checked before touching the cluster', async () => {
    await expectBadInput(['ring', 'show', '--keyspace', 'shop; DROP KEYSPACE x'], /not a safe CQL identifier/)
    await expectBadInput(['ring', 'plan', '--add', '1', '--keyspace', 'a"b'], /not a safe CQL identifier/)
    await expectBadInput(['ring', 'plan', '--state', okState, '--add', '1', '--keyspace', 'nope'], /keyspace "nope" is not in the ring state/)
  })

  it('hash commands', async () => {
    await expectBadInput(['hash', 'simulate', '--nodes', '0'], /--nodes must be between 2/)
    await expectBadInput(['hash', 'simulate', '--scheme', 'crc'], /--scheme "crc" is unknown/)
    await expectBadInput(['hash', 'kafka-partitions', '--topic', 'a b', '--from', '1', '--to', '2'], /not a valid Kafka topic name/)
    await expectBadInput(['hash', 'kafka-partitions', '--topic', 't', '--from', '0', '--to', '2'], /--from must be between 1/)
    await expectBadInput(['hash', 'kafka-partitions', '--topic', 't', '--from', '3', '--to', '6', '--sample', '0'], /--sample must be between 1/)
  })
})

describe('hash simulate', () => {
  it('--compare runs every scheme; results are deterministic under a seed', async () => {
    const args = ['hash', 'simulate', '--compare', '--nodes', '20', '--keys', '20000', '--seed', '7', '--json']
    const a = await runCli(args)
    const b = await runCli(args)
    expect(a.code, a.stdout + a.stderr).toBe(0)
    expect(a.json.results.map((r: {scheme: string}) => r.scheme)).toEqual(['ring', 'jump', 'rendezvous', 'maglev', 'bounded-load'])
    const strip = (j: {results: Record<string, unknown>[]}) => j.results.map(({lookupNsPerKey: _, ...rest}) => rest)
    expect(strip(a.json)).toEqual(strip(b.json))
    for (const r of a.json.results) {
      expect(r.peakToMean).toBeGreaterThanOrEqual(1)
      expect(r.movedOnAdd.optimal).toBeCloseTo(1 / 21, 12)
    }
    const human = await runCli(['hash', 'simulate', '--scheme', 'bounded', '--nodes', '5', '--keys', '1000'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/bounded\s+[\d.]+/)
  })
})

import {readFileSync} from 'node:fs'

import {afterAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

/**
 * Token layouts as clusters run them: 1 token per node (hand-assigned, evenly spaced) and 256 (the pre-4.0
 * default, here through 4.0+'s allocator); the shared sandbox covers the default, 16 allocated tokens
 * (ring/ring.test.ts). This file starts its OWN 2-node Cassandra-only sandbox per layout, one at a time, on
 * FLEETOPS_TEST_LAYOUT_NETWORK (default 127.0.63), and purges it when done.
 */
const NAME = 'layout-test'
const NETWORK = process.env.FLEETOPS_TEST_LAYOUT_NETWORK ?? '127.0.63'
const ring = ['--contact-points', `${NETWORK}.1`, '--local-dc', 'datacenter1']

async function purge(): Promise<void> {
  const status = await runCli(['sandbox', 'status', '--name', NAME, '--json'])
  if (!status.json?.exists) return
  const down = await runCli(['sandbox', 'down', '--name', NAME, '--purge', '--json'])
  if (down.code !== 0) throw new Error(`sandbox down --name ${NAME} failed (exit ${down.code}): ${down.stderr}`)
}

async function up(tokensPerNode: number): Promise<any> {
  await purge()
  const r = await runCli(
    ['sandbox', 'up', '--name', NAME, '--network', NETWORK, '--no-kafka', '--cassandra-nodes', '2', '--tokens-per-node', String(tokensPerNode), '--json'],
    {timeoutMs: 900_000},
  )
  if (r.code !== 0) throw new Error(`sandbox up --tokens-per-node ${tokensPerNode} failed (exit ${r.code}): ${r.stderr || r.stdout}`)
  return r.json
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

describe('sandbox token layouts', () => {
  afterAll(async () => {
    await purge()
  })

  it('256 tokens per node: Cassandra\'s allocator chooses them, one node after the other, and ring show agrees', async () => {
    const status = await up(256)
    const shown = await runCli(['ring', 'show', ...ring, '--json'])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.json.nodes.map((n: any) => n.tokens.length)).toEqual([256, 256])
    expect(shown.json.status.map((s: any) => [s.address, s.status, s.tokens])).toEqual([
      [`${NETWORK}.1`, 'UN', 256],
      [`${NETWORK}.2`, 'UN', 256],
    ])
    for (const n of status.cassandra.nodes) {
      const selected = /Selected tokens \[([^\]]+)\]/.exec(readFileSync(n.log, 'utf8'))
      expect(selected, n.host).not.toBeNull()
      const node = shown.json.nodes.find((x: any) => x.address === n.host)
      expect([...node.tokens].sort()).toEqual(selected![1].split(', ').sort())
    }
    const raw = shown.json.ownership.nodes.map((o: any) => o.raw)
    expect(sum(raw)).toBeCloseTo(1, 9)
    // The second node split the first one's ranges (generateSplits, ratio 0.553..0.628): neither node is left
    // with a sliver, as a random layout or a clash could leave it.
    for (const share of raw) expect(share).toBeGreaterThan(0.3)
  }, 900_000)

  it('1 token per node: evenly spaced initial_token, each of 2 nodes owns exactly half', async () => {
    await up(1)
    const shown = await runCli(['ring', 'show', ...ring, '--json'])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.json.nodes.map((n: any) => n.tokens)).toEqual([['-9223372036854775808'], ['0']])
    for (const o of shown.json.ownership.nodes) expect(o.raw).toBeCloseTo(0.5, 12)
    expect(shown.json.status.map((s: any) => s.status)).toEqual(['UN', 'UN'])
  }, 900_000)
})

import {afterAll, describe, expect, it} from 'vitest'

import {waitFor} from '../lag/support.js'
import {cassandraContactPoints, cassandraLocalDc} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'

/**
 * Faults on real nodes: a stopped node is DN in `ring show`; while a node bootstraps (`sandbox add-node`)
 * `ring show` has it UJ and `ring plan` refuses, naming it (exit 69, NOT_READY). The second test adds a node
 * for good, so this file runs with the topology-changing ones, last (test/support/topology-last-sequencer.ts).
 */
const env = {FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','), FLEETOPS_LOCAL_DC: cassandraLocalDc(), FLEETOPS_BROKERS: undefined}
let stoppedId: number | null = null

afterAll(async () => {
  if (stoppedId !== null) await runCli(['sandbox', 'start-node', 'node', String(stoppedId), ...sandboxFlags])
}, 300_000)

describe('ring faults', () => {
  it('a stopped node shows as DN, with its tokens and host id kept, and UN again once started', async () => {
    const status = await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])
    const victim = status.json.cassandra.nodes.at(-1)
    const before = await waitFor('every node to be UN', async () => {
      const r = await runCli(['ring', 'show', '--json'], {env})
      return r.json?.status?.every((s: {status: string}) => s.status === 'UN') ? r : null
    }, 180_000)
    const was = before.json.status.find((s: {address: string}) => s.address === victim.host)
    expect(was.status).toBe('UN')
    const stop = await runCli(['sandbox', 'stop-node', 'node', String(victim.id), ...sandboxFlags])
    expect(stop.code, stop.stderr).toBe(0)
    stoppedId = victim.id
    try {
      const down = await waitFor('the stopped node to be DN', async () => {
        const r = await runCli(['ring', 'show', '--json'], {env})
        return r.json?.status?.find((s: {address: string; status: string}) => s.address === victim.host && s.status === 'DN') ? r : null
      }, 120_000)
      const row = down.json.status.find((s: {address: string}) => s.address === victim.host)
      expect(row).toMatchObject({up: false, state: 'NORMAL', hostId: was.hostId, tokens: was.tokens, rack: was.rack})
      expect(down.json.status.length).toBe(before.json.status.length)
      const human = await runCli(['ring', 'show'], {env})
      expect(human.stdout).toMatch(new RegExp(`^DN\\s+${victim.host.replace(/\./g, '\\.')}\\s`, 'm'))
    } finally {
      const start = await runCli(['sandbox', 'start-node', 'node', String(victim.id), ...sandboxFlags])
      expect(start.code, start.stderr).toBe(0)
      stoppedId = null
    }
    await waitFor('every node to be UN again', async () => {
      const r = await runCli(['ring', 'show', '--json'], {env})
      return r.json?.status?.every((s: {status: string}) => s.status === 'UN') ? r : null
    }, 180_000)
  }, 600_000)

  it('while a node bootstraps, ring show has it UJ and ring plan refuses naming it; once it joined, ring plan plans', {timeout: 600_000}, async () => {
    const planned = await runCli(['ring', 'plan', '--add', '1', '--rack', 'rack1', '--json'], {env})
    expect(planned.code, planned.stderr).toBe(0)
    const tokens = planned.json.proposed[0].tokens as string[]
    // A 40 s ring delay: the node stays JOINING (gossip STATUS BOOT) that long before it streams, as a node with
    // much data to stream would; the checks below take a few seconds of it.
    const adding = runCli(['sandbox', 'add-node', ...sandboxFlags, '--initial-token', tokens.join(','), '--rack', 'rack1', '--ring-delay', '40s', '--json'], {
      timeoutMs: 600_000,
    })
    let finished = false
    void adding.then(() => (finished = true))
    const joining = await waitFor('a UJ node in ring show', async () => {
      if (finished) throw new Error(`add-node ended before the node was seen joining: ${JSON.stringify((await adding).json)}`)
      const r = await runCli(['ring', 'show', '--json'], {env})
      const row = r.json?.status?.find((s: {status: string}) => s.status === 'UJ')
      if (!row) return null
      // Caught it: ask for a plan at once, while it still bootstraps.
      const refused = await runCli(['ring', 'plan', '--add', '1', '--json'], {env})
      return {row, refused}
    }, 300_000, 500)
    expect(joining.row).toMatchObject({up: true, state: 'JOINING'})
    const added = await adding
    expect(added.code, added.stderr).toBe(0)
    expect(joining.row.address).toBe(added.json.host)
    expect(joining.refused.code, joining.refused.stdout).toBe(69)
    expect(joining.refused.json.error.code).toBe('NOT_READY')
    expect(joining.refused.json.error.message).toContain(`${added.json.host} is joining (UJ)`)
    const after = await runCli(['ring', 'show', '--json'], {env})
    const row = after.json.status.find((s: {address: string}) => s.address === added.json.host)
    expect(row).toMatchObject({status: 'UN', tokens: tokens.length})
    const plan = await runCli(['ring', 'plan', '--add', '1', '--json'], {env})
    expect(plan.code, plan.stderr).toBe(0)
  })
})

/**
 * `fleetops lag quorum` against the real sandbox (combined broker+controller nodes, three
 * voters): OK on the healthy quorum and the same voters and log end offsets as Kafka's own
 * MetadataQuorumCommand (from the sandbox's jars); a stopped follower voter is WARNING and
 * named, then OK again once it is started; stopping the leader is reported as an election
 * by --samples. Stopped nodes are always started again.
 */
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {kafkaBrokers} from '../support/cluster.js'
import {runCli} from '../support/cli.js'
import {sandboxFlags} from '../support/sandbox.js'
import {clusterEnv, waitFor} from './support.js'

const env = clusterEnv()
const stopped = new Set<number>()
const probe = (...extra: string[]) => runCli(['lag', 'quorum', '--json', ...extra], {env, timeoutMs: 180_000})
const stopNode = async (id: number) => {
  stopped.add(id)
  const r = await runCli(['sandbox', 'stop-node', 'broker', String(id), ...sandboxFlags])
  expect(r.code, r.stdout + r.stderr).toBe(0)
}
const startNode = async (id: number) => {
  const r = await runCli(['sandbox', 'start-node', 'broker', String(id), ...sandboxFlags])
  expect(r.code, r.stdout + r.stderr).toBe(0)
  stopped.delete(id)
}
const healthy = () =>
  waitFor('a healthy quorum', async () => {
    const r = await probe()
    return r.code === 0 && r.json.voters.every((v: any) => v.status === 'OK') ? r : null
  }, 180_000)

afterAll(async () => {
  for (const id of [...stopped]) await runCli(['sandbox', 'start-node', 'broker', String(id), ...sandboxFlags])
}, 300_000)

/** MetadataQuorumCommand describe --replication, from the sandbox's Kafka jars: voters and their LEOs. */
async function kafkaDescribeReplication(): Promise<Map<number, {leo: number; status: string}>> {
  const status = JSON.parse((await runCli(['sandbox', 'status', ...sandboxFlags, '--json'])).stdout)
  const lib = join(status.home, 'maven', `kafka-${status.kafka.version}`, 'lib')
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('java', ['-Xmx512m', '-cp', `${lib}/*`, 'org.apache.kafka.tools.MetadataQuorumCommand', '--bootstrap-server', kafkaBrokers().join(','), 'describe', '--replication'], {timeout: 120_000}, (e, out, err) =>
      e ? reject(new Error(`MetadataQuorumCommand failed: ${err || e.message}`)) : resolve(out),
    ),
  )
  // NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status
  const rows = new Map<number, {leo: number; status: string}>()
  for (const line of stdout.trim().split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    rows.set(Number(f[0]), {leo: Number(f[2]), status: f[6]!})
  }
  return rows
}

describe('lag quorum', () => {
  it('is OK on the healthy quorum and agrees with MetadataQuorumCommand describe --replication', async () => {
    const before = await healthy()
    const theirs = await kafkaDescribeReplication()
    const after = await probe()
    expect(after.code, after.stdout + after.stderr).toBe(0)
    const ours = after.json
    expect(ours).toMatchObject({version: 1, status: 'OK', exitCode: 0, leaderId: expect.any(Number), leaderEpoch: expect.any(Number), highWatermark: expect.any(Number), elections: []})
    const voterIds = ours.voters.map((v: any) => v.replicaId)
    const theirVoters = [...theirs].filter(([, r]) => r.status === 'Leader' || r.status === 'Follower').map(([id]) => id)
    expect(voterIds).toEqual([...theirVoters].sort((a, b) => a - b))
    expect(theirs.get(ours.leaderId)?.status).toBe('Leader')
    // Their LEOs were read between our two calls: the metadata log only moves forward (a
    // no-op record about every 500 ms), so each lies between ours, give or take a few records.
    const slack = 20
    for (const v of ours.voters) {
      const b = before.json.voters.find((x: any) => x.replicaId === v.replicaId)
      const t = theirs.get(v.replicaId)!.leo
      expect(t, `voter ${v.replicaId}`).toBeGreaterThanOrEqual(b.logEndOffset - slack)
      expect(t, `voter ${v.replicaId}`).toBeLessThanOrEqual(v.logEndOffset + slack)
      expect(v).toMatchObject({status: 'OK', reason: null, lag: expect.any(Number), lastFetchAgoMs: expect.any(Number), lastCaughtUpAgoMs: expect.any(Number)})
    }
    const table = await runCli(['lag', 'quorum'], {env})
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^QUORUM OK - leader \d+ epoch \d+, 3\/3 voters caught up \(majority 2\).* \| voters_caught_up=3;;;0;3 /)
    const prom = await runCli(['lag', 'quorum', '--format', 'prometheus'], {env})
    expect(prom.stdout).toContain('fleetops_quorum_status 0\n')
    expect(prom.stdout).toMatch(/fleetops_quorum_voter_lag\{replica="\d+",role="voter"\} \d+/)
  }, 300_000)

  it('names a stopped follower voter (WARNING), and is OK again once it is back', async () => {
    const {json} = await healthy()
    const follower: number = json.voters.find((v: any) => !v.leader).replicaId
    await stopNode(follower)
    try {
      const r = await waitFor(`voter ${follower} to be flagged`, async () => {
        const res = await probe()
        return res.code >= 1 && res.code <= 2 ? res : null
      }, 120_000)
      expect(r.json.status).toBe('WARNING') // 2 of 3 voters: the majority holds
      const v = r.json.voters.find((x: any) => x.replicaId === follower)
      expect(v).toMatchObject({status: 'WARNING', reason: expect.stringContaining(`voter ${follower}`)})
      expect(r.json.notes.join(' ')).toContain(`voter ${follower}`)
      const table = await runCli(['lag', 'quorum'], {env})
      expect(table.code).toBe(1)
      expect(table.stdout).toMatch(new RegExp(`^QUORUM WARNING - .*2/3 voters caught up.*voter ${follower}: no fetch for`))
    } finally {
      await startNode(follower)
    }
    await healthy()
  }, 600_000)

  it('reports the election when the leader is stopped (--samples)', async () => {
    const {json} = await healthy()
    const leader: number = json.leaderId
    const sampling = probe('--samples', '12', '--interval', '2s', '--max-elections', '0')
    await new Promise((r) => setTimeout(r, 3000))
    try {
      await stopNode(leader)
      const r = await sampling
      expect(r.code, r.stdout + r.stderr).toBeGreaterThanOrEqual(1)
      expect(r.code).toBeLessThanOrEqual(2)
      expect(r.json.elections.length).toBeGreaterThanOrEqual(1)
      const first = r.json.elections[0]
      expect(first).toMatchObject({fromLeaderId: leader, fromEpoch: json.leaderEpoch})
      expect(first.toEpoch).toBeGreaterThan(first.fromEpoch)
      expect(r.json.leaderId).not.toBe(leader)
      expect(r.json.notes.join(' ')).toMatch(/leader election\(s\) in the window, over --max-elections 0/)
    } finally {
      await sampling.catch(() => {})
      await startNode(leader)
    }
    await healthy()
  }, 600_000)
})

/**
 * The probes' contract when they cannot judge, without a cluster: a closed port is a cluster
 * that cannot be reached, a listener that never answers is one that hangs. Every probe in
 * every format still answers (Nagios line, its JSON document, its status metric) with exit 3;
 * usage errors are UNKNOWN (3) too; interrupts (SIGINT, SIGTERM) end with 130.
 */
import {spawn} from 'node:child_process'
import {createServer, type Server, type Socket} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {binPath, runCli, type CliResult} from '../integration/support/cli.js'

// Each probe accepts only its own cluster's connection flags.
const timeouts = ['--connect-timeout', '1s', '--request-timeout', '2s']
const deadKafka = ['--brokers', '127.0.0.1:1', ...timeouts]
const deadCassandra = ['--contact-points', '127.0.0.1:1', '--local-dc', 'dc1', ...timeouts]
const deadFor = (args: readonly string[]) => (args[1] === 'cassandra' ? deadCassandra : deadKafka)
const noCluster = {FLEETOPS_CONFIG: '/nonexistent/fleetops.json', FLEETOPS_BROKERS: undefined, FLEETOPS_CONTACT_POINTS: undefined, FLEETOPS_PROFILE: undefined}
const unreachable = /cannot reach the cluster|no Cassandra contact point answered/

const probes = [
  {name: 'lag kafka', args: ['lag', 'kafka', '--group', 'g'], service: 'LAG', shape: {groups: []}, formats: ['table', 'json', 'prometheus']},
  {name: 'lag replicas', args: ['lag', 'replicas'], service: 'REPLICAS', shape: {brokers: [], partitions: [], gapNotes: []}, formats: ['table', 'json']},
  {name: 'lag quorum', args: ['lag', 'quorum'], service: 'QUORUM', shape: {leaderId: null, voters: [], observers: [], elections: [], notes: []}, formats: ['table', 'json']},
  {name: 'lag cassandra', args: ['lag', 'cassandra'], service: 'CANARY', shape: {keyspace: 'fleetops_canary', table: 'replication_canary', replicas: [], nodes: []}, formats: ['table', 'json']},
] as const

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, {env: {...noCluster, ...env}, timeoutMs: 60_000})
}

function expectNagiosUnknown(r: CliResult, service: string, reason: RegExp): void {
  const context = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
  expect(r.code, context).toBe(3)
  expect(r.stdout.split('\n'), context).toEqual([expect.stringMatching(new RegExp(`^${service} UNKNOWN - `)), ''])
  expect(r.stdout, context).toMatch(reason)
  expect(r.stderr.trim().split('\n'), context).toEqual([expect.stringMatching(/^Error: /)])
}

function expectJsonUnknown(r: CliResult, shape: object, reason: RegExp, code?: string): void {
  const context = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
  expect(r.code, context).toBe(3)
  expect(r.json, context).toMatchObject({version: 1, status: 'UNKNOWN', exitCode: 3, reason: expect.stringMatching(reason), error: {exit: 3}, ...shape})
  expect(r.json.error.message).toBe(r.json.reason)
  if (code) expect(r.json.error.code).toBe(code)
  expect(r.stderr, context).toBe('')
}

function expectPrometheusUnknown(r: CliResult, reason: RegExp): void {
  const context = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
  expect(r.code, context).toBe(3)
  const samples = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'))
  expect(samples, context).toContain('fleetops_lag_status 3')
  expect(samples.filter((l) => l.startsWith('fleetops_lag_status')), context).toHaveLength(1)
  expect(samples, context).toContainEqual(expect.stringMatching(/^fleetops_lag_evaluated_timestamp_seconds \d+(\.\d+)?$/))
  expect(r.stdout, context).toMatch(/^# HELP fleetops_lag_status .*\n# TYPE fleetops_lag_status gauge\n/m)
  expect(r.stderr.trim().split('\n'), context).toEqual([expect.stringMatching(reason)])
}

describe('a probe that cannot reach its cluster still answers, in every format, exit 3', () => {
  for (const p of probes) {
    it.concurrent(`${p.name}: table`, async () => {
      expectNagiosUnknown(await run([...p.args, ...deadFor(p.args)]), p.service, unreachable)
    })
    it.concurrent(`${p.name}: --json and --format json`, async () => {
      expectJsonUnknown(await run([...p.args, ...deadFor(p.args), '--json']), p.shape, unreachable, 'UNAVAILABLE')
      expectJsonUnknown(await run([...p.args, ...deadFor(p.args), '--format', 'json']), p.shape, unreachable, 'UNAVAILABLE')
    })
    if (p.formats.includes('prometheus' as never)) {
      it.concurrent(`${p.name}: --format prometheus`, async () => {
        expectPrometheusUnknown(await run([...p.args, ...deadFor(p.args), '--format', 'prometheus']), unreachable)
      })
    }
  }

  it.concurrent('lag kafka --watch --json: the UNKNOWN document is one JSON line, like its evaluations', async () => {
    const r = await run(['lag', 'kafka', '--group', 'g', '--watch', '--interval', '1s', '--json', ...deadKafka])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(r.stdout.endsWith('\n')).toBe(true)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({status: 'UNKNOWN', exitCode: 3, mode: 'watch', samples: 10, intervalMs: 1000, groups: []})
  })

  it.concurrent('the reason is redacted in every format', async () => {
    const env = {PW: 'hunter2-probe-secret'}
    const args = ['lag', 'kafka', '--group', 'g', '--username', 'u', '--sasl-mechanism', 'plain', '--password-env', 'PW', '--brokers', 'hunter2-probe-secret:x']
    for (const format of [[], ['--json'], ['--format', 'prometheus']]) {
      const r = await run([...args, ...format], env)
      expect(r.code, r.stdout + r.stderr).toBe(3)
      expect(r.stdout + r.stderr).toContain('***:x')
      expect(r.stdout + r.stderr).not.toContain('hunter2')
    }
  })
})

describe('probe usage errors are UNKNOWN (exit 3) and answer in the format asked for', () => {
  it.concurrent('an unknown flag', async () => {
    expectNagiosUnknown(await run(['lag', 'kafka', '--group', 'g', '--bogus']), 'LAG', /Nonexistent flag: --bogus/)
    expectJsonUnknown(await run(['lag', 'kafka', '--group', 'g', '--bogus', '--json']), {groups: []}, /Nonexistent flag: --bogus/, 'USAGE')
    expectPrometheusUnknown(await run(['lag', 'kafka', '--group', 'g', '--bogus', '--format', 'prometheus']), /^Error: Nonexistent flag: --bogus/)
    expectJsonUnknown(await run(['lag', 'cassandra', '--format=json', '--bogus']), {keyspace: 'fleetops_canary'}, /Nonexistent flag: --bogus/, 'USAGE')
  })

  it.concurrent('a bad --format falls back to the Nagios line, or JSON under --json', async () => {
    expectNagiosUnknown(await run(['lag', 'kafka', '--group', 'g', '--format', 'xml']), 'LAG', /--format=xml to be one of/)
    expectJsonUnknown(await run(['lag', 'kafka', '--group', 'g', '--format', 'xml', '--json']), {groups: []}, /--format=xml to be one of/, 'USAGE')
    // lag replicas has no prometheus format: asking for it is itself the usage error.
    expectNagiosUnknown(await run(['lag', 'replicas', '--format', 'prometheus']), 'REPLICAS', /--format=prometheus to be one of: table, json/)
  })

  it.concurrent('a bad option value and a missing value', async () => {
    expectJsonUnknown(await run(['lag', 'replicas', '--under-replicated', 'maybe', '--format', 'json']), {brokers: []}, /--under-replicated=maybe/, 'USAGE')
    expectNagiosUnknown(await run(['lag', 'cassandra', '--samples']), 'CANARY', /--samples expects a value/)
  })

  it.concurrent("fleetops' own bad input, raised before the cluster is touched", async () => {
    expectNagiosUnknown(await run(['lag', 'kafka', '--group', 'g', '--warn-lag', '500', '--crit-lag', '100', ...deadKafka]), 'LAG', /--warn-lag 500 is above --crit-lag 100/)
    expectPrometheusUnknown(await run(['lag', 'kafka', '--group', 'g', '--interval', '10', '--format', 'prometheus', ...deadKafka]), /is not a duration/)
    expectJsonUnknown(await run(['lag', 'kafka', ...deadKafka, '--json']), {groups: []}, /--group G/, 'BAD_INPUT')
    expectJsonUnknown(await run(['lag', 'replicas', '--warn-lag', '9', '--crit-lag', '1', '--json', ...deadKafka]), {gapNotes: []}, /--warn-lag 9 is above/, 'BAD_INPUT')
    expectJsonUnknown(await run(['lag', 'cassandra', '--crit-time-lag', 'soon', '--format', 'json', ...deadCassandra]), {table: 'replication_canary'}, /is not a duration/, 'BAD_INPUT')
  })

  it.concurrent('other commands keep exit 2 for usage errors', async () => {
    const r = await run(['kafka', 'describe', '--bogus'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^Error: Nonexistent flag: --bogus/)
  })
})

describe('interrupts end with exit 130', () => {
  // A "broker" that accepts connections and never answers: the probe waits on it (up to its
  // 60 s request timeout) until it is interrupted.
  let server: Server
  let port: number
  const sockets = new Set<Socket>()
  const connected: (() => void)[] = []
  beforeAll(async () => {
    server = createServer((s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
      for (const notify of connected.splice(0)) notify()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as {port: number}).port
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  /** Runs the CLI, sends `signal` once it has connected to the silent broker, and returns how it ended. */
  function interruptWhenConnected(args: string[], signal: NodeJS.Signals): Promise<{code: number | null; signal: string | null; stdout: string; stderr: string}> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [binPath, ...args, '--brokers', `127.0.0.1:${port}`, '--connect-timeout', '60s', '--request-timeout', '60s'], {
        env: {...process.env, ...noCluster, NO_COLOR: '1'} as NodeJS.ProcessEnv,
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c) => (stdout += String(c)))
      child.stderr.on('data', (c) => (stderr += String(c)))
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000)
      connected.push(() => setTimeout(() => child.kill(signal), 200))
      child.on('error', reject)
      child.on('close', (code, sig) => {
        clearTimeout(timer)
        resolve({code, signal: sig, stdout, stderr})
      })
    })
  }

  // One at a time: each waits for its own connection to the silent broker.
  it('SIGTERM ends a probe with 130', async () => {
    const r = await interruptWhenConnected(['lag', 'replicas'], 'SIGTERM')
    expect(r, r.stderr).toMatchObject({code: 130, signal: null})
  })

  it('SIGINT and SIGTERM end lag kafka --watch with 130, even mid-sample', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const r = await interruptWhenConnected(['lag', 'kafka', '--group', 'g', '--watch', '--interval', '1s', '--json'], signal)
      expect(r, `${signal}: ${r.stderr}`).toMatchObject({code: 130, signal: null})
      // Nothing was evaluated, so nothing was written: no stale or made-up document.
      expect(r.stdout).toBe('')
    }
  })
})

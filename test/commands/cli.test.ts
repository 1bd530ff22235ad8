import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli} from '../integration/support/cli.js'

/**
 * The CLI as a user meets it, with no cluster at all: help, usage errors,
 * config errors and an unreachable cluster. Runs the built bin/run.js.
 */
/** Assignment lists at least this long are printed into bytes (core/json-chunks.ts). */
const BYTES_PRINTED_FROM = 64

const noCluster = {FLEETOPS_BROKERS: undefined, FLEETOPS_CONTACT_POINTS: undefined, FLEETOPS_PROFILE: undefined}

function tempConfig(content: string, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-cfg-'))
  const file = join(dir, 'config.json')
  writeFileSync(file, content)
  chmodSync(file, mode)
  return file
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describe('fleetops CLI without a cluster', () => {
  it('plan --state --json prints plain JSON even under FORCE_COLOR, as JSON.stringify(doc, null, 2) would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-plan-'))
    const state = join(dir, 'state.json')
    const partitions = Array.from({length: 400}, (_, i) => ({topic: `t${String(i >> 5).padStart(2, '0')}`, partition: i & 31, replicas: [1 + (i % 3), 1 + ((i + 1) % 3)]}))
    writeFileSync(state, JSON.stringify({brokers: [{id: 1}, {id: 2}, {id: 3}, {id: 4}], partitions}))
    const r = await runCli(['kafka', 'rebalance', 'plan', '--state', state, '--json'], {env: {...noCluster, FORCE_COLOR: '1'}})
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('\u001b[')
    const doc = JSON.parse(r.stdout) as {summary: {moves: number; lowerBound: number}; reassignment: {partitions: unknown[]}}
    expect(r.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`)
    expect(doc.summary.moves).toBe(doc.summary.lowerBound)
    expect(doc.reassignment.partitions.length).toBeGreaterThan(BYTES_PRINTED_FROM)
  })

  it('--help lists every topic', async () => {
    const r = await runCli(['--help'], {env: noCluster})
    expect(r.code).toBe(0)
    for (const topic of ['sandbox', 'doctor']) expect(r.stdout).toContain(topic)
  })

  it('a nested topic\'s help starts with its own description, not its first command\'s', async () => {
    const r = await runCli(['kafka', 'rebalance', '--help'], {env: noCluster})
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^Minimal-move replica reassignments/)
    const kafka = await runCli(['kafka', '--help'], {env: noCluster})
    expect(kafka.stdout).toMatch(/TOPICS\n\s+kafka rebalance\s+Minimal-move/)
  })

  it('an unknown flag is a usage error: exit 2, one line', async () => {
    const r = await runCli(['doctor', '--bogus'], {env: noCluster})
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /Nonexistent flag: --bogus/)
  })

  it('keeps the exit code under --json and prints a JSON error', async () => {
    const r = await runCli(['doctor', '--bogus', '--json'], {env: noCluster})
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({code: 'USAGE', exit: 2})
  })

  it('refuses a password on the command line', async () => {
    const r = await runCli(['doctor', '--brokers', '127.0.0.1:1', '--password', 'hunter2-secret'], {env: noCluster})
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /--password-env/)
    expect(r.stderr + r.stdout).not.toContain('hunter2-secret')
  })

  it('a malformed profile file is exit 2 with its path', async () => {
    const file = tempConfig('{"profiles": {"prod": {"brokers": ')
    const r = await runCli(['doctor', '--profile', 'prod'], {env: {...noCluster, FLEETOPS_CONFIG: file}})
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /not valid JSON/)
    expect(r.stderr).toContain(file)
  })

  it('refuses a world-readable profile that holds a password', async () => {
    const file = tempConfig(JSON.stringify({profiles: {prod: {brokers: '127.0.0.1:1', password: 'pw-in-file-123'}}}), 0o644)
    const r = await runCli(['doctor', '--profile', 'prod'], {env: {...noCluster, FLEETOPS_CONFIG: file}})
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /chmod 600/)
    expect(r.stderr).not.toContain('pw-in-file-123')
  })

  it('an unknown profile names the defined ones', async () => {
    const file = tempConfig(JSON.stringify({profiles: {prod: {brokers: '127.0.0.1:1'}}}))
    const r = await runCli(['doctor', '--profile', 'staging'], {env: {...noCluster, FLEETOPS_CONFIG: file}})
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /no such profile "staging" in .*defined profiles: prod/)
  })

  it('an unreachable broker is exit 69 with one line, quickly', async () => {
    const r = await runCli(['doctor', '--brokers', '127.0.0.254:9', '--connect-timeout', '1s'], {env: noCluster})
    expect(r.code).toBe(69)
    expect(r.stderr).toMatch(/^Error: .*cannot reach the cluster/m)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('an unreachable contact point is exit 69', async () => {
    const r = await runCli(['doctor', '--contact-points', '127.0.0.254:9', '--connect-timeout', '1s', '--json'], {env: noCluster})
    expect(r.code).toBe(69)
    expect(r.json.error.code).toBe('UNAVAILABLE')
  })

  it('nothing configured is a usage error that says how to configure', async () => {
    const r = await runCli(['doctor'], {env: {...noCluster, FLEETOPS_CONFIG: '/nonexistent/config.json'}})
    expect(r.code).toBe(2)
    expectOneLineError(r.stderr, /--brokers/)
  })

  it('prints stack traces only with --verbose', async () => {
    const r = await runCli(['doctor', '--brokers', 'not-a-broker', '--verbose'], {env: noCluster})
    expect(r.code).toBe(2)
    // Function names survive the bundle (scripts/bundle.mjs does not mangle), so the trace stays readable.
    expect(r.stderr).toMatch(/\n\s+at parseBrokerList /)
    expect(r.stderr).toMatch(/\n\s+at resolveKafkaConnection /)
  })

  it('exits once the command has finished, even if something left a timer running', async () => {
    // A preload that leaves a referenced interval behind, as a client library's retry timer
    // can when a broker goes away mid-run. Without the entry's exit, this process never ends.
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-linger-'))
    const preload = join(dir, 'linger.mjs')
    writeFileSync(preload, 'setInterval(() => {}, 60_000)\n')
    const r = await runCli(['hash', 'simulate', '--scheme', 'jump', '--nodes', '4', '--keys', '1000', '--json'], {
      env: {...noCluster, NODE_OPTIONS: `--import=${preload}`},
      timeoutMs: 20_000,
    })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json.results.map((x: {scheme: string}) => x.scheme)).toEqual(['jump'])
    // A usage error keeps its exit code through the same path.
    const bad = await runCli(['hash', 'simulate', '--scheme', 'nope'], {env: {...noCluster, NODE_OPTIONS: `--import=${preload}`}, timeoutMs: 20_000})
    expect(bad.code, bad.stdout + bad.stderr).toBe(2)
  })
})

/** `lag quorum` without a cluster: its UNKNOWN answers in prometheus and --watch, its usage errors. */
import {describe, expect, it} from 'vitest'

import {runCli} from '../integration/support/cli.js'

const dead = ['--brokers', '127.0.0.1:1', '--connect-timeout', '1s', '--request-timeout', '2s']
const env = {FLEETOPS_CONFIG: '/nonexistent/fleetops.json', FLEETOPS_BROKERS: undefined, FLEETOPS_PROFILE: undefined}
const run = (args: string[]) => runCli(['lag', 'quorum', ...args], {env, timeoutMs: 60_000})

describe('lag quorum without a cluster', () => {
  it.concurrent('prometheus: fleetops_quorum_status 3 and the reason on stderr', async () => {
    const r = await run([...dead, '--format', 'prometheus'])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(r.stdout).toMatch(/^# HELP fleetops_quorum_status .*\n# TYPE fleetops_quorum_status gauge\nfleetops_quorum_status 3\n/)
    expect(r.stderr).toMatch(/^Error: /)
  })

  it.concurrent('--watch --json: the UNKNOWN document is one JSON line with the window settings', async () => {
    const r = await run([...dead, '--watch', '--interval', '1s', '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({status: 'UNKNOWN', exitCode: 3, samples: 10, intervalMs: 1000, voters: [], elections: []})
  })

  it.concurrent('usage errors are UNKNOWN before the cluster is touched', async () => {
    const a = await run(['--warn-lag', '9', '--crit-lag', '1', ...dead])
    expect(a.code).toBe(3)
    expect(a.stdout).toMatch(/^QUORUM UNKNOWN - --warn-lag 9 is above --crit-lag 1/)
    const b = await run(['--max-elections', '-1', '--json', ...dead])
    expect(b.code).toBe(3)
    expect(b.json).toMatchObject({status: 'UNKNOWN', error: {code: 'BAD_INPUT'}, reason: expect.stringMatching(/--max-elections/)})
    const c = await run(['--watch', '--samples', '1', ...dead])
    expect(c.stdout).toMatch(/^QUORUM UNKNOWN - --watch needs a window of at least 2 samples/)
  })
})

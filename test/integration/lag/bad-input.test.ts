/**
 * Bad input and probes that cannot run: one clear line each on stderr, exit 3 (UNKNOWN, per
 * the Nagios plugin guidelines) both for usage errors (raised before any cluster is touched)
 * and when the probe cannot run; stdout still carries the probe's UNKNOWN answer.
 */
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {clusterEnv} from './support.js'

const env = clusterEnv()
/** Nothing listens here: a usage error must be raised without ever trying. */
const dead = {FLEETOPS_BROKERS: '127.0.0.1:1', FLEETOPS_CONTACT_POINTS: '127.0.0.1:1', FLEETOPS_LOCAL_DC: 'datacenter1', FLEETOPS_CONNECT_TIMEOUT: '1s', FLEETOPS_REQUEST_TIMEOUT: '2s'}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  return lines[0]!
}

describe('lag bad input', () => {
  it('a missing group is UNKNOWN (exit 3) with one line', async () => {
    const r = await runCli(['lag', 'kafka', '--group', `no-such-group-${Date.now()}`], {env})
    expect(r.code).toBe(3)
    expect(oneLine(r.stderr)).toMatch(/^Error: consumer group "no-such-group-\d+" does not exist/)
    const j = await runCli(['lag', 'kafka', '--group', `no-such-group-${Date.now()}`, '--json'], {env})
    expect(j.code).toBe(3)
    expect(j.json.error).toMatchObject({exit: 3})
  })

  it('an unknown topic is UNKNOWN (exit 3) with one line', async () => {
    const r = await runCli(['lag', 'kafka', '--group', 'any', '--topic', `no-such-topic-${Date.now()}`], {env})
    expect(r.code).toBe(3)
    expect(oneLine(r.stderr)).toMatch(/^Error: topic "no-such-topic-\d+" does not exist/)
    const rep = await runCli(['lag', 'replicas', '--topics', `^no-such-topic-${Date.now()}$`], {env})
    expect(rep.code).toBe(3)
    expect(oneLine(rep.stderr)).toMatch(/^Error: no topic matches --topics/)
  })

  it('warn above crit is a usage error (UNKNOWN, exit 3) raised before touching the cluster', async () => {
    const r = await runCli(['lag', 'kafka', '--group', 'g', '--warn-lag', '500', '--crit-lag', '100'], {env: dead})
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/^LAG UNKNOWN - --warn-lag 500 is above --crit-lag 100/)
    expect(oneLine(r.stderr)).toMatch(/^Error: --warn-lag 500 is above --crit-lag 100/)
    const t = await runCli(['lag', 'kafka', '--group', 'g', '--warn-time-lag', '10m', '--crit-time-lag', '5m'], {env: dead})
    expect(t.code).toBe(3)
    expect(oneLine(t.stderr)).toMatch(/--warn-time-lag 10m is above --crit-time-lag 5m/)
    const rep = await runCli(['lag', 'replicas', '--warn-lag', '9', '--crit-lag', '1'], {env: dead})
    expect(rep.code).toBe(3)
    const cas = await runCli(['lag', 'cassandra', '--warn-time-lag', '2s', '--crit-time-lag', '1s'], {env: dead})
    expect(cas.code).toBe(3)
  })

  it('a malformed duration is a usage error (UNKNOWN, exit 3)', async () => {
    for (const args of [
      ['lag', 'kafka', '--group', 'g', '--warn-time-lag', '5 minutes'],
      ['lag', 'kafka', '--group', 'g', '--interval', '10'],
      ['lag', 'cassandra', '--crit-time-lag', 'soon'],
    ]) {
      const r = await runCli(args, {env: dead})
      expect(r.code, args.join(' ')).toBe(3)
      expect(oneLine(r.stderr)).toMatch(/is not a duration; use a number with a unit/)
    }
    const noGroup = await runCli(['lag', 'kafka'], {env: dead})
    expect(noGroup.code).toBe(3)
    expect(oneLine(noGroup.stderr)).toMatch(/--group G/)
    const badRegex = await runCli(['lag', 'kafka', '--group-regex', '(['], {env: dead})
    expect(badRegex.code).toBe(3)
  })

  it('an unreachable cluster is UNKNOWN (exit 3) with one line, for every probe', async () => {
    for (const args of [['lag', 'kafka', '--group', 'g'], ['lag', 'replicas'], ['lag', 'cassandra']]) {
      const r = await runCli(args, {env: dead})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3)
      expect(oneLine(r.stderr)).toMatch(/^Error: .*(cannot reach|no Cassandra contact point answered|timed out|Connection|connect)/i)
      expect(r.stdout).toMatch(/^(LAG|REPLICAS|CANARY) UNKNOWN - /)
    }
    const j = await runCli(['lag', 'replicas', '--json'], {env: dead})
    expect(j.code).toBe(3)
    expect(j.json).toMatchObject({status: 'UNKNOWN', exitCode: 3, error: {exit: 3}})
  })
})

import type {TestProject} from 'vitest/node'

import {runCli} from './support/cli.js'
import {TEST_SANDBOX} from './support/sandbox.js'
import {requireServerTools} from './support/server-tools.js'
import {secureSandbox} from './support/secure-sandbox.js'

/**
 * Starts the real sandbox once for the whole integration run (or reuses one that
 * is already up) and stops it in teardown if this run started it. Servers log to
 * files under FLEETOPS_HOME, never to the runner's output.
 * FLEETOPS_TEST_BROKERS / FLEETOPS_TEST_CONTACT_POINTS skip the sandbox and point
 * the suite at clusters that are already running.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // When the `secure` project runs too (npm test), start its sandbox now so both sandboxes
  // start together; secure-setup.ts awaits the same start, reports its errors and stops it.
  const secureSelected = project.vitest.projects.some((p) => p.name === 'secure')
  if (secureSelected && (!process.env.FLEETOPS_TEST_SANDBOX || process.env.FLEETOPS_TEST_SECURE_SANDBOX)) {
    secureSandbox().catch(() => {})
  }
  if (process.env.FLEETOPS_TEST_BROKERS && process.env.FLEETOPS_TEST_CONTACT_POINTS) {
    project.provide('brokers', process.env.FLEETOPS_TEST_BROKERS)
    project.provide('contactPoints', process.env.FLEETOPS_TEST_CONTACT_POINTS)
    project.provide('localDc', process.env.FLEETOPS_TEST_LOCAL_DC ?? 'datacenter1')
    project.provide('fleetopsHome', process.env.FLEETOPS_HOME ?? '')
    project.provide('schemaRegistry', process.env.FLEETOPS_TEST_SCHEMA_REGISTRY ?? '')
    return async () => {}
  }

  // Fail loudly, not with a skipped suite, when the machine cannot run the servers.
  requireServerTools()

  const sandbox = ['--name', TEST_SANDBOX.name]
  const before = await runCli(['sandbox', 'status', ...sandbox, '--json'])
  if (TEST_SANDBOX.external) {
    if (!before.json?.exists) throw new Error(`FLEETOPS_TEST_SANDBOX=${TEST_SANDBOX.name} does not exist; start it with fleetops sandbox up --name ${TEST_SANDBOX.name}`)
    project.provide('brokers', before.json.env.FLEETOPS_BROKERS ?? '')
    project.provide('contactPoints', before.json.env.FLEETOPS_CONTACT_POINTS ?? '')
    project.provide('localDc', before.json.env.FLEETOPS_LOCAL_DC ?? 'datacenter1')
    project.provide('fleetopsHome', before.json.home)
    project.provide('schemaRegistry', before.json.env.FLEETOPS_SCHEMA_REGISTRY ?? '')
    return async () => {}
  }
  const alreadyUp =
    before.json?.exists &&
    [...(before.json.kafka?.brokers ?? []), ...(before.json.cassandra?.nodes ?? [])].every((n: {up: boolean}) => n.up) &&
    (before.json.schemaRegistry === null || before.json.schemaRegistry?.up)
  if (before.json?.exists && !alreadyUp) {
    // Left over from a run that died: start clean rather than inherit its state.
    await runCli(['sandbox', 'down', ...sandbox, '--purge'])
  }
  const started = Date.now()
  const up = await runCli(['sandbox', 'up', ...sandbox, '--network', TEST_SANDBOX.network, '--schema-registry', '--json'])
  if (up.code !== 0) throw new Error(`sandbox up failed (exit ${up.code}): ${up.stderr || up.stdout}`)
  process.stderr.write(`[global-setup] sandbox ${alreadyUp ? 'reused' : 'started'} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`)

  project.provide('brokers', up.json.env.FLEETOPS_BROKERS)
  project.provide('contactPoints', up.json.env.FLEETOPS_CONTACT_POINTS)
  project.provide('localDc', up.json.env.FLEETOPS_LOCAL_DC)
  project.provide('fleetopsHome', up.json.home)
  project.provide('schemaRegistry', up.json.env.FLEETOPS_SCHEMA_REGISTRY ?? '')

  return async () => {
    if (alreadyUp) return
    await runCli(['sandbox', 'down', ...sandbox, '--purge'])
  }
}

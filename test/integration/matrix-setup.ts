import type {TestProject} from 'vitest/node'

import {MATRIX, matrixSandboxes, purgeSandbox} from './matrix/support.js'
import {runCli} from './support/cli.js'
import {requireServerTools} from './support/server-tools.js'

/**
 * Global setup of the `kafka-matrix` project: one Cassandra node (the look-back sink)
 * for the whole matrix; each version's Kafka is started by its test file. Teardown
 * stops every matrix sandbox that is still there. Servers log to files under
 * FLEETOPS_HOME, never to the runner's output.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireServerTools()
  await purgeSandbox(MATRIX.cassandra)
  const t0 = Date.now()
  const up = await runCli(['sandbox', 'up', '--name', MATRIX.cassandra, '--network', MATRIX.network, '--no-kafka', '--cassandra-nodes', '1', '--json'])
  if (up.code !== 0) {
    await purgeSandbox(MATRIX.cassandra)
    throw new Error(`matrix Cassandra sandbox up failed (exit ${up.code}): ${up.stderr || up.stdout}`)
  }
  process.stderr.write(`[kafka-matrix] Cassandra started in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`)
  // The brokers are per version: each file sets FLEETOPS_TEST_BROKERS once its Kafka is up.
  project.provide('brokers', '')
  project.provide('contactPoints', up.json.env.FLEETOPS_CONTACT_POINTS)
  project.provide('localDc', up.json.env.FLEETOPS_LOCAL_DC)
  project.provide('fleetopsHome', up.json.home)
  return async () => {
    for (const name of matrixSandboxes()) await purgeSandbox(name)
  }
}

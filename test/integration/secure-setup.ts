import {spawnSync} from 'node:child_process'

import type {TestProject} from 'vitest/node'

import {secureSandbox, stopSecureSandbox} from './support/secure-sandbox.js'

/**
 * Global setup of the `secure` project: starts the secure sandbox (or reuses one
 * that is up, or the one FLEETOPS_TEST_SECURE_SANDBOX names) and provides its
 * connection settings; stops it in teardown only if this run started it.
 *
 * An engineer who points the plaintext suite at their own sandbox
 * (FLEETOPS_TEST_SANDBOX) gets no secure sandbox started behind their back: this
 * setup then asks for FLEETOPS_TEST_SECURE_SANDBOX (or `--project integration`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.FLEETOPS_TEST_SANDBOX && !process.env.FLEETOPS_TEST_SECURE_SANDBOX) {
    throw new Error(
      'FLEETOPS_TEST_SANDBOX is set but FLEETOPS_TEST_SECURE_SANDBOX is not: start a secure sandbox with `fleetops sandbox up --name <n> --network 127.0.N --secure` and set FLEETOPS_TEST_SECURE_SANDBOX=<n>, or run only `--project integration`',
    )
  }
  for (const tool of ['java', 'openssl']) {
    const probe = spawnSync(tool, tool === 'java' ? ['-version'] : ['version'], {encoding: 'utf8'})
    if (probe.error || probe.status !== 0) throw new Error(`the secure tests need ${tool} for the secure sandbox; install it`)
  }
  const info = await secureSandbox()
  project.provide('secure', info)
  return async () => stopSecureSandbox(info)
}

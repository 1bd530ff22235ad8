/**
 * The sandbox the integration suite runs on: its own name and loopback range, so
 * it never collides with a developer's default sandbox. FLEETOPS_TEST_SANDBOX
 * names a sandbox that is already up (started by hand); the suite then uses it
 * as it is and never stops it.
 */
export const TEST_SANDBOX = {
  name: process.env.FLEETOPS_TEST_SANDBOX ?? 'test',
  network: '127.0.10',
  external: Boolean(process.env.FLEETOPS_TEST_SANDBOX),
}
export const sandboxFlags = ['--name', TEST_SANDBOX.name]

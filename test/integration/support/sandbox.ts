/** The sandbox the integration suite runs on: its own name and loopback range, so it never collides with a developer's default sandbox. */
export const TEST_SANDBOX = {name: 'test', network: '127.0.10'}
export const sandboxFlags = ['--name', TEST_SANDBOX.name]

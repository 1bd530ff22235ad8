import {defineConfig} from 'vitest/config'

// Two projects: fast pure tests, and integration tests that share one real sandbox
// started (if needed) by the global setup and stopped in its teardown.
export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/core/**/*.test.ts', 'test/commands/**/*.test.ts', 'test/services/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // One sandbox on 2 cores: files run one at a time so fault injection in one
          // file never disturbs another.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
})

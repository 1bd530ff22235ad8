import {defineConfig} from 'vitest/config'

import TopologyLastSequencer from './test/support/topology-last-sequencer.js'

// Five projects: fast pure tests; the npm package, packed, installed and run (test/package);
// integration tests that share one real sandbox
// started (if needed) by the global setup and stopped in its teardown; the
// secure tests, on a second, secure sandbox (TLS, SASL/SCRAM, Cassandra auth) with
// its own global setup; and the Kafka version matrix, a reduced Kafka-facing suite on
// each older supported broker (3.9.x, 4.1.x; the integration project covers the
// default, 4.4.x), with its own global setup. `--project integration` starts neither
// the secure sandbox nor the matrix's.
export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
    sequence: {sequencer: TopologyLastSequencer},
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/*.test.ts', 'test/core/**/*.test.ts', 'test/commands/**/*.test.ts', 'test/services/**/*.test.ts', 'test/adapters/**/*.test.ts', 'test/lean/**/*.test.ts', 'test/output/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/secure/**', 'test/integration/matrix/**', '**/node_modules/**'],
          globalSetup: ['test/integration/global-setup.ts'],
          // One sandbox on 2 cores: files run one at a time so fault injection in one
          // file never disturbs another.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'secure',
          include: ['test/integration/secure/**/*.test.ts'],
          globalSetup: ['test/integration/secure-setup.ts'],
          // Like the integration files, one file at a time (vitest runs both projects' files in
          // one sequential group), so the two suites never compete for the 2 cores.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'kafka-matrix',
          include: ['test/integration/matrix/**/*.test.ts'],
          globalSetup: ['test/integration/matrix-setup.ts'],
          // One version's Kafka at a time: each file starts its brokers and stops them when it ends.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
})

import {runCli} from '../support/cli.js'

/**
 * The Kafka version matrix (`--project kafka-matrix`): the default-version suite runs
 * on the main sandbox; these files re-run a reduced set of Kafka-facing cases on older
 * supported brokers. Each version gets its own Kafka-only sandbox, started by its file
 * and stopped when the file ends (and again, in any case, by the matrix global
 * teardown), so only one matrix Kafka runs at a time. Look-back writes to one small
 * Cassandra-only sandbox the global setup starts. All share one loopback range: Kafka
 * listens on 9092/9093 and Cassandra on 9042/7000 of the same addresses.
 */
export const MATRIX = {
  network: process.env.FLEETOPS_TEST_MATRIX_NETWORK ?? '127.0.50',
  cassandra: 'mx-cassandra',
  /** Newest patch of each older supported minor that Maven Central serves. */
  versions: ['3.9.2', '4.1.2'],
}

export const matrixKafkaName = (version: string): string => `mx-kafka-${version.replaceAll('.', '-')}`

/** Every sandbox the matrix may start, for the global teardown. */
export const matrixSandboxes = (): string[] => [...MATRIX.versions.map(matrixKafkaName), MATRIX.cassandra]

export interface MatrixKafka {
  version: string
  brokers: string
  /** The broker's own jars: Kafka's tools (ConsoleConsumer) run from here. */
  lib: string
}

/** Stops and removes a sandbox if it exists (a leftover of a run that died, or at the end). */
export async function purgeSandbox(name: string): Promise<void> {
  const status = await runCli(['sandbox', 'status', '--name', name, '--json'])
  if (!status.json?.exists) return
  const down = await runCli(['sandbox', 'down', '--name', name, '--purge'])
  if (down.code !== 0) throw new Error(`sandbox down --name ${name} failed (exit ${down.code}): ${down.stderr}`)
}

/**
 * Starts a fresh 3-broker Kafka-only sandbox of `version` and points this test file's
 * helpers at it (FLEETOPS_TEST_BROKERS; each vitest file runs in its own process).
 */
export async function startMatrixKafka(version: string): Promise<MatrixKafka> {
  const name = matrixKafkaName(version)
  await purgeSandbox(name)
  const t0 = Date.now()
  const up = await runCli(['sandbox', 'up', '--name', name, '--network', MATRIX.network, '--no-cassandra', '--kafka-nodes', '3', '--kafka-version', version, '--json'])
  if (up.code !== 0) throw new Error(`sandbox up of Kafka ${version} failed (exit ${up.code}): ${up.stderr || up.stdout}`)
  process.stderr.write(`[kafka-matrix] Kafka ${version} started in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`)
  const brokers = up.json.env.FLEETOPS_BROKERS as string
  process.env.FLEETOPS_TEST_BROKERS = brokers
  return {version, brokers, lib: `${up.json.home}/maven/kafka-${version}/lib`}
}

export async function stopMatrixKafka(version: string): Promise<void> {
  await purgeSandbox(matrixKafkaName(version))
}

import {spawnSync} from 'node:child_process'

/**
 * Fails loudly, not with a skipped suite, when the machine cannot run the sandbox's
 * servers: every global setup that starts Kafka or Cassandra calls this first.
 */
export function requireServerTools(): void {
  for (const [tool, args] of [['java', ['-version']], ['mvn', ['-v']]] as const) {
    const probe = spawnSync(tool, args, {encoding: 'utf8'})
    if (probe.error || probe.status !== 0) {
      throw new Error(`integration tests need ${tool} (OpenJDK 17 and Maven) to run real Kafka and Cassandra; install it (apt-get install openjdk-17-jdk-headless maven)`)
    }
  }
}

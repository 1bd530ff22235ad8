import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {FleetopsError} from '../../core/errors.js'
import {cassandraPom, kafkaPom} from '../../core/sandbox/topology.js'

/**
 * Resolves the real server jars from Maven Central with the machine's Maven,
 * into FLEETOPS_HOME/maven/<product>-<version>/lib. A marker file makes this
 * idempotent and safe against a download interrupted half-way.
 */

export function requireJava(): void {
  const java = spawnSync('java', ['-version'], {encoding: 'utf8'})
  if (java.error || java.status !== 0) {
    throw new FleetopsError(
      'JAVA_MISSING',
      'Java 17 is required for the sandbox but `java` was not found; install it (apt-get install openjdk-17-jdk-headless) and retry',
    )
  }
  const m = /version "(\d+)/.exec(java.stderr)
  if (m && Number(m[1]) < 17) {
    throw new FleetopsError('JAVA_MISSING', `the sandbox needs Java 17 or newer but found Java ${m[1]}; install openjdk-17`)
  }
}

export function requireMaven(): void {
  const mvn = spawnSync('mvn', ['-v'], {encoding: 'utf8'})
  if (mvn.error || mvn.status !== 0) {
    throw new FleetopsError('JAVA_MISSING', 'Maven is required to fetch the sandbox jars but `mvn` was not found; install it (apt-get install maven) and retry')
  }
}

export async function resolveArtifacts(home: string, product: 'kafka' | 'cassandra', version: string): Promise<string> {
  const base = join(home, 'maven', `${product}-${version}`)
  const lib = join(base, 'lib')
  const marker = join(base, '.resolved')
  if (existsSync(marker)) return lib
  requireJava()
  requireMaven()
  mkdirSync(base, {recursive: true})
  writeFileSync(join(base, 'pom.xml'), product === 'kafka' ? kafkaPom(version) : cassandraPom(version))
  const log = join(base, 'mvn.log')
  const code = await runMaven(
    [
      '-B',
      '-q',
      '-f',
      join(base, 'pom.xml'),
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${lib}`,
    ],
    log,
  )
  if (code !== 0 || !existsSync(lib) || readdirSync(lib).length === 0) {
    throw new FleetopsError(
      'UNAVAILABLE',
      `Maven could not resolve ${product} ${version} (exit ${code}); see ${log}. Check the version exists on Maven Central and the network`,
    )
  }
  writeFileSync(marker, new Date().toISOString())
  return lib
}

/** Runs the machine's Maven with its output in `log`; resolves to its exit code. */
export function runMaven(args: string[], log: string, cwd?: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn('mvn', args, {cwd, stdio: ['ignore', 'pipe', 'pipe']})
    const chunks: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => chunks.push(d))
    child.stderr.on('data', (d: Buffer) => chunks.push(d))
    child.on('error', reject)
    child.on('close', (c) => {
      writeFileSync(log, Buffer.concat(chunks))
      resolve(c ?? 1)
    })
  })
}

export function findJar(lib: string, prefix: string): string {
  const jar = readdirSync(lib).find((f) => f.startsWith(prefix) && f.endsWith('.jar'))
  if (!jar) throw new FleetopsError('INTERNAL', `no ${prefix}*.jar in ${lib}; delete ${lib}/.. and run sandbox up again`)
  return join(lib, jar)
}

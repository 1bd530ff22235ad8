import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {FleetopsError} from '../../core/errors.js'
import {
  APICURIO_RUNNER_JAR,
  APICURIO_VERSION,
  apicurioPom,
  EMPTY_DYNAMIC_CONFIG_INDEX,
  EMPTY_DYNAMIC_CONFIG_INDEX_PATH,
  MAVEN_CENTRAL_ONLY_SETTINGS,
  SCHEMA_REGISTRY_READY,
  schemaRegistryJvmArgs,
  schemaRegistryUrl,
} from '../../core/sandbox/schema-registry.js'
import {requireJava, requireMaven, runMaven} from './artifacts.js'
import {isOurProcess, logSize, readPid, rssMb, startDetached, stopProcess, waitForLogLine} from './processes.js'

/** The registry in a sandbox's state: where it listens. */
export interface SchemaRegistrySpec {
  version: string
  host: string
  port: number
}

export interface SchemaRegistryStatus extends SchemaRegistrySpec {
  url: string
  /** Apicurio's SQL storage on H2 in memory (its Kafka-backed storage is not on Maven Central). */
  storage: 'in-memory'
  pid: number | null
  up: boolean
  rssMb: number | null
  log: string
}

export const registryDir = (sandboxDir: string) => join(sandboxDir, 'schema-registry')

/**
 * Builds the runnable registry (see core/sandbox/schema-registry.ts) into
 * FLEETOPS_HOME/maven/apicurio-registry-<version>; a marker file makes this idempotent.
 */
export async function resolveSchemaRegistry(home: string, version: string = APICURIO_VERSION): Promise<string> {
  const base = join(home, 'maven', `apicurio-registry-${version}`)
  const runner = join(base, APICURIO_RUNNER_JAR)
  const marker = join(base, '.resolved')
  if (existsSync(marker) && existsSync(runner)) return runner
  requireJava()
  requireMaven()
  writeBuildProject(base, version)
  const log = join(base, 'mvn.log')
  const code = await runMaven(['-B', '-q', '-s', join(base, 'settings.xml'), '-f', join(base, 'pom.xml'), 'package', '-DskipTests'], log, base)
  if (code !== 0 || !existsSync(runner)) {
    throw new FleetopsError('UNAVAILABLE', `Maven could not build Apicurio Registry ${version} (exit ${code}); see ${log}. Check that Maven Central answers`)
  }
  writeFileSync(marker, new Date().toISOString())
  return runner
}

function writeBuildProject(base: string, version: string): void {
  mkdirSync(dirname(join(base, EMPTY_DYNAMIC_CONFIG_INDEX_PATH)), {recursive: true})
  writeFileSync(join(base, 'pom.xml'), apicurioPom(version))
  writeFileSync(join(base, 'settings.xml'), MAVEN_CENTRAL_ONLY_SETTINGS)
  writeFileSync(join(base, EMPTY_DYNAMIC_CONFIG_INDEX_PATH), EMPTY_DYNAMIC_CONFIG_INDEX)
}

/** Starts the registry unless it runs, and waits until its ccompat API answers. */
export async function startSchemaRegistry(sandboxDir: string, spec: SchemaRegistrySpec, runnerJar: string, report: (m: string) => void): Promise<void> {
  const dir = registryDir(sandboxDir)
  if (isOurProcess(readPid(join(dir, 'pid')), dir)) return
  mkdirSync(dir, {recursive: true})
  const log = join(dir, 'server.log')
  const from = logSize(log)
  report(`starting Apicurio Registry ${spec.version} on ${spec.host}:${spec.port}`)
  const pid = startDetached({
    command: 'java',
    args: schemaRegistryJvmArgs({runnerJar, host: spec.host, port: spec.port, marker: dir}),
    logFile: log,
    pidFile: join(dir, 'pid'),
    cwd: dir,
  })
  await waitForLogLine({logFile: log, pattern: SCHEMA_REGISTRY_READY, pid, marker: dir, timeoutMs: 120_000, fromOffset: from, what: 'the schema registry'})
  await waitAnswers(schemaRegistryUrl(spec.host, spec.port), 60_000)
}

async function waitAnswers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  for (;;) {
    try {
      const response = await fetch(`${url}/subjects`, {signal: AbortSignal.timeout(5000)})
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    if (Date.now() > deadline) throw new FleetopsError('UNAVAILABLE', `the schema registry at ${url} does not answer: ${last}`)
    await sleep(500)
  }
}

export async function schemaRegistryStatus(sandboxDir: string, spec: SchemaRegistrySpec): Promise<SchemaRegistryStatus> {
  const dir = registryDir(sandboxDir)
  const pid = readPid(join(dir, 'pid'))
  const alive = isOurProcess(pid, dir)
  const url = schemaRegistryUrl(spec.host, spec.port)
  let up = false
  if (alive) {
    try {
      up = (await fetch(`${url}/subjects`, {signal: AbortSignal.timeout(2000)})).ok
    } catch {}
  }
  return {...spec, url, storage: 'in-memory', pid: alive ? pid! : null, up, rssMb: alive ? (rssMb(pid!) ?? null) : null, log: join(dir, 'server.log')}
}

/** Stops the registry if it runs; true when it did. */
export async function stopSchemaRegistry(sandboxDir: string, opts: {kill: boolean}): Promise<boolean> {
  const dir = registryDir(sandboxDir)
  const pid = readPid(join(dir, 'pid'))
  if (!isOurProcess(pid, dir)) return false
  await stopProcess(pid!, dir, {graceMs: 30_000, kill: opts.kill})
  return true
}

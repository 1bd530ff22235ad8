import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {hostname} from 'node:os'

import {jsonPieces} from '../../core/json-chunks.js'
import {
  compactFromState,
  judgeExecutor,
  parseClusterState,
  type CompactClusterState,
  type ExecutorJudgment,
  type ProgressFile,
  type ReassignmentJson,
} from '../../core/rebalance/index.js'
import {parseStateBytes} from '../../core/rebalance/state-bytes.js'
import {writeOutputFile} from '../output-file.js'
import {parseInputJson, readInputFile, readInputJson} from '../read-input-file.js'

const KIND = {'--state': 'cluster state file', '--plan': 'plan file', '--state-file': 'progress file'} as const

/**
 * Reads and parses a JSON input file (a regular file within its size maximum); a missing file or
 * bad JSON is a one-line BAD_INPUT error naming the flag and a position, never the content.
 */
export function readJsonFile(path: string, flag: keyof typeof KIND): unknown {
  return readInputJson(path, KIND[flag], flag)
}

/**
 * A cluster state file (--state) in columns: read from its bytes when the fast reader can prove it
 * equals the general path (core/rebalance/state-bytes.ts), else JSON.parse and parseClusterState.
 */
export function readClusterStateFile(path: string): CompactClusterState {
  const bytes = readInputFile(path, KIND['--state'], '--state')
  const fast = parseStateBytes(bytes)
  if (fast !== null) return fast
  return compactFromState(parseClusterState(parseInputJson(bytes, path, KIND['--state'], '--state')))
}

/** Writes a file atomically: a temporary file next to it, then a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, text: string | Iterable<string | Uint8Array>): void {
  writeOutputFile(path, text)
}

/**
 * Pretty JSON with one record (partition, move) per line, and a newline, written in pieces: a
 * 2,000,000-partition document fully pretty-printed is too large for one string.
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, jsonFileChunks(value))
}

export function* jsonFileChunks(value: unknown): Generator<string | Uint8Array> {
  yield* jsonPieces(value, undefined, {compactRecords: true})
  yield '\n'
}

/** sha256 of the reassignment, in the canonical (sorted) form parsePlanFile returns. */
export function planDigest(reassignment: ReassignmentJson): string {
  return createHash('sha256').update(JSON.stringify(reassignment)).digest('hex')
}

/** Default progress file: next to the plan, `<plan>.progress.json`. */
export function defaultProgressPath(planPath: string): string {
  return `${planPath}.progress.json`
}

export function fileExists(path: string): boolean {
  return existsSync(path)
}

/** True when a process with this id is running (and is not us). */
export function otherProcessAlive(pid: number | null): boolean {
  if (pid === null || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The run's state by its heartbeat (core/rebalance/liveness.ts); here the clock, host name and process table are read. */
export function judgeProgress(progress: ProgressFile): ExecutorJudgment {
  const host = hostname()
  const hb = progress.heartbeat
  const pidAlive = hb !== null && hb.host === host ? otherProcessAlive(hb.pid) : null
  return judgeExecutor({status: progress.status, heartbeat: hb, now: Date.now(), host, pidAlive})
}

/**
 * True when another process still executes this progress file's plan: it says running, its pid
 * is alive here, and its heartbeat (when it has one) does not say the executor is gone (a pid
 * reused by another program after a kill -9 is not an executor).
 */
export function executorRunning(progress: ProgressFile): boolean {
  return progress.status === 'running' && otherProcessAlive(progress.pid) && judgeProgress(progress).state === 'running'
}

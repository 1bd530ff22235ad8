import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {hostname} from 'node:os'

import {badInput} from '../../core/errors.js'
import {judgeExecutor, type ExecutorJudgment, type ProgressFile, type ReassignmentJson} from '../../core/rebalance/index.js'
import {printable} from '../../core/units.js'
import {writeOutputFile} from '../output-file.js'

/** Reads and parses a JSON file; a missing file or bad JSON is a one-line BAD_INPUT error naming the flag. */
export function readJsonFile(path: string, flag: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw badInput(`${flag} ${printable(path)}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw badInput(`${flag} ${printable(path)} is not valid JSON (${printable((error as Error).message, 100)}); check the file`)
  }
}

/** Writes a file atomically: a temporary file next to it, then a rename, so readers never see half a file. */
export function writeFileAtomic(path: string, text: string): void {
  writeOutputFile(path, text)
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`)
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

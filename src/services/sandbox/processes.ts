import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createConnection} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'

/**
 * Background server processes: detached, with their output in a log file (never
 * our stdout, so a test runner or CI is never held open by a server), and a pid
 * file. A pid is only trusted while /proc/<pid>/cmdline still names the node's
 * directory, so a recycled pid is never mistaken for our server.
 */

export function startDetached(opts: {command: string; args: string[]; logFile: string; pidFile: string; cwd: string}): number {
  const out = openSync(opts.logFile, 'a')
  try {
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', out, out],
      env: {...process.env, JAVA_TOOL_OPTIONS: undefined},
    })
    if (!child.pid) throw new Error(`could not start ${opts.command}`)
    child.unref()
    writeFileSync(opts.pidFile, `${child.pid}\n`)
    return child.pid
  } finally {
    closeSync(out)
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

export function isOurProcess(pid: number | undefined, marker: string): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    if (!cmdline.includes(marker)) return false
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // A zombie has exited; only its parent has not reaped it yet.
    return !/\) Z /.test(stat)
  } catch {
    return false
  }
}

export function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const m = /VmRSS:\s+(\d+) kB/.exec(status)
    return m ? Math.round(Number(m[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

export async function stopProcess(pid: number, marker: string, opts: {graceMs: number; kill?: boolean}): Promise<void> {
  if (!isOurProcess(pid, marker)) return
  try {
    process.kill(pid, opts.kill ? 'SIGKILL' : 'SIGTERM')
  } catch {
    return
  }
  const deadline = Date.now() + opts.graceMs
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) return
    await sleep(200)
  }
  try {
    process.kill(pid, 'SIGKILL')
  } catch {}
  while (isOurProcess(pid, marker)) await sleep(100)
}

/** Waits for a line in a log file, failing fast if the process dies first. */
export async function waitForLogLine(opts: {
  logFile: string
  pattern: RegExp
  pid: number
  marker: string
  timeoutMs: number
  fromOffset?: number
  what: string
}): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  let offset = opts.fromOffset ?? 0
  let carry = ''
  for (;;) {
    if (existsSync(opts.logFile)) {
      const size = statSync(opts.logFile).size
      if (size > offset) {
        const buf = readFileSync(opts.logFile)
        const text = carry + buf.subarray(offset, size).toString('utf8')
        offset = size
        if (opts.pattern.test(text)) return
        carry = text.slice(-4096)
      }
    }
    if (!isOurProcess(opts.pid, opts.marker)) {
      throw new Error(`${opts.what} exited during start-up; see ${opts.logFile}`)
    }
    if (Date.now() > deadline) throw new Error(`${opts.what} was not ready after ${Math.round(opts.timeoutMs / 1000)}s; see ${opts.logFile}`)
    await sleep(250)
  }
}

export function logSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0
}

export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({host, port})
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}


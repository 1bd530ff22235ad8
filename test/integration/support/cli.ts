import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'

/** Runs the built CLI (bin/run.js) as a user would, capturing output and exit code. */
export const binPath = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  json: any
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  timeoutMs?: number
  input?: string
  /** Interrupts the command (SIGINT, a user's Ctrl-C) once its output so far satisfies this. */
  interruptWhen?: (stdout: string) => boolean
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [binPath, ...args],
      {
        env: {...process.env, NO_COLOR: '1', ...opts.env},
        timeout: opts.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as NodeJS.ErrnoException & {code?: unknown}).code === 'number' ? Number((error as {code?: unknown}).code) : 1) : 0
        let json: unknown
        try {
          json = JSON.parse(stdout)
        } catch {
          json = undefined
        }
        resolve({code, stdout, stderr, json})
      },
    )
    if (opts.input !== undefined) child.stdin?.end(opts.input)
    const interruptWhen = opts.interruptWhen
    if (interruptWhen) {
      let seen = ''
      let interrupted = false
      child.stdout?.on('data', (chunk: Buffer | string) => {
        seen += String(chunk)
        if (!interrupted && interruptWhen(seen)) {
          interrupted = true
          child.kill('SIGINT')
        }
      })
    }
  })
}

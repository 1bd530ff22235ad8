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

export function runCli(args: string[], opts: {env?: Record<string, string | undefined>; timeoutMs?: number; input?: string} = {}): Promise<CliResult> {
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
  })
}

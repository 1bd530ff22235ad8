import {redact} from '../../core/redact.js'

/**
 * Run logs: under --json, one JSON object per line on stderr with the run id (cron and CI
 * collect them); otherwise the progress callback (ora on a TTY) gets a short text.
 */
export interface RunLog {
  event(name: string, fields?: Record<string, unknown>): void
  progress(text: string): void
  setRunId(runId: string): void
}

export function createRunLog(opts: {json: boolean; progress: (text: string) => void}): RunLog {
  let runId = ''
  return {
    setRunId(id) {
      runId = id
    },
    event(name, fields = {}) {
      if (opts.json) process.stderr.write(`${redact(JSON.stringify({time: new Date().toISOString(), runId, event: name, ...fields}))}\n`)
    },
    progress(text) {
      opts.progress(text)
    },
  }
}

import type {Ora} from 'ora'

/**
 * Spinners and progress lines go to stderr, and only on a TTY and never under
 * --json, so pipes, CI logs and cron mail stay clean. ora is loaded lazily to
 * keep --help fast.
 */
export interface Progress {
  update(text: string): void
  succeed(text?: string): void
  fail(text?: string): void
  stop(): void
}

const silent: Progress = {update() {}, succeed() {}, fail() {}, stop() {}}

export async function startProgress(text: string, opts: {json: boolean}): Promise<Progress> {
  if (opts.json || !process.stderr.isTTY || process.env.CI) return silent
  const {default: ora} = await import('ora')
  const spinner: Ora = ora({text, stream: process.stderr, isEnabled: true}).start()
  return {
    update: (t) => {
      spinner.text = t
    },
    succeed: (t) => spinner.succeed(t),
    fail: (t) => spinner.fail(t),
    stop: () => spinner.stop(),
  }
}

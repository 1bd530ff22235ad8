import {ExitCode} from './core/errors.js'

/**
 * Ctrl-C (SIGINT) and SIGTERM end every command with exit 130 (interrupted), the same for
 * both: a service manager's stop is not a crash (Node's default would be death by SIGTERM,
 * 143 to a shell). A command that stops gracefully on them (saving its progress, ending a
 * --watch loop) registers with onInterrupt; while it is registered, the signal only calls it
 * and the command ends itself, with 130. Otherwise the process exits 130 at once.
 */
export type InterruptSignal = 'SIGINT' | 'SIGTERM'

const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM']
const stoppers = new Set<(signal: InterruptSignal) => void>()
let installed = false

/** Installs the process-wide handlers (idempotent); BaseCommand does it for every command. */
export function exitOnInterrupt(): void {
  if (installed) return
  installed = true
  for (const signal of INTERRUPT_SIGNALS) {
    process.on(signal, () => {
      if (stoppers.size === 0) process.exit(ExitCode.INTERRUPTED)
      for (const stop of [...stoppers]) stop(signal)
    })
  }
}

/** Calls `stop` on SIGINT or SIGTERM instead of exiting; returns the function that unregisters it. */
export function onInterrupt(stop: (signal: InterruptSignal) => void): () => void {
  exitOnInterrupt()
  stoppers.add(stop)
  return () => {
    stoppers.delete(stop)
  }
}

/**
 * Runs `run` with SIGINT/SIGTERM turned into a stop request instead of an exit: `stopped()` names
 * the signal once one came (null before), and `onStop` callbacks (e.g. waking a sleep) fire when
 * it does. The handler is removed when `run` settles; the caller ends itself, with exit 130.
 */
export async function withStopSignal<T>(
  run: (stopped: () => InterruptSignal | null, onStop: (cb: () => void) => void) => Promise<T>,
): Promise<T> {
  let signal: InterruptSignal | null = null
  const callbacks: (() => void)[] = []
  const off = onInterrupt((name) => {
    signal = name
    for (const cb of callbacks) cb()
  })
  try {
    return await run(
      () => signal,
      (cb) => callbacks.push(cb),
    )
  } finally {
    off()
  }
}

import {onInterrupt} from './signals.js'

/**
 * Runs a --watch loop until it ends or an interrupt (Ctrl-C, SIGTERM) aborts its signal.
 * An interrupt answers at once (`interrupted: true`): the last evaluation has been written;
 * one being sampled (a slow broker) is abandoned.
 */
export async function watchUntilInterrupted<T>(start: (signal: AbortSignal) => Promise<T>): Promise<{interrupted: true} | {interrupted: false; result: T}> {
  const controller = new AbortController()
  const interrupted = new Promise<undefined>((resolve) => controller.signal.addEventListener('abort', () => resolve(undefined), {once: true}))
  const offInterrupt = onInterrupt(() => controller.abort())
  const watching = start(controller.signal)
  watching.catch(() => {}) // after an interrupt its outcome no longer matters
  try {
    await Promise.race([watching, interrupted])
  } finally {
    offInterrupt()
  }
  if (controller.signal.aborted) return {interrupted: true}
  return {interrupted: false, result: await watching}
}

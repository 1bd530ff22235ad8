/**
 * Runs `run(attempt)` (attempt = 0, 1, ...) until it succeeds, an error is not `retryable`,
 * or `attempts` tries have failed. Between tries it waits 100 ms, doubling up to 2 s, plus up
 * to `jitterMs` of random jitter so that clients that collided do not collide again.
 * `beforeRetry` runs after a retryable failure, before the wait (e.g. to drop a cached route).
 */
export async function retryWithBackoff<T>(
  run: (attempt: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
  opts: {attempts: number; jitterMs?: number; beforeRetry?: () => void},
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await run(i)
    } catch (error) {
      if (i >= opts.attempts - 1 || !retryable(error)) throw error
      opts.beforeRetry?.()
      const jitter = opts.jitterMs ? Math.floor(Math.random() * opts.jitterMs) : 0
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** i) + jitter))
    }
  }
}

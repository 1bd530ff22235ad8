import {cassandraContactPoints, cassandraLocalDc, kafkaBrokers} from '../support/cluster.js'

/** Connection env for the built CLI, pointing at the test sandbox. */
export function clusterEnv(): Record<string, string> {
  return {
    FLEETOPS_BROKERS: kafkaBrokers().join(','),
    FLEETOPS_CONTACT_POINTS: cassandraContactPoints().join(','),
    FLEETOPS_LOCAL_DC: cassandraLocalDc(),
  }
}

/** Retries `fn` until it returns a truthy value or the deadline passes (a wait, not a timing assertion). */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, pauseMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, pauseMs))
  }
}

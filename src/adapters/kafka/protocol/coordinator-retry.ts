/**
 * Retrying a group request while the group's coordinator moves (a broker restart, a
 * __consumer_offsets leader change).
 */
import {retryWithBackoff} from '../../retry-backoff.js'
import {COORDINATOR_MOVED_CODES} from './errors.js'

/**
 * Runs `attempt` again while it fails with a coordinator-moved code (as `codeOf` reads it
 * from the error), calling `forget` to drop the cached coordinator and backing off in
 * between: about 6 s in all, the time a coordinator takes to load after a broker restart.
 */
export async function retryWhileCoordinatorMoves<T>(attempt: () => Promise<T>, codeOf: (error: unknown) => number | null, forget: () => void): Promise<T> {
  return retryWithBackoff(attempt, (error) => COORDINATOR_MOVED_CODES.has(codeOf(error) ?? 0), {attempts: 7, beforeRetry: forget})
}

import cassandra from 'cassandra-driver'
import {describe, expect, it} from 'vitest'

import {IdempotentRetryPolicy} from '../../../src/adapters/cassandra/idempotent-retry-policy.js'

const QUORUM = cassandra.types.consistencies.quorum

function info(idempotent: boolean, nbRetry: number): cassandra.policies.retry.OperationInfo {
  return {query: 'INSERT …', nbRetry, executionOptions: {isIdempotent: () => idempotent}} as unknown as cassandra.policies.retry.OperationInfo
}

describe('IdempotentRetryPolicy', () => {
  const policy = new IdempotentRetryPolicy(3)
  // The driver's decision codes, taken from its own result builders.
  const retryDecision = {retry: policy.retryResult(QUORUM).decision, rethrow: policy.rethrowResult().decision}
  it('the two decisions differ', () => expect(retryDecision.retry).not.toBe(retryDecision.rethrow))

  it('retries an idempotent write timeout three times, on the next host, at the same consistency, then rethrows', () => {
    const decisions = [0, 1, 2, 3].map((n) => policy.onWriteTimeout(info(true, n), QUORUM, 1, 2, 'SIMPLE'))
    expect(decisions.map((d) => d.decision)).toEqual([retryDecision.retry, retryDecision.retry, retryDecision.retry, retryDecision.rethrow])
    expect(decisions[0]).toMatchObject({consistency: QUORUM, useCurrentHost: false})
  })

  it('never retries a statement not marked idempotent (a timed-out LWT may have applied)', () => {
    expect(policy.onWriteTimeout(info(false, 0), QUORUM, 1, 2, 'CAS').decision).toBe(retryDecision.rethrow)
    expect(policy.onReadTimeout(info(false, 0), QUORUM, 1, 2, false).decision).toBe(retryDecision.rethrow)
    expect(policy.onUnavailable(info(false, 0), QUORUM, 2, false).decision).toBe(retryDecision.rethrow)
  })

  it('retries read timeouts like writes, and Unavailable only once', () => {
    expect(policy.onReadTimeout(info(true, 2), QUORUM, 1, 2, true).decision).toBe(retryDecision.retry)
    expect(policy.onReadTimeout(info(true, 3), QUORUM, 1, 2, true).decision).toBe(retryDecision.rethrow)
    expect(policy.onUnavailable(info(true, 0), QUORUM, 2, false).decision).toBe(retryDecision.retry)
    expect(policy.onUnavailable(info(true, 1), QUORUM, 2, false).decision).toBe(retryDecision.rethrow)
  })
})

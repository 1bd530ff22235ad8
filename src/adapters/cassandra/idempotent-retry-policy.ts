import cassandra from 'cassandra-driver'

/**
 * Retries idempotent statements that a coordinator timed out, a few times, on the next host.
 *
 * The driver's default policy rethrows almost every write timeout, so one slow replica
 * (a GC pause, a node replaying hints) fails a whole nightly upsert run. Our sink writes
 * carry their own timestamps and keys, so replaying them is harmless. Statements not
 * marked idempotent (the lease's lightweight transactions) are never retried: a timed-out
 * LWT may or may not have applied.
 */
export class IdempotentRetryPolicy extends cassandra.policies.retry.RetryPolicy {
  constructor(private readonly maxRetries = 3) {
    super()
  }

  override onWriteTimeout(info: cassandra.policies.retry.OperationInfo, consistency: number, _received: number, _blockFor: number, _writeType: string): cassandra.policies.retry.DecisionInfo {
    return this.retryIdempotent(info, consistency)
  }

  override onReadTimeout(info: cassandra.policies.retry.OperationInfo, consistency: number, _received: number, _blockFor: number, _isDataPresent: boolean): cassandra.policies.retry.DecisionInfo {
    return this.retryIdempotent(info, consistency)
  }

  override onUnavailable(info: cassandra.policies.retry.OperationInfo, consistency: number, _required: number, _alive: boolean): cassandra.policies.retry.DecisionInfo {
    // Another coordinator may see the replicas up (its gossip view can be fresher); once is enough.
    return info.nbRetry === 0 && isIdempotent(info) ? this.retryResult(consistency, false) : this.rethrowResult()
  }

  private retryIdempotent(info: cassandra.policies.retry.OperationInfo, consistency: number): cassandra.policies.retry.DecisionInfo {
    return info.nbRetry < this.maxRetries && isIdempotent(info) ? this.retryResult(consistency, false) : this.rethrowResult()
  }
}

function isIdempotent(info: cassandra.policies.retry.OperationInfo): boolean {
  return info.executionOptions?.isIdempotent() ?? false
}

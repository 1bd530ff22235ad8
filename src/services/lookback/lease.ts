import {FleetopsError} from '../../core/errors.js'
import type {LeaseStore} from './store.js'

/**
 * A Cassandra LWT lease (INSERT … IF NOT EXISTS USING TTL), renewed every TTL/3 with
 * UPDATE … IF owner = ? while the work runs and released (DELETE … IF owner = ?) only by
 * its owner. A crashed holder's lease simply expires after the TTL. Leases are an
 * efficiency device: correctness comes from idempotent writes with USING TIMESTAMP.
 */
export class Lease {
  private timer: NodeJS.Timeout | null = null
  private lostError: FleetopsError | null = null
  held = false

  constructor(
    private readonly store: LeaseStore,
    private readonly keyspace: string,
    readonly name: string,
    readonly owner: string,
    private readonly ttlSeconds: number,
  ) {}

  /** Takes the lease (or re-takes our own); false when someone else holds it. */
  async tryAcquire(): Promise<{acquired: boolean; holder: string | null}> {
    const r = await this.store.acquireLease(this.keyspace, this.name, this.owner, this.ttlSeconds)
    if (r.acquired) {
      this.held = true
      this.startRenewing()
    }
    return r
  }

  private startRenewing(): void {
    const every = Math.max(500, Math.floor((this.ttlSeconds * 1000) / 3))
    this.timer = setInterval(() => {
      this.store
        .renewLease(this.keyspace, this.name, this.owner, this.ttlSeconds)
        .then((ok) => {
          if (!ok) this.lostError = new FleetopsError('LOCKED', `lost the lease ${this.name}: it expired and another run took it`)
        })
        .catch((error: unknown) => {
          // A failed renewal is not yet a lost lease; the next one may succeed before the TTL.
          if (!this.lostError) this.lastRenewError = error as Error
        })
    }, every)
    this.timer.unref()
  }

  lastRenewError: Error | null = null

  /** Throws when the lease was taken over (we must stop writing). */
  check(): void {
    if (this.lostError) throw this.lostError
  }

  stopRenewing(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  async release(): Promise<void> {
    this.stopRenewing()
    if (!this.held) return
    this.held = false
    await this.store.releaseLease(this.keyspace, this.name, this.owner).catch(() => {})
  }
}

import {existsSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {type ErrorCode, FleetopsError} from '../../core/errors.js'
import type {UnitPartial} from '../../core/lookback/checkpoint.js'
import {type FeedChunk, FeedChunkBuilder} from '../../core/lookback/feed-chunk.js'
import type {FeedResult, FeedUnit, UnitFeed} from './unit-feed.js'

/**
 * Kafka units aggregated in worker threads: the main thread fetches and decompresses, copies
 * each chunk's record values into one buffer and hands it over; a worker extracts and
 * aggregates it (aggregator-worker.ts) while the main thread fetches the next. Partials come
 * back as plain state and merge exactly, so results equal an in-thread run's byte for byte.
 */

/** Chunks handed over but not yet aggregated, per unit, before the reader waits (bounds memory). */
const MAX_IN_FLIGHT = 2

/** Main thread to worker. */
export type WorkerRequest =
  | {t: 'open'; id: number; unit: FeedUnit}
  | {t: 'chunk'; id: number; chunk: FeedChunk}
  | {t: 'snapshot'; id: number}
  | {t: 'finish'; id: number}
  | {t: 'drop'; id: number}

/** Worker to main thread. */
export type WorkerReply =
  | {t: 'ack'; id: number}
  | {t: 'partial'; id: number; partial: UnitPartial}
  | {t: 'done'; id: number; partial: UnitPartial; events: number}
  | {t: 'error'; id: number; code: ErrorCode; message: string}

/** The bundled worker entry (dist/lookback-aggregator-worker.cjs) or tsc's (build/), or null when running from sources. */
export function aggregatorWorkerFile(): string | null {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [join(here, 'aggregator-worker.js'), ...['.', '..', join('..', '..')].map((up) => join(here, up, 'lookback-aggregator-worker.cjs'))]
  return candidates.find((file) => existsSync(file)) ?? null
}

/**
 * How many aggregation workers a run uses: FLEETOPS_LOOKBACK_WORKERS when set (0: aggregate in
 * the main thread), else one per core up to `width` units at once, none on a single core.
 */
export function aggregatorWorkerCount(width: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.FLEETOPS_LOOKBACK_WORKERS
  if (asked !== undefined && /^\d{1,2}$/.test(asked.trim())) return Math.min(Number(asked), width)
  const cores = availableParallelism()
  return cores < 2 ? 0 : Math.min(cores, width)
}

interface Slot {
  worker: Worker
  open: number
}

export class AggregatorPool {
  private readonly slots: Slot[]
  private readonly feeds = new Map<number, {feed: WorkerFeed; slot: Slot}>()
  private nextId = 1

  constructor(file: string, size: number) {
    this.slots = Array.from({length: size}, () => this.startWorker(file))
  }

  /** A unit's feed on the least busy worker. */
  open(unit: FeedUnit): UnitFeed {
    const slot = this.slots.reduce((best, s) => (s.open < best.open ? s : best))
    const id = this.nextId++
    if (slot.open++ === 0) slot.worker.ref()
    const feed = new WorkerFeed(id, (message, transfer) => slot.worker.postMessage(message, transfer), () => {
      this.feeds.delete(id)
      if (--slot.open === 0) slot.worker.unref()
    })
    this.feeds.set(id, {feed, slot})
    slot.worker.postMessage({t: 'open', id, unit} satisfies WorkerRequest)
    return feed
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
  }

  private startWorker(file: string): Slot {
    const worker = new Worker(file)
    // An idle worker must not keep the process alive; open() refs it while it holds units.
    worker.unref()
    const slot: Slot = {worker, open: 0}
    worker.on('message', (reply: WorkerReply) => this.feeds.get(reply.id)?.feed.onReply(reply))
    const failAll = (error: Error): void => {
      for (const {feed, slot: on} of [...this.feeds.values()]) if (on === slot) feed.fail(error)
    }
    worker.on('error', (error) => failAll(new FleetopsError('INTERNAL', `look-back aggregation worker failed: ${error.message}`, {cause: error})))
    worker.on('exit', (code) => failAll(new FleetopsError('INTERNAL', `look-back aggregation worker exited (code ${code})`)))
    return slot
  }
}

type Post = (message: WorkerRequest, transfer?: ArrayBuffer[]) => void

/** The main thread's side of one unit aggregated in a worker. */
class WorkerFeed implements UnitFeed {
  private readonly chunk = new FeedChunkBuilder()
  private inFlight = 0
  private ackWaiters: (() => void)[] = []
  private readonly replies: {resolve: (reply: WorkerReply) => void; reject: (error: Error) => void}[] = []
  private failure: Error | null = null
  private released = false

  constructor(
    private readonly id: number,
    private readonly post: Post,
    private readonly release: () => void,
  ) {}

  record(offset: number, timestampMs: number, data: Uint8Array, start: number, stop: number): void {
    this.chunk.record(offset, timestampMs, data, start, stop)
  }

  unreadable(offset: number, records: number, detail: string): void {
    this.chunk.unreadable(offset, records, detail)
  }

  async endChunk(): Promise<void> {
    this.handOver()
    while (this.inFlight > MAX_IN_FLIGHT && this.failure === null) await new Promise<void>((resolve) => this.ackWaiters.push(resolve))
    if (this.failure) throw this.failure
  }

  async snapshot(): Promise<UnitPartial> {
    const reply = await this.request({t: 'snapshot', id: this.id})
    if (reply.t !== 'partial') throw new FleetopsError('INTERNAL', `aggregation worker answered ${reply.t} to a snapshot`)
    return reply.partial
  }

  async finish(): Promise<FeedResult> {
    this.handOver()
    try {
      const reply = await this.request({t: 'finish', id: this.id})
      if (reply.t !== 'done') throw new FleetopsError('INTERNAL', `aggregation worker answered ${reply.t} to finish`)
      return {partial: reply.partial, events: reply.events}
    } finally {
      this.end()
    }
  }

  discard(): void {
    if (this.released) return
    if (this.failure === null) this.post({t: 'drop', id: this.id})
    this.end()
  }

  onReply(reply: WorkerReply): void {
    if (reply.t === 'ack') {
      this.inFlight--
      this.ackWaiters.shift()?.()
    } else if (reply.t === 'error') this.fail(new FleetopsError(reply.code, reply.message))
    else this.replies.shift()?.resolve(reply)
  }

  fail(error: Error): void {
    if (this.failure !== null) return
    this.failure = error
    for (const waiter of this.replies.splice(0)) waiter.reject(error)
    for (const wake of this.ackWaiters.splice(0)) wake()
  }

  private handOver(): void {
    if (this.failure) throw this.failure
    if (this.chunk.size === 0) return
    const {chunk, transfer} = this.chunk.take()
    this.inFlight++
    this.post({t: 'chunk', id: this.id, chunk}, transfer)
  }

  private request(message: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.replies.push({resolve, reject})
      this.post(message)
    })
  }

  private end(): void {
    if (this.released) return
    this.released = true
    this.release()
  }
}

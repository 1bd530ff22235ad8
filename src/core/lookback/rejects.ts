import {FleetopsError} from '../errors.js'
import type {EventRef} from './event-ref.js'

/** Why a record was not aggregated. */
export type RejectReason =
  | 'empty-record'
  | 'malformed-utf8'
  | 'malformed-json'
  | 'not-an-object'
  | 'bad-time'
  | 'bad-group'
  | 'bad-distinct'
  | 'bad-value'
  /** A Kafka record in a compressed batch that could not be decompressed (corrupt or truncated bytes). */
  | 'undecodable-batch'
  /** Avro/Protobuf jobs: a record value without the schema registry's zero magic byte and schema id. */
  | 'bad-magic-byte'
  /** Avro/Protobuf jobs: the record's schema id is not in the schema registry. */
  | 'unknown-schema-id'
  /** Avro/Protobuf jobs: the payload does not decode with its writer's schema. */
  | 'undecodable-record'

export interface RejectExample {
  reason: RejectReason
  detail: string
  ref?: EventRef
}

export interface RejectState {
  counts: Partial<Record<RejectReason, number>>
  examples: RejectExample[]
}

/**
 * Counts rejected records exactly and keeps the first few as examples, so a bad
 * producer costs a counter, not memory, and never stops the run.
 */
export class RejectCollector {
  private readonly counts = new Map<RejectReason, number>()
  private readonly examples: RejectExample[] = []

  constructor(readonly maxExamples = 10) {}

  add(reason: RejectReason, detail: string, ref?: EventRef, times = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + times)
    if (this.examples.length < this.maxExamples) this.examples.push(ref === undefined ? {reason, detail} : {reason, detail, ref})
  }

  get total(): number {
    let sum = 0
    for (const n of this.counts.values()) sum += n
    return sum
  }

  count(reason: RejectReason): number {
    return this.counts.get(reason) ?? 0
  }

  exampleList(): readonly RejectExample[] {
    return this.examples
  }

  /** Adds another collector's counts; its examples fill any free example slots. */
  merge(other: RejectCollector | RejectState): void {
    const state = other instanceof RejectCollector ? other.toState() : other
    for (const [reason, n] of Object.entries(state.counts) as [RejectReason, number][]) {
      this.counts.set(reason, (this.counts.get(reason) ?? 0) + n)
    }
    for (const example of state.examples) {
      if (this.examples.length >= this.maxExamples) break
      this.examples.push(example)
    }
  }

  toState(): RejectState {
    const counts: Partial<Record<RejectReason, number>> = {}
    for (const reason of [...this.counts.keys()].sort()) counts[reason] = this.counts.get(reason)
    return {counts, examples: [...this.examples]}
  }

  static fromState(state: unknown, maxExamples = 10): RejectCollector {
    const collector = new RejectCollector(maxExamples)
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw corrupt('rejects')
    const {counts, examples} = state as Partial<RejectState>
    if (counts === null || typeof counts !== 'object' || !Array.isArray(examples)) throw corrupt('rejects')
    for (const n of Object.values(counts)) if (!Number.isSafeInteger(n) || (n as number) < 0) throw corrupt('rejects')
    collector.merge({counts, examples})
    return collector
  }
}

function corrupt(what: string): FleetopsError {
  return new FleetopsError('BAD_INPUT', `checkpoint ${what} section is malformed; delete the checkpoint and rerun without --resume`)
}

import type {UnitPartial} from '../../core/lookback/checkpoint.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import {extractEvent, extractEventFromBytes} from '../../core/lookback/extract-event.js'
import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import {extractMeasuresEvent} from '../../core/lookback/measures-event.js'
import type {RejectReason} from '../../core/lookback/rejects.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import {MeasuresUnitAccumulator} from './measures-accumulator.js'
import {UnitAccumulator} from './unit-accumulator.js'

/**
 * A unit's accumulator of either job form, with the calls the source readers make per record,
 * so the readers do not care which form they feed.
 */
export interface RecordSink {
  acc: UnitAccumulator | MeasuresUnitAccumulator
  /** A Kafka record: its value bytes [start, stop) of `data` (start < 0: no value), its timestamp, whether the previous run read it. */
  addBytes(data: Uint8Array, start: number, stop: number, timestampMs: number, seen: boolean, ref: () => EventRef): void
  /** A Cassandra source row (columns as plain values) with its arrival (WRITETIME) time. */
  addRow(row: Record<string, unknown>, arrivalMs: number, seen: boolean, ref: () => EventRef): void
  /** A record that could not be read before extraction (e.g. an undecodable Avro payload). */
  addReject(reason: RejectReason, detail: string, timestampMs: number, seen: boolean, ref: () => EventRef): void
}

export function recordSinkFor(job: LookbackJobSpec, window: LookbackWindow, previousRunBoundaryMs: number | null, partial?: UnitPartial): RecordSink {
  if (job.shape === 'measures') {
    const acc = new MeasuresUnitAccumulator(job, window, previousRunBoundaryMs, partial)
    return {
      acc,
      addBytes: (data, start, stop, ts, seen, ref) => acc.add(extractMeasuresEvent(start < 0 ? null : data.subarray(start, stop), ts, job), ts, seen, ref),
      addRow: (row, arrivalMs, seen, ref) => acc.add(extractMeasuresEvent(row, arrivalMs, job), arrivalMs, seen, ref),
      addReject: (reason, detail, ts, seen, ref) => acc.add({kind: 'reject', reason, detail}, ts, seen, ref),
    }
  }
  const acc = new UnitAccumulator(job, window, previousRunBoundaryMs, partial)
  return {
    acc,
    addBytes: (data, start, stop, ts, seen, ref) => acc.add(start < 0 ? extractEvent(null, ts, job) : extractEventFromBytes(data, start, stop, ts, job), ts, seen, ref),
    addRow: (row, arrivalMs, seen, ref) => acc.add(extractEvent(row, arrivalMs, job), arrivalMs, seen, ref),
    addReject: (reason, detail, ts, seen, ref) => acc.add({ok: false, reason, detail}, ts, seen, ref),
  }
}

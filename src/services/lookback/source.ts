import type {UnitPartial, UnitPieces} from '../../core/lookback/checkpoint.js'

/** What a unit's reader needs to resume and report. */
export interface UnitWork {
  unitId: string
  partial?: UnitPartial
  nextOffset?: string
  endOffset?: string
}

export interface UnitHooks {
  /**
   * Called between chunks/pages with a way to snapshot the unit (only called when a
   * checkpoint is due) and the last offset the snapshot covers (Kafka). 'stop' pauses the
   * unit (signal, --max-runtime); it stays pending and resumes from the snapshot.
   */
  afterChunk(snapshot: () => UnitPartial | Promise<UnitPartial>, lastOffset: string | undefined, newEvents: number): Promise<'continue' | 'stop'>
}

export interface UnitOutcome {
  finished: boolean
  partial: UnitPartial
  /** The objects `partial` was serialised from, for merging without rebuilding them (absent when a worker thread aggregated the unit). */
  live?: UnitPieces
  lastOffset?: string
  events: number
}

export interface SourceReader {
  processUnit(work: UnitWork, hooks: UnitHooks): Promise<UnitOutcome>
  close(): Promise<void>
}

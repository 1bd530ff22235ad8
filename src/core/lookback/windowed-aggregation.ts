/**
 * What every look-back aggregation shares (the legacy day aggregation and the measures'
 * bucket aggregation): the events that fell outside the window, counted by side, and the
 * event count over its cells.
 */
export abstract class WindowedAggregation {
  protected before = 0
  protected after = 0

  /** Counts an event whose day or bucket is outside the window: too old (`before`) or after the as-of day. */
  addOutOfWindow(position: 'before' | 'after'): void {
    if (position === 'before') this.before++
    else this.after++
  }

  get outOfWindow(): {before: number; after: number} {
    return {before: this.before, after: this.after}
  }

  get eventCount(): number {
    let n = 0
    for (const events of this.cellEventCounts()) n += events
    return n
  }

  /** Each cell's event count. */
  protected abstract cellEventCounts(): Iterable<number>

  protected mergeOutOfWindow(other: WindowedAggregation): void {
    this.before += other.before
    this.after += other.after
  }
}

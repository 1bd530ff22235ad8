/**
 * Broker indices keyed by an integer count (a replica count), each bucket ascending by index,
 * with the lowest and highest non-empty count kept up to date. Counts change by one per move,
 * so finding the lightest or heaviest broker costs O(brokers sharing a count) instead of a scan
 * of every broker, and ties break on the lower index exactly as the scans they replace did.
 */
export class CountBucketQueue {
  /** lists[c - base]: brokers with count c, ascending; undefined or empty when none. */
  private lists: (number[] | undefined)[] = []
  private base = 0
  /** Lowest and highest count with a broker; +Infinity / -Infinity when empty. */
  low = Number.POSITIVE_INFINITY
  high = Number.NEGATIVE_INFINITY

  /** Brokers with count c, ascending (empty array when none). */
  at(c: number): readonly number[] {
    return this.lists[c - this.base] ?? EMPTY
  }

  insert(d: number, c: number): void {
    if (this.low > this.high) {
      this.lists = []
      this.base = c
    } else if (c < this.base) {
      this.lists = [...new Array<number[] | undefined>(this.base - c), ...this.lists]
      this.base = c
    }
    let list = this.lists[c - this.base]
    if (list === undefined) this.lists[c - this.base] = list = []
    let at = list.length
    while (at > 0 && list[at - 1] > d) at--
    list.splice(at, 0, d)
    if (c < this.low) this.low = c
    if (c > this.high) this.high = c
  }

  remove(d: number, c: number): void {
    const list = this.lists[c - this.base]
    const at = list === undefined ? -1 : list.indexOf(d)
    if (list === undefined || at < 0) throw new Error(`internal: broker ${d} is not in count bucket ${c}`)
    list.splice(at, 1)
    if (list.length > 0) return
    if (this.low === this.high) {
      this.low = Number.POSITIVE_INFINITY
      this.high = Number.NEGATIVE_INFINITY
    } else if (c === this.low) {
      while (this.at(this.low).length === 0) this.low++
    } else if (c === this.high) {
      while (this.at(this.high).length === 0) this.high--
    }
  }

  /** Moves d from count `from` to count `to`. */
  change(d: number, from: number, to: number): void {
    this.remove(d, from)
    this.insert(d, to)
  }
}

const EMPTY: readonly number[] = []

import {corrupt} from '../day-aggregator.js'
import {ExactSum} from '../exact-sum.js'
import {canonicalPartials, sumFromPartials} from './canonical-sum.js'

export type CountedSumState = {count: number; sum: number[]}

/**
 * The state sum and avg share: how many values, and their exact sum (never a
 * running mean, so merging is exact and order-free). State: {count, sum:
 * canonical partials}, with no partials when count is 0.
 */
export abstract class CountedSum {
  protected sum = new ExactSum()
  protected n = 0

  add(value: number): void {
    this.sum.add(value)
    this.n++
  }

  merge(other: this): void {
    this.sum.merge(other.sum)
    this.n += other.n
  }

  toJSON(): CountedSumState {
    return {count: this.n, sum: canonicalPartials(this.sum)}
  }

  protected load(state: unknown, where: string): this {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw corrupt(where)
    const {count, sum, ...rest} = state as {count?: unknown; sum?: unknown}
    const partials = sumFromPartials(sum)
    if (Object.keys(rest).length > 0 || typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || partials === null) throw corrupt(where)
    if (count === 0 && (sum as number[]).length > 0) throw corrupt(where)
    this.n = count
    this.sum = partials
    return this
  }
}

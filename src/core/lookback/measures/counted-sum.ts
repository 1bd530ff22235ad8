import {corrupt} from '../day-aggregator.js'
import {ExactDecimal, addDecimals, roundedTotal} from '../decimal.js'
import {ExactSum} from '../exact-sum.js'
import {canonicalPartials, sumFromPartials} from './canonical-sum.js'

/** `decimal` (scale, unscaled digits) only when exact decimals were added (Avro's decimal type). */
export type CountedSumState = {count: number; sum: number[]; decimal?: [number, string]}

const MAX_SCALE = 1100

/**
 * The state sum and avg share: how many values, and their exact sum (never a
 * running mean, so merging is exact and order-free). State: {count, sum:
 * canonical partials}, with no partials when count is 0.
 */
export abstract class CountedSum {
  protected sum = new ExactSum()
  protected n = 0
  /** The exact decimals added, apart from the numbers: no decimal is ever rounded before the total is. */
  private decimal: {unscaled: bigint; scale: number} | null = null

  add(value: number | ExactDecimal): void {
    if (typeof value === 'number') this.sum.add(value)
    else this.decimal = this.decimal === null ? {unscaled: value.unscaled, scale: value.scale} : addDecimals(this.decimal, value)
    this.n++
  }

  merge(other: this): void {
    this.sum.merge(other.sum)
    if (other.decimal !== null) this.decimal = this.decimal === null ? {...other.decimal} : addDecimals(this.decimal, other.decimal)
    this.n += other.n
  }

  /** The correctly rounded total of everything added. */
  protected total(): number {
    return this.decimal === null ? this.sum.value() : roundedTotal(this.sum.toPartials(), this.decimal)
  }

  toJSON(): CountedSumState {
    const state: CountedSumState = {count: this.n, sum: canonicalPartials(this.sum)}
    if (this.decimal !== null) state.decimal = [this.decimal.scale, this.decimal.unscaled.toString()]
    return state
  }

  protected load(state: unknown, where: string): this {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw corrupt(where)
    const {count, sum, decimal, ...rest} = state as {count?: unknown; sum?: unknown; decimal?: unknown}
    const partials = sumFromPartials(sum)
    if (Object.keys(rest).length > 0 || typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || partials === null) throw corrupt(where)
    if (count === 0 && ((sum as number[]).length > 0 || decimal !== undefined)) throw corrupt(where)
    this.n = count
    this.sum = partials
    if (decimal !== undefined) this.decimal = decimalFromState(decimal, where)
    return this
  }
}

function decimalFromState(state: unknown, where: string): {unscaled: bigint; scale: number} {
  if (!Array.isArray(state) || state.length !== 2) throw corrupt(where)
  const [scale, digits] = state as [unknown, unknown]
  if (!Number.isSafeInteger(scale) || (scale as number) < 0 || (scale as number) > MAX_SCALE || typeof digits !== 'string' || !/^-?(0|[1-9][0-9]{0,2000})$/.test(digits)) throw corrupt(where)
  return {unscaled: BigInt(digits), scale: scale as number}
}

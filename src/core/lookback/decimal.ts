import type {FieldPath} from './field-path.js'

/**
 * An exact decimal, unscaled / 10^scale, as Avro's `decimal` logical type carries it. Records
 * hold the nearest number where a field is read (where, dimensions, min, max, quantile), and
 * keep the exact value beside it for sum and avg, which add decimals exactly: the sink gets
 * the correctly rounded exact total, not a sum of already rounded numbers.
 */
export class ExactDecimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** The nearest number (Number() of the exact decimal text is correctly rounded). */
  toNumber(): number {
    return Number(decimalText(this.unscaled, this.scale))
  }
}

/** Where a decoded record keeps the exact decimals of its own fields: field name → value. */
export const EXACT_DECIMALS: unique symbol = Symbol.for('fleetops.exactDecimals')

type WithDecimals = Record<string, unknown> & {[EXACT_DECIMALS]?: Record<string, ExactDecimal>}

/**
 * Replaces every ExactDecimal in a decoded value (records nested in records, arrays, maps) by
 * its nearest number, keeping the exact value in its record's EXACT_DECIMALS (not enumerable,
 * so JSON and the job language see plain numbers).
 */
export function settleDecimals(value: unknown, depth = 0): unknown {
  if (value instanceof ExactDecimal) return value.toNumber()
  if (value === null || typeof value !== 'object' || depth > 64) return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = settleDecimals(value[i], depth + 1)
    return value
  }
  const record = value as WithDecimals
  for (const key of Object.keys(record)) {
    const v = record[key]
    if (v instanceof ExactDecimal) {
      let exact = record[EXACT_DECIMALS]
      if (exact === undefined) Object.defineProperty(record, EXACT_DECIMALS, {value: (exact = {}), enumerable: false})
      exact[key] = v
      record[key] = v.toNumber()
    } else if (v !== null && typeof v === 'object') record[key] = settleDecimals(v, depth + 1)
  }
  return record
}

/** The exact decimal behind a field's number, when the record's decoder kept one. */
export function exactDecimalAt(event: Record<string, unknown>, field: FieldPath): ExactDecimal | undefined {
  let parent: unknown = event
  const segments = field.segments
  for (let i = 0; i < segments.length - 1; i++) {
    if (parent === null || typeof parent !== 'object') return undefined
    parent = (parent as Record<string, unknown>)[segments[i]!]
  }
  if (parent === null || typeof parent !== 'object') return undefined
  return (parent as WithDecimals)[EXACT_DECIMALS]?.[segments[segments.length - 1]!]
}

/** The decimal text of unscaled / 10^scale. */
export function decimalText(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString()
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
}

/** Two decimals added exactly, at the larger scale. */
export function addDecimals(a: {unscaled: bigint; scale: number}, b: {unscaled: bigint; scale: number}): {unscaled: bigint; scale: number} {
  const scale = Math.max(a.scale, b.scale)
  return {unscaled: a.unscaled * 10n ** BigInt(scale - a.scale) + b.unscaled * 10n ** BigInt(scale - b.scale), scale}
}

/** A finite number's exact value as a decimal (every binary fraction has a finite decimal expansion). */
export function decimalOfNumber(x: number): {unscaled: bigint; scale: number} {
  if (x === 0) return {unscaled: 0n, scale: 0}
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const negative = bits >> 63n === 1n
  const biased = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n)
  const exponent = (biased === 0 ? 1 : biased) - 1075 // x = mantissa × 2^exponent
  const signed = negative ? -mantissa : mantissa
  if (exponent >= 0) return {unscaled: signed << BigInt(exponent), scale: 0}
  // m / 2^k = m × 5^k / 10^k
  return {unscaled: signed * 5n ** BigInt(-exponent), scale: -exponent}
}

/** The correctly rounded number of an exact sum of numbers (its partials) plus an exact decimal. */
export function roundedTotal(partials: readonly number[], decimal: {unscaled: bigint; scale: number}): number {
  let total = decimal
  for (const p of partials) total = addDecimals(total, decimalOfNumber(p))
  return Number(decimalText(total.unscaled, total.scale))
}

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {ExactDecimal, decimalOfNumber, decimalText, exactDecimalAt, roundedTotal, settleDecimals} from '../../../src/core/lookback/decimal.js'
import {parseFieldPath} from '../../../src/core/lookback/field-path.js'
import {AvgMeasure} from '../../../src/core/lookback/measures/avg.js'
import {SumMeasure} from '../../../src/core/lookback/measures/sum.js'
import {checkMergeLaws, expectAllRejected} from './measures/merge-laws.js'

const decimals = fc.record({unscaled: fc.bigInt({min: -(10n ** 20n), max: 10n ** 20n}), scale: fc.integer({min: 0, max: 6})}).map(({unscaled, scale}) => new ExactDecimal(unscaled, scale))
const mixed = fc.oneof(decimals, fc.double({noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12}), fc.constantFrom(0.1, 0.2, -0.3))

/** The exact sum of decimals as a rational over 10^18, then the nearest number (BigInt arithmetic, independent of the code). */
function exactTotal(values: readonly ExactDecimal[]): number {
  const scaled = values.reduce((acc, d) => acc + d.unscaled * 10n ** BigInt(18 - d.scale), 0n)
  return Number(decimalText(scaled, 18))
}

describe('exact decimals', () => {
  it('every number has an exact decimal that reads back as itself', () => {
    fc.assert(fc.property(fc.double({noNaN: true, noDefaultInfinity: true}), (x) => {
      const d = decimalOfNumber(x)
      expect(Number(decimalText(d.unscaled, d.scale))).toBe(x === 0 ? 0 : x)
    }))
  })

  it('sum adds decimals exactly: the result is the correctly rounded exact total, in any order or split', () => {
    fc.assert(fc.property(fc.array(decimals, {maxLength: 40}), fc.integer({min: 0, max: 40}), (values, cut) => {
      const a = new SumMeasure()
      const b = new SumMeasure()
      values.slice(0, cut).forEach((v) => a.add(v))
      values.slice(cut).reverse().forEach((v) => b.add(v))
      a.merge(b)
      expect(a.result()).toBe(values.length === 0 ? null : exactTotal(values))
    }))
    // 0.1 as a decimal ten times is exactly 1; as numbers it is not.
    const tenths = new SumMeasure()
    for (let i = 0; i < 10; i++) tenths.add(new ExactDecimal(1n, 1))
    expect(tenths.result()).toBe(1)
    let naive = 0
    for (let i = 0; i < 10; i++) naive += 0.1
    expect(naive).not.toBe(1)
    // 0.1 + 0.2 as decimals is the number nearest 0.3, which the sum of the nearest numbers misses.
    const s = new SumMeasure()
    s.add(new ExactDecimal(1n, 1))
    s.add(new ExactDecimal(2n, 1))
    expect(s.result()).toBe(0.3)
    expect(roundedTotal([0.1, 0.2], {unscaled: 0n, scale: 0})).toBe(0.30000000000000004)
  })

  it('sum and avg states with decimals and numbers mixed merge by the laws and round-trip', () => {
    checkMergeLaws({create: () => new SumMeasure(), fromJSON: (s) => SumMeasure.fromJSON(s, 'test'), values: mixed})
    checkMergeLaws({create: () => new AvgMeasure(), fromJSON: (s) => AvgMeasure.fromJSON(s, 'test'), values: mixed})
    expectAllRejected((s) => SumMeasure.fromJSON(s, 'test'), [{count: 1, sum: [], decimal: [2]}, {count: 1, sum: [], decimal: [-1, '5']}, {count: 1, sum: [], decimal: [2, '1.5']}, {count: 0, sum: [], decimal: [0, '0']}])
  })

  it('settleDecimals leaves numbers in the record and the exact values beside them, out of sight of JSON', () => {
    const record = {amount: new ExactDecimal(12345n, 2), nested: {fee: new ExactDecimal(-5n, 3), note: 'x'}, items: [{p: new ExactDecimal(7n, 0)}]}
    settleDecimals(record)
    expect(JSON.parse(JSON.stringify(record))).toEqual({amount: 123.45, nested: {fee: -0.005, note: 'x'}, items: [{p: 7}]})
    expect(exactDecimalAt(record, parseFieldPath('amount', 'f'))).toEqual(new ExactDecimal(12345n, 2))
    expect(exactDecimalAt(record, parseFieldPath('nested.fee', 'f'))).toEqual(new ExactDecimal(-5n, 3))
    expect(exactDecimalAt(record, parseFieldPath('nested.note', 'f'))).toBeUndefined()
    expect(exactDecimalAt(record, parseFieldPath('missing.x', 'f'))).toBeUndefined()
  })
})

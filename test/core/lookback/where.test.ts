import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {parseFieldPath} from '../../../src/core/lookback/field-path.js'
import {thrownFleetopsError} from '../../support/thrown-fleetops-error.js'
import {compileWhere, conditionHolds, whereHolds, type WhereCondition} from '../../../src/core/lookback/where.js'

function badInputMessage(fn: () => unknown): string {
  const error = thrownFleetopsError(fn)
  expect(error.code).toBe('BAD_INPUT')
  return error.message
}

const compile = (where: unknown): WhereCondition[] => compileWhere(where, parseFieldPath)
const holds = (where: unknown, event: unknown): boolean => whereHolds(compile(where), event)

describe('compileWhere', () => {
  it('compiles equals shorthand and operator maps in file order', () => {
    expect(compile({status: 'paid', amount: {gte: 1, lt: 10000}, 'device.os': {in: ['ios', 'android']}, coupon: {exists: false}})).toEqual([
      {field: {path: 'status', segments: ['status']}, operator: 'eq', operand: 'paid'},
      {field: {path: 'amount', segments: ['amount']}, operator: 'gte', operand: 1},
      {field: {path: 'amount', segments: ['amount']}, operator: 'lt', operand: 10000},
      {field: {path: 'device.os', segments: ['device', 'os']}, operator: 'in', operand: ['ios', 'android']},
      {field: {path: 'coupon', segments: ['coupon']}, operator: 'exists', operand: false},
    ])
  })

  it('treats an absent where as no conditions', () => {
    expect(compile(undefined)).toEqual([])
    expect(compile(null)).toEqual([])
  })

  const broken: Array<[string, unknown, RegExp]> = [
    ['an unknown operator', {amount: {between: [1, 2]}}, /^where\.amount has unknown operator "between"; allowed: eq, ne, gt, gte, lt, lte, in, exists$/],
    ['a list instead of a mapping', [1], /^where must be a mapping/],
    ['a null equals', {status: null}, /must be a string, number or boolean; to match a missing field use \{exists: false\}/],
    ['a list equals', {status: ['a']}, /where\.status\.eq "a" must be a string, number or boolean/],
    ['an empty operator map', {amount: {}}, /^where\.amount has no operator/],
    ['a boolean bound', {amount: {gt: true}}, /where\.amount\.gt "true" must be a number or a string/],
    ['mixed bound types', {amount: {gte: 1, lt: '10'}}, /where\.amount mixes number and string bounds/],
    ['an empty in', {status: {in: []}}, /where\.status\.in must be a list of 1 to 1000/],
    ['an object in an in list', {status: {in: ['a', {b: 1}]}}, /where\.status\.in\[1\]/],
    ['a non-boolean exists', {coupon: {exists: 'yes'}}, /where\.coupon\.exists "yes" must be true or false/],
    ['a bad field path', {'a..b': 1}, /where field "a\.\.b" is not a field path/],
  ]
  for (const [name, where, message] of broken) {
    it(`refuses ${name} in one line`, () => {
      const text = badInputMessage(() => compile(where))
      expect(text).toMatch(message)
      expect(text).not.toContain('\n')
    })
  }

  it('uses the parser it is given (CQL columns for a Cassandra source)', () => {
    const columnsOnly = (value: unknown, what: string) => {
      if (typeof value === 'string' && value.includes('.')) throw new FleetopsError('BAD_INPUT', `${what} must be a column`)
      return parseFieldPath(value, what)
    }
    expect(badInputMessage(() => compileWhere({'a.b': 1}, columnsOnly))).toBe('where field must be a column')
  })
})

describe('whereHolds', () => {
  it('equals compares type and value (1 is not "1")', () => {
    expect(holds({n: 1}, {n: 1})).toBe(true)
    expect(holds({n: 1}, {n: '1'})).toBe(false)
    expect(holds({n: '1'}, {n: 1})).toBe(false)
    expect(holds({b: true}, {b: true})).toBe(true)
    expect(holds({b: true}, {b: 'true'})).toBe(false)
    expect(holds({n: 0}, {n: -0})).toBe(true)
    expect(holds({o: 'x'}, {o: {x: 1}})).toBe(false)
  })

  it('reads nested paths and never the prototype', () => {
    expect(holds({'device.os': 'ios'}, {device: {os: 'ios'}})).toBe(true)
    expect(holds({'device.os': 'ios'}, {device: 'ios'})).toBe(false)
    expect(holds({constructor: {exists: true}}, {})).toBe(false)
  })

  it('is SQL-like on absent fields: only exists:false holds; ne is false', () => {
    for (const event of [{}, {x: null}]) {
      expect(holds({x: 'a'}, event)).toBe(false)
      expect(holds({x: {ne: 'a'}}, event)).toBe(false)
      expect(holds({x: {gt: 0}}, event)).toBe(false)
      expect(holds({x: {lte: 'z'}}, event)).toBe(false)
      expect(holds({x: {in: ['a', 1]}}, event)).toBe(false)
      expect(holds({x: {exists: true}}, event)).toBe(false)
      expect(holds({x: {exists: false}}, event)).toBe(true)
    }
    expect(holds({x: {exists: true}}, {x: 0})).toBe(true)
    expect(holds({x: {exists: true}}, {x: ''})).toBe(true)
    expect(holds({x: {exists: false}}, {x: false})).toBe(false)
  })

  it('ne holds for a present value of another type or value, objects included', () => {
    expect(holds({x: {ne: 'a'}}, {x: 'b'})).toBe(true)
    expect(holds({x: {ne: 1}}, {x: '1'})).toBe(true)
    expect(holds({x: {ne: 'a'}}, {x: ['a']})).toBe(true)
    expect(holds({x: {ne: 'a'}}, {x: 'a'})).toBe(false)
  })

  it('compares numbers numerically and strings lexicographically, never across types', () => {
    expect(holds({n: {gt: 9}}, {n: 10})).toBe(true)
    expect(holds({s: {gt: '9'}}, {s: '10'})).toBe(false) // strings: "10" < "9"
    expect(holds({n: {gt: '9'}}, {n: 10})).toBe(false)
    expect(holds({s: {gt: 9}}, {s: '10'})).toBe(false)
    expect(holds({b: {gte: 0}}, {b: true})).toBe(false)
    expect(holds({ts: {gte: '2026-03-08T00:00:00Z', lt: '2026-03-09T00:00:00Z'}}, {ts: '2026-03-08T12:00:00Z'})).toBe(true)
    expect(holds({amount: {gte: 1, lt: 10000}}, {amount: 10000})).toBe(false)
    expect(holds({amount: {gte: 1, lt: 10000}}, {amount: 1})).toBe(true)
    expect(holds({amount: {gt: 1, lte: 2}}, {amount: 1})).toBe(false)
    expect(holds({amount: {gt: 1, lte: 2}}, {amount: 2})).toBe(true)
  })

  it('in matches any listed scalar of the same type', () => {
    expect(holds({s: {in: ['paid', 'refunded']}}, {s: 'refunded'})).toBe(true)
    expect(holds({s: {in: ['paid', 1]}}, {s: '1'})).toBe(false)
    expect(holds({s: {in: ['paid', 1]}}, {s: 1})).toBe(true)
  })

  it('reads bigint field values as numbers', () => {
    expect(conditionHolds(compile({n: {gt: 5}})[0], {n: 6n})).toBe(true)
    expect(conditionHolds(compile({n: 6})[0], {n: 6n})).toBe(true)
  })

  it('holds for every event with no conditions', () => {
    expect(whereHolds([], {})).toBe(true)
  })

  const scalar = fc.oneof(fc.string({maxLength: 6}), fc.integer({min: -5, max: 5}), fc.double({noNaN: true, noDefaultInfinity: true}), fc.boolean())
  const fieldValue = fc.oneof(scalar, fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), {maxLength: 2}))
  const eventOf = (v: unknown): Record<string, unknown> => (v === undefined ? {} : {x: v})

  it('property: eq and ne are complements on present values, and both false on absent ones', () => {
    fc.assert(
      fc.property(scalar, fieldValue, (operand, value) => {
        const event = eventOf(value)
        const eq = holds({x: {eq: operand}}, event)
        const ne = holds({x: {ne: operand}}, event)
        if (value === undefined || value === null) expect([eq, ne]).toEqual([false, false])
        else expect(eq).toBe(!ne)
      }),
    )
  })

  it('property: exists true and false are complements; in [a] is eq a; the conjunction is every condition', () => {
    fc.assert(
      fc.property(scalar, fieldValue, fc.constantFrom('gt', 'gte', 'lt', 'lte'), (operand, value, op) => {
        const event = eventOf(value)
        expect(holds({x: {exists: true}}, event)).toBe(!holds({x: {exists: false}}, event))
        expect(holds({x: {in: [operand]}}, event)).toBe(holds({x: operand}, event))
        if (typeof operand === 'boolean') return
        const both = compile({x: {[op]: operand, exists: true}})
        expect(whereHolds(both, event)).toBe(both.every((c) => conditionHolds(c, event)))
      }),
    )
  })

  it('property: numeric bounds agree with JavaScript comparison, and gte is gt or eq', () => {
    fc.assert(
      fc.property(fc.double({noNaN: true, noDefaultInfinity: true}), fc.double({noNaN: true, noDefaultInfinity: true}), (bound, value) => {
        const event = {x: value}
        expect(holds({x: {gt: bound}}, event)).toBe(value > bound)
        expect(holds({x: {lt: bound}}, event)).toBe(value < bound)
        expect(holds({x: {gte: bound}}, event)).toBe(holds({x: {gt: bound}}, event) || holds({x: bound}, event))
        expect(holds({x: {lte: bound}}, event)).toBe(!holds({x: {gt: bound}}, event))
      }),
    )
  })
})

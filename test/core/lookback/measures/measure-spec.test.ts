import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../../src/core/errors.js'
import {MEASURE_KINDS} from '../../../../src/core/lookback/measures/measure.js'
import {checkMeasureSpecs, createMeasure, measureFromJSON, type MeasureSpec} from '../../../../src/core/lookback/measures/measure-spec.js'

function specFor(kind: (typeof MEASURE_KINDS)[number]): MeasureSpec {
  return kind === 'quantile' ? {name: kind, kind, field: 'v', q: 0.5} : {name: kind, kind, field: 'v'}
}

describe('measure specs', () => {
  it('creates every kind empty: count 0, the rest null, and each round-trips', () => {
    for (const kind of MEASURE_KINDS) {
      const measure = createMeasure(specFor(kind))
      expect(measure.kind).toBe(kind)
      expect(measure.result()).toBe(kind === 'count' ? 0 : null)
      expect(measureFromJSON(specFor(kind), JSON.parse(JSON.stringify(measure.toJSON())), 'x').toJSON()).toEqual(measure.toJSON())
    }
  })

  it('accepts a valid list, including a count of events (field null)', () => {
    expect(() => checkMeasureSpecs([...MEASURE_KINDS.map(specFor), {name: 'events', kind: 'count', field: null}])).not.toThrow()
  })

  it.each<[string, MeasureSpec[], RegExp]>([
    ['an empty name', [{name: '', kind: 'sum', field: 'v'}], /non-empty name/],
    ['a repeated name', [specFor('sum'), {...specFor('max'), name: 'sum'}], /used twice/],
    ['an unknown kind', [{name: 'x', kind: 'median' as 'sum', field: 'v'}], /kind must be one of/],
    ['a sum without a field', [{name: 'x', kind: 'sum', field: null}], /needs a field/],
    ['an empty field', [{name: 'x', kind: 'count', field: ''}], /needs a field/],
    ['a quantile without q', [{name: 'x', kind: 'quantile', field: 'v'}], /q must be/],
    ['a quantile with q = 1', [{name: 'x', kind: 'quantile', field: 'v', q: 1}], /q must be/],
    ['q on a sum', [{name: 'x', kind: 'sum', field: 'v', q: 0.5}], /only to quantile/],
  ])('rejects %s with BAD_INPUT', (_what, specs, message) => {
    expect(() => checkMeasureSpecs(specs)).toThrow(message)
    try {
      checkMeasureSpecs(specs)
    } catch (error) {
      expect((error as FleetopsError).code).toBe('BAD_INPUT')
    }
  })
})

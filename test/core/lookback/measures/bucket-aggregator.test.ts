import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../../src/core/errors.js'
import {BucketAggregator, compareDims, type FieldLookup} from '../../../../src/core/lookback/measures/bucket-aggregator.js'
import type {MeasureSpec} from '../../../../src/core/lookback/measures/measure-spec.js'

const MEASURES: MeasureSpec[] = [
  {name: 'events_seen', kind: 'count', field: null},
  {name: 'with_amount', kind: 'count', field: 'amount'},
  {name: 'revenue', kind: 'sum', field: 'amount'},
  {name: 'low', kind: 'min', field: 'amount'},
  {name: 'high', kind: 'max', field: 'amount'},
  {name: 'mean', kind: 'avg', field: 'amount'},
  {name: 'users', kind: 'distinct', field: 'user'},
  {name: 'users_approx', kind: 'approx_distinct', field: 'user'},
  {name: 'p90', kind: 'quantile', field: 'amount', q: 0.9},
]
const SHAPE = {dimensions: ['country', 'device'], measures: MEASURES}

interface Ev {
  bucket: string
  dims: (string | null)[]
  amount: number | null
  user: string | null
  late: boolean
}

const eventArb: fc.Arbitrary<Ev> = fc.record({
  bucket: fc.constantFrom('2026-11-18', '2026-11-19', '2026-11-19T10'),
  dims: fc.tuple(fc.constantFrom(null, '', 'null', 'DE', '__proto__'), fc.constantFrom(null, 'ios', 'web')),
  amount: fc.option(fc.oneof(fc.integer({min: -1000, max: 1000}).map((n) => n / 10), fc.double({noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12})), {nil: null}),
  user: fc.option(fc.constantFrom('u1', 'u2', 'u3', ''), {nil: null}),
  late: fc.boolean(),
})

function lookup(event: Ev): FieldLookup {
  return (field) => (field === 'amount' ? event.amount : field === 'user' ? event.user : null)
}

function aggregate(events: readonly Ev[], outOfWindow = 0): BucketAggregator {
  const aggregator = new BucketAggregator(SHAPE)
  for (const e of events) aggregator.add(e.bucket, e.dims, lookup(e), e.late)
  for (let i = 0; i < outOfWindow; i++) aggregator.addOutOfWindow(i % 2 === 0 ? 'before' : 'after')
  return aggregator
}

const stateText = (a: BucketAggregator): string => JSON.stringify(a.toState())

describe('BucketAggregator', () => {
  it('keeps null, "" and "null" dimension values apart and orders rows by bucket, then dims (null first)', () => {
    const a = new BucketAggregator(SHAPE)
    const values: FieldLookup = () => null
    a.add('b2', ['x', null], values)
    a.add('b1', ['null', 'ios'], values)
    a.add('b1', [null, 'ios'], values)
    a.add('b1', ['', 'ios'], values)
    a.add('b1', [null, null], values)
    a.add('b1', [null, 'ios'], values, true)
    expect(a.rows().map((r) => [r.bucket, r.dims, r.events, r.late])).toEqual([
      ['b1', [null, null], 1, 0],
      ['b1', [null, 'ios'], 2, 1],
      ['b1', ['', 'ios'], 1, 0],
      ['b1', ['null', 'ios'], 1, 0],
      ['b2', ['x', null], 1, 0],
    ])
    expect(a.eventCount).toBe(6)
  })

  it('finds cells as grouping by the JSON text of (bucket, dims) does, for 0 to 3 dimensions (the per-event index against the obvious key)', () => {
    const dimValue = fc.constantFrom(null, '', 'null', '"', '["a"]', 'a', '__proto__', 'constructor')
    fc.assert(
      fc.property(
        fc.integer({min: 0, max: 3}).chain((n) => fc.array(fc.record({bucket: fc.constantFrom('b1', 'b2'), dims: fc.array(dimValue, {minLength: n, maxLength: n}), late: fc.boolean()}), {maxLength: 60}).map((events) => ({n, events}))),
        ({n, events}) => {
          const aggregator = new BucketAggregator({dimensions: ['x', 'y', 'z'].slice(0, n), measures: [{name: 'seen', kind: 'count', field: null}]})
          const expected = new Map<string, [string, (string | null)[], number, number]>()
          for (const e of events) {
            aggregator.add(e.bucket, e.dims, () => null, e.late)
            const key = JSON.stringify([e.bucket, e.dims])
            const row = expected.get(key) ?? [e.bucket, [...e.dims], 0, 0]
            row[2]++
            if (e.late) row[3]++
            expected.set(key, row)
          }
          const want = [...expected.values()].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : compareDims(a[1], b[1])))
          expect(aggregator.rows().map((r) => [r.bucket, r.dims, r.events, r.late])).toEqual(want)
          expect(aggregator.rows().every((r) => r.measures.seen === r.events)).toBe(true)
        },
      ),
      {numRuns: 100},
    )
  })

  it('computes every measure of a cell; missing fields count as no value', () => {
    const a = new BucketAggregator(SHAPE)
    const events: [number | null, string | null][] = [[10, 'u1'], [20, 'u2'], [null, 'u1'], [30, null], [0.1, 'u3']]
    for (const [amount, user] of events) a.add('d', ['DE', 'web'], (f) => (f === 'amount' ? amount : user))
    expect(a.rows()[0]!.measures).toEqual({events_seen: 5, with_amount: 4, revenue: 60.1, low: 0.1, high: 30, mean: 60.1 / 4, users: 3, users_approx: 3, p90: expect.any(Number) as number})
    // Rank floor(0.9 × 3) = 2 of [0.1, 10, 20, 30]: 20, within 1 %.
    expect(Math.abs(a.rows()[0]!.measures.p90! - 20) / 20).toBeLessThanOrEqual(0.01)
  })

  it('gives empty measures count 0 and null', () => {
    const a = new BucketAggregator(SHAPE)
    a.add('d', [null, null], () => null)
    expect(a.rows()[0]!.measures).toEqual({events_seen: 1, with_amount: 0, revenue: null, low: null, high: null, mean: null, users: null, users_approx: null, p90: null})
  })

  it('merges in any order and split into the same state as one pass, and round-trips through JSON text', () => {
    fc.assert(
      fc.property(fc.array(eventArb, {maxLength: 40}), fc.array(eventArb, {maxLength: 40}), fc.array(eventArb, {maxLength: 40}), (a, b, c) => {
        const single = aggregate([...a, ...b, ...c], 3)
        const [A, B, C] = [aggregate(a, 1), aggregate(b, 2), aggregate(c)]
        const left = aggregate([])
        for (const part of [A, B, C]) left.merge(part)
        const right = aggregate([])
        for (const part of [C, B, A]) right.merge(part)
        const restored = aggregate([])
        for (const part of [B, A, C]) restored.merge(BucketAggregator.fromState(JSON.parse(stateText(part))))
        for (const candidate of [left, right, restored]) {
          expect(stateText(candidate)).toBe(stateText(single))
          expect(candidate.rows()).toEqual(single.rows())
          expect(candidate.outOfWindow).toEqual({before: 2, after: 1})
        }
        expect(stateText(BucketAggregator.fromState(JSON.parse(stateText(single))))).toBe(stateText(single))
      }),
      {numRuns: 80},
    )
  })

  it('refuses to merge a different job shape', () => {
    const other = new BucketAggregator({dimensions: ['country', 'device'], measures: [{name: 'p90', kind: 'quantile', field: 'amount', q: 0.95}]})
    expect(() => aggregate([]).merge(other)).toThrow(/different jobs/)
    const self = aggregate([])
    expect(() => self.merge(self)).toThrow(/into itself/)
  })

  it('rejects values of the wrong type and a wrong number of dimensions (BAD_INPUT)', () => {
    const a = new BucketAggregator(SHAPE)
    for (const bad of [() => a.add('d', ['DE', 'web'], (f) => (f === 'amount' ? 'ten' : null)), () => a.add('d', ['DE', 'web'], (f) => (f === 'amount' ? Infinity : null)), () => a.add('d', ['DE', 'web'], (f) => (f === 'user' ? 7 : null)), () => a.add('d', ['DE'], () => null)]) {
      expect(bad).toThrow(FleetopsError)
    }
  })

  it('rejects malformed checkpoints', () => {
    const good = aggregate([
      {bucket: 'b', dims: ['DE', null], amount: 1, user: 'u', late: false},
      {bucket: 'b', dims: ['FR', null], amount: 2, user: 'v', late: true},
    ]).toState()
    const cells = good.cells
    const variants: unknown[] = [
      null,
      {...good, v: 1},
      {...good, before: -1},
      {...good, dimensions: 'country'},
      {...good, measures: [...good.measures, good.measures[0]]},
      {...good, measures: [{...good.measures[0], extra: true}]},
      {...good, cells: {}},
      {...good, cells: [cells[1], cells[0]]},
      {...good, cells: [cells[0], cells[0]]},
      {...good, cells: [[...cells[0]!.slice(0, 4)]]},
      {...good, cells: [['b', ['DE'], 1, 0, cells[0]![4]]]},
      {...good, cells: [['b', ['DE', 3], 1, 0, cells[0]![4]]]},
      {...good, cells: [['b', ['DE', null], 1, 2, cells[0]![4]]]},
      {...good, cells: [['b', ['DE', null], 1, 0, cells[0]![4].slice(1)]]},
      {...good, cells: [['b', ['DE', null], 1, 0, [-1, ...cells[0]![4].slice(1)]]]},
      {...good, cells: [[7, ['DE', null], 1, 0, cells[0]![4]]]},
    ]
    expect(() => BucketAggregator.fromState(JSON.parse(JSON.stringify(good)))).not.toThrow()
    for (const state of variants) expect(() => BucketAggregator.fromState(state), JSON.stringify(state)).toThrow(/checkpoint aggregation is malformed/)
  })

  it('compareDims orders null first, then by UTF-16 code units, position by position', () => {
    const sorted = [['b', 'a'], [null, 'z'], ['a', null], ['a', 'a'], ['', 'x'], ['B', null]].sort(compareDims)
    expect(sorted).toEqual([[null, 'z'], ['', 'x'], ['B', null], ['a', null], ['a', 'a'], ['b', 'a']])
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {type MeasuresJobSpec, validateLookbackJob} from '../../../src/core/lookback/job-spec.js'
import {aggregatorMeasures, bucketKeyOf, bucketKeysOfDays, extractMeasuresEvent} from '../../../src/core/lookback/measures-event.js'
import {BucketAggregator} from '../../../src/core/lookback/measures/bucket-aggregator.js'

function measuresJob(fields: Record<string, unknown>): MeasuresJobSpec {
  const job = validateLookbackJob({name: 'j', source: {kafka: {topic: 't', eventTimeField: 'ts'}}, window: '1d', sink: {keyspace: 'ks', table: 'agg'}, ...fields})
  if (job.shape !== 'measures') throw new Error('expected the measures form')
  return job
}

const job = measuresJob({
  granularity: 'hour',
  timezone: 'America/New_York',
  where: {status: 'paid', amount: {gte: 1}},
  dimensions: ['country', 'device.os'],
  measures: {orders: 'count', revenue: {sum: 'amount'}, buyers: {distinct: 'user'}, amount_kinds: {distinct: 'amount'}},
})

const extract = (value: unknown): ReturnType<typeof extractMeasuresEvent> => extractMeasuresEvent(JSON.stringify(value), 0, job)

describe('extractMeasuresEvent', () => {
  it('reads event time, nested dimensions and typed measure values', () => {
    const r = extract({ts: '2026-11-01T05:30:00Z', status: 'paid', amount: 12.5, user: 42, country: 'US', device: {os: 'ios'}})
    expect(r.kind).toBe('event')
    if (r.kind !== 'event') return
    expect(r.event.eventMs).toBe(Date.parse('2026-11-01T05:30:00Z'))
    expect(r.event.dims).toEqual(['US', 'ios'])
    expect(r.event.values('amount')).toBe(12.5)
    // A field both summed and counted distinct is read once as a number and once as text.
    expect(r.event.values('text:amount')).toBe('12.5')
    expect(r.event.values('text:user')).toBe('42')
  })

  it('counts records failing where as filtered, before looking at their time', () => {
    expect(extract({ts: '2026-11-01T05:30:00Z', status: 'refunded', amount: 5})).toEqual({kind: 'filtered'})
    expect(extract({status: 'paid', amount: 0.5})).toEqual({kind: 'filtered'})
    expect(extract({status: 'paid'})).toEqual({kind: 'filtered'})
  })

  it('keeps malformed JSON, a missing event time and wrongly typed values as rejects', () => {
    expect(extractMeasuresEvent('{', 0, job)).toMatchObject({kind: 'reject', reason: 'malformed-json'})
    expect(extractMeasuresEvent(null, 0, job)).toMatchObject({kind: 'reject', reason: 'empty-record'})
    expect(extract({status: 'paid', amount: 3})).toMatchObject({kind: 'reject', reason: 'bad-time'})
    expect(extract({ts: 1, status: 'paid', amount: 3, user: {id: 1}})).toMatchObject({kind: 'reject', reason: 'bad-distinct'})
    expect(extract({ts: 1, status: 'paid', amount: 3, country: ['x']})).toMatchObject({kind: 'reject', reason: 'bad-group'})
  })

  it('stores a missing dimension as empty text and skips a missing measure field', () => {
    const r = extract({ts: 1, status: 'paid', amount: 3})
    if (r.kind !== 'event') throw new Error(r.kind)
    expect(r.event.dims).toEqual(['', ''])
    expect(r.event.values('text:user')).toBeNull()
  })

  it('feeds BucketAggregator through the one field seam', () => {
    const agg = new BucketAggregator({dimensions: ['country', 'device.os'], measures: aggregatorMeasures(job.measures)})
    for (const [user, amount] of [[1, 2], [1, 3], [2, 3]]) {
      const r = extract({ts: 1, status: 'paid', amount, user, country: 'US', device: {os: 'ios'}})
      if (r.kind !== 'event') throw new Error(r.kind)
      agg.add('b', r.event.dims, r.event.values)
    }
    expect(agg.rows()[0]!.measures).toEqual({orders: 3, revenue: 8, buyers: 2, amount_kinds: 2})
    expect(BucketAggregator.fromState(JSON.parse(JSON.stringify(agg.toState()))).rows()).toEqual(agg.rows())
  })
})

describe('bucket keys', () => {
  it('gives the two 01:00 hours of the New York DST end their own buckets', () => {
    const first = Date.parse('2026-11-01T05:10:00Z') // 01:10 EDT
    const second = Date.parse('2026-11-01T06:10:00Z') // 01:10 EST
    expect(bucketKeyOf(job, first, '2026-11-01')).toBe('2026-11-01T05:00:00.000Z')
    expect(bucketKeyOf(job, second, '2026-11-01')).toBe('2026-11-01T06:00:00.000Z')
    const keys = bucketKeysOfDays(job, ['2026-11-01'])
    expect(keys).toHaveLength(25)
    expect(keys[0]).toBe('2026-11-01T04:00:00.000Z')
  })

  it('uses the local day itself for daily jobs', () => {
    const daily = {granularity: 'day' as const, timezone: 'UTC'}
    expect(bucketKeyOf(daily, 0, '1970-01-01')).toBe('1970-01-01')
    expect(bucketKeysOfDays(daily, ['2026-01-01', '2026-01-02'])).toEqual(['2026-01-01', '2026-01-02'])
  })
})

describe('extractMeasuresEvent: the bytes fast path', () => {
  const fast = measuresJob({
    granularity: 'day',
    where: {status: {in: ['paid', 'shipped']}, amount: {gt: 0}, coupon: {exists: false}},
    dimensions: ['country', 'device.os', 'channel'],
    measures: {orders: 'count', revenue: {sum: 'amount'}, top: {max: 'amount'}, buyers: {distinct: 'user'}, approx: {approx_distinct: 'user'}, p: {quantile: 'amount', q: 0.5}},
  })
  const keys = ['amount', 'text:user']
  const field = fc.oneof(fc.string({maxLength: 5}), fc.double(), fc.integer({min: -5, max: 5}), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom('paid', 'shipped', 'de', 'ios', '2026-11-01T05:30:00Z'), fc.dictionary(fc.constantFrom('os', 'x'), fc.oneof(fc.string({maxLength: 3}), fc.integer())), fc.array(fc.integer(), {maxLength: 2}))
  const usually = <T>(good: fc.Arbitrary<T>) => fc.oneof({weight: 4, arbitrary: good}, {weight: 1, arbitrary: field})
  const record = fc.record(
    {
      ts: usually(fc.integer({min: 0, max: 2e12})),
      status: usually(fc.constantFrom('paid', 'shipped')),
      amount: usually(fc.double({min: 0.01, max: 1e6, noNaN: true})),
      coupon: field,
      user: usually(fc.oneof(fc.string({maxLength: 4}), fc.integer())),
      country: field,
      device: usually(fc.record({os: fc.oneof(fc.string({maxLength: 3}), fc.integer(), fc.constant(null))}, {requiredKeys: []})),
      channel: field,
    },
    {requiredKeys: ['ts', 'status', 'amount']},
  )

  it('gives exactly what the general path gives for the same record', () => {
    let fastEvents = 0
    fc.assert(
      fc.property(record, (r) => {
        const text = JSON.stringify(r)
        const viaBytes = extractMeasuresEvent(new TextEncoder().encode(text), 7, fast)
        const viaText = extractMeasuresEvent(text, 7, fast)
        expect(viaBytes.kind, text).toBe(viaText.kind)
        if (viaBytes.kind === 'reject' && viaText.kind === 'reject') expect([viaBytes.reason, viaBytes.detail]).toEqual([viaText.reason, viaText.detail])
        if (viaBytes.kind === 'event' && viaText.kind === 'event') {
          fastEvents++
          expect([viaBytes.event.eventMs, viaBytes.event.dims, keys.map((k) => viaBytes.event.values(k))]).toEqual([viaText.event.eventMs, viaText.event.dims, keys.map((k) => viaText.event.values(k))])
        }
      }),
      {numRuns: 1000},
    )
    expect(fastEvents).toBeGreaterThan(0)
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {type MeasuresJobSpec, validateLookbackJob} from '../../../src/core/lookback/job-spec.js'
import {
  checkSinkFits,
  createTableStatement,
  dimensionColumnName,
  dimensionText,
  type ExistingColumn,
  sinkLayout,
} from '../../../src/core/lookback/sink-layout.js'
import {parseFieldPath} from '../../../src/core/lookback/field-path.js'

function measuresJob(fields: Record<string, unknown>): MeasuresJobSpec {
  const job = validateLookbackJob({name: 'j', source: {kafka: {topic: 't'}}, window: '1d', sink: {keyspace: 'ks', table: 'agg'}, ...fields})
  if (job.shape !== 'measures') throw new Error('expected the measures form')
  return job
}

const ordersJob = measuresJob({
  granularity: 'hour',
  dimensions: ['country', 'device.os'],
  measures: {orders: 'count', revenue: {sum: 'amount'}, buyers: {distinct: 'user'}, approx_buyers: {approx_distinct: 'user'}, p95: {quantile: 'amount', q: 0.95}},
})

/** The columns system_schema would list for a table made by the layout's own CREATE TABLE. */
function describedColumns(job: MeasuresJobSpec): ExistingColumn[] {
  const layout = sinkLayout(job)
  return layout.columns.map((c) => {
    const p = layout.partitionKey.indexOf(c.name)
    const k = layout.clustering.indexOf(c.name)
    if (p >= 0) return {...c, kind: 'partition_key', position: p}
    if (k >= 0) return {...c, kind: 'clustering', position: k}
    return {...c, kind: 'regular', position: -1}
  })
}

describe('sinkLayout', () => {
  it('keys hourly rows by ((job, hour), dimensions) with typed measure columns', () => {
    const layout = sinkLayout(ordersJob)
    expect(layout).toMatchObject({keyspace: 'ks', table: 'agg', bucketColumn: 'hour', partitionKey: ['job', 'hour'], clustering: ['country', 'device_os']})
    expect(layout.columns).toEqual([
      {name: 'job', type: 'text'},
      {name: 'hour', type: 'timestamp'},
      {name: 'country', type: 'text'},
      {name: 'device_os', type: 'text'},
      {name: 'orders', type: 'bigint'},
      {name: 'revenue', type: 'double'},
      {name: 'buyers', type: 'bigint'},
      {name: 'approx_buyers', type: 'double'},
      {name: 'p95', type: 'double'},
      {name: 'late_events', type: 'bigint'},
      {name: 'updated_at', type: 'timestamp'},
    ])
    expect(layout.dimensions.map((d) => [d.column, d.field.path])).toEqual([
      ['country', 'country'],
      ['device_os', 'device.os'],
    ])
    expect(layout.measures.map((m) => [m.column, m.measure.kind])).toEqual([
      ['orders', 'count'],
      ['revenue', 'sum'],
      ['buyers', 'distinct'],
      ['approx_buyers', 'approx_distinct'],
      ['p95', 'quantile'],
    ])
  })

  it('uses a date day column for daily jobs, and no clustering without dimensions', () => {
    const layout = sinkLayout(measuresJob({measures: {n: 'count', lo: {min: 'x'}, hi: {max: 'x'}, mean: {avg: 'x'}}}))
    expect(layout.partitionKey).toEqual(['job', 'day'])
    expect(layout.clustering).toEqual([])
    expect(layout.columns.slice(0, 2)).toEqual([
      {name: 'job', type: 'text'},
      {name: 'day', type: 'date'},
    ])
    expect(layout.columns.filter((c) => ['lo', 'hi', 'mean'].includes(c.name)).map((c) => c.type)).toEqual(['double', 'double', 'double'])
    expect(createTableStatement(layout)).toBe(
      'CREATE TABLE IF NOT EXISTS ks.agg (job text, day date, n bigint, lo double, hi double, mean double, late_events bigint, updated_at timestamp, PRIMARY KEY ((job, day)))',
    )
  })

  it('writes the CREATE TABLE with the dimensions as clustering columns', () => {
    expect(createTableStatement(sinkLayout(ordersJob))).toBe(
      'CREATE TABLE IF NOT EXISTS ks.agg (job text, hour timestamp, country text, device_os text, orders bigint, revenue double, buyers bigint, ' +
        'approx_buyers double, p95 double, late_events bigint, updated_at timestamp, PRIMARY KEY ((job, hour), country, device_os))',
    )
  })

  it('names dimension columns by path with dots as underscores, lower case', () => {
    expect(dimensionColumnName(parseFieldPath('Device.OS', 'd'))).toBe('device_os')
    expect(dimensionColumnName(parseFieldPath('a.b.c', 'd'))).toBe('a_b_c')
  })

  it('property: column names are unique and every statement name is a plain lower-case identifier', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)
    fc.assert(
      fc.property(fc.uniqueArray(name, {maxLength: 4}), fc.uniqueArray(name, {minLength: 1, maxLength: 4}), (dims, measures) => {
        let job: MeasuresJobSpec
        try {
          job = measuresJob({dimensions: dims.map((d) => `d.${d}`), measures: Object.fromEntries(measures.map((m) => [`m${m}`, 'count']))})
        } catch (error) {
          expect((error as FleetopsError).code).toBe('BAD_INPUT') // e.g. a generated CQL keyword
          return
        }
        const layout = sinkLayout(job)
        const names = layout.columns.map((c) => c.name)
        expect(new Set(names).size).toBe(names.length)
        expect(names.every((n) => /^[a-z][a-z0-9_]*$/.test(n))).toBe(true)
        expect(checkSinkFits(layout, describedColumns(job))).toBeNull()
      }),
      {numRuns: 100},
    )
  })
})

describe('checkSinkFits', () => {
  const layout = sinkLayout(ordersJob)
  const fits = describedColumns(ordersJob)
  const message = (columns: ExistingColumn[]): string | undefined => checkSinkFits(layout, columns)?.message

  it('accepts the table its own statement makes, extra regular columns, varchar for text and upper-case names', () => {
    expect(checkSinkFits(layout, fits)).toBeNull()
    expect(checkSinkFits(layout, [...fits, {name: 'note', type: 'text', kind: 'regular'}])).toBeNull()
    expect(checkSinkFits(layout, fits.map((c) => (c.type === 'text' ? {...c, type: 'varchar'} : c)))).toBeNull()
    expect(checkSinkFits(layout, fits.map((c) => ({name: c.name.toUpperCase(), type: c.type.toUpperCase()})))).toBeNull()
  })

  it('names a missing column and how to add it', () => {
    const error = checkSinkFits(layout, fits.filter((c) => c.name !== 'p95'))
    expect(error).toBeInstanceOf(FleetopsError)
    expect(error?.code).toBe('BAD_INPUT')
    expect(error?.message).toBe('sink table ks.agg has no column "p95" (double); use a new sink table or ALTER TABLE ks.agg ADD p95 double')
  })

  it('names a column of the wrong type', () => {
    expect(message(fits.map((c) => (c.name === 'orders' ? {...c, type: 'int'} : c)))).toBe(
      'sink table ks.agg column "orders" is int, the job needs bigint; use a new sink table',
    )
    expect(message(fits.map((c) => (c.name === 'hour' ? {...c, type: 'date'} : c)))).toMatch(/column "hour" is date, the job needs timestamp/)
  })

  it('names a different primary key (partition or clustering, order included)', () => {
    const swapped = fits.map((c) => (c.kind === 'clustering' ? {...c, position: 1 - (c.position ?? 0)} : c))
    expect(message(swapped)).toBe(
      'sink table ks.agg has PRIMARY KEY ((job, hour), device_os, country), the job needs ((job, hour), country, device_os); use a new sink table',
    )
    const regularCountry = fits.map((c) => (c.name === 'country' ? {...c, kind: 'regular'} : c))
    expect(message(regularCountry)).toMatch(/has PRIMARY KEY \(\(job, hour\), device_os\), the job needs/)
    const extraKey = [...fits, {name: 'shard', type: 'int', kind: 'partition_key', position: 2}]
    expect(message(extraKey)).toMatch(/has PRIMARY KEY \(\(job, hour, shard\), country, device_os\)/)
  })

  it('keeps the message to one line whatever the table reports', () => {
    const text = message(fits.map((c) => (c.name === 'orders' ? {...c, type: 'frozen<map<text,\ntext>>'} : c)))
    expect(text).not.toContain('\n')
  })
})

describe('dimensionText', () => {
  it('stores missing and null as the empty string, like an empty string value', () => {
    expect(dimensionText(undefined)).toEqual({ok: true, text: ''})
    expect(dimensionText(null)).toEqual({ok: true, text: ''})
    expect(dimensionText('')).toEqual({ok: true, text: ''})
  })

  it('stores scalars as their text and refuses objects, arrays and over-long values', () => {
    expect(dimensionText('DE')).toEqual({ok: true, text: 'DE'})
    expect(dimensionText(42)).toEqual({ok: true, text: '42'})
    expect(dimensionText(-0)).toEqual({ok: true, text: '0'})
    expect(dimensionText(true)).toEqual({ok: true, text: 'true'})
    expect(dimensionText(12n)).toEqual({ok: true, text: '12'})
    expect(dimensionText({a: 1})).toEqual({ok: false, reason: 'is an object, expected a string, number or boolean'})
    expect(dimensionText([1])).toMatchObject({ok: false})
    expect(dimensionText('x'.repeat(1025))).toEqual({ok: false, reason: 'longer than 1024 characters'})
  })
})

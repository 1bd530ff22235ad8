import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {parseJobText} from '../../../src/core/lookback/job-text.js'
import {parseWindowDays, validateJob, validateLookbackJob} from '../../../src/core/lookback/job-spec.js'

function badInputMessage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(FleetopsError)
    expect((error as FleetopsError).code).toBe('BAD_INPUT')
    return (error as FleetopsError).message
  }
  throw new Error('expected a BAD_INPUT error')
}

const kafkaJob = {
  name: 'dau_daily',
  source: {kafka: {topic: 'events.v1', eventTimeField: 'meta.ts'}},
  window: '3d',
  timezone: 'Europe/Berlin',
  groupBy: 'country',
  distinct: 'user.id',
  value: 'amount',
  sink: {keyspace: 'Metrics', table: 'daily_agg'},
}

describe('parseJobText', () => {
  it('reads JSON when the text starts with "{" and YAML otherwise, to the same value', () => {
    const json = `  \n${JSON.stringify(kafkaJob, null, 2)}`
    const yaml = [
      'name: dau_daily',
      'source:',
      '  kafka:',
      '    topic: events.v1',
      '    eventTimeField: meta.ts',
      'window: 3d',
      'timezone: Europe/Berlin',
      'groupBy: country',
      'distinct: user.id',
      'value: amount',
      'sink: {keyspace: Metrics, table: daily_agg}',
    ].join('\n')
    expect(parseJobText(json, 'job.json')).toEqual(kafkaJob)
    expect(parseJobText(yaml, 'job.yaml')).toEqual(kafkaJob)
  })

  it('reports malformed JSON with line and column', () => {
    expect(badInputMessage(() => parseJobText('{\n  "name": "x",\n  "window": }', 'job.json'))).toMatch(/^job\.json:3:13: invalid JSON: expected a value/)
    expect(badInputMessage(() => parseJobText('{"a": 1', 'j.json'))).toMatch(/^j\.json:1:8: invalid JSON: expected "," or "}".*at end of file/)
    expect(badInputMessage(() => parseJobText('{"a": 1, "a": 2}', 'j.json'))).toMatch(/^j\.json:1:10: invalid JSON: duplicate key "a"/)
    expect(badInputMessage(() => parseJobText('{"a": 01}', 'j.json'))).toMatch(/^j\.json:1:8: /)
    expect(badInputMessage(() => parseJobText('{"a": "x\ny"}', 'j.json'))).toMatch(/^j\.json:1:9: invalid JSON: control character/)
    expect(badInputMessage(() => parseJobText('{"a": 1} x', 'j.json'))).toMatch(/^j\.json:1:10: invalid JSON: unexpected text/)
    expect(badInputMessage(() => parseJobText('{"a":'.repeat(40) + '1' + '}'.repeat(40), 'j.json'))).toMatch(/nesting deeper than 32/)
  })

  it('reads JSON values exactly as JSON.parse does', () => {
    const text = '{"s": "a\\u00e9\\n\\"", "n": -1.5e3, "z": 0, "t": true, "f": false, "x": null, "a": [1, {"b": []}], "__proto__": 1}'
    const value = parseJobText(text, 'j.json') as Record<string, unknown>
    expect(value).toEqual(JSON.parse(text))
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })
})

describe('validateJob', () => {
  it('accepts a Kafka job and normalises identifiers', () => {
    expect(validateJob(kafkaJob)).toEqual({
      name: 'dau_daily',
      source: {kind: 'kafka', topic: 'events.v1', eventTimeField: {path: 'meta.ts', segments: ['meta', 'ts']}},
      windowDays: 3,
      timezone: 'Europe/Berlin',
      groupBy: {path: 'country', segments: ['country']},
      distinct: {path: 'user.id', segments: ['user', 'id']},
      value: {path: 'amount', segments: ['amount']},
      sink: {keyspace: 'metrics', table: 'daily_agg'},
    })
  })

  it('accepts a minimal Cassandra job with defaults', () => {
    const job = validateJob({
      name: 'orders-1',
      source: {cassandra: {keyspace: 'shop', table: 'orders_by_day', dayColumn: 'day', bucketColumn: 'bucket', buckets: 16, timeColumn: 'ts'}},
      window: '72h',
      sink: {keyspace: 'metrics', table: 'daily'},
    })
    expect(job).toEqual({
      name: 'orders-1',
      source: {kind: 'cassandra', keyspace: 'shop', table: 'orders_by_day', dayColumn: 'day', bucketColumn: 'bucket', buckets: 16, timeColumn: 'ts'},
      windowDays: 3,
      timezone: 'UTC',
      groupBy: null,
      distinct: null,
      value: null,
      sink: {keyspace: 'metrics', table: 'daily'},
    })
  })

  const broken: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown top-level field', {...kafkaJob, groupby: 'x'}, /job has unknown field "groupby"; allowed fields: name, source, window/],
    ['an unknown source field', {...kafkaJob, source: {kafka: {topic: 't', partitions: 3}}}, /source\.kafka has unknown field "partitions"; allowed fields: topic, eventTimeField/],
    ['a missing sink', {...kafkaJob, sink: undefined}, /missing required field "sink"/],
    ['both sources', {...kafkaJob, source: {kafka: {topic: 't'}, cassandra: {}}}, /exactly one of "kafka" or "cassandra"/],
    ['no source kind', {...kafkaJob, source: {}}, /exactly one of/],
    ['a bad topic', {...kafkaJob, source: {kafka: {topic: 'a b'}}}, /not a valid Kafka topic name/],
    ['a bad field path', {...kafkaJob, groupBy: 'a..b'}, /groupBy "a\.\.b" is not a field path/],
    ['an expression as field', {...kafkaJob, value: 'amount * 2'}, /value "amount \* 2" is not a field path/],
    ['a bad job name', {...kafkaJob, name: 'a/b'}, /job name "a\/b"/],
    ['a bad time zone', {...kafkaJob, timezone: 'Mars/Olympus'}, /not a known IANA/],
    ['a bad sink table', {...kafkaJob, sink: {keyspace: 'm', table: 'drop table'}}, /sink\.table "drop table" is not a safe CQL identifier/],
    ['a non-mapping job', [] as unknown as Record<string, unknown>, /job must be a mapping/],
    [
      'too many buckets',
      {...kafkaJob, source: {cassandra: {keyspace: 'k', table: 't', dayColumn: 'd', bucketColumn: 'b', buckets: 2000, timeColumn: 'ts'}}},
      /buckets must be a whole number from 1 to 1024/,
    ],
    [
      'a dotted path on a Cassandra source',
      {...kafkaJob, source: {cassandra: {keyspace: 'k', table: 't', dayColumn: 'd', bucketColumn: 'b', buckets: 2, timeColumn: 'ts'}}},
      /groupBy|distinct/,
    ],
  ]
  for (const [name, job, message] of broken) {
    it(`refuses ${name}`, () => {
      expect(badInputMessage(() => validateJob(job))).toMatch(message)
    })
  }
})

describe('parseWindowDays', () => {
  it('accepts days, weeks and whole-day hours', () => {
    expect(parseWindowDays('3d')).toBe(3)
    expect(parseWindowDays('2w')).toBe(14)
    expect(parseWindowDays('72h')).toBe(3)
    expect(parseWindowDays('366d')).toBe(366)
  })
  it('refuses zero, negative, fractional, partial-day and absurd windows', () => {
    for (const bad of ['0d', '-3d', '1.5d', '36h', '367d', '3', 'three days', '', '3D']) {
      expect(badInputMessage(() => parseWindowDays(bad))).toMatch(/window/)
    }
    expect(badInputMessage(() => parseWindowDays(3))).toMatch(/use a number of days such as 3d/)
  })
})

const ordersYaml = [
  'name: orders_hourly',
  'source:',
  '  kafka: {topic: orders, eventTimeField: ts}',
  'window: 3d',
  'timezone: America/New_York',
  'granularity: hour',
  'where:',
  '  status: paid',
  '  amount: {gte: 1, lt: 10000}',
  'dimensions: [country, device.os]',
  'measures:',
  '  orders: count',
  '  revenue: {sum: amount}',
  '  smallest: {min: amount}',
  '  largest: {max: amount}',
  '  mean_amount: {avg: amount}',
  '  buyers: {distinct: user}',
  '  approx_buyers: {approx_distinct: user}',
  '  p95_amount: {quantile: amount, q: 0.95}',
  'sink: {keyspace: ks, table: orders_hourly}',
].join('\n')

const path = (p: string) => ({path: p, segments: p.split('.')})
const measuresJob = {
  name: 'm',
  source: {kafka: {topic: 't'}},
  window: '1d',
  measures: {events: 'count'},
  sink: {keyspace: 'ks', table: 'agg'},
}

describe('validateLookbackJob, measures form', () => {
  it('accepts the full example from YAML and JSON alike', () => {
    const fromYaml = validateLookbackJob(parseJobText(ordersYaml, 'orders.yaml'))
    const fromJson = validateLookbackJob(parseJobText(JSON.stringify(parseJobText(ordersYaml, 'orders.yaml')), 'orders.json'))
    expect(fromJson).toEqual(fromYaml)
    expect(fromYaml).toEqual({
      shape: 'measures',
      name: 'orders_hourly',
      source: {kind: 'kafka', topic: 'orders', eventTimeField: path('ts')},
      windowDays: 3,
      timezone: 'America/New_York',
      granularity: 'hour',
      where: [
        {field: path('status'), operator: 'eq', operand: 'paid'},
        {field: path('amount'), operator: 'gte', operand: 1},
        {field: path('amount'), operator: 'lt', operand: 10000},
      ],
      dimensions: [path('country'), path('device.os')],
      measures: [
        {name: 'orders', kind: 'count', field: null},
        {name: 'revenue', kind: 'sum', field: path('amount')},
        {name: 'smallest', kind: 'min', field: path('amount')},
        {name: 'largest', kind: 'max', field: path('amount')},
        {name: 'mean_amount', kind: 'avg', field: path('amount')},
        {name: 'buyers', kind: 'distinct', field: path('user')},
        {name: 'approx_buyers', kind: 'approx_distinct', field: path('user')},
        {name: 'p95_amount', kind: 'quantile', field: path('amount'), q: 0.95},
      ],
      sink: {keyspace: 'ks', table: 'orders_hourly'},
    })
  })

  it('defaults granularity to day, where and dimensions to none; lower-cases measure names', () => {
    expect(validateLookbackJob({...measuresJob, measures: {Events: 'count'}})).toMatchObject({
      shape: 'measures',
      granularity: 'day',
      where: [],
      dimensions: [],
      measures: [{name: 'events', kind: 'count', field: null}],
    })
  })

  it('keeps the legacy form exactly as validateJob returns it (no shape field)', () => {
    const legacy = validateLookbackJob(kafkaJob)
    expect(legacy).toEqual(validateJob(kafkaJob))
    expect('shape' in legacy).toBe(false)
    expect(legacy.shape).toBeUndefined()
  })

  it('validateJob refuses the measures form, pointing at the fields', () => {
    expect(badInputMessage(() => validateJob(measuresJob))).toMatch(/uses the measures form .* use groupBy, distinct and value$/)
  })

  it('takes only CQL columns as fields on a Cassandra source', () => {
    const cassandra = {cassandra: {keyspace: 'k', table: 't', dayColumn: 'd', bucketColumn: 'b', buckets: 2, timeColumn: 'ts'}}
    expect(badInputMessage(() => validateLookbackJob({...measuresJob, source: cassandra, dimensions: ['a.b']}))).toMatch(/dimensions\[0\] "a\.b" is not a safe CQL identifier/)
    expect(badInputMessage(() => validateLookbackJob({...measuresJob, source: cassandra, where: {'a.b': 1}}))).toMatch(/where field "a\.b" is not a safe CQL identifier/)
    expect(validateLookbackJob({...measuresJob, source: cassandra, dimensions: ['Country']})).toMatchObject({dimensions: [path('country')]})
  })

  const broken: Array<[string, Record<string, unknown>, RegExp]> = [
    ['mixing the forms', {...measuresJob, groupBy: 'country'}, /^job mixes the legacy field "groupBy" with the measures field "measures"; use either/],
    ['mixing value with where', {...kafkaJob, where: {a: 1}}, /legacy field "groupBy" with the measures field "where"/],
    ['measures missing', {...measuresJob, measures: undefined, dimensions: ['a']}, /has dimensions, where or granularity but no measures/],
    ['an unknown granularity', {...measuresJob, granularity: 'minute'}, /^granularity "minute" is not known; use one of day, hour$/],
    ['an unknown measure kind', {...measuresJob, measures: {p: {median: 'x'}}}, /^measures\.p: unknown measure kind "median"; allowed: count, sum, min, max, avg, distinct, approx_distinct, quantile$/],
    ['an unknown measure kind as text', {...measuresJob, measures: {p: 'total'}}, /unknown measure kind "total"; allowed: count, sum/],
    ['a kind without its field', {...measuresJob, measures: {revenue: 'sum'}}, /^measures\.revenue: sum needs a field; write revenue: \{sum: <field>\}$/],
    ['count with a field', {...measuresJob, measures: {n: {count: 'x'}}}, /^measures\.n: count takes no field; write n: count$/],
    ['two kinds in one measure', {...measuresJob, measures: {n: {sum: 'x', max: 'x'}}}, /must have exactly one measure kind/],
    ['q on a sum', {...measuresJob, measures: {n: {sum: 'x', q: 0.5}}}, /q is only for quantile/],
    ['a quantile without q', {...measuresJob, measures: {p: {quantile: 'x'}}}, /^measures\.p: quantile needs q, e.g\. p: \{quantile: x, q: 0\.95\}$/],
    ['q = 1', {...measuresJob, measures: {p: {quantile: 'x', q: 1}}}, /strictly between 0 and 1/],
    ['q = 0', {...measuresJob, measures: {p: {quantile: 'x', q: 0}}}, /strictly between 0 and 1/],
    ['a q given as text', {...measuresJob, measures: {p: {quantile: 'x', q: '0.5'}}}, /strictly between 0 and 1/],
    ['a measure name that is not a CQL identifier', {...measuresJob, measures: {'p-95': 'count'}}, /^measure name "p-95" is not a safe CQL identifier/],
    ['a measure name starting with "_"', {...measuresJob, measures: {_n: 'count'}}, /measure name "_n" is not a safe CQL identifier/],
    ['a measure named like a reserved column', {...measuresJob, measures: {late_events: 'count'}}, /^measure "late_events" would be column "late_events", which is already a column the job writes itself/],
    ['a measure named like the bucket column', {...measuresJob, granularity: 'hour', measures: {hour: 'count'}}, /measure "hour" would be column "hour"/],
    ['a measure named like the other bucket column', {...measuresJob, measures: {hour: 'count'}}, /measure "hour" would be column "hour"/],
    ['a measure named job', {...measuresJob, measures: {job: 'count'}}, /measure "job" would be column "job"/],
    ['a measure named like a dimension column', {...measuresJob, dimensions: ['device.os'], measures: {device_os: 'count'}}, /^measure "device_os" would be column "device_os", which is already dimension "device\.os"; rename it$/],
    ['measure names differing only in case', {...measuresJob, measures: {Orders: 'count', orders: {sum: 'x'}}}, /measure "orders" would be column "orders", which is already measure "orders"/],
    ['a measure named with a CQL keyword', {...measuresJob, measures: {order: 'count'}}, /would be column "order", a CQL reserved word/],
    ['two dimensions with one column', {...measuresJob, dimensions: ['a.b', 'a_b']}, /^dimension "a_b" would be column "a_b", which is already dimension "a\.b"/],
    ['a repeated dimension', {...measuresJob, dimensions: ['a', 'a']}, /^dimensions lists "a" twice/],
    ['a dimension named day', {...measuresJob, dimensions: ['day']}, /dimension "day" would be column "day"/],
    ['a dimension that is not a plain path', {...measuresJob, dimensions: ['a[0]']}, /dimensions\[0\] "a\[0\]" is not a field path/],
    ['a dimension column over 48 characters', {...measuresJob, dimensions: ['a'.repeat(30) + '.' + 'b'.repeat(30)]}, /dimension "a+\.b+" as a column name "a+_b+" is not a safe CQL identifier/],
    ['dimensions as text', {...measuresJob, dimensions: 'country'}, /dimensions must be a list of up to 16 field paths/],
    ['no measures', {...measuresJob, measures: {}}, /measures must have 1 to 64 entries/],
    ['measures as a list', {...measuresJob, measures: ['count']}, /measures must be a mapping of name to measure/],
    ['an unknown where operator', {...measuresJob, where: {amount: {like: 'x'}}}, /where\.amount has unknown operator "like"; allowed: eq, ne/],
  ]
  for (const [name, job, message] of broken) {
    it(`refuses ${name} in one line`, () => {
      const text = badInputMessage(() => validateLookbackJob(job))
      expect(text).toMatch(message)
      expect(text).not.toContain('\n')
    })
  }
})

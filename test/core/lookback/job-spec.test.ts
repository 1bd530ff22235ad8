import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {parseJobText} from '../../../src/core/lookback/job-text.js'
import {parseWindowDays, validateJob} from '../../../src/core/lookback/job-spec.js'

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

import {describe, expect, it} from 'vitest'
import {extractEvent} from '../../../src/core/lookback/extract-event.js'
import {RejectCollector} from '../../../src/core/lookback/rejects.js'
import {parseEventTime} from '../../../src/core/lookback/event-time.js'
import {kafkaTestJob} from './test-jobs.js'

const job = kafkaTestJob({eventTimeField: 'meta.ts', groupBy: 'country', distinct: 'user', value: 'amount'})
const recordTimeJob = kafkaTestJob({window: '1d'})
const T = Date.UTC(2026, 10, 20, 10, 30)
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value))

describe('parseEventTime', () => {
  it('reads epoch millis, digit strings and ISO-8601 with a zone', () => {
    expect(parseEventTime(T)).toEqual({ok: true, ms: T})
    expect(parseEventTime(T + 0.9)).toEqual({ok: true, ms: T})
    expect(parseEventTime(String(T))).toEqual({ok: true, ms: T})
    expect(parseEventTime('2026-11-20T10:30:00Z')).toEqual({ok: true, ms: T})
    expect(parseEventTime('2026-11-20T10:30Z')).toEqual({ok: true, ms: T})
    expect(parseEventTime('2026-11-20 11:30:00.000+01:00')).toEqual({ok: true, ms: T})
    expect(parseEventTime('2026-11-20T05:30:00.123456-0500')).toEqual({ok: true, ms: T + 123})
    expect(parseEventTime('2026-11-20T12:30:00+02')).toEqual({ok: true, ms: T})
    expect(parseEventTime(new Date(T))).toEqual({ok: true, ms: T})
  })

  it('refuses zone-less, impossible, out-of-range and non-time values', () => {
    for (const bad of ['2026-11-20T10:30:00', '2026-11-20', '2026-02-30T00:00Z', '2026-11-20T24:00Z', '2026-11-20T10:60Z', 'yesterday', '-5', 1e17, -1, NaN, true, null, undefined, {}, [T]]) {
      expect(parseEventTime(bad).ok).toBe(false)
    }
  })
})

describe('extractEvent', () => {
  it('extracts time, group, distinct and value from JSON bytes, text or a row object', () => {
    const record = {meta: {ts: '2026-11-20T10:30:00Z'}, country: 'DE', user: 'u1', amount: 12.5}
    const expected = {ok: true, event: {eventMs: T, group: 'DE', distinct: '"u1"', value: 12.5}}
    expect(extractEvent(bytes(record), 0, job)).toEqual(expected)
    expect(extractEvent(JSON.stringify(record), 0, job)).toEqual(expected)
    expect(extractEvent(record, 0, job)).toEqual(expected)
  })

  it('uses the record timestamp when the job has no event-time field', () => {
    expect(extractEvent('{}', T, recordTimeJob)).toEqual({ok: true, event: {eventMs: T, group: '', distinct: null, value: null}})
    expect(extractEvent('{}', -1, recordTimeJob)).toMatchObject({ok: false, reason: 'bad-time'})
  })

  it('keeps number and string distinct keys apart, but not group keys', () => {
    const a = extractEvent({meta: {ts: T}, country: 7, user: 42}, 0, job)
    const b = extractEvent({meta: {ts: T}, country: '7', user: '42'}, 0, job)
    expect(a).toEqual({ok: true, event: {eventMs: T, group: '7', distinct: '42', value: null}})
    expect(b).toEqual({ok: true, event: {eventMs: T, group: '7', distinct: '"42"', value: null}})
  })

  it('counts events with a missing distinct or value field (SQL semantics) and normalises -0', () => {
    expect(extractEvent({meta: {ts: T}, country: 'DE', amount: -0}, 0, job)).toEqual({ok: true, event: {eventMs: T, group: 'DE', distinct: null, value: 0}})
    const r = extractEvent({meta: {ts: T}, country: 'DE', amount: -0}, 0, job)
    expect(r.ok && Object.is(r.event.value, 0)).toBe(true)
  })

  const rejects: Array<[string, Uint8Array | string | null, string]> = [
    ['a tombstone', null, 'empty-record'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'malformed-utf8'],
    ['malformed JSON', '{"meta": ', 'malformed-json'],
    ['a JSON array', '[1]', 'not-an-object'],
    ['a JSON string', '"x"', 'not-an-object'],
    ['a missing time field', JSON.stringify({country: 'DE'}), 'bad-time'],
    ['a time in seconds', JSON.stringify({meta: {ts: 1e17}, country: 'DE'}), 'bad-time'],
    ['a zone-less ISO time', JSON.stringify({meta: {ts: '2026-11-20T10:00:00'}, country: 'DE'}), 'bad-time'],
    ['a missing group', JSON.stringify({meta: {ts: T}}), 'bad-group'],
    ['an object group', JSON.stringify({meta: {ts: T}, country: {a: 1}}), 'bad-group'],
    ['an over-long group', JSON.stringify({meta: {ts: T}, country: 'x'.repeat(1025)}), 'bad-group'],
    ['an array distinct', JSON.stringify({meta: {ts: T}, country: 'DE', user: [1]}), 'bad-distinct'],
    ['a string value', JSON.stringify({meta: {ts: T}, country: 'DE', amount: '12'}), 'bad-value'],
    ['an absurd value', JSON.stringify({meta: {ts: T}, country: 'DE', amount: 1e300}), 'bad-value'],
  ]
  for (const [name, record, reason] of rejects) {
    it(`rejects ${name} as ${reason} without throwing`, () => {
      const result = extractEvent(record, T, job)
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.reason).toBe(reason)
        expect(result.detail.length).toBeGreaterThan(0)
      }
    })
  }

  it('does not follow prototype properties in field paths', () => {
    const protoJob = kafkaTestJob({eventTimeField: 'constructor', window: '1d'})
    expect(extractEvent('{}', T, protoJob)).toMatchObject({ok: false, reason: 'bad-time'})
  })
})

describe('RejectCollector', () => {
  it('counts exactly, keeps a capped list of examples and merges', () => {
    const a = new RejectCollector(3)
    for (let i = 0; i < 5; i++) a.add('bad-time', `t${i}`, {kind: 'kafka', topic: 't', partition: 0, offset: String(i)})
    a.add('malformed-json', 'x')
    expect(a.total).toBe(6)
    expect(a.count('bad-time')).toBe(5)
    expect(a.exampleList().map((e) => e.detail)).toEqual(['t0', 't1', 't2'])
    const b = new RejectCollector(3)
    b.add('bad-value', 'v')
    b.merge(RejectCollector.fromState(JSON.parse(JSON.stringify(a.toState())), 3))
    expect(b.toState()).toEqual({counts: {'bad-time': 5, 'bad-value': 1, 'malformed-json': 1}, examples: [{reason: 'bad-value', detail: 'v'}, a.exampleList()[0], a.exampleList()[1]]})
  })
})

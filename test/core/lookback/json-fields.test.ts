import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {extractEvent, extractEventFromBytes} from '../../../src/core/lookback/extract-event.js'
import {JsonFieldReader, readJsonFields} from '../../../src/core/lookback/json-fields.js'
import {readField} from '../../../src/core/lookback/field-path.js'
import {kafkaTestJob} from './test-jobs.js'

const NAMES = ['ts', 'user', 'country', 'amount', '__proto__', 'a']
const utf8 = new TextDecoder('utf-8', {fatal: true})
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const runs = Number(process.env.PROP_RUNS ?? 300)

/** What the general path sees: strict UTF-8, JSON.parse, own properties only. */
function reference(input: Uint8Array, names: readonly string[]): {kind: 'invalid'} | {kind: 'object'; values: unknown[]} {
  let parsed: unknown
  try {
    parsed = JSON.parse(utf8.decode(input))
  } catch {
    return {kind: 'invalid'}
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {kind: 'invalid'}
  return {kind: 'object', values: names.map((n) => (Object.prototype.hasOwnProperty.call(parsed, n) ? (parsed as Record<string, unknown>)[n] : undefined))}
}

/** The fast path may decline (null); when it answers it must agree exactly with the reference. */
function agrees(input: Uint8Array, names: readonly string[] = NAMES): boolean {
  const fast = readJsonFields(input, names)
  if (fast === null) return true
  const ref = reference(input, names)
  expect(ref.kind, `fast path accepted text JSON.parse rejects: ${JSON.stringify(new TextDecoder().decode(input))}`).toBe('object')
  if (ref.kind !== 'object') return false
  for (let k = 0; k < names.length; k++) {
    const want = ref.values[k]
    // Objects and arrays are left to the general path.
    expect(want === null || typeof want !== 'object').toBe(true)
    expect(Object.is(fast[k], want), `${names[k]}: fast ${String(fast[k])} vs JSON.parse ${String(want)}`).toBe(true)
  }
  return true
}

const key = fc.oneof(fc.constantFrom(...NAMES), fc.string({maxLength: 6}))
const scalar = fc.oneof(fc.string({maxLength: 12}), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.bigInt().map((b) => JSON.parse(b.toString()) as number))
const value = fc.oneof({weight: 4, arbitrary: scalar}, {weight: 1, arbitrary: fc.jsonValue({maxDepth: 3})})
/** Objects written by hand so keys can repeat (JSON.parse keeps the last) and spacing varies. */
const objectText = fc
  .tuple(fc.array(fc.tuple(key, value), {maxLength: 8}), fc.constantFrom('', ' ', '\n', '\t', '\r\n  '))
  .map(([entries, ws]) => `${ws}{${ws}${entries.map(([k, v]) => `${JSON.stringify(k)}${ws}:${ws}${JSON.stringify(v) ?? 'null'}`).join(`,${ws}`)}${ws}}${ws}`)

describe('readJsonFields (the look-back JSON fast path)', () => {
  it('agrees with JSON.parse on objects with repeated keys, any scalars, nested values and spacing', () => {
    fc.assert(fc.property(objectText, (text) => agrees(bytes(text))), {numRuns: runs * 3})
  })

  it('never accepts what JSON.parse rejects: every text one edit away from a valid object', () => {
    const alphabet = [...`{}[]",:\\ -+.eE0159tfnul'/x`, '\u0000', '\u000b', '\u000c', '\u001f', '\u007f', '\u00a0', '\u00e9', '\ud83d']
    const edit = fc.tuple(objectText, fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(...alphabet))
    fc.assert(
      fc.property(edit, ([text, at, op, ch]) => {
        const i = text.length === 0 ? 0 : at % text.length
        const mutated = op === 'delete' ? text.slice(0, i) + text.slice(i + 1) : op === 'insert' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + ch + text.slice(i + 1)
        return agrees(bytes(mutated))
      }),
      {numRuns: runs * 5},
    )
  })

  it('reads every JSON number as JSON.parse does (short decimals take the arithmetic path)', () => {
    const digits = (max: number) => fc.array(fc.integer({min: 0, max: 9}), {minLength: 1, maxLength: max}).map((d) => d.join(''))
    const intPart = fc.oneof(fc.constant('0'), fc.tuple(fc.integer({min: 1, max: 9}), fc.option(digits(17))).map(([h, t]) => `${h}${t ?? ''}`))
    const numberText = fc
      .tuple(fc.boolean(), intPart, fc.option(digits(18)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(4))))
      .map(([neg, i, f, e]) => `${neg ? '-' : ''}${i}${f === null ? '' : `.${f}`}${e === null ? '' : e.join('')}`)
    fc.assert(
      fc.property(numberText, (text) => {
        const got = readJsonFields(bytes(`{"a":${text}}`), ['a'])
        expect(got).not.toBeNull()
        expect(Object.is(got![0], JSON.parse(text)), `${text}: ${String(got![0])} vs ${String(JSON.parse(text))}`).toBe(true)
      }),
      {numRuns: runs * 10},
    )
  })

  it('agrees on arbitrary JSON text and arbitrary bytes', () => {
    fc.assert(fc.property(fc.json(), (text) => agrees(bytes(text))), {numRuns: runs})
    fc.assert(fc.property(fc.uint8Array({maxLength: 40}), (b) => agrees(b)), {numRuns: runs})
  })

  it('answers for the records look-back jobs usually read, with JSON.parse\'s values', () => {
    const text = '{"ts":1763337600000,"user":"u1234","country":"de","amount":1234.25,"tags":["a",{"b":"\\u00e9\\n"}],"n":-0.5e-3}'
    const values = readJsonFields(bytes(text), ['ts', 'user', 'country', 'amount', 'n', 'missing'])
    expect(values).toEqual([1763337600000, 'u1234', 'de', 1234.25, -0.0005, undefined])
    expect(Object.is(readJsonFields(bytes('{"a":-0}'), ['a'])![0], -0)).toBe(true)
    expect(readJsonFields(bytes('{"a":1,"a":2}'), ['a'])).toEqual([2])
    expect(readJsonFields(bytes('{"__proto__":"x"}'), ['__proto__'])).toEqual(['x'])
  })

  it('reads a record in place inside a larger buffer exactly as it reads the record alone', () => {
    const junk = fc.uint8Array({maxLength: 12})
    const spacing = new Set([0x20, 0x0a, 0x0d, 0x09])
    // The bytes after the record are junk, or the rest of a record cut short (a scan that
    // runs past the end would then find a valid object there).
    const cut = fc.tuple(objectText, fc.nat()).map(([whole, at]) => {
      const i = whole.length === 0 ? 0 : at % whole.length
      return {text: whole.slice(0, i), rest: bytes(whole.slice(i))}
    })
    const recordAndRest = fc.oneof(fc.tuple(fc.oneof(objectText, fc.json()), junk).map(([text, rest]) => ({text, rest})), cut)
    fc.assert(
      fc.property(recordAndRest, junk, ({text, rest: after}, before) => {
        const record = bytes(text)
        const buffer = new Uint8Array(before.length + record.length + after.length)
        buffer.set(before, 0)
        buffer.set(record, before.length)
        buffer.set(after, before.length + record.length)
        const alone = readJsonFields(record, NAMES)
        const inPlace = readJsonFields(buffer, NAMES, before.length, before.length + record.length)
        // Spacing right after the record looks like the record's own trailing spacing: the reader declines.
        if (inPlace === null && spacing.has(after[0] ?? -1)) return
        expect(inPlace === null, text).toBe(alone === null)
        if (alone !== null) for (let k = 0; k < NAMES.length; k++) expect(Object.is(inPlace![k], alone[k]), `${NAMES[k]} in ${text}`).toBe(true)
      }),
      {numRuns: runs * 3},
    )
  })

  it('gives the JSON text of a string value, and none once a repeated key holds another type', () => {
    const reader = new JsonFieldReader(['user'])
    expect(reader.read(bytes('{"user":"u1"}'))).toEqual(['u1'])
    expect(reader.quotedText(0)).toBe('"u1"')
    expect(reader.read(bytes('{"user":"u1","user":7}'))).toEqual([7])
    expect(reader.quotedText(0)).toBeNull()
    expect(reader.read(bytes('{"user":7,"user":"u2"}'))).toEqual(['u2'])
    expect(reader.quotedText(0)).toBe('"u2"')
    expect(reader.read(bytes('{"x":1}'))).toEqual([undefined])
    expect(reader.quotedText(0)).toBeNull()
  })

  it('declines what only the general path can judge or report', () => {
    for (const text of [
      '{"user":"caf\u00e9"}', // non-ASCII bytes
      '{"user":"a\\"b"}', // an escape in a wanted string
      '{"a":{"b":1}}', // a wanted object (its reject names the type)
      '{"a":[1]}',
      '[1,2]',
      '"text"',
      '{"a":1,}',
      '{"a":01}',
      '{"a":1} x',
      '{"x":"\u0001"}',
      '{"x":"\\\'"}', // invalid escapes in a string the job does not read
      '{"x":"\\x41"}',
      '{"x":"\\u12G4"}',
      '{"x":tru}',
      '{"x":[1,]}',
      '{"x":{"y"}}',
      '',
    ]) {
      expect(readJsonFields(bytes(text), ['a', 'user']), text).toBeNull()
    }
  })
})

describe('extractEvent with and without the fast path', () => {
  // A flat job (the fast path applies) whose fields the generator below uses, with type mixes.
  const job = kafkaTestJob({eventTimeField: 'ts', groupBy: 'country', distinct: 'user', value: 'amount'})
  const field = fc.oneof(fc.string({maxLength: 8}), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1763337600000), fc.constant('2026-11-20T10:30:00Z'), fc.jsonValue({maxDepth: 1}))
  const record = fc.dictionary(fc.constantFrom('ts', 'country', 'user', 'amount', 'x'), field, {maxKeys: 5})

  // Two fields naming one key (distinct count of the group key, time from the value field).
  const overlapping = kafkaTestJob({eventTimeField: 'amount', groupBy: 'country', distinct: 'country', value: 'amount'})

  it('gives the same result for bytes (fast path) as for the same text (JSON.parse)', () => {
    fc.assert(
      fc.property(record, fc.integer({min: 0, max: 2e12}), fc.constantFrom(job, overlapping), (r, arrival, j) => {
        const text = JSON.stringify(r)
        expect(extractEvent(bytes(text), arrival, j)).toEqual(extractEvent(text, arrival, j))
      }),
      {numRuns: runs * 3},
    )
  })

  it('gives the same result for a record read in place inside a batch as for the record alone', () => {
    fc.assert(
      fc.property(record, fc.integer({min: 0, max: 2e12}), fc.constantFrom(job, overlapping), fc.uint8Array({maxLength: 8}), fc.uint8Array({maxLength: 8}), (r, arrival, j, before, after) => {
        const text = bytes(JSON.stringify(r))
        const batch = new Uint8Array([...before, ...text, ...after])
        expect(extractEventFromBytes(batch, before.length, before.length + text.length, arrival, j)).toEqual(extractEvent(text, arrival, j))
      }),
      {numRuns: runs * 3},
    )
  })

  it('a repeated key takes its last value, whatever the types, for the distinct key too', () => {
    for (const text of ['{"ts":1,"country":"de","user":"a","user":7}', '{"ts":1,"country":"de","user":7,"user":"a"}', '{"ts":1,"country":"de","user":"a","user":null}', '{"ts":1,"country":"de","user":"a","user":"b"}']) {
      expect(extractEvent(bytes(text), 0, job), text).toEqual(extractEvent(text, 0, job))
    }
    expect(extractEvent(bytes('{"ts":1,"country":"de","user":"a","user":7}'), 0, job)).toMatchObject({ok: true, event: {distinct: '7'}})
  })

  it('the fast path does answer for such records', () => {
    const text = '{"ts":1763337600000,"user":"u42","country":"de","amount":2.5}'
    expect(readJsonFields(bytes(text), ['ts', 'country', 'user', 'amount'])).not.toBeNull()
    expect(extractEvent(bytes(text), 0, job)).toEqual({ok: true, event: {eventMs: 1763337600000, group: 'de', distinct: '"u42"', value: 2.5}})
  })
})

describe('readJsonFields with nested paths', () => {
  const PATHS = ['ts', 'device.os', 'device.id', 'user.geo.country', 'a']
  const parseField = (path: string) => ({path, segments: path.split('.')})
  const nestedKey = fc.constantFrom('ts', 'device', 'os', 'id', 'user', 'geo', 'country', 'a', 'b')
  /** Nested objects written by hand: keys repeat at every level, values are scalars, arrays or objects. */
  const nested: fc.Arbitrary<string> = fc.letrec((tie) => ({
    value: fc.oneof({weight: 5, arbitrary: scalar.map((v) => JSON.stringify(v) ?? 'null')}, {weight: 2, arbitrary: tie('object')}, {weight: 1, arbitrary: fc.jsonValue({maxDepth: 2}).map((v) => JSON.stringify(v))}),
    object: fc.array(fc.tuple(nestedKey, tie('value')), {maxLength: 5}).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  })).object as fc.Arbitrary<string>

  it('agrees with JSON.parse + readField whenever it answers, and answers for plain nested records', () => {
    let answered = 0
    fc.assert(
      fc.property(nested, (text) => {
        const fast = readJsonFields(bytes(text), PATHS)
        if (fast === null) return
        answered++
        const parsed = JSON.parse(text) as unknown
        PATHS.forEach((p, k) => expect(Object.is(fast[k], readField(parsed, parseField(p))), `${p} in ${text}`).toBe(true))
      }),
      {numRuns: runs * 3},
    )
    expect(answered).toBeGreaterThan(runs / 2)
    expect(readJsonFields(bytes('{"device":{"os":"ios","id":7},"user":{"geo":{"country":"de"}},"ts":1}'), PATHS)).toEqual([1, 'ios', 7, 'de', undefined])
    // A repeated prefix key replaces everything under it, as JSON.parse keeps the last value.
    expect(readJsonFields(bytes('{"device":{"os":"ios"},"device":{"id":2}}'), PATHS)).toEqual([undefined, undefined, 2, undefined, undefined])
    expect(readJsonFields(bytes('{"device":"ios"}'), PATHS)).toEqual([undefined, undefined, undefined, undefined, undefined])
    expect(readJsonFields(bytes('{"device":[{"os":"x"}]}'), PATHS)).toBeNull()
    // A path that is also another's prefix is left to the general path.
    expect(readJsonFields(bytes('{"device":{"os":"ios"}}'), ['device', 'device.os'])).toBeNull()
  })
})

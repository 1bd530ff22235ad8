import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {thrownFleetopsError} from '../support/thrown-fleetops-error.js'
import {MAX_JSON_NESTING, lineColumn, nestingBeyond, parseJsonText} from '../../src/core/input-limits.js'

describe('parseJsonText', () => {
  it.each([
    ['password123', /does not start like JSON|unexpected character/],
    ['{"a":1,}', /line 1 column 8/],
    ['{"a":1', /ends too early/],
    ['[1,2] x', /after the JSON value at line 1 column 7/],
    ['', /ends too early/],
    ['{\n"a": tru}', /unexpected character/],
  ])('words %j by position, never quoting it', (text, expected) => {
    const e = thrownFleetopsError(() => parseJsonText(text, '--state f.json'))
    expect(e.exit).toBe(2)
    expect(e.message).toMatch(/^--state f\.json is not valid JSON \(/)
    expect(e.message).toMatch(expected)
    if (text.length > 3) expect(e.message).not.toContain(text)
  })

  it('refuses nesting deeper than the maximum without recursing, and accepts it at the maximum', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000)
    expect(thrownFleetopsError(() => parseJsonText(deep, 'x')).message).toMatch(`nesting deeper than ${MAX_JSON_NESTING} levels`)
    const ok = '['.repeat(MAX_JSON_NESTING) + ']'.repeat(MAX_JSON_NESTING)
    expect(parseJsonText(ok, 'x')).toBeDefined()
    const brackets = '['.repeat(88)
    expect(parseJsonText(`{"a":"${brackets}"}`, 'x')).toEqual({a: brackets})
  })

  // No message may carry the file's text: a password file passed by mistake must not be echoed.
  const secret = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/)
  test.prop([secret, fc.string({maxLength: 20}), fc.string({maxLength: 20})], {numRuns: 300})('never echoes the content', (s, before, after) => {
    const text = `${before}${s}${after}`
    let message = ''
    try {
      parseJsonText(text, 'f')
      return
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).not.toContain(s)
  })

  test.prop([fc.json({depthSize: 'small'})], {numRuns: 200})('agrees with JSON.parse on valid JSON', (text) => {
    if (nestingBeyond(text, MAX_JSON_NESTING) >= 0) return
    expect(parseJsonText(text, 'f')).toEqual(JSON.parse(text))
  })
})

describe('lineColumn', () => {
  test.prop([fc.string({maxLength: 50}), fc.nat(60)])('matches a naive count', (text, at) => {
    const i = Math.min(at, text.length)
    const before = text.slice(0, i).split('\n')
    expect(lineColumn(text, i)).toEqual({line: before.length, column: before[before.length - 1].length + 1})
  })
})

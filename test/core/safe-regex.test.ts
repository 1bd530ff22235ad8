import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {userRegex} from '../../src/core/identifiers.js'
import {MAX_REGEX_LENGTH, unsafeRegexReason} from '../../src/core/safe-regex.js'
import {thrownFleetopsError} from '../support/thrown-fleetops-error.js'

const catastrophic = ['(a+)+$', '(a|a)*b', '(.*a){20}', '(a*)*b', '([a-z]+)*$', '(\\w+\\s?)+$', '(a|aa)+$', '^(a+)+b', '(x+x+)+y', '(.*){1,32000}[bc]', '.*.*.*x', '\\w+\\w+\\w+x']
const refusedSyntax = ['(a)\\1', '(?<n>a)\\k<n>', 'a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b', 'a{1001}', 'a{2,5000}', 'x'.repeat(MAX_REGEX_LENGTH + 1)]
const ordinary = ['^orders$', '^(payments|billing)-.*', '\\.dlq$', '^[a-z]+-v[0-9]+$', '^orders\\.', 'events', '^team-.*-events$', '(?:a|b)?c', '[(+*)]+', 'a+?b', '^topic-\\d{1,4}$', '(ab)+', '^$']

describe('unsafeRegexReason', () => {
  it.each(catastrophic)('refuses the catastrophic pattern %s', (src) => {
    expect(unsafeRegexReason(src)).not.toBeNull()
  })
  it.each(refusedSyntax)('refuses %s', (src) => {
    expect(unsafeRegexReason(src)).not.toBeNull()
  })
  it.each(ordinary)('accepts the ordinary pattern %s', (src) => {
    expect(unsafeRegexReason(src)).toBeNull()
  })

  it('userRegex refuses with a one-line exit-2 error that names the flag', () => {
    for (const src of catastrophic) {
      const error = thrownFleetopsError(() => userRegex(src, '--topics'))
      expect(error.exit).toBe(2)
      expect(error.message).toMatch(/^--topics ".*" is refused: /)
      expect(error.message).not.toContain('\n')
    }
    expect(userRegex('^(payments|billing)-.*', '--topics').test('billing-eu')).toBe(true)
  })

  // Any accepted pattern matches a hostile near-miss subject quickly: the checker's promise.
  const atom = fc.constantFrom('a', '.', '\\w', '[a-z]', 'b', '-', '\\d')
  const quant = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}')
  const piece: fc.Arbitrary<string> = fc.letrec((tie) => ({
    piece: fc.oneof(
      {depthSize: 'small'},
      fc.tuple(atom, quant).map(([a, q]) => a + q),
      fc.tuple(fc.array(tie('piece'), {minLength: 1, maxLength: 3}), fc.boolean(), quant).map(([ps, alt, q]) => `(${ps.join(alt ? '|' : '')})${q}`),
    ),
  })).piece as fc.Arbitrary<string>
  const pattern = fc.array(piece, {minLength: 1, maxLength: 6}).map((ps) => `${ps.join('')}$`)

  test.prop([pattern], {numRuns: 300})('an accepted pattern matches hostile near-miss subjects without catastrophic backtracking', (src) => {
    if (unsafeRegexReason(src) !== null) return
    const re = new RegExp(src)
    const started = process.hrtime.bigint()
    for (const subject of ['a'.repeat(60) + '!', 'ab-'.repeat(20) + '!', '1a'.repeat(30) + '\u0000']) re.test(subject)
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000)
  })

  test.prop([fc.string({maxLength: 300})], {numRuns: 500})('never throws, whatever the text', (src) => {
    const reason = unsafeRegexReason(src)
    expect(reason === null || typeof reason === 'string').toBe(true)
    if (src.length > MAX_REGEX_LENGTH) expect(reason).not.toBeNull()
  })
})

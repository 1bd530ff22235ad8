/**
 * The base command's one output path: JSON documents carry the warnings said on stderr, and every
 * document is redacted on its way out.
 */
import {describe, expect, it} from 'vitest'

import {withWarnings} from '../src/base-command.js'

describe('withWarnings', () => {
  it('adds the warnings said while the result was made', () => {
    expect(withWarnings({moves: 3}, ['broker 4 is slow'])).toEqual({moves: 3, warnings: ['broker 4 is slow']})
  })

  it('keeps the warnings a result lists, adding only those it lacks, in the order said', () => {
    expect(withWarnings({warnings: ['a', 'b']}, ['b', 'c'])).toEqual({warnings: ['a', 'b', 'c']})
  })

  it('leaves a result alone when nothing was said, or when it is not an object', () => {
    const doc = {moves: 0}
    expect(withWarnings(doc, [])).toBe(doc)
    expect(withWarnings([1, 2], ['x'])).toEqual([1, 2])
    expect(withWarnings(null, ['x'])).toBeNull()
  })
})

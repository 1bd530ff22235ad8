import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {jsonChunks} from '../../src/core/json-chunks.js'

describe('jsonChunks', () => {
  test.prop([fc.jsonValue({depthSize: 'medium'}), fc.integer({min: 1, max: 64})], {numRuns: 300})(
    'joins to exactly JSON.stringify(value, null, 2), whatever the chunk size',
    (value, chunk) => {
      expect([...jsonChunks(value, chunk)].join('')).toBe(JSON.stringify(value, null, 2))
    },
  )

  test.prop([fc.anything()], {numRuns: 300})('matches JSON.stringify on anything it can serialise', (value) => {
    let expected: string | undefined
    try {
      expected = JSON.stringify(value, null, 2)
    } catch {
      return
    }
    if (expected === undefined) return
    expect([...jsonChunks(value, 7)].join('')).toBe(expected)
  })

  it('writes a plan-shaped document larger than one string could hold, in bounded chunks', () => {
    const partitions = Array.from({length: 3000}, (_, i) => ({topic: `t-${i >> 6}`, partition: i & 63, replicas: [1, 2, 3]}))
    const doc = {version: 1, reassignment: {version: 1, partitions}, original: {version: 1, partitions}, summary: {createdAt: new Date(0), moves: 3000, warnings: []}}
    const chunks = [...jsonChunks(doc, 4096)]
    expect(chunks.length).toBeGreaterThan(10)
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeLessThan(4096 + 200)
    expect(chunks.join('')).toBe(JSON.stringify(doc, null, 2))
  })

  test.prop([fc.jsonValue({depthSize: 'medium'}), fc.integer({min: 1, max: 64})], {numRuns: 200})(
    'with compactRecords, parses back to the same value',
    (value, chunk) => {
      const text = [...jsonChunks(value, chunk, {compactRecords: true})].join('')
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)))
    },
  )

  it('with compactRecords, writes one partition per line', () => {
    const doc = {version: 1, partitions: [{topic: 't', partition: 0, replicas: [1, 2]}, {topic: 't', partition: 1, replicas: [2, 3]}]}
    expect([...jsonChunks(doc, 100, {compactRecords: true})].join('')).toBe(
      '{\n  "version": 1,\n  "partitions": [\n    {"topic":"t","partition":0,"replicas":[1,2]},\n    {"topic":"t","partition":1,"replicas":[2,3]}\n  ]\n}',
    )
  })
})

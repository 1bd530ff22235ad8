import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {jsonChunks, jsonPieces} from '../../src/core/json-chunks.js'

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

  /** Long lists of partition assignments (printed into bytes), sometimes with one record that is not one. */
  const assignment = fc.record({
    topic: fc.oneof(fc.constantFrom('t', 'orders.v1', 'é-topic'), fc.string({maxLength: 8})),
    partition: fc.oneof(fc.nat(), fc.constantFrom(-0, -5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)),
    replicas: fc.array(fc.oneof(fc.nat(2_000_000_000), fc.constant(-1)), {maxLength: 5}),
  })
  const planArb = fc.record({
    list: fc.array(assignment, {minLength: 60, maxLength: 300}),
    odd: fc.option(fc.constantFrom<unknown>({topic: 't', partition: 1.5, replicas: []}, {partition: 0, topic: 't', replicas: []}, {topic: 't', partition: 0, replicas: [1], x: 1}, null, 7), {nil: undefined}),
    at: fc.nat(),
    chunk: fc.integer({min: 1, max: 5000}),
  })
  const bytesOf = (pieces: Iterable<string | Uint8Array>): Buffer => Buffer.concat([...pieces].map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))

  test.prop([planArb], {numRuns: 200})('assignment lists printed into bytes are exactly JSON.stringify(value, null, 2)', ({list, odd, at, chunk}) => {
    const partitions: unknown[] = [...list]
    if (odd !== undefined) partitions.splice(at % (partitions.length + 1), 0, odd)
    const doc = {reassignment: {version: 1, partitions}, summary: {moves: partitions.length}}
    const expected = JSON.stringify(doc, null, 2)
    expect(bytesOf(jsonPieces(doc, chunk)).toString('utf8')).toBe(expected)
    expect([...jsonChunks(doc, chunk)].join('')).toBe(expected)
    expect(JSON.parse(bytesOf(jsonPieces(doc, chunk, {compactRecords: true})).toString('utf8'))).toEqual(JSON.parse(expected))
  })

  it('with compactRecords, a long assignment list is one JSON.stringify(record) per line', () => {
    const partitions = Array.from({length: 100}, (_, i) => ({topic: `t${i >> 4}`, partition: i, replicas: [i, i + 1]}))
    const text = bytesOf(jsonPieces({partitions}, 64, {compactRecords: true})).toString('utf8')
    expect(text).toBe(`{\n  "partitions": [\n${partitions.map((p) => `    ${JSON.stringify(p)}`).join(',\n')}\n  ]\n}`)
  })
})

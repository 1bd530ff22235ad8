import {test} from '@fast-check/vitest'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {hashPair} from '../../../src/core/hash/hash-functions.js'
import {buildVnodeRing, successor, type VnodeRing} from '../../../src/core/hash/ring-vnodes.js'

/** The definition: first point >= hash by a plain binary search over the whole ring, wrapping to 0. */
function reference(ring: VnodeRing, hash: number): number {
  let lo = 0
  let hi = ring.points.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ring.points[mid] < hash) lo = mid + 1
    else hi = mid
  }
  return lo === ring.points.length ? 0 : lo
}

describe('vnode ring lookup', () => {
  it('the bucket index gives the same successor as a full binary search', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 60}),
        fc.integer({min: 1, max: 50}),
        fc.integer({min: 0, max: 0xffffffff}),
        fc.array(fc.integer({min: 0, max: 0xffffffff}), {minLength: 1, maxLength: 200}),
        (nodes, vnodes, seed, hashes) => {
          const ring = buildVnodeRing(
            Array.from({length: nodes}, (_, i) => i),
            {seed, vnodes},
          )
          // Ring points themselves, their neighbours and the ends of the hash space are the edge cases.
          const probes = [...hashes, 0, 0xffffffff, ...Array.from(ring.points.slice(0, 20)).flatMap((p) => [p, p - 1, p + 1])]
          for (const h of probes) {
            if (h < 0 || h > 0xffffffff) continue
            expect(successor(ring, h)).toBe(reference(ring, h))
          }
        },
      ),
      {numRuns: 100},
    )
  })

  it('an index bucket boundary and the wrap past the last point', () => {
    const ring = buildVnodeRing([1, 2, 3], {seed: 7, vnodes: 4})
    const last = ring.points[ring.points.length - 1]
    if (last < 0xffffffff) expect(successor(ring, last + 1)).toBe(0)
    expect(successor(ring, 0)).toBe(0)
    for (let b = 0; b < ring.index.length - 1; b++) {
      const h = b * 2 ** ring.shift
      expect(successor(ring, h)).toBe(reference(ring, h))
    }
  })
})

describe('buildVnodeRing (packed sort) against the obvious tuple sort', () => {
  function obvious(nodeIds: readonly number[], seed: number, vnodes: number): {points: number[]; owners: number[]} {
    const entries: [number, number][] = []
    for (const id of nodeIds) for (let v = 0; v < vnodes; v++) entries.push([hashPair(id, v, seed ^ 0x5f3759df), id])
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    return {points: entries.map((e) => e[0]), owners: entries.map((e) => e[1])}
  }

  test.prop([fc.uniqueArray(fc.integer({min: 0, max: 2 ** 21 - 1}), {minLength: 1, maxLength: 30}), fc.integer({min: 0, max: 0xffffffff}), fc.integer({min: 1, max: 40})], {numRuns: 100})(
    'gives the same points and owners',
    (ids, seed, vnodes) => {
      const ring = buildVnodeRing(ids, {seed, vnodes})
      const expected = obvious(ids, seed, vnodes)
      expect([...ring.points]).toEqual(expected.points)
      expect([...ring.owners]).toEqual(expected.owners)
    },
  )
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {mapLimited, pagesOf} from '../../src/core/map-limited.js'

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('mapLimited', () => {
  it('returns results in the items order whatever order the calls finish in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(5), {maxLength: 30}), fc.integer({min: 1, max: 8}), async (delays, limit) => {
        const out = await mapLimited(delays, limit, async (d, i) => {
          await tick(d)
          return i * 10 + d
        })
        expect(out).toEqual(delays.map((d, i) => i * 10 + d))
      }),
      {numRuns: 40},
    )
  })

  it('never has more than limit calls in flight, and uses all of them', async () => {
    let inFlight = 0
    let peak = 0
    await mapLimited(Array.from({length: 20}, (_, i) => i), 3, async () => {
      peak = Math.max(peak, ++inFlight)
      await tick(1)
      inFlight--
    })
    expect(peak).toBe(3)
  })

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = []
    const run = mapLimited([0, 1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n)
      if (n === 2) throw new Error('broker 2 failed')
      return n
    })
    await expect(run).rejects.toThrow('broker 2 failed')
    expect(started).toEqual([0, 1, 2])
  })

  it('returns an empty array for no items and refuses a limit below 1', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([])
    await expect(mapLimited([1], 0, async () => 1)).rejects.toThrow(RangeError)
  })
})

describe('pagesOf', () => {
  it('property: pages keep every item once, in order, all of the size but the last', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({min: 1, max: 20}), (items, size) => {
        const pages = pagesOf(items, size)
        expect(pages.flat()).toEqual(items)
        expect(pages.length).toBe(Math.ceil(items.length / size))
        pages.forEach((p, i) => (i < pages.length - 1 ? expect(p.length).toBe(size) : expect(p.length).toBeGreaterThan(0)))
      }),
    )
  })

  it('refuses a size below 1 or not whole', () => {
    expect(() => pagesOf([1], 0)).toThrow(RangeError)
    expect(() => pagesOf([1], 1.5)).toThrow(RangeError)
  })
})

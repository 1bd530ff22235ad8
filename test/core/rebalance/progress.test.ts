import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {progressEstimate} from '../../../src/core/rebalance/index.js'

describe('progressEstimate', () => {
  test('linear ETA from the average rate so far', () => {
    expect(progressEstimate(250, 1000, 10_000)).toEqual({fraction: 0.25, remainingBytes: 750, bytesPerSecond: 25, etaMs: 30_000})
  })
  test('no estimate before anything moved; zero when done', () => {
    expect(progressEstimate(0, 1000, 5000).etaMs).toBeNull()
    expect(progressEstimate(1000, 1000, 5000)).toMatchObject({fraction: 1, etaMs: 0})
    expect(progressEstimate(0, 0, 0)).toMatchObject({fraction: 1, etaMs: 0})
    expect(progressEstimate(2000, 1000, 5000).fraction).toBe(1)
  })
  test('rejects negative or non-finite input', () => {
    expect(() => progressEstimate(-1, 10, 10)).toThrow(FleetopsError)
    expect(() => progressEstimate(1, Number.NaN, 10)).toThrow(/total bytes/)
  })
})

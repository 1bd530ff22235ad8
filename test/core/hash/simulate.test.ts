import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {murmur3Word} from '../../../src/core/hash/hash-functions.js'
import {jumpHash, jumpPlacement} from '../../../src/core/hash/jump-hash.js'
import {maglevTable} from '../../../src/core/hash/maglev-hash.js'
import {rendezvousPlacement} from '../../../src/core/hash/rendezvous-hash.js'
import {compareSchemes, simulate} from '../../../src/core/hash/simulate.js'

const fakeClock = () => {
  let t = 0
  return () => (t += 5)
}
const keyHashes = (n: number, seed: number) => Uint32Array.from({length: n}, (_, i) => murmur3Word(i, seed))
const ids = (n: number) => Array.from({length: n}, (_, i) => i)

describe('hash functions', () => {
  it('murmur3Word matches MurmurHash3_x86_32 of 4 zero bytes (seed 0) = 0x2362F9DE', () => {
    // Published vector for MurmurHash3_x86_32("\0\0\0\0", seed 0).
    expect(murmur3Word(0, 0)).toBe(0x2362f9de)
  })

  it('jumpHash reproduces the reference algorithm computed with BigInt', () => {
    const reference = (key: bigint, buckets: number) => {
      let b = -1n
      let j = 0n
      let k = key
      while (j < BigInt(buckets)) {
        b = j
        k = (k * 2862933555777941757n + 1n) & ((1n << 64n) - 1n)
        j = BigInt(Math.floor(Number(b + 1n) * (2 ** 31 / Number((k >> 33n) + 1n))))
      }
      return Number(b)
    }
    fc.assert(
      fc.property(fc.bigInt({min: 0n, max: (1n << 64n) - 1n}), fc.integer({min: 1, max: 5000}), (key, n) => {
        expect(jumpHash(Number(key >> 32n), Number(key & 0xffffffffn), n)).toBe(reference(key, n))
      }),
      {numRuns: 300},
    )
  })
})

describe('movement on add is exactly optimal for jump and rendezvous', () => {
  for (const [name, build] of [
    ['jump', (n: number, seed: number) => jumpPlacement(ids(n), seed)],
    ['rendezvous', (n: number, seed: number) => rendezvousPlacement(ids(n), seed)],
  ] as const) {
    it(`${name}: a key moves iff its new owner is the new node`, () => {
      fc.assert(
        fc.property(fc.integer({min: 1, max: 30}), fc.nat({max: 2 ** 31}), (n, seed) => {
          const keys = keyHashes(800, seed)
          const before = build(n, seed).assign(keys)
          const after = build(n + 1, seed).assign(keys)
          for (let i = 0; i < keys.length; i++) if (after[i] !== before[i] !== (after[i] === n)) return false
          return true
        }),
        {numRuns: 15},
      )
    })
  }
})

describe('simulate', () => {
  const base = {nodes: 10, keys: 20_000, seed: 42, clock: fakeClock()}

  it('jump and rendezvous move close to 1/(n+1) on add and 1/n on remove, and balance well', () => {
    for (const scheme of ['jump', 'rendezvous'] as const) {
      const r = simulate({...base, scheme})
      expect(r.movedOnAdd.optimal).toBeCloseTo(1 / 11, 12)
      expect(r.movedOnRemove.optimal).toBeCloseTo(1 / 10, 12)
      // Binomial noise on 20k keys: sd ≈ sqrt(p(1-p)/20000) ≈ 0.002; allow 5 sd.
      expect(Math.abs(r.movedOnAdd.fraction - 1 / 11)).toBeLessThan(0.01)
      expect(Math.abs(r.movedOnRemove.fraction - 1 / 10)).toBeLessThan(0.01)
      // 2000 keys per node: sd ≈ 45 keys (2.2 %); the max of 10 stays under +10 %.
      expect(r.peakToMean).toBeLessThan(1.1)
    }
  })

  it('ring with 100 vnodes: balance near 1 + √(2 ln n / v); maglev within a few percent', () => {
    const ring = simulate({...base, scheme: 'ring', vnodes: 100})
    // CV ≈ 1/√100 = 0.1 per node share; max of 10 ≈ 1 + 1.5·0.1 — allow up to 1.35.
    expect(ring.peakToMean).toBeLessThan(1.35)
    // 1,000 points × (4-byte position + 4-byte owner), plus the lookup index: 2^8 buckets + 1, 4 bytes each.
    expect(ring.memoryBytes).toBe(10 * 100 * 8 + (2 ** 8 + 1) * 4)
    const maglev = simulate({...base, scheme: 'maglev'})
    expect(maglev.memoryBytes).toBe(65537 * 4)
    expect(maglev.peakToMean).toBeLessThan(1.1)
    expect(maglev.movedOnAdd.fraction).toBeLessThan(2 * maglev.movedOnAdd.optimal + 0.02)
  })

  it('bounded loads never exceed ceil(c · keys / nodes)', () => {
    const r = simulate({...base, scheme: 'bounded-load', vnodes: 10, loadFactor: 1.25})
    expect(r.peakToMean * (base.keys / base.nodes)).toBeLessThanOrEqual(Math.ceil((1.25 * base.keys) / base.nodes))
  })

  it('is deterministic under a seed (timings come from the injected clock)', () => {
    const a = compareSchemes({nodes: 7, keys: 3000, seed: 9, clock: fakeClock()})
    const b = compareSchemes({nodes: 7, keys: 3000, seed: 9, clock: fakeClock()})
    expect(a).toEqual(b)
    expect(a.map((r) => r.scheme)).toEqual(['ring', 'jump', 'rendezvous', 'maglev', 'bounded-load'])
    expect(a[0].lookupNsPerKey).toBeCloseTo((5 * 1e6) / 3000, 9)
    const c = compareSchemes({nodes: 7, keys: 3000, seed: 10, clock: fakeClock()})
    expect(c[2].peakToMean).not.toBe(a[2].peakToMean)
  })

  it('maglev fills every slot and gives each node about M/n slots', () => {
    const table = maglevTable(ids(5), 65537, 1)
    const counts = new Map<number, number>()
    for (const v of table) counts.set(v, (counts.get(v) ?? 0) + 1)
    expect(counts.has(-1)).toBe(false)
    // Round-robin filling: counts differ by at most one.
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1)
  })

  it.each([
    [{scheme: 'nope'}, /scheme "nope" is unknown/],
    [{nodes: 1}, /nodes must be/],
    [{keys: 0}, /keys must be/],
    [{remove: 10}, /remove must be/],
    [{tableSize: 65536}, /prime/],
    [{loadFactor: 0.5}, /loadFactor/],
  ])('rejects %o', (bad, pattern) => {
    expect(() => simulate({scheme: 'ring', ...base, ...(bad as object)})).toThrow(pattern)
  })
})

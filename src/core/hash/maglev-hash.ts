import {murmur3Word} from './hash-functions.js'
import type {Placement} from './scheme.js'

export function isPrime(n: number): boolean {
  if (n < 2) return false
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false
  return true
}

/**
 * Maglev hashing (Eisenbud et al., NSDI 2016): each node has a permutation of
 * the M table slots (offset + j·skip mod M, M prime so every skip is a full
 * cycle); nodes take turns claiming their next free preferred slot until the
 * table is full. Lookup is table[hash mod M].
 */
export function maglevTable(nodeIds: readonly number[], size: number, seed: number): Int32Array {
  const table = new Int32Array(size).fill(-1)
  if (nodeIds.length === 0) return table
  const offset = nodeIds.map((id) => murmur3Word(id, seed ^ 0x6a09e667) % size)
  const skip = nodeIds.map((id) => (murmur3Word(id, seed ^ 0xbb67ae85) % (size - 1)) + 1)
  const next = nodeIds.map(() => 0)
  let filled = 0
  while (filled < size) {
    for (let i = 0; i < nodeIds.length && filled < size; i++) {
      let slot = (offset[i] + next[i] * skip[i]) % size
      while (table[slot] >= 0) {
        next[i]++
        slot = (offset[i] + next[i] * skip[i]) % size
      }
      table[slot] = nodeIds[i]
      next[i]++
      filled++
    }
  }
  return table
}

export function maglevPlacement(nodeIds: readonly number[], size: number, seed: number): Placement {
  const table = maglevTable(nodeIds, size, seed)
  return {
    // One 4-byte node id per table slot.
    memoryBytes: table.length * 4,
    assign(keys) {
      const out = new Int32Array(keys.length)
      for (let i = 0; i < keys.length; i++) out[i] = table[keys[i] % size]
      return out
    },
  }
}

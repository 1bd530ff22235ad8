import {corrupt} from '../day-aggregator.js'
import {HLL_MAX_RANK, HLL_PRECISION, HLL_REGISTER_COUNT, HLL_SPARSE_LIMIT, HyperLogLog} from './hyperloglog.js'
import type {Measure} from './measure.js'

/** Sparse: non-empty registers as [index, rank] pairs (at most HLL_SPARSE_LIMIT); dense: base64 of all registers. */
export type ApproxDistinctState = {p: number; sparse: [number, number][]} | {p: number; dense: string}

/**
 * Approximate distinct count in bounded memory (HyperLogLog, relative standard
 * error ≈ 0.81 %, at most 16 KiB per cell). Only the canonical form (sparse
 * iff at most HLL_SPARSE_LIMIT registers are set) is accepted back, so equal
 * sketches always serialize identically.
 */
export class ApproxDistinctMeasure implements Measure<string> {
  readonly kind = 'approx_distinct'

  constructor(private readonly sketch = new HyperLogLog()) {}

  add(value: string): void {
    this.sketch.add(value)
  }

  merge(other: ApproxDistinctMeasure): void {
    this.sketch.merge(other.sketch)
  }

  /** The estimate rounded to a whole count; null for an empty sketch. */
  result(): number | null {
    return this.sketch.isEmpty() ? null : Math.round(this.sketch.estimate())
  }

  toJSON(): ApproxDistinctState {
    const sparse = this.sketch.sparsePairs()
    if (sparse !== null) return {p: HLL_PRECISION, sparse}
    return {p: HLL_PRECISION, dense: Buffer.from(this.sketch.denseRegisters()!).toString('base64')}
  }

  static fromJSON(state: unknown, where: string): ApproxDistinctMeasure {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw corrupt(where)
    const {p, sparse, dense, ...rest} = state as {p?: unknown; sparse?: unknown; dense?: unknown}
    if (p !== HLL_PRECISION || Object.keys(rest).length > 0 || (sparse === undefined) === (dense === undefined)) throw corrupt(where)
    const registers = sparse !== undefined ? readSparse(sparse) : readDense(dense)
    if (registers === null) throw corrupt(where)
    return new ApproxDistinctMeasure(HyperLogLog.fromRegisters(registers))
  }
}

/** Strictly ascending [index, rank] pairs, at most HLL_SPARSE_LIMIT of them (else the canonical form is dense). */
function readSparse(pairs: unknown): Uint8Array | null {
  if (!Array.isArray(pairs) || pairs.length > HLL_SPARSE_LIMIT) return null
  const registers = new Uint8Array(HLL_REGISTER_COUNT)
  let previous = -1
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return null
    const [index, rank] = pair as unknown[]
    if (!Number.isInteger(index) || (index as number) <= previous || (index as number) >= HLL_REGISTER_COUNT || !isRank(rank)) return null
    registers[index as number] = rank
    previous = index as number
  }
  return registers
}

/** Canonical base64 of exactly 2^14 registers, more than HLL_SPARSE_LIMIT of them set, none above the largest rank. */
function readDense(text: unknown): Uint8Array | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length !== HLL_REGISTER_COUNT || bytes.toString('base64') !== text) return null
  let set = 0
  for (const r of bytes) {
    if (r > HLL_MAX_RANK) return null
    if (r !== 0) set++
  }
  return set > HLL_SPARSE_LIMIT ? new Uint8Array(bytes) : null
}

function isRank(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 1 && (x as number) <= HLL_MAX_RANK
}

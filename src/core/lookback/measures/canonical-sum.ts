import {ExactSum} from '../exact-sum.js'
import {isFiniteNumber} from './measure.js'

/**
 * An exact sum as its canonical partials: the correctly rounded total, then the
 * rounded remainder, and so on until nothing remains. Two ExactSums with the
 * same exact total give the same list whatever order they were built in, so
 * merged and single-pass checkpoints serialize identically (ExactSum's own
 * partials depend on the order of additions).
 */
export function canonicalPartials(sum: ExactSum): number[] {
  const rest = ExactSum.fromPartials(sum.toPartials())
  const partials: number[] = []
  for (let total = rest.value(); total !== 0; total = rest.value()) {
    partials.push(total)
    rest.add(-total)
  }
  return partials
}

/** Reads canonical partials back; null when they are not finite, non-zero numbers of decreasing magnitude. */
export function sumFromPartials(state: unknown): ExactSum | null {
  if (!Array.isArray(state) || !state.every((p) => isFiniteNumber(p) && p !== 0)) return null
  const partials = state as number[]
  for (let i = 1; i < partials.length; i++) if (Math.abs(partials[i]!) >= Math.abs(partials[i - 1]!)) return null
  return ExactSum.fromPartials(partials)
}

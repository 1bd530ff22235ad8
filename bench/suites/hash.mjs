// Hashing schemes at 100 nodes: lookups per second, peak-to-mean load, and keys moved on add against 1/(N+1).
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export const id = 'hash'
export const title = 'Consistent-hashing schemes at 100 nodes (lookups/s, peak/mean, movement on add)'
export const needs = []

export async function run(ctx) {
  const hash = await import(pathToFileURL(join(ctx.root, 'build', 'core', 'hash', 'index.js')).href)
  const nodes = 100
  const keys = ctx.quick ? 200_000 : 1_000_000
  const note = `${keys.toLocaleString('en')} keys${ctx.quick ? ' (quick mode; full run uses 1,000,000)' : ''}, 100 vnodes for ring/bounded-load`
  const figures = []
  for (const scheme of hash.SCHEME_NAMES) {
    // Warm up once (JIT), then time the lookups of several runs; balance and movement are deterministic.
    hash.simulate({scheme, nodes, keys: 20_000, seed: 1})
    let result
    const ns = await ctx.measure(async () => {
      result = hash.simulate({scheme, nodes, keys, seed: 1})
      return result.lookupNsPerKey
    })
    const perSecond = {median: 1e9 / ns.median, min: 1e9 / ns.max, max: 1e9 / ns.min}
    figures.push({
      id: `${scheme}-lookups`,
      label: `${scheme}: lookups per second`,
      unit: '/s',
      ours: perSecond,
      anchor: null,
      ratio: null,
      goal: 'informational',
      met: null,
      notes: `${note}; ${(result.memoryBytes / 1024).toFixed(0)} KiB lookup structure`,
    })
    figures.push({
      id: `${scheme}-peak`,
      label: `${scheme}: peak-to-mean load`,
      unit: '',
      ours: result.peakToMean,
      anchor: 1,
      ratio: result.peakToMean,
      goal: 'informational (1.0 is perfect)',
      met: null,
    })
    if (scheme === 'jump' || scheme === 'rendezvous') {
      const ratio = result.movedOnAdd.fraction / result.movedOnAdd.optimal
      figures.push({
        id: `${scheme}-move`,
        label: `${scheme}: keys moved adding 1 node to 100`,
        unit: '',
        ours: result.movedOnAdd.fraction,
        anchor: result.movedOnAdd.optimal,
        ratio,
        // Both move only keys that the new node takes; the measured share deviates from 1/(N+1) only by sampling.
        goal: 'within 5% of 1/(N+1)',
        met: Math.abs(ratio - 1) <= 0.05,
        notes: 'anchor: the optimum 1/(N+1)',
      })
    }
  }
  return figures
}

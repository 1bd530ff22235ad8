import {badInput} from '../../core/errors.js'
import {SCHEME_NAMES, type SchemeName} from '../../core/hash/scheme.js'
import {compareSchemes, simulate, type SimulateOptions, type SimulationResult} from '../../core/hash/simulate.js'
import {printable} from '../../core/units.js'

/** CLI names: `bounded` is short for bounded-load. */
export const CLI_SCHEMES = ['ring', 'jump', 'rendezvous', 'maglev', 'bounded'] as const

export function schemeFromCli(name: string): SchemeName {
  const s = name === 'bounded' ? 'bounded-load' : name
  if (!SCHEME_NAMES.includes(s as SchemeName)) {
    throw badInput(`--scheme "${printable(name)}" is unknown; use one of ${CLI_SCHEMES.join(', ')}`)
  }
  return s as SchemeName
}

export interface SimulateReport {
  nodes: number
  keys: number
  vnodes: number
  add: number
  remove: number
  seed: number
  results: SimulationResult[]
}

/** Runs one scheme, or every scheme with `compare`, on the same keys and seed. */
export function runSimulation(opts: Omit<SimulateOptions, 'scheme'> & {scheme?: SchemeName; compare: boolean}): SimulateReport {
  // --remove is bounded by --nodes, so it is checked here rather than by its flag alone.
  if (opts.remove !== undefined && opts.remove > opts.nodes - 1) throw badInput(`--remove must be between 1 and ${opts.nodes - 1}, got ${opts.remove}`)
  const {compare, scheme, ...rest} = opts
  const results = compare ? compareSchemes(rest) : [simulate({...rest, scheme: scheme ?? 'ring'})]
  return {
    nodes: opts.nodes,
    keys: opts.keys,
    vnodes: opts.vnodes ?? 100,
    add: opts.add ?? 1,
    remove: opts.remove ?? 1,
    seed: opts.seed,
    results,
  }
}

import {badInput} from '../errors.js'
import {printable} from '../units.js'
import {MAX_COUNT} from '../input-limits.js'
import {boundedLoadPlacement} from './bounded-load-hash.js'
import {murmur3Word} from './hash-functions.js'
import {jumpPlacement} from './jump-hash.js'
import {isPrime, maglevPlacement} from './maglev-hash.js'
import {rendezvousPlacement} from './rendezvous-hash.js'
import {vnodeRingPlacement} from './ring-vnodes.js'
import {type Placement, SCHEME_NAMES, type SchemeName, type SchemeParams} from './scheme.js'

export interface SimulateOptions {
  scheme: SchemeName
  nodes: number
  keys: number
  /** Ring points per node (ring, bounded-load); default 100. */
  vnodes?: number
  /** Nodes added for the movement-on-add measurement; default 1. */
  add?: number
  /** Highest-numbered nodes removed for the movement-on-remove measurement; default 1. */
  remove?: number
  seed: number
  /** Maglev table size (prime); default 65537, or the next prime ≥ 100 × nodes when that is larger. */
  tableSize?: number
  /** Bounded-load factor c; default 1.25. */
  loadFactor?: number
  /** Millisecond clock used to time lookups; default performance.now. Pass a fake one for pure tests. */
  clock?: () => number
}

export interface Movement {
  /** Share of keys whose owner changed. */
  fraction: number
  /** Least possible: added/(nodes+added) on add, removed/nodes on remove. */
  optimal: number
}

export interface SimulationResult {
  scheme: SchemeName
  nodes: number
  keys: number
  /** Busiest node's keys / mean keys per node. */
  peakToMean: number
  movedOnAdd: Movement
  movedOnRemove: Movement
  /** Wall time of placing every key once, per key. */
  lookupNsPerKey: number
  /** Size of the lookup structure; see each scheme's `memoryBytes` comment. */
  memoryBytes: number
}

function whole(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${what} must be a whole number from ${min} to ${max}, got ${printable(value)}`)
  }
  return value
}

function nextPrime(n: number): number {
  let p = Math.max(2, Math.ceil(n))
  while (!isPrime(p)) p++
  return p
}

function build(scheme: SchemeName, ids: readonly number[], params: SchemeParams): Placement {
  switch (scheme) {
    case 'ring':
      return vnodeRingPlacement(ids, params)
    case 'jump':
      return jumpPlacement(ids, params.seed)
    case 'rendezvous':
      return rendezvousPlacement(ids, params.seed)
    case 'maglev':
      return maglevPlacement(ids, params.tableSize, params.seed)
    case 'bounded-load':
      return boundedLoadPlacement(ids, params)
  }
}

function changed(a: Int32Array, b: Int32Array): number {
  let moved = 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) moved++
  return moved / a.length
}

const range = (n: number) => Array.from({length: n}, (_, i) => i)

/**
 * Places `keys` synthetic keys (ids 0..keys-1, hashed under `seed`) on
 * `nodes` nodes, then on nodes + add and nodes − remove, and reports balance,
 * movement against the optimum, lookup speed and structure size. Everything
 * but lookupNsPerKey is deterministic for a given seed.
 */
export function simulate(opts: SimulateOptions): SimulationResult {
  if (!SCHEME_NAMES.includes(opts.scheme)) {
    throw badInput(`scheme "${printable(opts.scheme)}" is unknown; use one of ${SCHEME_NAMES.join(', ')}`)
  }
  const nodes = whole(opts.nodes, 'nodes', 2, 100_000)
  const keys = whole(opts.keys, 'keys', 1, 10_000_000)
  const add = whole(opts.add ?? 1, 'add', 1, 100_000)
  const remove = whole(opts.remove ?? 1, 'remove', 1, nodes - 1)
  const seed = whole(opts.seed, 'seed', 0, 0xffffffff)
  const vnodes = whole(opts.vnodes ?? 100, 'vnodes', 1, 10_000)
  // Memory and time grow with these products: refused before anything is allocated.
  const usesVnodes = opts.scheme === 'ring' || opts.scheme === 'bounded-load'
  if (usesVnodes && (nodes + add) * vnodes > MAX_COUNT.ringPoints) {
    throw badInput(`(nodes + add) × vnodes = ${(nodes + add) * vnodes} ring points is more than the maximum of ${MAX_COUNT.ringPoints}; use fewer nodes or vnodes`)
  }
  if (opts.scheme === 'rendezvous' && keys * (nodes + add) > MAX_COUNT.rendezvousWork) {
    throw badInput(`keys × (nodes + add) = ${keys * (nodes + add)} is more than the maximum of ${MAX_COUNT.rendezvousWork} for rendezvous hashing (it hashes every key with every node); use fewer keys or nodes`)
  }
  const defaultTable = nextPrime(Math.max(65_537, 100 * (nodes + add)))
  const tableSize = opts.tableSize ?? defaultTable
  if (!isPrime(tableSize) || tableSize <= nodes + add || tableSize > 50_000_017) {
    throw badInput(`tableSize ${printable(tableSize)} must be a prime above the node count, e.g. 65537`)
  }
  const loadFactor = opts.loadFactor ?? 1.25
  if (typeof loadFactor !== 'number' || !(loadFactor >= 1) || loadFactor > 100) {
    throw badInput(`loadFactor must be a number from 1 to 100 (e.g. 1.25), got ${printable(loadFactor)}`)
  }
  const params: SchemeParams = {seed, vnodes, tableSize, loadFactor}
  const clock = opts.clock ?? (() => performance.now())

  const keyHashes = new Uint32Array(keys)
  for (let i = 0; i < keys; i++) keyHashes[i] = murmur3Word(i, seed)

  const base = build(opts.scheme, range(nodes), params)
  const t0 = clock()
  const owners = base.assign(keyHashes)
  const elapsedMs = clock() - t0

  const counts = new Map<number, number>()
  for (const o of owners) counts.set(o, (counts.get(o) ?? 0) + 1)
  let peak = 0
  for (const c of counts.values()) if (c > peak) peak = c

  const grown = build(opts.scheme, range(nodes + add), params).assign(keyHashes)
  const shrunk = build(opts.scheme, range(nodes - remove), params).assign(keyHashes)
  return {
    scheme: opts.scheme,
    nodes,
    keys,
    peakToMean: peak / (keys / nodes),
    movedOnAdd: {fraction: changed(owners, grown), optimal: add / (nodes + add)},
    movedOnRemove: {fraction: changed(owners, shrunk), optimal: remove / nodes},
    lookupNsPerKey: (Math.max(0, elapsedMs) * 1e6) / keys,
    memoryBytes: base.memoryBytes,
  }
}

/** Runs `simulate` for every scheme with the same keys, nodes and seed. */
export function compareSchemes(opts: Omit<SimulateOptions, 'scheme'>): SimulationResult[] {
  return SCHEME_NAMES.map((scheme) => simulate({...opts, scheme}))
}

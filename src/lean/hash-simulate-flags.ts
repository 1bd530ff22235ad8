/**
 * The flags of `hash simulate`, in one place for both of its parsers: the oclif command
 * (commands/hash/simulate.ts builds its flags from these) and the lean path
 * (lean/hash-simulate.ts), so the two can never accept different values.
 */
import {CLI_SCHEMES} from '../services/hash/simulate.js'
import type {LeanFlag} from './lean-argv.js'

type Described<F> = F & {description: string}

export const SIMULATE_FLAGS = {
  scheme: {kind: 'string', description: `Scheme: ${CLI_SCHEMES.join(', ')}.`, default: 'ring'},
  nodes: {kind: 'integer', description: 'Nodes (2 or more).', default: '10', min: 2, max: 100_000},
  vnodes: {kind: 'integer', description: 'Points per node on the ring (ring, bounded).', default: '100', min: 1, max: 10_000},
  keys: {kind: 'integer', description: 'Keys to place.', default: '100000', min: 1, max: 10_000_000},
  add: {kind: 'integer', description: 'Nodes added for the movement-on-add figure.', default: '1', min: 1, max: 100_000},
  // At most --nodes minus one: checked with the other settings in runSimulation.
  remove: {kind: 'integer', description: 'Nodes removed for the movement-on-remove figure.', default: '1', min: 1, max: 100_000},
  seed: {kind: 'integer', description: 'Seed for key and node hashes (same seed, same result).', default: '1', min: 0, max: 0xffffffff},
  compare: {kind: 'boolean', description: 'Run every scheme side by side.'},
} as const satisfies Record<string, Described<LeanFlag>>

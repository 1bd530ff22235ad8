import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import type {OptionFlag} from '@oclif/core/interfaces'

import type {ProbeFormat} from './probe-command.js'
import {badInput} from './core/errors.js'
import {userRegex} from './core/identifiers.js'
import {parseByteRate, parseDuration, parseIdList, parseIntInRange} from './core/units.js'

/** Flag builders shared by several commands. */

export const sandboxNameFlag = Flags.string({
  description: 'Sandbox name, so several sandboxes can coexist.',
  default: 'default',
  env: 'FLEETOPS_SANDBOX',
})

export const executeFlag = Flags.boolean({
  description: 'Really change the cluster. Without it the command only shows its plan.',
  default: false,
})

/*
 * Typed flags: each parses and checks its value while oclif parses the command line, so a
 * command receives a number in the right range, and the wording of every error lives in
 * core/units.ts. oclif decorates an error thrown here ("Parsing --x \n\t… See more help");
 * toFleetopsError takes the one line back out.
 */

interface TypedFlagOptions {
  description: string
  /** Shown in --help as typed, e.g. '30s'; parsed once for the default value. */
  default?: string
  required?: boolean
  helpGroup?: string
  /** How errors name the flag when `--<name>` alone would not say enough. */
  what?: string
}

/** A flag with a default or required always has a value; any other may be undefined. */
type TypedFlag<O, T> = O extends {default: string} | {required: true} ? OptionFlag<T> : OptionFlag<T | undefined>

function typedFlag<O extends TypedFlagOptions, T>(opts: O, parse: (input: string, what: string) => T): TypedFlag<O, T> {
  const what = (name: string | undefined) => opts.what ?? `--${name ?? 'value'}`
  const build = customFlag({
    description: opts.description,
    helpGroup: opts.helpGroup,
    required: opts.required ?? false,
    // The default is our own text, so parsing it cannot fail. --help shows it as typed (5s, not 5000).
    ...(opts.default === undefined ? {} : {default: parse(opts.default, 'default'), defaultHelp: async () => opts.default}),
    parse: async (input: string, _ctx: unknown, flag: {name: string}) => parse(input, what(flag.name)),
  })
  return build() as TypedFlag<O, T>
}

/**
 * Flags.custom, typed loosely: its overloads (for multiple and defaulted flags) do not resolve for a
 * generic value type; typedFlag states the exact type of each flag instead.
 */
const customFlag = Flags.custom as unknown as (definition: object) => () => unknown

/** A duration such as 500ms, 30s, 5m, 1h30m or 3d, in milliseconds. */
export function durationFlag<const O extends TypedFlagOptions & {allowZero?: boolean; atLeast?: string}>(opts: O) {
  const floorMs = opts.atLeast === undefined ? 0 : parseDuration(opts.atLeast)
  return typedFlag(opts, (input, what) => {
    const ms = parseDuration(input, what, {allowZero: opts.allowZero})
    if (ms < floorMs) throw badInput(`${what} must be at least ${opts.atLeast}`)
    return ms
  })
}

/** A whole number within [min, max]. */
export function integerFlag<const O extends TypedFlagOptions & {min: number; max: number}>(opts: O) {
  return typedFlag(opts, (input, what) => parseIntInRange(input, what, opts.min, opts.max))
}

/** A throughput such as 50MB/s, in bytes per second. */
export function byteRateFlag<const O extends TypedFlagOptions>(opts: O) {
  return typedFlag(opts, (input, what) => parseByteRate(input, what))
}

/** A comma-separated list of broker ids such as 4,5, without duplicates. */
export function brokerIdsFlag<const O extends TypedFlagOptions>(opts: O) {
  return typedFlag(opts, (input, what) => parseIdList(input, what))
}

/** The `<kind> <id>` arguments that name one sandbox node: a broker (Kafka) or a node (Cassandra). */
export const sandboxNodeArgs = {
  kind: Args.custom<'broker' | 'node'>({parse: async (input) => (input === 'broker' ? 'broker' : 'node')})({
    description: 'broker (Kafka) or node (Cassandra)',
    required: true,
    options: ['broker', 'node'],
  }),
  id: Args.custom<number>({parse: async (input) => parseIntInRange(input, 'id', 1, 254)})({description: 'broker or node id', required: true}),
}

/** A probe's --format: the formats it offers, table first (the default); --json is the same as json. */
export function probeFormatFlag<const F extends readonly ['table', ...ProbeFormat[]]>(formats: F) {
  return Flags.option({description: 'Output format (--json is the same as --format json).', options: formats, default: 'table' as const})()
}

/** A user's regular expression, checked for catastrophic backtracking (core/safe-regex.ts). */
export function regexFlag<const O extends TypedFlagOptions>(opts: O) {
  return typedFlag(opts, (input, what) => userRegex(input, what))
}

/**
 * The command line of a lean command (src/fast-path.ts runs a few offline commands without
 * loading oclif): a strict subset of oclif's grammar, for flags only.
 *
 *   argv   := flag*
 *   flag   := "--" name "=" value | "--" name value | "--" boolean-name
 *
 * Like the help fast path it may decline, never disagree: anything outside the subset, or a value
 * its flag would refuse, gives null and oclif parses the line itself (and says what is wrong):
 * an unknown or repeated flag, an argument, "--", a short flag, a value that starts with "-",
 * "--no-x", a value on a boolean flag, a value out of range.
 */
import {parseIntInRange} from '../core/units.js'

/** One flag as the lean parser knows it; the command builds its oclif flag from the same spec. */
export type LeanFlag =
  | {kind: 'integer'; min: number; max: number; default: string}
  | {kind: 'string'; default: string}
  | {kind: 'boolean'}

export type LeanValues = Record<string, number | string | boolean>

/** Flags every lean command has, as BaseCommand gives them. */
const BASE_FLAGS: Record<string, LeanFlag> = {json: {kind: 'boolean'}, verbose: {kind: 'boolean'}}

/** The flag values of argv, defaults filled in, or null when oclif must parse it. */
export function parseLeanArgv(argv: readonly string[], spec: Readonly<Record<string, LeanFlag>>): LeanValues | null {
  const flags = {...BASE_FLAGS, ...spec}
  const given = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!
    if (!word.startsWith('--') || word === '--') return null
    const eq = word.indexOf('=')
    const name = word.slice(2, eq === -1 ? undefined : eq)
    const flag = Object.hasOwn(flags, name) ? flags[name]! : undefined
    if (!flag || given.has(name)) return null
    if (flag.kind === 'boolean') {
      if (eq !== -1) return null
      given.set(name, true)
      continue
    }
    const value = eq === -1 ? argv[++i] : word.slice(eq + 1)
    if (value === undefined || value === '' || value.startsWith('-')) return null
    given.set(name, value)
  }
  return valuesOf(flags, given)
}

function valuesOf(flags: Record<string, LeanFlag>, given: Map<string, string | true>): LeanValues | null {
  const values: LeanValues = {}
  for (const [name, flag] of Object.entries(flags)) {
    const raw = given.get(name)
    if (flag.kind === 'boolean') values[name] = raw === true
    else if (flag.kind === 'string') values[name] = typeof raw === 'string' ? raw : flag.default
    else {
      const n = integerOrNull(typeof raw === 'string' ? raw : flag.default, flag)
      if (n === null) return null
      values[name] = n
    }
  }
  return values
}

/** The integer a typed integer flag (flags.ts integerFlag) would give, or null where it would refuse. */
function integerOrNull(text: string, flag: {min: number; max: number}): number | null {
  try {
    return parseIntInRange(text, 'value', flag.min, flag.max)
  } catch {
    return null
  }
}

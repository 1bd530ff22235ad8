import {badInput} from './errors.js'
import {unsafeRegexReason} from './safe-regex.js'
import {printable} from './units.js'

/**
 * CQL identifiers we build statements from must be plain: letters, digits and
 * underscores, starting with a letter, at most 48 characters (Cassandra's own
 * limit for keyspace and table names). Anything else is refused, so no CQL is
 * ever built from unchecked strings. Returned names are lower case, which is how
 * Cassandra stores unquoted identifiers.
 */
export function cqlIdentifier(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(value)) {
    throw badInput(
      `${what} "${printable(value)}" is not a safe CQL identifier; use letters, digits and underscores, starting with a letter (max 48)`,
    )
  }
  return value.toLowerCase()
}

/** Kafka's own rule for topic names: [a-zA-Z0-9._-], 1 to 249 characters, not "." or "..". */
export function kafkaTopicName(value: unknown, what = 'topic'): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(value) || value === '.' || value === '..') {
    throw badInput(`${what} "${printable(value)}" is not a valid Kafka topic name; use letters, digits, '.', '_' and '-'`)
  }
  return value
}

/**
 * Compiles a user regex, turning a syntax error into a one-line usage error. Patterns that could
 * backtrack catastrophically are refused first (see safe-regex.ts), so matching stays fast.
 */
export function userRegex(source: string, what: string): RegExp {
  let re: RegExp
  try {
    re = new RegExp(source)
  } catch {
    throw badInput(`${what} "${printable(source)}" is not a valid regular expression`)
  }
  const unsafe = unsafeRegexReason(source)
  if (unsafe !== null) throw badInput(`${what} "${printable(source)}" is refused: ${unsafe}`)
  return re
}

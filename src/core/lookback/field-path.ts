import {badInput} from '../errors.js'
import {printable} from '../units.js'

/**
 * A field in an event's JSON, written `user_id` or `ctx.device.id` (dots
 * address nested objects). The syntax is deliberately narrow so a path is
 * never an expression and always safe to echo in logs.
 */
export interface FieldPath {
  readonly path: string
  readonly segments: readonly string[]
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/

export function parseFieldPath(value: unknown, what: string): FieldPath {
  if (typeof value !== 'string' || !FIELD_PATH.test(value) || value.endsWith('.') || value.includes('..')) {
    throw badInput(
      `${what} "${printable(value)}" is not a field path; use letters, digits and "_", with "." between nested names (e.g. user.id), max 64 characters`,
    )
  }
  return {path: value, segments: value.split('.')}
}

/**
 * Reads the field from a parsed record. Returns undefined when any step is
 * missing or is not a plain object; own properties only, so "constructor" or
 * "__proto__" never reach the prototype.
 */
export function readField(record: unknown, field: FieldPath): unknown {
  let current: unknown = record
  for (const segment of field.segments) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

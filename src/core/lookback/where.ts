import {badInput} from '../errors.js'
import {printable} from '../units.js'
import {type FieldPath, readField} from './field-path.js'

/**
 * A job's `where`: conditions on event fields that must all hold. Records that
 * fail are counted as filtered, not rejected.
 *
 * Semantics (SQL-like, so a filter never invents matches):
 * - A field that is missing or JSON null is "absent". An absent field fails
 *   every operator except `exists: false`; in particular `ne` on an absent
 *   field is false (SQL: NULL <> 'x' is not true).
 * - eq / ne / in compare scalars (string, number, boolean) by type and value:
 *   the number 1 never equals the string "1". Objects and arrays equal nothing
 *   (so `ne` on them is true: they are present and not the operand).
 * - gt / gte / lt / lte compare two numbers numerically, or two strings in
 *   JavaScript `<` order (UTF-16 code units; the same as code-point order for
 *   text outside the surrogate range, and right for ISO-8601 timestamps).
 *   Any other pairing (string field against a number bound, booleans,
 *   objects) fails the condition.
 */

export type WhereScalar = string | number | boolean
export type WhereOperator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'exists'
export const WHERE_OPERATORS: readonly WhereOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']

export type WhereCondition =
  | {field: FieldPath; operator: 'eq' | 'ne'; operand: WhereScalar}
  | {field: FieldPath; operator: 'gt' | 'gte' | 'lt' | 'lte'; operand: number | string}
  | {field: FieldPath; operator: 'in'; operand: readonly WhereScalar[]}
  | {field: FieldPath; operator: 'exists'; operand: boolean}

/** Bounds on a where clause, so a job file cannot make filtering arbitrarily slow. */
export const MAX_WHERE_FIELDS = 32
export const MAX_IN_VALUES = 1000

/** A field path parser supplied by the job validator (plain path, or a CQL column for Cassandra sources). */
export type FieldPathParser = (value: unknown, what: string) => FieldPath

function isScalar(value: unknown): value is WhereScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}

function scalarOperand(value: unknown, what: string): WhereScalar {
  if (!isScalar(value)) {
    const hint = value === null || value === undefined ? '; to match a missing field use {exists: false}' : ''
    throw badInput(`${what} "${printable(value)}" must be a string, number or boolean${hint}`)
  }
  return value
}

function boundOperand(value: unknown, what: string): number | string {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value
  throw badInput(`${what} "${printable(value)}" must be a number or a string`)
}

function inOperand(value: unknown, what: string): WhereScalar[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
    throw badInput(`${what} must be a list of 1 to ${MAX_IN_VALUES} strings, numbers or booleans, e.g. in: [paid, refunded]`)
  }
  return value.map((item, i) => scalarOperand(item, `${what}[${i}]`))
}

/** One `operator: operand` of where.<field> (`fieldWhat`). */
function compileOperator(field: FieldPath, operator: string, operand: unknown, fieldWhat: string): WhereCondition {
  const what = `${fieldWhat}.${printable(operator, 40)}`
  switch (operator) {
    case 'eq':
    case 'ne':
      return {field, operator, operand: scalarOperand(operand, what)}
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return {field, operator, operand: boundOperand(operand, what)}
    case 'in':
      return {field, operator, operand: inOperand(operand, what)}
    case 'exists':
      if (typeof operand !== 'boolean') throw badInput(`${what} "${printable(operand)}" must be true or false`)
      return {field, operator, operand}
    default:
      throw badInput(`${fieldWhat} has unknown operator "${printable(operator, 40)}"; allowed: ${WHERE_OPERATORS.join(', ')}`)
  }
}

/** Range bounds of different types (a number and a string) can never both hold: refuse them as a typo. */
function checkBoundTypes(conditions: readonly WhereCondition[], what: string): void {
  const types = new Set(conditions.filter((c) => ['gt', 'gte', 'lt', 'lte'].includes(c.operator)).map((c) => typeof c.operand))
  if (types.size > 1) throw badInput(`${what} mixes number and string bounds, which can never both hold; quote all bounds or none`)
}

/**
 * Validates a parsed `where` mapping: field path -> scalar (equals) or a
 * mapping of operators. Returns the conditions in file order; an absent
 * `where` is no conditions.
 */
export function compileWhere(value: unknown, parseField: FieldPathParser): WhereCondition[] {
  if (value === undefined || value === null) return []
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badInput('where must be a mapping of field to value or to operators, e.g. where: {status: paid, amount: {gte: 1}}')
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > MAX_WHERE_FIELDS) throw badInput(`where has ${entries.length} fields; at most ${MAX_WHERE_FIELDS} are allowed`)
  const conditions: WhereCondition[] = []
  for (const [path, test] of entries) {
    const what = `where.${printable(path, 64)}`
    const field = parseField(path, 'where field')
    if (test === null || typeof test !== 'object' || Array.isArray(test)) {
      conditions.push(compileOperator(field, 'eq', test, what))
      continue
    }
    const operators = Object.entries(test as Record<string, unknown>)
    if (operators.length === 0) throw badInput(`${what} has no operator; use one of ${WHERE_OPERATORS.join(', ')}`)
    const own = operators.map(([operator, operand]) => compileOperator(field, operator, operand, what))
    checkBoundTypes(own, what)
    conditions.push(...own)
  }
  return conditions
}

/** A field value as a comparable scalar: bigint as number, absent (undefined/null) as undefined, objects as-is. */
function present(value: unknown): unknown {
  if (value === null) return undefined
  if (typeof value === 'bigint') return Number(value)
  return value
}

function compareBound(actual: unknown, operator: 'gt' | 'gte' | 'lt' | 'lte', bound: number | string): boolean {
  if (typeof actual !== typeof bound || (typeof actual !== 'number' && typeof actual !== 'string')) return false
  const a = actual as number | string
  switch (operator) {
    case 'gt':
      return a > bound
    case 'gte':
      return a >= bound
    case 'lt':
      return a < bound
    case 'lte':
      return a <= bound
  }
}

/** Whether one condition holds for an event (a parsed JSON object). */
export function conditionHolds(condition: WhereCondition, event: unknown): boolean {
  return valueHolds(condition, readField(event, condition.field))
}

/** Whether one condition holds for its field's value (undefined: the field is absent). */
function valueHolds(condition: WhereCondition, value: unknown): boolean {
  const actual = present(value)
  if (condition.operator === 'exists') return (actual !== undefined) === condition.operand
  if (actual === undefined) return false
  switch (condition.operator) {
    case 'eq':
      return actual === condition.operand
    case 'ne':
      return actual !== condition.operand
    case 'in':
      return condition.operand.includes(actual as WhereScalar)
    default:
      return compareBound(actual, condition.operator, condition.operand)
  }
}

/** Whether every condition holds (no conditions: always true). */
export function whereHolds(conditions: readonly WhereCondition[], event: unknown): boolean {
  for (const condition of conditions) if (!conditionHolds(condition, event)) return false
  return true
}

/** whereHolds over a way to read a field (the JSON fast path's values, or a parsed record). */
export function whereHoldsBy(conditions: readonly WhereCondition[], get: (field: FieldPath) => unknown): boolean {
  for (const condition of conditions) if (!valueHolds(condition, get(condition.field))) return false
  return true
}

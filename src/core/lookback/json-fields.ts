/**
 * A fast path for the look-back hot loop: reads a few fields of a JSON object (top-level, or
 * nested through objects: `device.os`) straight from its bytes, instead of decoding UTF-8 and building the whole object with
 * JSON.parse (together ~1.7 µs of the ~6 µs an event cost).
 *
 * It answers only when it is sure to agree with `JSON.parse` + own-property lookup: the
 * whole text is checked against the JSON grammar, duplicate keys keep the last value as
 * JSON.parse does, and numbers are converted from the same digits. Anything else returns
 * null and the caller takes the general path, which also produces the reject reasons:
 * bytes outside ASCII, invalid JSON, a key or wanted string with escapes, a wanted value
 * that is an object or array, an array on a wanted path, nesting deeper than MAX_DEPTH.
 */

import {AsciiStrings, asciiText} from './ascii-strings.js'

const MAX_DEPTH = 32

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/** Returned by string() when the fast path cannot answer. */
const GIVE_UP = -1
/** Longer wanted strings take the general path (keys over 1,024 characters are refused there anyway). */
const MAX_WANTED_STRING = 4096

/**
 * Values of the fields `paths` (dotted for nested fields; undefined where absent, as
 * readField() says for the parsed object), or null when the fast path cannot answer. `paths`
 * must be distinct ASCII strings. With `start`/`end`, the JSON text is bytes [start, end) of
 * a larger buffer (a record inside a fetched batch).
 */
export function readJsonFields(bytes: Uint8Array, paths: readonly string[], start?: number, end?: number): unknown[] | null {
  return new JsonFieldReader(paths).read(bytes, start, end)
}

/** The wanted keys of one object level: each a field (a slot of values) or a level below. */
interface PathLevel {
  keys: string[]
  /** Per key: its slot in values, or -1 for a level below. */
  slot: number[]
  below: (PathLevel | null)[]
  /** Every slot at or under this level (a repeated key replaces them all, as JSON.parse does). */
  slots: number[]
}

/**
 * A reader for one set of paths, reused across records (one per job): the hot loop then
 * allocates nothing but the values it returns. The array read() returns is overwritten by
 * the next call.
 */
export class JsonFieldReader {
  private b: Uint8Array = new Uint8Array(0)
  private pos = 0
  private readonly values: unknown[]
  /** Where each wanted string value's JSON text (quotes included) starts and ends; -1 when not a string. */
  private readonly quotedStart: Int32Array
  private readonly quotedEnd: Int32Array
  private readonly strings = new AsciiStrings()
  private readonly root: PathLevel | null

  constructor(paths: readonly string[]) {
    this.values = new Array<unknown>(paths.length).fill(undefined)
    this.quotedStart = new Int32Array(paths.length).fill(-1)
    this.quotedEnd = new Int32Array(paths.length)
    this.root = pathLevels(paths)
  }

  /**
   * Reads bytes [start, end). Bytes past `end` may be read while scanning, but the answer is
   * null unless the object ends exactly at `end`, and the scan only moves forward, so
   * anything read past `end` never reaches a returned value.
   */
  read(bytes: Uint8Array, start = 0, end = bytes.length): unknown[] | null {
    if (this.root === null) return null
    this.b = bytes
    this.pos = start
    // Loops, not fill(): a builtin call per record costs more than four stores.
    for (let k = 0; k < this.values.length; k++) {
      this.values[k] = undefined
      this.quotedStart[k] = -1
    }
    this.ws()
    if (this.b[this.pos] !== OPEN_OBJECT || !this.object(this.root, 0)) return null
    this.ws()
    return this.pos === end ? this.values : null
  }

  /** At an object's opening brace: reads its wanted keys (level), skips the rest, moves past it. */
  private object(level: PathLevel, depth: number): boolean {
    this.pos++
    this.ws()
    if (this.b[this.pos] === CLOSE_OBJECT) {
      this.pos++
      return true
    }
    for (;;) {
      if (this.b[this.pos] !== QUOTE) return false
      const start = this.pos + 1
      const end = this.plainString()
      if (end === GIVE_UP) return false
      this.ws()
      if (this.b[this.pos] !== COLON) return false
      this.pos++
      this.ws()
      const wanted = this.match(level, start, end)
      if (wanted < 0) {
        if (!this.skipValue(depth)) return false
      } else if (level.slot[wanted]! >= 0) {
        if (!this.wantedValue(level.slot[wanted]!)) return false
      } else if (!this.levelValue(level.below[wanted]!, depth)) return false
      this.ws()
      const c = this.b[this.pos]
      this.pos++
      if (c === CLOSE_OBJECT) return true
      if (c !== COMMA) return false
      this.ws()
    }
  }

  /**
   * The value of a key on the way to wanted fields: an object is read level by level; any
   * other value leaves them absent (readField stops at a non-object), except an array,
   * which the general path judges. A repeated key replaces what an earlier one gave.
   */
  private levelValue(level: PathLevel, depth: number): boolean {
    for (const k of level.slots) {
      this.values[k] = undefined
      this.quotedStart[k] = -1
    }
    const c = this.b[this.pos]
    if (c === OPEN_OBJECT) return depth + 1 < MAX_DEPTH && this.object(level, depth + 1)
    if (c === OPEN_ARRAY) return false
    return this.skipValue(depth)
  }

  /**
   * The JSON text of string value k of the last successful read, quotes included: for the
   * plain strings this path accepts, exactly JSON.stringify(value). Null when k was not a string.
   */
  quotedText(k: number): string | null {
    const start = this.quotedStart[k]!
    return start < 0 ? null : this.strings.get(this.b, start, this.quotedEnd[k]!)
  }

  private ws(): void {
    const b = this.b
    let i = this.pos
    for (;;) {
      const c = b[i]
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++
      else break
    }
    this.pos = i
  }

  /** Index in the level's keys of the key bytes [start, end), or -1. */
  private match(level: PathLevel, start: number, end: number): number {
    const len = end - start
    const names = level.keys
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!
      if (name.length !== len) continue
      let same = true
      for (let j = 0; j < len; j++) {
        if (this.b[start + j] !== name.charCodeAt(j)) {
          same = false
          break
        }
      }
      if (same) return k
    }
    return -1
  }

  private wantedValue(k: number): boolean {
    const b = this.b
    const c = b[this.pos]
    // A duplicate key's later value replaces the earlier one, whatever its type.
    this.quotedStart[k] = -1
    if (c === QUOTE) {
      const start = this.pos + 1
      const end = this.plainString()
      if (end === GIVE_UP || end - start > MAX_WANTED_STRING) return false
      this.values[k] = this.strings.get(b, start, end)
      this.quotedStart[k] = start - 1
      this.quotedEnd[k] = end + 1
      return true
    }
    if (c === 0x2d || isDigit(c)) {
      const value = this.number(true)
      if (Number.isNaN(value)) return false
      this.values[k] = value
      return true
    }
    if (this.literal('true')) this.values[k] = true
    else if (this.literal('false')) this.values[k] = false
    else if (this.literal('null')) this.values[k] = null
    else return false // objects and arrays (and garbage): the general path reads them
    return true
  }

  private literal(word: string): boolean {
    for (let j = 0; j < word.length; j++) if (this.b[this.pos + j] !== word.charCodeAt(j)) return false
    this.pos += word.length
    return true
  }

  /**
   * At a number: checks the JSON grammar -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? and moves past it,
   * in the same pass collecting what its value needs. Returns NaN when the text is not a JSON
   * number (no JSON number is NaN), 0 when the value is not `wanted`, else the value exactly
   * as JSON.parse gives it: with at most 15 significant digits and a decimal exponent within
   * ±22, the digits m and 10^k are both exact doubles, so one multiplication or division is
   * correctly rounded, the same double as Number(text) (the classic strtod fast path);
   * anything else goes to Number.
   */
  private number(wanted: boolean): number {
    const b = this.b
    const start = this.pos
    let i = start
    const negative = b[i] === 0x2d
    if (negative) i++
    let m = 0
    let digits = 0
    let fraction = 0
    if (b[i] === 0x30) {
      i++
      digits = 1
    } else if (isDigit(b[i])) {
      while (isDigit(b[i])) {
        m = m * 10 + (b[i]! - 0x30)
        digits++
        i++
      }
    } else return Number.NaN
    if (b[i] === 0x2e) {
      i++
      if (!isDigit(b[i])) return Number.NaN
      while (isDigit(b[i])) {
        m = m * 10 + (b[i]! - 0x30)
        digits++
        fraction++
        i++
      }
    }
    let exponent = 0
    let exponentDigits = 0
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++
      const minus = b[i] === 0x2d
      if (b[i] === 0x2b || minus) i++
      if (!isDigit(b[i])) return Number.NaN
      while (isDigit(b[i])) {
        exponent = exponent * 10 + (b[i]! - 0x30)
        exponentDigits++
        i++
      }
      if (minus) exponent = -exponent
    }
    this.pos = i
    if (!wanted) return 0
    const k = exponent - fraction
    if (digits > 15 || exponentDigits > 3 || k > 22 || k < -22) return Number(asciiText(b, start, i))
    const magnitude = k >= 0 ? m * POW10[k]! : m / POW10[-k]!
    return negative ? -magnitude : magnitude
  }

  /** Validates and skips any JSON value (escapes allowed, ASCII only). */
  private skipValue(depth: number): boolean {
    const b = this.b
    const c = b[this.pos]
    if (c === QUOTE) return this.skipString()
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= MAX_DEPTH) return false
      const object = c === OPEN_OBJECT
      const close = object ? CLOSE_OBJECT : CLOSE_ARRAY
      this.pos++
      this.ws()
      if (b[this.pos] === close) {
        this.pos++
        return true
      }
      for (;;) {
        if (object) {
          if (b[this.pos] !== QUOTE || !this.skipString()) return false
          this.ws()
          if (b[this.pos] !== COLON) return false
          this.pos++
          this.ws()
        }
        if (!this.skipValue(depth + 1)) return false
        this.ws()
        const d = b[this.pos]
        this.pos++
        if (d === close) return true
        if (d !== COMMA) return false
        this.ws()
      }
    }
    if (c === 0x2d || isDigit(c)) return !Number.isNaN(this.number(false))
    return this.literal('true') || this.literal('false') || this.literal('null')
  }

  /** At an opening quote: a string of printable ASCII without escapes (keys, wanted values). */
  private plainString(): number {
    return this.string(false)
  }

  /** At an opening quote: any valid JSON string of ASCII characters. */
  private skipString(): boolean {
    return this.string(true) !== GIVE_UP
  }

  /**
   * At an opening quote: a JSON string of printable ASCII, with valid escapes only if
   * `escapes`. Returns the index of its closing quote (pos moves past it), or GIVE_UP for
   * control characters, non-ASCII bytes, the end of input, or an escape not allowed or invalid.
   */
  private string(escapes: boolean): number {
    const b = this.b
    let i = this.pos + 1
    for (;;) {
      const c = b[i]
      if (c === QUOTE) {
        this.pos = i + 1
        return i
      }
      if (c === undefined || c < 0x20 || c > 0x7e) return GIVE_UP
      if (c === BACKSLASH) {
        if (!escapes) return GIVE_UP
        const e = b[i + 1]
        if (e === 0x75) {
          for (let j = 2; j < 6; j++) if (!isHex(b[i + j])) return GIVE_UP
          i += 6
          continue
        }
        if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return GIVE_UP
        i += 2
        continue
      }
      i++
    }
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
}

/** Exact powers of ten: every 10^k with k <= 22 is a double (number() relies on it). */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

/**
 * The levels of the wanted paths, or null when the fast path cannot read them: a path that
 * is also the prefix of another (its value would be an object, which only the general path
 * reads).
 */
function pathLevels(paths: readonly string[]): PathLevel | null {
  const root: PathLevel = {keys: [], slot: [], below: [], slots: []}
  for (const [k, path] of paths.entries()) {
    const segments = path.split('.')
    let level = root
    for (let i = 0; i < segments.length; i++) {
      level.slots.push(k)
      const last = i === segments.length - 1
      let at = level.keys.indexOf(segments[i]!)
      if (at < 0) {
        at = level.keys.push(segments[i]!) - 1
        level.slot.push(last ? k : -1)
        level.below.push(last ? null : {keys: [], slot: [], below: [], slots: []})
      } else if (last || level.slot[at]! >= 0) return null
      if (!last) level = level.below[at]!
    }
  }
  return root
}

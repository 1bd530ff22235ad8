import {badInput} from '../errors.js'
import {printable} from '../units.js'
import {MAX_NESTING, checkNesting, checkTextSize, setOwn} from './text-limits.js'

/**
 * A small RFC 8259 JSON reader for job files. JSON.parse would do, except that
 * its messages do not always carry a position (Node 20: "Unexpected token '}'")
 * and it silently keeps the last of duplicate keys. Here every error names
 * line:column, and duplicates are refused as in the YAML reader.
 */
export function parseStrictJson(text: string, fileName: string): unknown {
  checkTextSize(text, fileName)
  const reader = new JsonReader(text.startsWith('\ufeff') ? text.slice(1) : text, fileName)
  return reader.document()
}

const escapes: Record<string, string> = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}

class JsonReader {
  private i = 0

  constructor(
    private readonly text: string,
    private readonly fileName: string,
  ) {}

  document(): unknown {
    const value = this.value(1)
    this.skipWhitespace()
    if (this.i < this.text.length) this.fail('unexpected text after the JSON value; a job file holds one object')
    return value
  }

  private where(at = this.i): {line: number; column: number} {
    let line = 1
    let lineStart = 0
    for (let k = 0; k < at && k < this.text.length; k++) {
      if (this.text[k] === '\n') {
        line++
        lineStart = k + 1
      }
    }
    return {line, column: at - lineStart + 1}
  }

  private fail(message: string, at = this.i): never {
    const {line, column} = this.where(at)
    const found = at < this.text.length ? '' : ' at end of file'
    throw badInput(`${this.fileName}:${line}:${column}: invalid JSON: ${message}${found}`)
  }

  private skipWhitespace(): void {
    while (this.i < this.text.length) {
      const c = this.text[this.i]
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break
      this.i++
    }
  }

  private value(depth: number): unknown {
    this.skipWhitespace()
    const c = this.text[this.i]
    if (c === '{') return this.object(depth)
    if (c === '[') return this.array(depth)
    if (c === '"') return this.string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length
        return value
      }
    }
    this.fail(c === undefined ? 'unexpected end of file, expected a value' : 'expected a value (object, array, string, number, true, false or null)')
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > MAX_NESTING) checkNesting(depth, this.fileName, this.where().line)
    const result: Record<string, unknown> = {}
    const seen = new Set<string>()
    this.i++
    this.skipWhitespace()
    if (this.text[this.i] === '}') {
      this.i++
      return result
    }
    for (;;) {
      this.skipWhitespace()
      if (this.text[this.i] !== '"') this.fail('expected a double-quoted key')
      const keyAt = this.i
      const key = this.string()
      if (seen.has(key)) this.fail(`duplicate key "${printable(key)}"; keep only one`, keyAt)
      seen.add(key)
      this.skipWhitespace()
      if (this.text[this.i] !== ':') this.fail('expected ":" after the key')
      this.i++
      setOwn(result, key, this.value(depth + 1))
      this.skipWhitespace()
      const c = this.text[this.i]
      this.i++
      if (c === '}') return result
      if (c !== ',') this.fail('expected "," or "}" after a property value', this.i - 1)
    }
  }

  private array(depth: number): unknown[] {
    if (depth > MAX_NESTING) checkNesting(depth, this.fileName, this.where().line)
    const result: unknown[] = []
    this.i++
    this.skipWhitespace()
    if (this.text[this.i] === ']') {
      this.i++
      return result
    }
    for (;;) {
      result.push(this.value(depth + 1))
      this.skipWhitespace()
      const c = this.text[this.i]
      this.i++
      if (c === ']') return result
      if (c !== ',') this.fail('expected "," or "]" after an array element', this.i - 1)
    }
  }

  private string(): string {
    let out = ''
    this.i++
    for (;;) {
      const c = this.text[this.i]
      if (c === undefined) this.fail('unterminated string')
      if (c === '"') {
        this.i++
        return out
      }
      if (c < ' ') this.fail('control character in a string; escape it (e.g. \\n)')
      if (c !== '\\') {
        out += c
        this.i++
        continue
      }
      const e = this.text[this.i + 1]
      if (e === 'u') {
        const hex = this.text.slice(this.i + 2, this.i + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape; use four hex digits')
        out += String.fromCharCode(parseInt(hex, 16))
        this.i += 6
        continue
      }
      const simple = e === undefined ? undefined : escapes[e]
      if (simple === undefined) this.fail('unknown escape in a string')
      out += simple
      this.i += 2
    }
  }

  private number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.text.slice(this.i, this.i + 400))
    if (m === null) this.fail('malformed number')
    const n = Number(m[0])
    if (!Number.isFinite(n)) this.fail('number out of range')
    this.i += m[0].length
    return n === 0 ? 0 : n
  }
}

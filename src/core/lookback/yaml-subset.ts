import {badInput} from '../errors.js'
import {printable} from '../units.js'
import {checkNesting, checkTextSize, setOwn} from './text-limits.js'

/**
 * A strict reader for the YAML subset job files need, so we do not take a YAML
 * dependency. Supported: block mappings and sequences (indented with spaces),
 * one-line flow sequences/mappings (nested ones too, on the same line), plain / 'single' / "double"
 * quoted scalars, comments, null/~, true/false, integers and floats, and an
 * optional leading `---`.
 *
 * Everything else (anchors, aliases, tags, block scalars, merge keys, duplicate
 * keys, several documents, multi-line scalars) is refused with the line number,
 * rather than guessed at: a job file that means something other than what it
 * says would silently aggregate the wrong thing.
 *
 * Scalars follow the YAML 1.2 core schema, so `yes`/`no`/`on`/`off` stay
 * strings; job validation then rejects them where a boolean is expected.
 */
export function parseYamlSubset(text: string, fileName: string): unknown {
  checkTextSize(text, fileName)
  return new YamlSubsetParser(splitLines(text, fileName), fileName).parseDocument()
}

interface Line {
  no: number
  indent: number
  text: string
}

function fail(fileName: string, lineNo: number, message: string): never {
  throw badInput(`${fileName}:${lineNo}: ${message}`)
}

function splitLines(text: string, fileName: string): Line[] {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text
  const raw = body.split(/\r\n|\r|\n/)
  const lines: Line[] = []
  let sawDocStart = false
  for (let i = 0; i < raw.length; i++) {
    const no = i + 1
    const lead = /^[ \t]*/.exec(raw[i])![0]
    const content = raw[i].slice(lead.length).trimEnd()
    if (content === '' || content.startsWith('#')) continue
    if (lead.includes('\t')) fail(fileName, no, 'tab in indentation; indent with spaces only')
    const indent = lead.length
    if (indent === 0 && /^---(?:[ \t]|$)/.test(content)) {
      if (sawDocStart || lines.length > 0) {
        fail(fileName, no, 'a second document ("---") is not supported; put one job per file')
      }
      if (!/^---(?:[ \t]+#.*)?$/.test(content)) {
        fail(fileName, no, 'content after "---" is not supported; start the document on the next line')
      }
      sawDocStart = true
      continue
    }
    if (indent === 0 && /^\.\.\.(?:[ \t]|$)/.test(content)) {
      fail(fileName, no, 'document end marker "..." is not supported; remove it (one job per file)')
    }
    if (indent === 0 && content.startsWith('%')) {
      fail(fileName, no, 'YAML directives (%YAML, %TAG) are not supported; remove the line')
    }
    lines.push({no, indent, text: content})
  }
  return lines
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t'

function skipSpaces(text: string, i: number): number {
  while (isSpace(text[i])) i++
  return i
}

function isSequenceEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ') || text.startsWith('-\t')
}

/** Messages for YAML features we refuse, keyed by the indicator that starts them. */
const unsupportedIndicators: Record<string, string> = {
  '&': 'anchors ("&name") are not supported; repeat the value instead',
  '*': 'aliases ("*name") are not supported; repeat the value instead',
  '!': 'tags ("!tag") are not supported; remove the tag (quote the value if it is a string)',
  '|': 'block scalars ("|") are not supported; write the value on one line in double quotes, using \\n for line breaks',
  '>': 'folded scalars (">") are not supported; write the value on one line in double quotes',
  '%': 'a value cannot start with "%"; quote it',
  '@': 'a value cannot start with "@"; quote it',
  '`': 'a value cannot start with "`"; quote it',
  '?': 'complex keys ("? key") are not supported; use "key: value"',
}

const doubleQuoteEscapes: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
}
const hexEscapeLengths: Record<string, number> = {x: 2, u: 4, U: 8}

// Only a plain "<<" is a merge key (YAML 1.1 resolves the merge tag for plain
// scalars only); a quoted "<<" is an ordinary string key and is read as one.
const mergeKeyMessage = 'merge keys ("<<") are not supported; write the keys out (or quote the key if it is a literal "<<")'

class YamlSubsetParser {
  private pos = 0

  constructor(
    private readonly lines: Line[],
    private readonly fileName: string,
  ) {}

  parseDocument(): unknown {
    if (this.lines.length === 0) return null
    const value = this.parseBlock(this.lines[0].indent, 1)
    if (this.pos < this.lines.length) {
      this.fail(this.lines[this.pos].no, 'unexpected content after the end of the document; check the indentation of this line')
    }
    return value
  }

  private fail(lineNo: number, message: string): never {
    fail(this.fileName, lineNo, message)
  }

  /** Parses the block whose first line is at `indent` (a mapping, a sequence or one scalar). */
  private parseBlock(indent: number, depth: number): unknown {
    const line = this.lines[this.pos]
    checkNesting(depth, this.fileName, line.no)
    if (isSequenceEntry(line.text)) return this.parseSequence(indent, depth)
    if (this.scanKey(line) !== null) return this.parseMapping(indent, depth)
    this.pos++
    const value = this.parseInlineValue(line.text, 0, line.no, depth)
    const next = this.lines[this.pos]
    if (next !== undefined && next.indent >= indent) {
      this.fail(next.no, `the value on line ${line.no} continues here; multi-line values are not supported, write it on one line (quoted)`)
    }
    return value.empty ? null : value.value
  }

  private parseMapping(indent: number, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    const seenOnLine = new Map<string, number>()
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos]
      if (line.indent < indent) break
      if (line.indent > indent) {
        this.fail(line.no, `unexpected indentation (${line.indent} spaces where ${indent} were expected); nested values go under a key that has nothing after its colon`)
      }
      if (isSequenceEntry(line.text)) this.fail(line.no, 'a "- item" line cannot sit between "key: value" lines of a mapping; indent it under its key')
      const entry = this.scanKey(line)
      if (entry === null) this.fail(line.no, 'expected "key: value" (a job file is a mapping of keys to values)')
      if (entry.key === '<<' && !entry.quoted) this.fail(line.no, mergeKeyMessage)
      const first = seenOnLine.get(entry.key)
      if (first !== undefined) {
        this.fail(line.no, `duplicate key "${printable(entry.key)}" (first on line ${first}); keep only one`)
      }
      seenOnLine.set(entry.key, line.no)
      this.pos++
      const inline = this.parseInlineValue(line.text, entry.valueStart, line.no, depth + 1)
      let value: unknown = inline.value
      if (inline.empty) {
        const next = this.lines[this.pos]
        if (next !== undefined && next.indent > indent) value = this.parseBlock(next.indent, depth + 1)
        else if (next !== undefined && next.indent === indent && isSequenceEntry(next.text)) value = this.parseSequence(indent, depth + 1)
        else value = null
      }
      setOwn(result, entry.key, value)
    }
    return result
  }

  private parseSequence(indent: number, depth: number): unknown[] {
    const result: unknown[] = []
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos]
      if (line.indent < indent) break
      if (line.indent > indent) {
        this.fail(line.no, `unexpected indentation (${line.indent} spaces where ${indent} were expected); align the "- " items`)
      }
      if (!isSequenceEntry(line.text)) break
      let start = 1
      while (line.text[start] === ' ') start++
      if (line.text[start] === '\t') this.fail(line.no, 'tab after "-"; use a space')
      const rest = line.text.slice(start)
      if (rest === '' || rest.startsWith('#')) {
        this.pos++
        const next = this.lines[this.pos]
        result.push(next !== undefined && next.indent > indent ? this.parseBlock(next.indent, depth + 1) : null)
      } else {
        // Re-read the item's content as a line at its own column, so "- a: 1"
        // followed by "  b: 2" forms one mapping, as in YAML.
        this.lines[this.pos] = {no: line.no, indent: indent + start, text: rest}
        result.push(this.parseBlock(indent + start, depth + 1))
      }
    }
    return result
  }

  /**
   * Returns the key of a "key: value" line, whether it was quoted, and where its
   * value starts, or null if the line is not one.
   */
  private scanKey(line: Line): {key: string; quoted: boolean; valueStart: number} | null {
    const text = line.text
    const first = text[0]
    if (first === '"' || first === "'") {
      const quoted = this.parseQuoted(text, 0, line.no)
      const colon = skipSpaces(text, quoted.end)
      if (text[colon] === ':' && (colon + 1 === text.length || isSpace(text[colon + 1]))) {
        return {key: quoted.value, quoted: true, valueStart: colon + 1}
      }
      return null
    }
    if (first === '[' || first === '{') return null
    if (first === '?' && (text.length === 1 || isSpace(text[1]))) this.fail(line.no, unsupportedIndicators['?'])
    for (let i = 0; i < text.length; i++) {
      const c = text[i]
      if (c === '#' && i > 0 && isSpace(text[i - 1])) return null
      if (c === ':' && (i + 1 === text.length || isSpace(text[i + 1]))) {
        const key = text.slice(0, i).trimEnd()
        if (key === '') this.fail(line.no, 'empty key before ":"; write "name: value"')
        this.checkPlainStart(key, line.no)
        return {key, quoted: false, valueStart: i + 1}
      }
    }
    return null
  }

  private checkPlainStart(text: string, lineNo: number): void {
    const message = unsupportedIndicators[text[0]]
    if (message !== undefined) this.fail(lineNo, message)
    if (text[0] === ']' || text[0] === '}' || text[0] === ',') this.fail(lineNo, `unexpected "${text[0]}"; quote the value`)
    if (text === '-' || text.startsWith('- ')) {
      this.fail(lineNo, 'a "- item" list cannot start on the line of its key; put the items on the following lines')
    }
  }

  /** Parses what follows a key (or a whole line); `empty` means nothing but an optional comment. */
  private parseInlineValue(text: string, start: number, lineNo: number, depth: number): {value: unknown; empty: boolean} {
    const i = skipSpaces(text, start)
    if (i >= text.length || (text[i] === '#' && (i === 0 || isSpace(text[i - 1])))) return {value: null, empty: true}
    const c = text[i]
    let parsed: {value: unknown; end: number}
    if (c === '[' || c === '{') {
      parsed = this.parseFlowValue(text, i, lineNo, depth)
    } else if (c === '"' || c === "'") {
      parsed = this.parseQuoted(text, i, lineNo)
    } else {
      this.checkPlainStart(text.slice(i), lineNo)
      let end = i
      while (end < text.length && !(text[end] === '#' && isSpace(text[end - 1]))) end++
      const raw = text.slice(i, end).trimEnd()
      if (/:([ \t]|$)/.test(raw)) {
        this.fail(lineNo, 'a plain value contains ": "; quote the value, or put a nested mapping on the following lines')
      }
      return {value: this.resolvePlain(raw, lineNo), empty: false}
    }
    this.expectLineEnd(text, parsed.end, lineNo)
    return {value: parsed.value, empty: false}
  }

  private expectLineEnd(text: string, end: number, lineNo: number): void {
    const k = skipSpaces(text, end)
    if (k >= text.length) return
    if (text[k] === '#' && k > end) return
    this.fail(lineNo, `unexpected text at column ${k + 1} after the value; remove it or quote the whole value`)
  }

  private resolvePlain(raw: string, lineNo: number): unknown {
    if (raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL') return null
    if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true
    if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false
    if (/^[-+]?[0-9]+$/.test(raw)) {
      const n = Number(raw)
      if (!Number.isSafeInteger(n)) this.fail(lineNo, 'an integer is too large to be exact; quote it if it is an identifier')
      return n === 0 ? 0 : n
    }
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(raw)) {
      const n = Number(raw)
      if (!Number.isFinite(n)) this.fail(lineNo, 'a number is out of range')
      return n === 0 ? 0 : n
    }
    if (/^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(raw)) {
      this.fail(lineNo, `${raw} is not supported; use a finite number, or quote it if it is a string`)
    }
    if (/^[-+]?0[xo][0-9a-fA-F]+$/.test(raw)) {
      this.fail(lineNo, 'hex/octal numbers are not supported; write it in decimal, or quote it if it is a string')
    }
    return raw
  }

  private parseQuoted(text: string, start: number, lineNo: number): {value: string; end: number} {
    const quote = text[start]
    let out = ''
    let i = start + 1
    while (i < text.length) {
      const c = text[i]
      if (quote === "'") {
        if (c === "'") {
          if (text[i + 1] === "'") {
            out += "'"
            i += 2
            continue
          }
          return {value: out, end: i + 1}
        }
        out += c
        i++
        continue
      }
      if (c === '"') return {value: out, end: i + 1}
      if (c !== '\\') {
        out += c
        i++
        continue
      }
      const e = text[i + 1]
      if (e === undefined) break
      const simple = doubleQuoteEscapes[e]
      if (simple !== undefined) {
        out += simple
        i += 2
        continue
      }
      const hexLength = hexEscapeLengths[e]
      const hex = text.slice(i + 2, i + 2 + (hexLength ?? 0))
      if (hexLength === undefined || !new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) {
        this.fail(lineNo, `unknown escape "\\${printable(e)}" in a double-quoted string; use \\\\ for a backslash`)
      }
      const code = parseInt(hex, 16)
      if (code > 0x10ffff) this.fail(lineNo, `escape "\\${e}${hex}" is not a Unicode code point`)
      out += String.fromCodePoint(code)
      i += 2 + hexLength
    }
    this.fail(lineNo, `unterminated ${quote === '"' ? 'double' : 'single'}-quoted string; close the quote on the same line (multi-line strings are not supported)`)
  }

  /** A value inside or at the start of a flow collection: a nested [..] or {..} (one line), or a scalar. */
  private parseFlowValue(text: string, start: number, lineNo: number, depth: number): {value: unknown; end: number} {
    const c = text[start]
    if (c !== '[' && c !== '{') return this.parseFlowScalar(text, start, lineNo)
    checkNesting(depth + 1, this.fileName, lineNo)
    return c === '[' ? this.parseFlowSequence(text, start, lineNo, depth + 1) : this.parseFlowMapping(text, start, lineNo, depth + 1)
  }

  private parseFlowSequence(text: string, start: number, lineNo: number, depth: number): {value: unknown[]; end: number} {
    const items: unknown[] = []
    let i = start + 1
    for (;;) {
      i = skipSpaces(text, i)
      if (text[i] === ']') return {value: items, end: i + 1}
      const item = this.parseFlowValue(text, i, lineNo, depth)
      items.push(item.value)
      i = this.afterFlowEntry(text, item.end, ']', lineNo)
      if (text[i] === ']') return {value: items, end: i + 1}
      i++
    }
  }

  private parseFlowMapping(text: string, start: number, lineNo: number, depth: number): {value: Record<string, unknown>; end: number} {
    const result: Record<string, unknown> = {}
    const seen = new Set<string>()
    let i = start + 1
    for (;;) {
      i = skipSpaces(text, i)
      if (text[i] === '}') return {value: result, end: i + 1}
      const key = this.parseFlowScalar(text, i, lineNo, true)
      const keyText = typeof key.value === 'string' ? key.value : key.raw
      i = skipSpaces(text, key.end)
      if (text[i] !== ':') this.fail(lineNo, `expected ":" after key "${printable(keyText, 40)}" in a flow mapping; write {key: value}`)
      if (keyText === '<<' && !key.quoted) this.fail(lineNo, mergeKeyMessage)
      if (seen.has(keyText)) this.fail(lineNo, `duplicate key "${printable(keyText)}" in a flow mapping; keep only one`)
      seen.add(keyText)
      i = skipSpaces(text, i + 1)
      let value: {value: unknown; end: number}
      if (text[i] === ',' || text[i] === '}') value = {value: null, end: i}
      else value = this.parseFlowValue(text, i, lineNo, depth)
      setOwn(result, keyText, value.value)
      i = this.afterFlowEntry(text, value.end, '}', lineNo)
      if (text[i] === '}') return {value: result, end: i + 1}
      i++
    }
  }

  /** After an entry: returns the index of the "," or closing bracket, failing on anything else. */
  private afterFlowEntry(text: string, end: number, close: string, lineNo: number): number {
    const i = skipSpaces(text, end)
    if (text[i] === ',' || text[i] === close) return i
    if (i >= text.length || text[i] === '#') {
      this.fail(lineNo, `unclosed "${close === ']' ? '[' : '{'}"; a flow collection must close with "${close}" on the same line`)
    }
    this.fail(lineNo, `unexpected "${printable(text[i])}" in a flow collection; separate entries with ","`)
  }

  /** One scalar inside [..] or {..} (parseFlowValue takes nested collections; a key cannot be one). */
  private parseFlowScalar(text: string, start: number, lineNo: number, isKey = false): {value: unknown; raw: string; quoted: boolean; end: number} {
    const c = text[start]
    if (c === '"' || c === "'") {
      const quoted = this.parseQuoted(text, start, lineNo)
      return {value: quoted.value, raw: quoted.value, quoted: true, end: quoted.end}
    }
    if (c === '[' || c === '{') this.fail(lineNo, 'a flow collection cannot be a key; write {key: value} with a plain or quoted key')
    if (c === undefined || c === ',' || c === ']' || c === '}' || c === '#') {
      this.fail(lineNo, 'empty or unclosed entry in a flow collection; write [a, b] or {key: value} on one line')
    }
    this.checkPlainStart(text.slice(start), lineNo)
    let end = start
    while (end < text.length) {
      const ch = text[end]
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break
      if (ch === '#' && isSpace(text[end - 1])) break
      if (ch === ':') {
        const after = text[end + 1]
        if (after === undefined || isSpace(after) || after === ',' || after === ']' || after === '}') break
      }
      end++
    }
    const raw = text.slice(start, end).trimEnd()
    return {value: isKey ? raw : this.resolvePlain(raw, lineNo), raw, quoted: false, end}
  }
}

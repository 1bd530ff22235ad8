import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {parseJobText} from '../../../src/core/lookback/job-text.js'
import {parseYamlSubset} from '../../../src/core/lookback/yaml-subset.js'

const parse = (text: string): unknown => parseYamlSubset(text, 'job.yaml')

function rejection(text: string): FleetopsError {
  try {
    parse(text)
  } catch (error) {
    expect(error).toBeInstanceOf(FleetopsError)
    expect((error as FleetopsError).code).toBe('BAD_INPUT')
    return error as FleetopsError
  }
  throw new Error(`expected a rejection for ${JSON.stringify(text)}`)
}

describe('parseYamlSubset: accepted documents', () => {
  it('reads a complete job file', () => {
    const text = [
      '---',
      '# nightly DAU',
      'name: dau-daily',
      'source:',
      '  kafka: {topic: events.v1, eventTimeField: ts}',
      'window: 3d',
      'timezone: "Europe/Berlin"   # local days',
      'groupBy: country',
      'distinct: user.id',
      'value: ~',
      'sink:',
      '  keyspace: metrics',
      "  table: 'daily_agg'",
      '',
    ].join('\n')
    expect(parse(text)).toEqual({
      name: 'dau-daily',
      source: {kafka: {topic: 'events.v1', eventTimeField: 'ts'}},
      window: '3d',
      timezone: 'Europe/Berlin',
      groupBy: 'country',
      distinct: 'user.id',
      value: null,
      sink: {keyspace: 'metrics', table: 'daily_agg'},
    })
  })

  it('reads scalars by the YAML 1.2 core schema', () => {
    const text = 'a: 12\nb: -7\nc: 1.5\nd: 2e3\ne: .5\nf: true\ng: False\nh: null\ni: ~\nj:\nk: yes\nl: 2026-11-20\nm: 0.0\nn: +3\no: -0\np: a#b\nq: http://x:8080/p'
    expect(parse(text)).toEqual({
      a: 12,
      b: -7,
      c: 1.5,
      d: 2000,
      e: 0.5,
      f: true,
      g: false,
      h: null,
      i: null,
      j: null,
      k: 'yes',
      l: '2026-11-20',
      m: 0,
      n: 3,
      o: 0,
      p: 'a#b',
      q: 'http://x:8080/p',
    })
  })

  it('reads quoted scalars with escapes', () => {
    const text = [
      `a: 'it''s # not a comment'`,
      String.raw`b: "tab\there\nnew \"q\" \\ \x41\u00e9\U0001F600 \/ \0"`,
      `c: "true"`,
      `d: '12'`,
      `"quoted key": 1`,
      `'single key': 2`,
      `e: ""`,
    ].join('\n')
    expect(parse(text)).toEqual({
      a: "it's # not a comment",
      b: 'tab\there\nnew "q" \\ Aé😀 / \0',
      c: 'true',
      d: '12',
      'quoted key': 1,
      'single key': 2,
      e: '',
    })
  })

  it('reads block sequences, compact and nested forms', () => {
    const text = [
      'list:',
      '  - a',
      '  - 2',
      '  -',
      '  - - x',
      '    - y',
      'compact:',
      '- k: 1',
      '  m: [1, "two", three]',
      '-   n: {}',
      'empty: []',
      'flow: {a: 1, "b": two, c: }',
      'nested:',
      '  deeper:',
      '    deepest: 1',
      '  back: 2',
    ].join('\n')
    expect(parse(text)).toEqual({
      list: ['a', 2, null, ['x', 'y']],
      compact: [{k: 1, m: [1, 'two', 'three']}, {n: {}}],
      empty: [],
      flow: {a: 1, b: 'two', c: null},
      nested: {deeper: {deepest: 1}, back: 2},
    })
  })

  it('reads top-level sequences, scalars, empty documents and CRLF', () => {
    expect(parse('- 1\n- b\n')).toEqual([1, 'b'])
    expect(parse('hello world')).toBe('hello world')
    expect(parse('')).toBeNull()
    expect(parse('# only a comment\n---\n')).toBeNull()
    expect(parse('a: 1\r\nb:\r\n  c: x\r\n')).toEqual({a: 1, b: {c: 'x'}})
    expect(parse('\ufeffa: 1')).toEqual({a: 1})
    expect(parse('[1, 2,]')).toEqual([1, 2])
  })

  it('stores a "__proto__" key as data, not as the prototype', () => {
    const value = parse('__proto__:\n  polluted: 1') as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('reads a quoted "<<" key as an ordinary key (only a plain << is a merge key)', () => {
    // Counterexample found by the emitter round-trip property: {"<<": 0, "": null}.
    expect(parse('"<<": 0  # c\n"": null  # c')).toEqual({'<<': 0, '': null})
    expect(parse("'<<':\n  a: 1")).toEqual({'<<': {a: 1}})
    expect(parse('m: {"<<": 1, \'x\': 2}')).toEqual({m: {'<<': 1, x: 2}})
    expect(rejection('a: 1\n"<<": 2\n<<: 3').message).toMatch(/^job\.yaml:3: merge keys/)
    expect(rejection('"<<": 1\n\'<<\': 2').message).toMatch(/^job\.yaml:2: duplicate key "<<"/)
  })
})

describe('parseYamlSubset: refused constructs name the line', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['anchor', 'a: 1\nb: &x 2', 2, /anchors/],
    ['alias', 'a: 1\nb: *x', 2, /aliases/],
    ['tag', 'a: !!str 1', 1, /tags/],
    ['literal block scalar', 'a: 1\nb: |\n  text', 2, /block scalars/],
    ['folded block scalar', 'b: >\n  text', 1, /folded/],
    ['second document', 'a: 1\n---\nb: 2', 2, /second document/],
    ['document end', 'a: 1\n...', 2, /document end/],
    ['directive', '%YAML 1.2\na: 1', 1, /directives/],
    ['duplicate key', 'a: 1\nb: 2\na: 3', 3, /duplicate key "a" \(first on line 1\)/],
    ['duplicate nested key', 's:\n  t: 1\n  t: 2', 3, /duplicate key "t"/],
    ['duplicate flow key', 'a: {x: 1, x: 2}', 1, /duplicate key "x"/],
    ['merge key', 'base: 1\n<<: 2', 2, /merge keys/],
    ['flow merge key', 'a: {x: 1, <<: 2}', 1, /merge keys/],
    ['tab indentation', 'a:\n\tb: 1', 2, /tab in indentation/],
    ['unterminated double quote', 'a: "abc\nb: 1', 1, /unterminated double-quoted/],
    ['unterminated single quote', "a: 'abc", 1, /unterminated single-quoted/],
    ['multi-line plain scalar', 'a:\n  first\n  second', 3, /multi-line/],
    ['over-indented line', 'a: 1\n  b: 2', 2, /unexpected indentation/],
    ['flow collection as a key', 'a: {[1]: 2}', 1, /cannot be a key/],
    ['unclosed nested flow', 'a: {in: [1, 2}', 1, /unexpected "}"/],
    ['unclosed flow', 'a: [1, 2', 1, /unclosed/],
    ['plain value with colon-space', 'a: b: c', 1, /contains ": "/],
    ['unknown escape', 'a: "\\q"', 1, /unknown escape/],
    ['hex number', 'a: 0x1F', 1, /hex\/octal/],
    ['infinity', 'a: .inf', 1, /not supported/],
    ['huge integer', 'a: 123456789012345678901', 1, /too large/],
    ['complex key', '? a\n: b', 1, /complex keys/],
    ['sequence on key line', 'a: - 1', 1, /cannot start on the line/],
    ['text after quoted value', 'a: "x" y', 1, /after the value/],
    ['sequence between keys', 'a: 1\n- b', 2, /between "key: value" lines/],
    ['content after the document', '- a\nb: 1', 2, /after the end of the document/],
    ['content after ---', '--- a: 1', 1, /content after "---"/],
  ]
  for (const [name, text, line, message] of cases) {
    it(`refuses ${name} at line ${line}`, () => {
      const error = rejection(text)
      expect(error.message).toMatch(new RegExp(`^job\\.yaml:${line}: `))
      expect(error.message).toMatch(message)
    })
  }

  it('reads nested flow collections on one line, as the job language writes `in: [..]`', () => {
    expect(parse('amount: {gte: 1, lt: 10000}\nstatus: {in: [paid, "shipped"]}\nm: [[1, 2], {a: [x]}, []]')).toEqual({
      amount: {gte: 1, lt: 10000},
      status: {in: ['paid', 'shipped']},
      m: [[1, 2], {a: ['x']}, []],
    })
    expect(rejection('a: ' + '['.repeat(40) + ']'.repeat(40)).message).toMatch(/nesting deeper than 32/)
  })

  it('refuses input over 1 MiB and nesting deeper than 32 levels', () => {
    expect(rejection('a: ' + 'x'.repeat(1024 * 1024)).message).toMatch(/over the 1048576 limit/)
    const deep = Array.from({length: 40}, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' 1'
    expect(rejection(deep).message).toMatch(/nesting deeper than 32/)
    expect(rejection('- '.repeat(40) + 'x').message).toMatch(/nesting deeper than 32/)
    // 32 levels are fine
    const ok = Array.from({length: 31}, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' 1'
    expect(() => parse(ok)).not.toThrow()
  })
})

/** An independent emitter: writes a JSON-like value as block YAML. */
function emit(value: unknown, indent: number, compact: boolean): string[] {
  const pad = ' '.repeat(indent)
  const scalar = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : String(v))
  const isCollection = (v: unknown): v is object => v !== null && typeof v === 'object'
  const isEmpty = (v: object): boolean => Object.keys(v).length === 0
  const inline = (v: unknown): string => (Array.isArray(v) ? '[]' : isCollection(v) ? '{}' : scalar(v))
  const lines: string[] = []
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item) && !isEmpty(item)) {
        const block = emit(item, indent + 2, compact)
        if (compact) lines.push(`${pad}- ${block[0].slice(indent + 2)}`, ...block.slice(1))
        else lines.push(`${pad}-`, ...block)
      } else lines.push(`${pad}- ${inline(item)}`)
    }
  } else {
    for (const [key, item] of Object.entries(value as object)) {
      if (isCollection(item) && !isEmpty(item)) lines.push(`${pad}${JSON.stringify(key)}:`, ...emit(item, indent + 2, compact))
      else lines.push(`${pad}${JSON.stringify(key)}: ${inline(item)}  # c`)
    }
  }
  return lines
}

const scalarArb = fc.oneof(
  fc.string({unit: 'binary'}),
  fc.integer(),
  // Integral doubles past 2^53 print as integers, which the reader refuses on purpose.
  fc
    .double({noNaN: true, noDefaultInfinity: true})
    .filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d))
    .map((d) => (d === 0 ? 0 : d)),
  fc.boolean(),
  fc.constant(null),
)
const valueArb = fc.letrec((tie) => ({
  node: fc.oneof({depthSize: 'small', maxDepth: 4}, scalarArb, tie('array'), tie('object')),
  array: fc.array(tie('node'), {maxLength: 4}),
  object: fc.dictionary(fc.string({unit: 'binary', maxLength: 6}), tie('node'), {maxKeys: 4}),
})).node
const docArb = fc.oneof(fc.array(valueArb, {minLength: 1, maxLength: 4}), fc.dictionary(fc.string({maxLength: 6}), valueArb, {minKeys: 1, maxKeys: 4}))

describe('parseYamlSubset: properties', () => {
  it('reads back what an independent block-YAML emitter writes', () => {
    fc.assert(
      fc.property(docArb, fc.boolean(), (doc, compact) => {
        const text = emit(doc, 0, compact).join('\n')
        expect(parse(text)).toEqual(doc)
      }),
      {numRuns: 300},
    )
  })

  it('never throws anything but a FleetopsError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 200}), (text) => {
        try {
          parse(text)
          parseJobText(text, 'job')
        } catch (error) {
          if (!(error instanceof FleetopsError)) throw error
        }
      }),
      {numRuns: 1000},
    )
  })

  it('never throws anything but a FleetopsError on mutated valid documents', () => {
    const pieces = ['&a ', '*a', '!t ', '|', '>', '"', "'", '[', ']', '{', '}', ',', ': ', '- ', '#', '\t', '\n', '  ', '---\n', '<<: ', '\\', '\\u12']
    fc.assert(
      fc.property(docArb, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...pieces)), {minLength: 1, maxLength: 4}), (doc, edits) => {
        let text = emit(doc, 0, false).join('\n')
        for (const [at, cut, piece] of edits) {
          const i = at % (text.length + 1)
          text = text.slice(0, i) + piece + text.slice(i + (cut % 3))
        }
        try {
          parse(text)
        } catch (error) {
          if (!(error instanceof FleetopsError)) throw error
          expect(error.message).toMatch(/^job\.yaml:\d+: /)
        }
      }),
      {numRuns: 1000},
    )
  })
})

/**
 * Fuzz tests of the file parsers the other suites do not fuzz yet: the rebalance progress
 * file, the look-back job file (text reader + validation), the look-back checkpoint, the
 * strict JSON reader, the profile file, and the output-path rule. (Cluster state, plan file,
 * ring state and the YAML subset have their own fuzz tests next to their unit tests.)
 * Whatever the input, each either parses or throws a FleetopsError with exit 2 and a
 * one-line message; nothing else may escape.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {FleetopsError} from '../../src/core/errors.js'
import {newCheckpoint, parseCheckpoint, serializeCheckpoint} from '../../src/core/lookback/checkpoint.js'
import {validateJob} from '../../src/core/lookback/job-spec.js'
import {parseJobText} from '../../src/core/lookback/job-text.js'
import {parseStrictJson} from '../../src/core/lookback/strict-json.js'
import {computeWindow} from '../../src/core/lookback/window.js'
import {kafkaUnitId} from '../../src/core/lookback/work-units.js'
import {checkOutputPath} from '../../src/core/output-path.js'
import {parseProfilesFile} from '../../src/core/profile.js'
import {newProgress, parseProgressFile} from '../../src/core/rebalance/index.js'

const runs = {numRuns: 300}

/** Calls fn; anything thrown must be a clean bad-input FleetopsError (exit 2, one line). */
function cleanly(fn: () => unknown): void {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(FleetopsError)
    const e = error as FleetopsError
    expect(e.exit).toBe(2)
    expect(e.message.split('\n')[0].length).toBeGreaterThan(0)
  }
}

/** Arbitrary edits of a valid text: insertions of hostile pieces, deletions, truncation. */
const pieces = ['{', '}', '[', ']', '"', ':', ',', '\n', '  ', '\t', '\u0000', '\u202e', '\u200b', '\ud800', '９', '-', '1e309', 'null', '__proto__', '"__proto__": {}', '#', '- ', '&a', '*a', '!!', "'", '\\']
function mutated(valid: string): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom(...pieces)), {minLength: 1, maxLength: 5})
    .map((edits) => {
      let t = valid
      for (const [at, del, piece] of edits) {
        const i = at % (t.length + 1)
        t = t.slice(0, i) + piece + t.slice(i + del)
      }
      return t
    })
}
const texts = (valid: string): fc.Arbitrary<string> =>
  fc.oneof(
    mutated(valid),
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
    fc.string({unit: 'binary', maxLength: 200}),
    fc.json(),
  )

/** A valid document with one (possibly nested) field replaced by an arbitrary value. */
function replaceOne(valid: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(valid) as Record<string | number, unknown>
  let node: Record<string | number, unknown> = copy
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (next === null || typeof next !== 'object') return copy
    node = next as Record<string | number, unknown>
  }
  node[path[path.length - 1]!] = value
  return copy
}
const anything = fc.anything({withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true})

describe('rebalance progress file', () => {
  const valid = newProgress(
    [
      {topic: 'orders', partition: 0, from: [1, 2], to: [2, 3], size: 100},
      {topic: 'orders', partition: 1, from: [2, 3], to: [3, 1]},
    ],
    {planDigest: 'a'.repeat(64), throttle: 1_000_000, now: '2026-11-21T00:00:00.000Z', pid: 4242},
  )
  const fields: (string | number)[][] = [['version'], ['planDigest'], ['status'], ['pid'], ['throttle'], ['startedAt'], ['note'], ['moves'], ['moves', 0], ['moves', 0, 'to'], ['moves', 0, 'to', 1], ['moves', 1, 'status'], ['moves', 0, 'size'], ['throttles'], ['throttles', 'brokers'], ['elected']]

  it('the valid file parses', () => {
    expect(parseProgressFile(JSON.parse(JSON.stringify(valid))).moves).toHaveLength(2)
  })
  it('any JSON value parses or throws a clean FleetopsError', () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => cleanly(() => parseProgressFile(json))), runs)
  })
  it('a valid file with one field replaced by anything', () => {
    fc.assert(fc.property(fc.constantFrom(...fields), anything, (path, value) => cleanly(() => parseProgressFile(replaceOne(valid, path, value)))), runs)
  })
  it('mutated and truncated text, parsed as the CLI does (JSON.parse failures are the reader\'s)', () => {
    fc.assert(
      fc.property(texts(JSON.stringify(valid, null, 2)), (text) => {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return
        }
        cleanly(() => parseProgressFile(json))
      }),
      runs,
    )
  })
})

describe('look-back job file', () => {
  const yaml = 'name: nightly\nsource:\n  kafka:\n    topic: orders\n    eventTimeField: ts\nwindow: 3d\ntimezone: Europe/Berlin\ngroupBy: country\ndistinct: user\nvalue: amount\nsink:\n  keyspace: shop\n  table: daily\n'
  const json = JSON.stringify({
    name: 'nightly',
    source: {cassandra: {keyspace: 'shop', table: 'events', dayColumn: 'day', bucketColumn: 'bucket', buckets: 8, timeColumn: 'ts'}},
    window: '2w',
    sink: {keyspace: 'shop', table: 'daily'},
  })
  const load = (text: string): unknown => validateJob(parseJobText(text, 'job.yaml'))

  it('the valid files parse', () => {
    expect(load(yaml)).toMatchObject({name: 'nightly', windowDays: 3})
    expect(load(json)).toMatchObject({name: 'nightly', windowDays: 14})
  })
  it('mutated, truncated and arbitrary YAML text', () => {
    fc.assert(fc.property(texts(yaml), (text) => cleanly(() => load(text))), runs)
  })
  it('mutated, truncated and arbitrary JSON text', () => {
    fc.assert(fc.property(texts(json), (text) => cleanly(() => load(text))), runs)
  })
  it('a valid job with one field replaced by anything', () => {
    const fields = [['name'], ['window'], ['timezone'], ['groupBy'], ['source'], ['source', 'cassandra'], ['source', 'cassandra', 'buckets'], ['source', 'cassandra', 'keyspace'], ['sink'], ['sink', 'table'], ['__proto__'], ['constructor']]
    fc.assert(fc.property(fc.constantFrom(...fields), anything, (path, value) => cleanly(() => validateJob(replaceOne(JSON.parse(json), path, value)))), runs)
  })
  it('the strict JSON reader alone, on arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({unit: 'binary', maxLength: 300}), fc.json(), mutated(json)), (text) => cleanly(() => parseStrictJson(text, 'job.json'))), runs)
  })
})

describe('look-back checkpoint', () => {
  const now = Date.UTC(2026, 10, 21, 2)
  const valid = serializeCheckpoint(
    newCheckpoint({
      runId: 'run-1',
      job: 'nightly',
      window: computeWindow({windowDays: 3, asOf: '2026-11-20', timezone: 'UTC', now}),
      startedAtMs: now,
      previousRunBoundaryMs: null,
      startOffsets: {'0': '100', '1': '7'},
      endOffsets: {'0': '110', '1': '9'},
      unitIds: [kafkaUnitId(0), kafkaUnitId(1)],
    }),
  )
  it('the valid checkpoint parses', () => {
    expect(parseCheckpoint(valid).job).toBe('nightly')
  })
  it('mutated, truncated and arbitrary text', () => {
    fc.assert(fc.property(texts(valid), (text) => cleanly(() => parseCheckpoint(text))), runs)
  })
  it('a valid checkpoint with one field replaced by anything JSON can hold', () => {
    const doc = JSON.parse(valid) as Record<string, unknown>
    const fields = Object.keys(doc).map((k) => [k])
    fc.assert(fc.property(fc.constantFrom(...fields), fc.jsonValue(), (path, value) => cleanly(() => parseCheckpoint(JSON.stringify(replaceOne(doc, path, value))))), runs)
  })
})

describe('profile file', () => {
  const valid = JSON.stringify({
    defaultProfile: 'prod',
    profiles: {prod: {brokers: ['k1:9092', 'k2:9092'], tls: true, caFile: '/etc/ca.pem', saslMechanism: 'scram-sha-512', username: 'ops', passwordEnv: 'PW', contactPoints: 'c1,c2', localDc: 'dc1'}},
  })
  it('the valid file parses', () => {
    expect(parseProfilesFile(valid, 'config.json').defaultProfile).toBe('prod')
  })
  it('mutated, truncated and arbitrary text', () => {
    fc.assert(fc.property(texts(valid), (text) => cleanly(() => parseProfilesFile(text, 'config.json'))), runs)
  })
  it('a valid file with one field replaced by any JSON value', () => {
    const fields = [['defaultProfile'], ['profiles'], ['profiles', 'prod'], ['profiles', 'prod', 'tls'], ['profiles', 'prod', 'brokers'], ['profiles', 'prod', 'brokers', 0], ['profiles', 'prod', 'password'], ['profiles', '__proto__'], ['extra']]
    fc.assert(fc.property(fc.constantFrom(...fields), fc.jsonValue(), (path, value) => cleanly(() => parseProfilesFile(JSON.stringify(replaceOne(JSON.parse(valid), path, value)), 'config.json'))), runs)
  })
  it('never echoes the text of a broken file (it may hold a password)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), (secret) => {
        for (const text of [`{"profiles": {"p": {"password": ${secret}}}}`, `{"profiles": {"p": {"password": "${secret}"}}`, secret]) {
          try {
            parseProfilesFile(text, 'config.json')
          } catch (error) {
            expect((error as Error).message).not.toContain(secret.slice(0, 8))
          }
        }
      }),
      {numRuns: 100},
    )
  })
})

describe('output-path rule', () => {
  it('any string is accepted or refused with a clean FleetopsError; accepted paths never hold ".." or invisible characters', () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '', 'plans', 'a b', 'x\u202e', '\u200b', 'ok.json', '\u0000', '９'), fc.string({maxLength: 6}))
    const path = fc.oneof(fc.array(segment, {maxLength: 6}).map((s) => s.join('/')), fc.string({unit: 'binary', maxLength: 40}))
    fc.assert(
      fc.property(path, fc.constantFrom('file', 'directory') as fc.Arbitrary<'file' | 'directory'>, (p, kind) => {
        try {
          const ok = checkOutputPath(p, '--output', kind)
          expect(ok.path.split('/')).not.toContain('..')
          expect(ok.path).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u200b-\u200f]/)
        } catch (error) {
          expect(error).toBeInstanceOf(FleetopsError)
          expect((error as FleetopsError).exit).toBe(2)
          expect((error as FleetopsError).message).not.toContain('\n')
        }
      }),
      {numRuns: 500},
    )
  })
  it('examples', () => {
    expect(checkOutputPath('plan.json', '--output')).toEqual({path: 'plan.json', parent: '.'})
    expect(checkOutputPath('/tmp/plans/plan.json', '--output')).toEqual({path: '/tmp/plans/plan.json', parent: '/tmp/plans'})
    expect(checkOutputPath('/plan.json', '--output').parent).toBe('/')
    expect(() => checkOutputPath('../../etc/x', '--output')).toThrow(/has a "\.\." segment/)
    expect(() => checkOutputPath('/tmp/../etc/x', '--output')).toThrow(/has a "\.\." segment/)
    expect(() => checkOutputPath('plans/', '--output')).toThrow(/names a directory/)
    expect(() => checkOutputPath('', '--output')).toThrow(/is empty/)
    expect(() => checkOutputPath('plan\u202ejson', '--output')).toThrow(/\\u202e.*control, invisible or invalid/)
    expect(() => checkOutputPath('plan\ud800.json', '--output')).toThrow(/control, invisible or invalid/)
    expect(checkOutputPath('cp/', '--checkpoint-dir', 'directory').path).toBe('cp/')
  })
})

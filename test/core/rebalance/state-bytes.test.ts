import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {compactFromState, parseClusterState, syntheticClusterState, type CompactClusterState} from '../../../src/core/rebalance/index.js'
import {parseStateBytes} from '../../../src/core/rebalance/state-bytes.js'
import {clusterArb} from './helpers.js'

const RUNS = {numRuns: Number(process.env.PROP_RUNS ?? 150)}

/** The slow, obvious path: JSON.parse (after a byte-order mark) then parseClusterState; null when either refuses. */
function general(text: string): CompactClusterState | null {
  try {
    return compactFromState(parseClusterState(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)))
  } catch {
    return null
  }
}

/** The fast reader's answer, after checking that it never disagrees with the general path. */
function agreed(text: string): CompactClusterState | null {
  const fast = parseStateBytes(Buffer.from(text, 'utf8'))
  if (fast !== null) expect(fast).toEqual(general(text))
  return fast
}

/** clusterArb, sorted as parseClusterState sorts it, with the fields `kafka describe` adds and unknown ones. */
const fileArb = fc
  .tuple(
    clusterArb,
    fc.constantFrom<undefined | number | string>(undefined, 2, '\t'),
    fc.boolean(),
    fc.array(fc.nat(7), {minLength: 60, maxLength: 60}),
    fc.jsonValue({maxDepth: 3}),
  )
  .map(([{raw}, indent, extras, variant, unknown]) => {
    const state = parseClusterState(raw)
    const partitions = state.partitions.map((p, i) => {
      const v = variant[i % variant.length]
      const base: Record<string, unknown> = v & 1 ? {replicas: p.replicas, partition: p.partition, topic: p.topic} : {topic: p.topic, partition: p.partition, replicas: p.replicas}
      if (p.size !== undefined) base.size = v === 6 ? null : p.size
      if (extras) {
        base.leader = v === 2 ? -1 : v === 4 ? null : p.replicas[0]
        base.isr = p.replicas
        base.adding = v === 3 ? [] : null
        base.note = unknown
      }
      return base
    })
    const doc = extras ? {cluster: {id: 'x', note: unknown}, brokers: raw.brokers, partitions} : {brokers: raw.brokers, partitions}
    return JSON.stringify(doc, null, indent)
  })

describe('parseStateBytes: a fast path that may decline, never disagree', () => {
  test('sorted files of the shape `kafka describe` writes are read, equal to the general path', () => {
    fc.assert(
      fc.property(fileArb, (text) => {
        // Sizes of 0 bytes and a null size read the same; "size": null parses as no size.
        expect(agreed(text)).not.toBeNull()
      }),
      RUNS,
    )
  })

  test('unsorted partitions (as generated, topics interleaved) decline or agree', () => {
    fc.assert(
      fc.property(clusterArb, ({raw}) => {
        agreed(JSON.stringify(raw))
      }),
      RUNS,
    )
  })

  test('any edit of a valid file declines or agrees: the reader never accepts what the general path refuses', () => {
    const edits = fc.tuple(fc.nat(), fc.constantFrom('"', ',', ':', '{', '}', '[', ']', '0', '1', '9', '-', '.', 'e', ' ', '\\', 'x', 'n', 'é', '\u0001'), fc.constantFrom('replace', 'insert', 'delete'))
    fc.assert(
      fc.property(fileArb, fc.array(edits, {minLength: 1, maxLength: 3}), (text, list) => {
        let t = text
        for (const [at, ch, how] of list) {
          const i = at % (t.length + 1)
          t = how === 'insert' ? t.slice(0, i) + ch + t.slice(i) : how === 'delete' ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + ch + t.slice(i + 1)
        }
        agreed(t)
      }),
      {numRuns: Number(process.env.PROP_RUNS ?? 400)},
    )
  })

  test('declines what it cannot prove equal, and the general path then decides', () => {
    const brokers = '"brokers":[{"id":1,"rack":"a"},{"id":2,"rack":"b"}]'
    const ok = `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}`
    expect(agreed(ok)).not.toBeNull()
    expect(agreed(`\ufeff${ok}`)).not.toBeNull()
    const declined = [
      `{${brokers},"partitions":[{"topic":"t","partition":0.0,"replicas":[1,2]}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1e0,2]}]}`,
      `{${brokers},"partitions":[{"topic":"\\u0074","partition":0,"replicas":[1,2]}]}`,
      `{${brokers},"partitions":[{"topic":"t","topic":"t","partition":0,"replicas":[1,2]}]}`,
      `{"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}],${brokers}}`,
      `{${brokers},"partitions":[{"topic":"t","partition":1,"replicas":[1,2]},{"topic":"t","partition":0,"replicas":[2,1]}]}`,
      `{${brokers},"partitions":[{"topic":"u","partition":0,"replicas":[1,2]},{"topic":"t","partition":0,"replicas":[2,1]}]}`,
    ]
    for (const text of declined) {
      expect(parseStateBytes(Buffer.from(text))).toBeNull()
      expect(general(text)).not.toBeNull()
    }
    const refused = [
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1,3]}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1,1]}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[]}]}`,
      `{${brokers},"partitions":[{"topic":"..","partition":0,"replicas":[1]}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":2147483648,"replicas":[1]}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1],"size":-1}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1],"leader":-2}]}`,
      `{${brokers},"partitions":[{"topic":"t","partition":0,"replicas":[1],"x":[1,]}]}`,
      `{${brokers},"partitions":[]} x`,
      `{"brokers":[],"partitions":[]}`,
    ]
    for (const text of refused) {
      expect(parseStateBytes(Buffer.from(text))).toBeNull()
      expect(general(text)).toBeNull()
    }
  })

  test('a 20,000-partition synthetic state is read whole, equal to the general path', () => {
    const text = JSON.stringify(syntheticClusterState({brokers: 60, partitions: 20_000, rf: 3, racks: 6, newBrokers: 6, seed: 3}))
    const fast = agreed(text)
    expect(fast).not.toBeNull()
    expect(fast?.topicOf.length).toBe(20_000)
  })
})

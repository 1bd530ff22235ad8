import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {parseClusterState} from '../../../src/core/rebalance/index.js'

const valid = () => ({
  brokers: [
    {id: 2, rack: 'r2', host: 'b2', port: 9092, alive: true},
    {id: 1, rack: 'r1'},
    {id: 3},
  ],
  partitions: [
    {topic: 'orders', partition: 1, replicas: [2, 3], size: 10, leader: 2, isr: [2, 3], offline: [], adding: [], removing: []},
    {topic: 'audit', partition: 0, replicas: [1], size: 1234},
    {topic: 'orders', partition: 0, replicas: [1, 2, 3]},
  ],
})

function errorOf(json: unknown): FleetopsError {
  try {
    parseClusterState(json)
  } catch (err) {
    expect(err).toBeInstanceOf(FleetopsError)
    return err as FleetopsError
  }
  throw new Error('expected parseClusterState to throw')
}

describe('parseClusterState', () => {
  test('accepts the documented shape with extra fields, sorting brokers and partitions', () => {
    const state = parseClusterState(valid())
    expect(state.brokers.map((b) => [b.id, b.rack, b.alive])).toEqual([
      [1, 'r1', true],
      [2, 'r2', true],
      [3, null, true],
    ])
    expect(state.partitions.map((p) => `${p.topic}-${p.partition}`)).toEqual(['audit-0', 'orders-0', 'orders-1'])
    expect(state.partitions[1].size).toBeUndefined()
    expect(state.partitions[2]).toMatchObject({replicas: [2, 3], size: 10, leader: 2, isr: [2, 3]})
  })

  test('ignores unknown extra fields and treats an empty rack as none', () => {
    const json = {...valid(), cluster: 'prod', brokers: [{id: 1, rack: '', zone: 'x'}, {id: 2}, {id: 3}]}
    expect(parseClusterState(json).brokers[0].rack).toBeNull()
  })

  test('alive:false is kept', () => {
    const json = valid()
    ;(json.brokers[0] as {alive: boolean}).alive = false
    expect(parseClusterState(json).brokers.find((b) => b.id === 2)?.alive).toBe(false)
  })

  const cases: Array<[string, (j: ReturnType<typeof valid>) => unknown, RegExp]> = [
    ['not an object', () => [1, 2], /expected a JSON object/],
    ['null', () => null, /got null/],
    ['missing brokers', (j) => ({partitions: j.partitions}), /"brokers" must be an array/],
    ['partitions not an array', (j) => ({...j, partitions: {}}), /"partitions" must be an array/],
    ['no brokers', () => ({brokers: [], partitions: []}), /"brokers" is empty/],
    ['broker not an object', (j) => ({...j, brokers: [...j.brokers, 7]}), /brokers\[3\] must be an object/],
    ['broker id a string', (j) => ({...j, brokers: [{id: '1'}]}), /brokers\[0\]\.id must be an integer/],
    ['broker id negative', (j) => ({...j, brokers: [{id: -1}]}), /brokers\[0\]\.id must be an integer from 0 to 2147483647/],
    ['broker id too large', (j) => ({...j, brokers: [{id: 2 ** 31}]}), /brokers\[0\]\.id/],
    ['broker id fractional', (j) => ({...j, brokers: [{id: 1.5}]}), /brokers\[0\]\.id/],
    ['duplicate broker', (j) => ({...j, brokers: [...j.brokers, {id: 2}]}), /broker id 2 appears twice/],
    ['rack a number', (j) => ({...j, brokers: [{id: 1, rack: 5}, {id: 2}, {id: 3}]}), /rack must be a string/],
    ['alive a string', (j) => ({...j, brokers: [{id: 1, alive: 'yes'}, {id: 2}, {id: 3}]}), /alive must be true or false/],
    ['port out of range', (j) => ({...j, brokers: [{id: 1, port: 70000}, {id: 2}, {id: 3}]}), /port must be an integer/],
    ['partition not an object', (j) => ({...j, partitions: ['x']}), /partitions\[0\] must be an object/],
    ['topic with a space', (j) => ({...j, partitions: [{topic: 'bad topic', partition: 0, replicas: [1]}]}), /not a valid Kafka topic name/],
    ['topic ..', (j) => ({...j, partitions: [{topic: '..', partition: 0, replicas: [1]}]}), /not a valid Kafka topic name/],
    ['topic too long', (j) => ({...j, partitions: [{topic: 'a'.repeat(250), partition: 0, replicas: [1]}]}), /not a valid Kafka topic name/],
    ['topic missing', (j) => ({...j, partitions: [{partition: 0, replicas: [1]}]}), /topic/],
    ['partition negative', (j) => ({...j, partitions: [{topic: 't', partition: -1, replicas: [1]}]}), /partition must be an integer/],
    ['replicas empty', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: []}]}), /replicas must be a non-empty array/],
    ['replicas not an array', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: 1}]}), /replicas must be a non-empty array/],
    ['replica not an id', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1, 'x']}]}), /replicas\[1\] must be an integer/],
    ['unknown replica broker', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1, 9]}]}), /lists broker 9, which is not in "brokers"/],
    ['duplicate replica', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1, 2, 1]}]}), /lists broker 1 twice/],
    ['negative size', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1], size: -5}]}), /size must be a whole number/],
    ['fractional size', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1], size: 1.5}]}), /size must be a whole number/],
    ['size a string', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1], size: '10'}]}), /size must be a whole number/],
    ['isr not a list', (j) => ({...j, partitions: [{topic: 't', partition: 0, replicas: [1], isr: 'x'}]}), /isr must be an array/],
    [
      'duplicate partition',
      (j) => ({...j, partitions: [...j.partitions, {topic: 'orders', partition: 1, replicas: [1]}]}),
      /partition orders-1 appears twice/,
    ],
  ]
  test.each(cases)('rejects %s with a one-line BAD_INPUT error that says how to fix it', (_name, make, pattern) => {
    const err = errorOf(make(valid()))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.exit).toBe(2)
    expect(err.message).toMatch(pattern)
    expect(err.message).toMatch(/^cluster state: .+; .+/)
    expect(err.message).not.toContain('\n')
  })

  test('a bad string value is described, never quoted (the file may hold a secret)', () => {
    const err = errorOf({...valid(), partitions: [{topic: 'hunter2\nb\u202e', partition: 0, replicas: [1]}]})
    expect(err.message).not.toContain('\n')
    expect(err.message).not.toContain('hunter2')
    expect(err.message).toContain('partitions[0].topic a string of 10 characters is not a valid Kafka topic name')
  })

  test('fuzz: any JSON value either parses or throws a FleetopsError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          parseClusterState(json)
        } catch (err) {
          expect(err).toBeInstanceOf(FleetopsError)
        }
      }),
      {numRuns: 300},
    )
  })

  test('fuzz: valid states with one field replaced by arbitrary values only ever throw FleetopsError', () => {
    const fieldArb = fc.constantFrom('id', 'rack', 'alive', 'host', 'port', 'topic', 'partition', 'replicas', 'size', 'leader', 'isr')
    fc.assert(
      fc.property(fc.nat(2), fieldArb, fc.anything({withNullPrototype: true, withBigInt: true, withMap: true}), (i, name, value) => {
        const json = valid() as unknown as {brokers: Array<Record<string, unknown>>; partitions: Array<Record<string, unknown>>}
        const target = ['id', 'rack', 'alive', 'host', 'port'].includes(name) ? json.brokers[i] : json.partitions[i]
        target[name] = value
        try {
          const state = parseClusterState(json)
          expect(state.brokers.length).toBe(3)
        } catch (err) {
          expect(err).toBeInstanceOf(FleetopsError)
        }
      }),
      {numRuns: 300},
    )
  })
})

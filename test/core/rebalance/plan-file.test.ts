import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {buildPlanFile, checkPlanIsCurrent, parseClusterState, parsePlanFile, planRebalance} from '../../../src/core/rebalance/index.js'
import {thrownFleetopsError} from '../../support/thrown-fleetops-error.js'

const state = parseClusterState({
  brokers: [{id: 1}, {id: 2}, {id: 3}],
  partitions: [
    {topic: 'a', partition: 0, replicas: [1, 2]},
    {topic: 'a', partition: 1, replicas: [1, 2]},
    {topic: 'b', partition: 0, replicas: [1, 2]},
  ],
})

describe('plan file', () => {
  const plan = planRebalance(state)
  const file = buildPlanFile(plan, {createdAt: '2025-01-01T00:00:00Z'})

  test('round-trips through JSON', () => {
    expect(plan.reassignment.partitions.length).toBeGreaterThan(0)
    expect(file).toMatchObject({version: 1, createdAt: '2025-01-01T00:00:00Z', reassignment: plan.reassignment, original: plan.original})
    expect(parsePlanFile(JSON.parse(JSON.stringify(file)))).toEqual(file)
  })

  test('the reassignment part is exactly Kafka reassignment JSON', () => {
    const kafka = JSON.parse(JSON.stringify(file.reassignment))
    expect(Object.keys(kafka)).toEqual(['version', 'partitions'])
    for (const p of kafka.partitions) expect(Object.keys(p)).toEqual(['topic', 'partition', 'replicas'])
  })

  test('a fresh plan is current', () => {
    expect(() => checkPlanIsCurrent(file, state)).not.toThrow()
  })

  test('a plan whose original no longer matches is STALE_PLAN naming the first differing partition', () => {
    const changed = parseClusterState({
      brokers: [{id: 1}, {id: 2}, {id: 3}],
      partitions: state.partitions.map((p) => ({...p, replicas: [...p.replicas].reverse()})),
    })
    const err = thrownFleetopsError(() => checkPlanIsCurrent(file, changed))
    expect(err.code).toBe('STALE_PLAN')
    expect(err.exit).toBe(2)
    const first = file.original.partitions[0]
    expect(err.message).toContain(`partition ${first.topic}-${first.partition} now has replicas`)
    expect(err.message).toContain('fleetops kafka rebalance plan')
  })

  test('a plan whose partition or target broker vanished is stale', () => {
    const gone = parseClusterState({brokers: [{id: 1}, {id: 2}, {id: 3}], partitions: []})
    expect(thrownFleetopsError(() => checkPlanIsCurrent(file, gone)).message).toMatch(/no longer exists/)
    const target = file.reassignment.partitions[0].replicas.find((b) => b === 3)
    if (target !== undefined) {
      const fewer = parseClusterState({brokers: [{id: 1}, {id: 2}], partitions: state.partitions.map((p) => ({...p}))})
      expect(thrownFleetopsError(() => checkPlanIsCurrent(file, fewer)).message).toMatch(/broker 3, which is no longer in the cluster/)
    }
  })

  const bad: Array<[string, (f: Record<string, unknown>) => unknown, RegExp]> = [
    ['not an object', () => 'plan', /expected a JSON object/],
    ['wrong version', (f) => ({...f, version: 2}), /"version" must be 1/],
    ['missing original', (f) => ({...f, original: undefined}), /"original" must be an object/],
    ['mismatched partitions', (f) => ({...f, original: {version: 1, partitions: []}}), /"original" has 0/],
    [
      'duplicate brokers in a target',
      (f) => ({...f, reassignment: {version: 1, partitions: [{topic: 'a', partition: 0, replicas: [1, 1]}]}}),
      /lists broker 1 twice/,
    ],
    ['bad topic', (f) => ({...f, reassignment: {version: 1, partitions: [{topic: 'a b', partition: 0, replicas: [1]}]}}), /topic/],
    ['no summary', (f) => ({...f, summary: null}), /"summary"/],
  ]
  test.each(bad)('rejects %s', (_name, make, pattern) => {
    const err = thrownFleetopsError(() => parsePlanFile(make(JSON.parse(JSON.stringify(file)))))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toMatch(pattern)
  })

  test('fuzz: any JSON value parses or throws a FleetopsError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          parsePlanFile(json)
        } catch (err) {
          expect(err).toBeInstanceOf(FleetopsError)
        }
      }),
      {numRuns: 200},
    )
  })
})

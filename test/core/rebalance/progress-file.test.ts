import {describe, expect, test} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {
  bytesOf,
  describeStuck,
  liveMoveState,
  newProgress,
  parseProgressFile,
  stuckMoves,
  throttleEntriesOf,
  type PartitionMove,
} from '../../../src/core/rebalance/index.js'

const move = (topic: string, partition: number, from: number[], to: number[], size?: number): PartitionMove => ({topic, partition, from, to, ...(size === undefined ? {} : {size})})

describe('liveMoveState', () => {
  const m = {from: [1, 2, 3], to: [4, 2, 3]}
  test('done only when the replica list equals the target, order included', () => {
    expect(liveMoveState(m, {topic: 't', partition: 0, replicas: [4, 2, 3]})).toEqual({kind: 'done'})
    expect(liveMoveState(m, {topic: 't', partition: 0, replicas: [2, 4, 3]})).toEqual({kind: 'pending'})
  })
  test('pending at the starting point; stale anywhere else; missing when gone', () => {
    expect(liveMoveState(m, {topic: 't', partition: 0, replicas: [1, 2, 3]})).toEqual({kind: 'pending'})
    expect(liveMoveState(m, {topic: 't', partition: 0, replicas: [1, 2, 5]})).toEqual({kind: 'stale', replicas: [1, 2, 5]})
    expect(liveMoveState(m, undefined)).toEqual({kind: 'missing'})
  })
  test('in flight towards our target, or towards someone else’s', () => {
    expect(liveMoveState(m, {topic: 't', partition: 0, replicas: [4, 2, 3, 1], reassignment: {adding: [4], removing: [1]}})).toEqual({kind: 'in-flight'})
    expect(liveMoveState(m, {topic: 't', partition: 0, replicas: [5, 2, 3, 1], reassignment: {adding: [5], removing: [1]}})).toEqual({
      kind: 'foreign',
      target: [5, 2, 3],
    })
  })
})

describe('stuck moves', () => {
  test('an in-flight move is stuck when a broker it copies from or to is not alive', () => {
    const inFlight = [move('t', 1, [1, 2], [1, 4]), move('t', 0, [1, 2], [3, 2]), move('u', 0, [5, 6], [5, 7])]
    const stuck = stuckMoves(inFlight, new Set([1, 2, 3, 5, 6, 7]))
    expect(stuck).toEqual([{topic: 't', partition: 1, missingBrokers: [4]}])
    expect(describeStuck(stuck)).toBe('t-1 (broker 4 down)')
    expect(stuckMoves(inFlight, new Set([1, 2, 3, 4, 5, 6, 7]))).toEqual([])
  })
  test('the description is one line and capped', () => {
    const many = Array.from({length: 8}, (_, i) => ({topic: 't', partition: i, missingBrokers: [9]}))
    expect(describeStuck(many, 2)).toBe('t-0 (broker 9 down), t-1 (broker 9 down), and 6 more')
  })
})

describe('throttle entries and bytes', () => {
  test('leader entries are the current replicas, follower entries the new ones; reorders throttle nothing', () => {
    expect(throttleEntriesOf(move('t', 3, [1, 2, 3], [4, 2, 3]))).toEqual({leader: ['3:1', '3:2', '3:3'], follower: ['3:4']})
    expect(throttleEntriesOf(move('t', 3, [1, 2, 3], [2, 1, 3]))).toEqual({leader: [], follower: []})
  })
  test('bytes = size × new replicas', () => {
    expect(bytesOf(move('t', 0, [1, 2], [3, 4], 100))).toBe(200)
    expect(bytesOf(move('t', 0, [1, 2], [2, 1], 100))).toBe(0)
    expect(bytesOf(move('t', 0, [1, 2], [3, 2]))).toBe(0)
  })
})

describe('progress file', () => {
  const fresh = () => newProgress([move('b', 0, [1], [2], 10), move('a', 1, [1, 2], [3, 2])], {planDigest: 'abc', throttle: 1000, now: '2025-01-01T00:00:00Z', pid: 42})

  test('round-trips through JSON, with moves sorted and pending', () => {
    const p = fresh()
    expect(p.moves.map((m) => `${m.topic}-${m.partition}:${m.status}`)).toEqual(['a-1:pending', 'b-0:pending'])
    p.throttles.brokers.push({broker: 1, rate: 1000, previousLeaderRate: null, previousFollowerRate: '5000'})
    p.throttles.topics.push({topic: 'a', leader: ['1:1', '1:2'], follower: ['1:3']})
    expect(parseProgressFile(JSON.parse(JSON.stringify(p)))).toEqual(p)
  })

  test.each([
    [null, /expected a JSON object/],
    [{version: 2}, /"version" must be 1/],
    [{...JSON.parse(JSON.stringify(newProgress([], {planDigest: 'x', throttle: null, now: 'n', pid: 1}))), status: 'weird'}, /"status" a string of 5 characters is not running/],
    [{...JSON.parse(JSON.stringify(newProgress([], {planDigest: 'x', throttle: null, now: 'n', pid: 1}))), throttles: {brokers: [], topics: [{topic: 't', leader: ['1-2'], follower: []}]}}, /not "partition:broker"/],
  ])('rejects malformed files with one BAD_INPUT line: %#', (json, message) => {
    let error: unknown
    try {
      parseProgressFile(json)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FleetopsError)
    expect((error as FleetopsError).exit).toBe(2)
    expect((error as FleetopsError).message).toMatch(message)
    expect((error as FleetopsError).message).not.toContain('\n')
  })
})

import {fc, test as propTest} from '@fast-check/vitest'
import {describe, expect, test} from 'vitest'

import {groupStateOf, groupTypeOf, summarizeGroupLag, type GroupCommit} from '../../../src/core/listings/groups.js'
import {listTopic, TOPIC_LISTING_CONFIGS} from '../../../src/core/listings/topics.js'

describe('listTopic', () => {
  const ok = (values: Record<string, string | null>, overrides: string[] = []) => ({ok: true as const, values, overrides})
  test('counts partitions, RF, under-replicated, under min ISR and offline; effective configs with overrides', () => {
    const t = listTopic(
      't',
      false,
      [
        {partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3]},
        {partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2]},
        {partition: 2, leader: null, replicas: [3, 1, 2], isr: []},
      ],
      ok({'cleanup.policy': 'compact', 'min.insync.replicas': '2', 'compression.type': 'zstd', 'retention.ms': '-1', 'message.timestamp.type': 'CreateTime', other: 'x'}, ['compression.type', 'other', 'cleanup.policy']),
    )
    expect(t).toEqual({
      topic: 't',
      internal: false,
      partitions: 3,
      replicationFactor: 3,
      underReplicated: 2,
      underMinIsr: 2,
      offline: 1,
      configs: {'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.insync.replicas': '2', 'compression.type': 'zstd', 'message.timestamp.type': 'CreateTime'},
      overrides: ['cleanup.policy', 'compression.type'],
      configError: null,
    })
  })
  test('configs refused or missing: every key null, the reason kept, no under-min-ISR guess', () => {
    const parts = [{partition: 0, leader: 1, replicas: [1, 2], isr: [1]}]
    const refused = listTopic('t', false, parts, {ok: false, error: 'TOPIC_AUTHORIZATION_FAILED'})
    expect(Object.keys(refused.configs)).toEqual([...TOPIC_LISTING_CONFIGS])
    expect(Object.values(refused.configs).every((v) => v === null)).toBe(true)
    expect(refused.configError).toBe('TOPIC_AUTHORIZATION_FAILED')
    expect(refused.underMinIsr).toBe(0)
    expect(refused.underReplicated).toBe(1)
    expect(listTopic('t', false, parts, undefined).configError).toMatch(/no DescribeConfigs answer/)
  })
  test('a reassignment in flight: RF is the longest replica list', () => {
    expect(listTopic('t', false, [{partition: 0, leader: 1, replicas: [1, 2, 3, 4], isr: [1, 2, 3]}, {partition: 1, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3]}], ok({})).replicationFactor).toBe(4)
  })
})

describe('summarizeGroupLag', () => {
  const ends = new Map([
    ['a\u00000', 10],
    ['a\u00001', 5],
    ['b\u00000', 7],
  ])
  test('sums the lag of committed partitions; uncommitted and unmeasured ones are left out', () => {
    const commits: GroupCommit[] = [
      {topic: 'a', partition: 0, offset: 4},
      {topic: 'a', partition: 1, offset: 5},
      {topic: 'b', partition: 0, offset: null},
      {topic: 'c', partition: 0, offset: 3},
    ]
    expect(summarizeGroupLag(commits, ends, 0)).toEqual({totalLag: 6, partitionsLagging: 1, partitionsCommitted: 2, topics: ['a', 'c']})
  })
  test('no commit at all: lag unknown (null), never the log size', () => {
    expect(summarizeGroupLag([{topic: 'a', partition: 0, offset: null}], ends, 0)).toEqual({totalLag: null, partitionsLagging: 0, partitionsCommitted: 0, topics: []})
  })
  test('a commit beyond the end (truncation) counts as 0', () => {
    expect(summarizeGroupLag([{topic: 'b', partition: 0, offset: 9}], ends, 0).totalLag).toBe(0)
  })
  propTest.prop([fc.array(fc.tuple(fc.nat(20), fc.option(fc.nat(1000), {nil: null}), fc.nat(1000)), {maxLength: 30})], {numRuns: 100})(
    'equals the obvious per-partition sum of max(0, end - committed)',
    (rows) => {
      const e = new Map<string, number>()
      const commits: GroupCommit[] = []
      const seen = new Set<number>()
      for (const [p, c, end] of rows) {
        if (seen.has(p)) continue
        seen.add(p)
        e.set(`t\u0000${p}`, end)
        commits.push({topic: 't', partition: p, offset: c})
      }
      const withCommit = commits.filter((c) => c.offset !== null)
      const lags = withCommit.map((c) => Math.max(0, e.get(`t\u0000${c.partition}`)! - c.offset!))
      const s = summarizeGroupLag(commits, e, 0)
      expect(s.totalLag).toBe(withCommit.length === 0 ? null : lags.reduce((a, b) => a + b, 0))
      expect(s.partitionsLagging).toBe(lags.filter((l) => l > 0).length)
      expect(s.partitionsCommitted).toBe(withCommit.length)
    },
  )
})

describe('group type and state', () => {
  test('type as ListGroups v5 reports it, lower case; unknown before v5', () => {
    expect(groupTypeOf('Consumer')).toBe('consumer')
    expect(groupTypeOf('classic')).toBe('classic')
    expect(groupTypeOf(null)).toBe('unknown')
    expect(groupTypeOf('')).toBe('unknown')
  })
  test('DescribeGroups speaks for classic groups; ListGroups for the others and when DescribeGroups says Dead', () => {
    expect(groupStateOf('classic', 'Stable', 'PreparingRebalance')).toBe('PreparingRebalance')
    expect(groupStateOf('unknown', null, 'Empty')).toBe('Empty')
    expect(groupStateOf('consumer', 'Reconciling', null)).toBe('Reconciling')
    expect(groupStateOf('consumer', 'Stable', 'Dead')).toBe('Stable')
    expect(groupStateOf('classic', 'Empty', 'Dead')).toBe('Empty')
    expect(groupStateOf('classic', null, 'Dead')).toBe('Dead')
    expect(groupStateOf('classic', null, null)).toBeNull()
  })
})

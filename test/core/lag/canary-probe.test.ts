import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {SchemaJudgement} from '../../../src/core/lag/cassandra-agreement.js'
import {evaluateCanary, type CanaryReplica} from '../../../src/core/lag/canary.js'
import {addReplicaObservations, cassandraVerdict, hintFileTotals, nodeHintCounts, nodeHintsOf, type ClusterNode} from '../../../src/core/lag/canary-probe.js'

const agreed: SchemaJudgement = {state: 'OK', agreement: true, disagreementMs: null, reason: null, note: null}
const thresholds = {warnTimeLagMs: 1000, critTimeLagMs: 5000}

describe('Cassandra canary probe steps', () => {
  it('gathers each replica\'s samples over the writes; DOWN in any write stays DOWN', () => {
    const byReplica = new Map<string, CanaryReplica>()
    addReplicaObservations(byReplica, [{address: 'r1', dc: 'dc1', rack: 'a', up: true, seenAfterMs: 3}])
    addReplicaObservations(byReplica, [{address: 'r1', dc: 'dc1', rack: 'a', up: false, seenAfterMs: null, error: 'timeout'}])
    addReplicaObservations(byReplica, [{address: 'r1', dc: 'dc1', rack: 'a', up: true, seenAfterMs: 4}])
    expect(byReplica.get('r1')).toEqual({address: 'r1', dc: 'dc1', rack: 'a', state: 'DOWN', samples: [{seenAfterMs: 3}, {seenAfterMs: null, error: 'timeout'}, {seenAfterMs: 4}]})
  })

  it('totals hint files by holder and by target', () => {
    const row = fc.record({holder: fc.constantFrom('a', 'b', 'c'), target: fc.constantFrom('a', 'b', 'c'), files: fc.nat(50)})
    fc.assert(
      fc.property(fc.array(row, {maxLength: 30}), (rows) => {
        const {held, forTarget} = hintFileTotals(rows)
        const total = rows.reduce((n, r) => n + r.files, 0)
        expect([...held.values()].reduce((n, v) => n + v, 0)).toBe(total)
        expect([...forTarget.values()].reduce((n, v) => n + v, 0)).toBe(total)
        for (const [holder, n] of held) expect(n).toBe(rows.filter((r) => r.holder === holder).reduce((s, r) => s + r.files, 0))
      }),
    )
  })

  it('counts hints per node asked, or (without the table) per UP node as unknown', () => {
    const nodes: ClusterNode[] = [
      {address: 'a', dc: 'dc1', state: 'UP'},
      {address: 'b', dc: 'dc1', state: 'DOWN'},
    ]
    const hints = {rows: [{holder: 'a', target: 'b', files: 2}], queried: ['a']}
    const totals = hintFileTotals(hints.rows)
    expect(nodeHintsOf(hints, nodes, totals.held)).toEqual([{address: 'a', pendingHints: 2}])
    expect(nodeHintsOf(null, nodes, totals.held)).toEqual([{address: 'a', pendingHints: null}])
    expect(nodeHintCounts('a', hints, totals)).toEqual({hintsHeld: 2, hintsFor: 0})
    expect(nodeHintCounts('b', hints, totals)).toEqual({hintsHeld: null, hintsFor: 2})
    expect(nodeHintCounts('a', null, totals)).toEqual({hintsHeld: null, hintsFor: null})
  })

  it('is OK with every replica seen in time, the schema agreed and every node UP', () => {
    const replicas = new Map<string, CanaryReplica>([['a', {address: 'a', dc: 'dc1', rack: 'r', state: 'UP', samples: [{seenAfterMs: 5}]}]])
    const verdict = cassandraVerdict({
      canary: evaluateCanary({replicas: [...replicas.values()]}, thresholds),
      replicas,
      nodes: [{address: 'a', dc: 'dc1', state: 'UP'}],
      hintsAvailable: true,
      hintsFor: new Map(),
      schema: agreed,
      gossip: [],
      gossipAvailable: true,
    })
    expect(verdict).toEqual({status: 'OK', reasons: [], notes: []})
  })

  it('says a DOWN replica is unreachable, a DOWN non-replica is CRITICAL, and lists pending hints, split gossip and missing tables', () => {
    const replicas = new Map<string, CanaryReplica>([['a', {address: 'a', dc: 'dc1', rack: 'r', state: 'DOWN', samples: [{seenAfterMs: null, error: 'down'}]}]])
    const canary = evaluateCanary({replicas: [...replicas.values()]}, thresholds)
    const verdict = cassandraVerdict({
      canary,
      replicas,
      nodes: [
        {address: 'a', dc: 'dc1', state: 'DOWN'},
        {address: 'b', dc: 'dc2', state: 'DOWN'},
      ],
      hintsAvailable: false,
      hintsFor: new Map([['b', 3]]),
      schema: {...agreed, state: 'WARNING', agreement: false, reason: 'schema disagreement', note: 'schema note'},
      gossip: [{address: 'c', seenDownBy: ['a'], seenUpBy: ['b'], state: 'WARNING'}],
      gossipAvailable: false,
    })
    expect(verdict.status).toBe('CRITICAL')
    expect(canary.replicas.find((r) => r.address === 'a')!.reason).toBe('unreachable: replica is DOWN')
    expect(verdict.reasons.filter((r) => /replica is DOWN/.test(r)).every((r) => r.endsWith(': unreachable: replica is DOWN'))).toBe(true)
    expect(verdict.reasons.slice(-4)).toEqual(['schema disagreement', 'gossip split view: c seen DOWN by a and UP by b', 'node b (dc2) is DOWN', '3 hint file(s) pending for b'])
    expect(verdict.notes).toEqual([
      'system_views.pending_hints is not available (needs Cassandra 4.1+); pending hints not reported',
      'schema note',
      'system_views.gossip_info is not available (needs Cassandra 4.1+); gossip views not reported',
    ])
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {FleetopsError} from '../../../src/core/errors.js'
import {
  type Checkpoint,
  checkResume,
  isRunComplete,
  markUnitDone,
  mergeDoneUnits,
  newCheckpoint,
  parseCheckpoint,
  recordUnitProgress,
  remainingUnits,
  serializeCheckpoint,
  unitPartial,
} from '../../../src/core/lookback/checkpoint.js'
import {DayAggregator} from '../../../src/core/lookback/day-aggregator.js'
import {LatenessProfile} from '../../../src/core/lookback/lateness.js'
import {LateEventLog} from '../../../src/core/lookback/late-events.js'
import {RejectCollector} from '../../../src/core/lookback/rejects.js'
import {computeWindow} from '../../../src/core/lookback/window.js'
import {bucketUnitId, kafkaUnitId, planUnits} from '../../../src/core/lookback/work-units.js'
import {validateJob} from '../../../src/core/lookback/job-spec.js'

const NOW = Date.UTC(2026, 10, 21, 2)
const window = computeWindow({windowDays: 3, asOf: '2026-11-20', timezone: 'UTC', now: NOW})
const shape = {distinct: true, value: true}

function fresh(partitions: number[], startOffset = 100, lengths: number[] = partitions.map(() => 10)): Checkpoint {
  return newCheckpoint({
    runId: 'run-1',
    job: 'dau',
    window,
    startedAtMs: NOW,
    previousRunBoundaryMs: Date.UTC(2026, 10, 20),
    startOffsets: Object.fromEntries(partitions.map((p) => [String(p), String(startOffset)])),
    endOffsets: Object.fromEntries(partitions.map((p, i) => [String(p), String(startOffset + lengths[i])])),
    unitIds: partitions.map(kafkaUnitId),
  })
}

const emptyPartial = () => unitPartial({aggregation: new DayAggregator(shape), late: new LateEventLog(), rejects: new RejectCollector(), lateness: new LatenessProfile('UTC')})

describe('checkpoint lifecycle', () => {
  it('starts with every unit pending and the run frozen at its as-of and write timestamp', () => {
    const cp = fresh([0, 1])
    expect(cp).toMatchObject({asOf: '2026-11-20', days: ['2026-11-18', '2026-11-19', '2026-11-20'], writeTimestampMicros: NOW * 1000, timezone: 'UTC'})
    expect(remainingUnits(cp)).toEqual([
      {unitId: 'kafka/p=0', nextOffset: '100', endOffset: '110'},
      {unitId: 'kafka/p=1', nextOffset: '100', endOffset: '110'},
    ])
    expect(isRunComplete(cp)).toBe(false)
  })

  it('resumes after the last recorded offset, counts only done units, refuses to count a unit twice', () => {
    let cp = fresh([0, 1])
    const partial0 = new DayAggregator(shape)
    partial0.add('2026-11-19', {group: 'g', distinct: '"u"', value: 1})
    cp = recordUnitProgress(cp, 'kafka/p=0', {partial: unitPartial({aggregation: partial0, late: new LateEventLog(), rejects: new RejectCollector(), lateness: new LatenessProfile('UTC')}), lastOffset: '104'})
    expect(remainingUnits(cp)[0]).toMatchObject({unitId: 'kafka/p=0', nextOffset: '105', endOffset: '110'})
    expect(mergeDoneUnits(cp, shape).aggregation.eventCount).toBe(0) // a snapshot is not a result
    cp = markUnitDone(cp, 'kafka/p=1', emptyPartial(), '109')
    expect(() => markUnitDone(cp, 'kafka/p=1', emptyPartial())).toThrow(/already done/)
    expect(() => markUnitDone(cp, 'kafka/p=7', emptyPartial())).toThrow(/not part of run/)
    expect(() => recordUnitProgress(cp, 'kafka/p=0', {partial: emptyPartial(), lastOffset: '110'})).toThrow(/past the snapshot end/)
    expect(remainingUnits(cp).map((u) => u.unitId)).toEqual(['kafka/p=0'])
    cp = markUnitDone(cp, 'kafka/p=0', unitPartial({aggregation: partial0, late: new LateEventLog(), rejects: new RejectCollector(), lateness: new LatenessProfile('UTC')}))
    expect(isRunComplete(cp)).toBe(true)
    expect(mergeDoneUnits(cp, shape)).toMatchObject({doneUnits: 2})
    expect(mergeDoneUnits(cp, shape).aggregation.eventCount).toBe(1)
  })

  it('merges units finished in this process from their live objects to the same result as from their partials', () => {
    const event = fc.record({day: fc.constantFrom(...window.days), group: fc.constantFrom('de', 'fr', ''), distinct: fc.option(fc.constantFrom('"u1"', '"u2"', '7', '"u3"')), value: fc.option(fc.double({min: -1e6, max: 1e6, noNaN: true})), late: fc.boolean()})
    fc.assert(
      fc.property(fc.array(fc.array(event, {maxLength: 30}), {minLength: 3, maxLength: 3}), fc.array(fc.boolean(), {minLength: 3, maxLength: 3}), (units, isLive) => {
        let cp = fresh([0, 1, 2])
        const live = new Map<string, {aggregation: DayAggregator; late: LateEventLog; rejects: RejectCollector; lateness: LatenessProfile}>()
        units.forEach((events, p) => {
          const pieces = {aggregation: new DayAggregator(shape), late: new LateEventLog(), rejects: new RejectCollector(), lateness: new LatenessProfile('UTC')}
          for (const e of events) {
            pieces.aggregation.add(e.day, {group: e.group, distinct: e.distinct, value: e.value}, e.late)
            const dayStart = Date.parse(`${e.day}T00:00:00Z`)
            pieces.lateness.add(e.day, {day: e.day, endMs: dayStart + 86_400_000}, dayStart + 1000, dayStart + (e.late ? 2 * 86_400_000 : 5000))
            if (e.late) pieces.late.add({ref: {kind: 'kafka', topic: 't', partition: p, offset: String(events.indexOf(e))}, day: e.day, group: e.group, eventMs: 0, arrivalMs: 1})
          }
          if (events.length % 2 === 1) pieces.rejects.add('bad-value', 'x')
          cp = markUnitDone(cp, `kafka/p=${p}`, unitPartial(pieces))
          if (isLive[p]) live.set(`kafka/p=${p}`, pieces)
        })
        const fromPartials = mergeDoneUnits(cp, shape)
        const fromLive = mergeDoneUnits(cp, shape, live)
        // Rows, not toState(): an exact sum's partials may be split differently for the same exact value.
        expect(fromLive.aggregation.rows('dau')).toEqual(fromPartials.aggregation.rows('dau'))
        expect(fromLive.aggregation.outOfWindow).toEqual(fromPartials.aggregation.outOfWindow)
        expect(fromLive.late.toState()).toEqual(fromPartials.late.toState())
        expect(fromLive.rejects.toState()).toEqual(fromPartials.rejects.toState())
        expect(fromLive.lateness.toState()).toEqual(fromPartials.lateness.toState())
        expect(fromLive.lateness.windowAdvice().lateEvents).toBe(units.flat().filter((e) => e.late).length)
        expect(fromLive.doneUnits).toBe(3)
      }),
      {numRuns: 100},
    )
  })

  it('round-trips through its serialised form and rejects corrupt files', () => {
    let cp = fresh([3])
    cp = markUnitDone(cp, 'kafka/p=3', emptyPartial(), '105')
    expect(parseCheckpoint(serializeCheckpoint(cp))).toEqual(cp)
    const text = serializeCheckpoint(cp)
    for (const bad of ['nope', '{}', text.replace('"version":1', '"version":2'), text.replace('"105"', '"-1"'), text.replace('"state":"done"', '"state":"running"')]) {
      expect(() => parseCheckpoint(bad)).toThrow(FleetopsError)
    }
  })

  it('--resume must name the same job and as-of', () => {
    const cp = fresh([0])
    expect(() => checkResume(cp, {job: 'dau'})).not.toThrow()
    expect(() => checkResume(cp, {job: 'dau', asOf: '2026-11-20'})).not.toThrow()
    expect(() => checkResume(cp, {job: 'dau', asOf: '2026-11-21'})).toThrow(/drop --as-of 2026-11-21/)
    expect(() => checkResume(cp, {job: 'other'})).toThrow(/belongs to job "dau"/)
  })

  it('plans Kafka units per partition and Cassandra units per day and bucket', () => {
    const kafkaJob = validateJob({name: 'k', source: {kafka: {topic: 't'}}, window: '3d', sink: {keyspace: 'm', table: 'a'}})
    expect(planUnits(kafkaJob, window, [2, 0, 1, 0])).toEqual(['kafka/p=0', 'kafka/p=1', 'kafka/p=2'])
    const cassandraJob = validateJob({
      name: 'c',
      source: {cassandra: {keyspace: 'k', table: 't', dayColumn: 'day', bucketColumn: 'b', buckets: 2, timeColumn: 'ts'}},
      window: '3d',
      sink: {keyspace: 'm', table: 'a'},
    })
    expect(planUnits(cassandraJob, window)).toEqual(
      ['2026-11-18', '2026-11-19', '2026-11-20'].flatMap((d) => [bucketUnitId(d, 0), bucketUnitId(d, 1)]),
    )
  })
})

interface Rec {
  day: string
  group: string
  distinct: string | null
  value: number | null
}
const recArb = fc.record({
  day: fc.constantFrom(...window.days),
  group: fc.constantFrom('a', 'b'),
  distinct: fc.constantFrom('"u1"', '"u2"', '"bad"', null),
  value: fc.option(fc.integer({min: -100, max: 100}).map((n) => n / 8), {nil: null}),
})

describe('checkpoint resume property', () => {
  it('crashes at arbitrary points, resumes from the saved checkpoint, and counts every record exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(recArb, {maxLength: 12}), {minLength: 1, maxLength: 4}),
        fc.array(fc.nat(15), {maxLength: 6}),
        fc.integer({min: 1, max: 4}),
        (partitions, crashPoints, snapshotEvery) => {
          const START = 1000
          const ids = partitions.map((_, p) => p)
          let saved = serializeCheckpoint(fresh(ids, START, partitions.map((r) => r.length)))
          const crashes = [...crashPoints]
          // Each attempt: load the saved checkpoint, work until done or crash; only what was saved survives.
          for (let attempt = 0; attempt < 50; attempt++) {
            let cp = parseCheckpoint(saved)
            const todo = remainingUnits(cp)
            if (todo.length === 0) break
            let budget = crashes.shift() ?? Infinity
            for (const unit of todo) {
              const p = Number(unit.unitId.split('=')[1])
              const agg = unit.partial ? DayAggregator.fromState(unit.partial.aggregation) : new DayAggregator(shape)
              const rejects = unit.partial ? RejectCollector.fromState(unit.partial.rejects) : new RejectCollector()
              const late = unit.partial ? LateEventLog.fromState(unit.partial.late) : new LateEventLog()
              let offset = Number(unit.nextOffset)
              const end = Number(unit.endOffset)
              let crashed = false
              while (offset < end) {
                if (budget-- <= 0) {
                  crashed = true
                  break
                }
                const r = partitions[p][offset - START]
                if (r.distinct === '"bad"') rejects.add('bad-distinct', 'bad', {kind: 'kafka', topic: 't', partition: p, offset: String(offset)})
                else agg.add(r.day, r)
                if ((offset - START + 1) % snapshotEvery === 0 && offset + 1 < end) {
                  cp = recordUnitProgress(cp, unit.unitId, {partial: unitPartial({aggregation: agg, late: late, rejects: rejects, lateness: new LatenessProfile('UTC')}), lastOffset: String(offset)})
                  saved = serializeCheckpoint(cp)
                }
                offset++
              }
              if (crashed) break
              cp = markUnitDone(cp, unit.unitId, unitPartial({aggregation: agg, late: late, rejects: rejects, lateness: new LatenessProfile('UTC')}), end > START ? String(end - 1) : undefined)
              saved = serializeCheckpoint(cp)
            }
          }
          const final = parseCheckpoint(saved)
          expect(isRunComplete(final)).toBe(true)
          const merged = mergeDoneUnits(final, shape)
          const all = partitions.flat()
          const expected = new DayAggregator(shape)
          for (const r of all) if (r.distinct !== '"bad"') expected.add(r.day, r)
          expect(merged.aggregation.rows('j')).toEqual(expected.rows('j'))
          expect(merged.rejects.total).toBe(all.filter((r) => r.distinct === '"bad"').length)
          expect(merged.doneUnits).toBe(partitions.length)
        },
      ),
      {numRuns: 200},
    )
  })
})

describe('checkpoint: previous-run facts and incomplete days survive a round trip', () => {
  it('keeps previousEndOffsets, previousRunStartedAtMs and incompleteDays', () => {
    const window = computeWindow({windowDays: 3, asOf: '2026-11-20', timezone: 'UTC', now: Date.UTC(2026, 10, 22)})
    const cp = newCheckpoint({
      runId: 'r1',
      job: 'j',
      window,
      startedAtMs: Date.UTC(2026, 10, 21, 1),
      previousRunBoundaryMs: Date.UTC(2026, 10, 20),
      previousEndOffsets: {'0': '10'},
      previousRunStartedAtMs: Date.UTC(2026, 10, 20, 1),
      incompleteDays: ['2026-11-18'],
      unitIds: ['kafka/p=0'],
    })
    const back = parseCheckpoint(serializeCheckpoint(cp))
    expect(back.previousEndOffsets).toEqual({'0': '10'})
    expect(back.previousRunStartedAtMs).toBe(Date.UTC(2026, 10, 20, 1))
    expect(back.incompleteDays).toEqual(['2026-11-18'])
    expect(() => parseCheckpoint(serializeCheckpoint({...cp, incompleteDays: ['1999-01-01']}))).toThrow(/bad incomplete days/)
  })
})

/**
 * Records of a Kafka batch that could not be decompressed are counted rejects (with an
 * example), never silently missing from the run's totals, and they survive a checkpoint.
 */
import {describe, expect, it} from 'vitest'

import {parseJobText} from '../../../src/core/lookback/job-text.js'
import {validateJob} from '../../../src/core/lookback/job-spec.js'
import {computeWindow} from '../../../src/core/lookback/window.js'
import {UnitAccumulator} from '../../../src/services/lookback/unit-accumulator.js'

const job = validateJob(
  parseJobText(
    JSON.stringify({name: 'j', source: {kafka: {topic: 't', eventTimeField: 'ts'}}, window: '2d', timezone: 'UTC', groupBy: 'c', sink: {keyspace: 'k', table: 't'}}),
    'job.json',
  ),
)
const window = computeWindow({windowDays: 2, asOf: '2026-11-15', timezone: 'UTC', now: Date.UTC(2026, 10, 20)})
const ref = () => ({kind: 'kafka' as const, topic: 't', partition: 0, offset: '3'})

describe('UnitAccumulator.addUnreadable', () => {
  it('counts every record of an undecodable batch as an undecodable-batch reject and an event read', () => {
    const acc = new UnitAccumulator(job, window, null)
    acc.addUnreadable(4, 'offsets 3-6: lz4 batch could not be decompressed: bad frame', ref)
    acc.addUnreadable(0, 'nothing', ref)
    expect(acc.events).toBe(4)
    expect(acc.rejects.count('undecodable-batch')).toBe(4)
    expect(acc.rejects.exampleList()).toEqual([{reason: 'undecodable-batch', detail: 'offsets 3-6: lz4 batch could not be decompressed: bad frame', ref: ref()}])
    const resumed = new UnitAccumulator(job, window, null, JSON.parse(JSON.stringify(acc.partial())))
    expect(resumed.rejects.count('undecodable-batch')).toBe(4)
  })
})

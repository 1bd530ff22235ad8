import {describe, expect, it} from 'vitest'

import {bucketStatus, gapBuckets, jobBucketsOfDays, writtenBucketStates} from '../../../src/core/lookback/bucket-status.js'
import {jobFingerprint} from '../../../src/core/lookback/job-fingerprint.js'
import {validateLookbackJob} from '../../../src/core/lookback/job-spec.js'
import {LatenessProfile} from '../../../src/core/lookback/lateness.js'
import {computeWindow, rangeWindow} from '../../../src/core/lookback/window.js'

const measuresJob = (extra: Record<string, unknown> = {}) =>
  validateLookbackJob({
    name: 'orders_hourly',
    source: {kafka: {topic: 'orders', eventTimeField: 'ts'}},
    window: '3d',
    timezone: 'America/New_York',
    granularity: 'hour',
    where: {status: 'paid'},
    dimensions: ['country', 'device.os'],
    measures: {orders: 'count', revenue: {sum: 'amount'}},
    sink: {keyspace: 'ks', table: 'orders_hourly'},
    ...extra,
  })

describe('bucket status', () => {
  it('lists 25 hour buckets for the DST-end day, and classifies written, early and never-written buckets', () => {
    const job = measuresJob()
    const days = ['2026-10-31', '2026-11-01']
    const buckets = jobBucketsOfDays(job, days)
    expect(buckets).toHaveLength(49)
    const window = computeWindow({windowDays: 2, asOf: '2026-11-01', timezone: job.timezone, now: Date.parse('2026-11-02T12:00:00Z')})
    // A run that started at 2026-11-01 12:00 local (16:00Z): the morning's hours are over, the rest are not.
    const runStart = Date.parse('2026-11-01T17:00:00Z')
    const written = writtenBucketStates({job, window, buckets: buckets.slice(24), rows: [{bucket: buckets[30]!, events: 4}, {bucket: buckets[30]!, events: 2}], runId: 'r1', runStartedAtMs: runStart, lateness: new LatenessProfile(job.timezone)})
    const lines = bucketStatus(job, days, written)
    expect(lines.filter((l) => l.state === 'missing')).toHaveLength(24)
    expect(lines.find((l) => l.bucket === buckets[30])).toMatchObject({state: 'complete', rows: 2, events: 6, lastRunId: 'r1', day: '2026-11-01'})
    // 2026-11-01 00:00 EDT = 04:00Z; the hour ending at 17:00Z is the last complete one (hours 04Z..16Z: 13 buckets).
    expect(lines.filter((l) => l.state === 'complete').map((l) => l.bucket)).toEqual(buckets.slice(24, 37))
    expect(gapBuckets(lines)).toEqual([...buckets.slice(0, 24), ...buckets.slice(37)])
  })

  it('daily and legacy jobs have one bucket per day', () => {
    expect(jobBucketsOfDays(measuresJob({granularity: 'day'}), ['2026-11-01', '2026-11-02'])).toEqual(['2026-11-01', '2026-11-02'])
  })
})

describe('rangeWindow', () => {
  const now = Date.parse('2026-11-21T06:00:00Z')
  it('covers --from .. --to inclusive', () => {
    expect(rangeWindow({from: '2026-10-30', to: '2026-11-02', timezone: 'UTC', now}).days).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02'])
  })
  it('refuses reversed, oversized, future and malformed ranges with the flag names', () => {
    expect(() => rangeWindow({from: '2026-11-02', to: '2026-11-01', timezone: 'UTC', now})).toThrow(/--from 2026-11-02 is after --to 2026-11-01/)
    expect(() => rangeWindow({from: '2024-11-01', to: '2026-11-01', timezone: 'UTC', now})).toThrow(/spans 731 days/)
    expect(() => rangeWindow({from: '2026-11-01', to: '2026-12-01', timezone: 'UTC', now})).toThrow(/--to 2026-12-01 is after today/)
    expect(() => rangeWindow({from: '2026-02-30', to: '2026-03-01', timezone: 'UTC', now})).toThrow(/--from/)
  })
})

describe('jobFingerprint', () => {
  it('ignores key order and the window, and changes with what the job computes', () => {
    const a = measuresJob()
    expect(jobFingerprint(a)).toMatch(/^[0-9a-f]{32}$/)
    expect(jobFingerprint(measuresJob({window: '9d'}))).toBe(jobFingerprint(a))
    expect(jobFingerprint(measuresJob({measures: {revenue: {sum: 'amount'}, orders: 'count'}}))).not.toBe(jobFingerprint(a)) // measure order is column order
    expect(jobFingerprint(measuresJob({where: {status: 'shipped'}}))).not.toBe(jobFingerprint(a))
    expect(jobFingerprint(measuresJob({sink: {keyspace: 'ks', table: 'other'}}))).not.toBe(jobFingerprint(a))
    expect(jobFingerprint(measuresJob({dimensions: ['country']}))).not.toBe(jobFingerprint(a))
  })
})

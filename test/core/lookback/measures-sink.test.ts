import {describe, expect, it} from 'vitest'

import {type MeasuresJobSpec, validateLookbackJob} from '../../../src/core/lookback/job-spec.js'
import {type MeasuresSinkRow, diffMeasuresRows, measuresSinkRows} from '../../../src/core/lookback/measures-sink.js'
import {sinkLayout} from '../../../src/core/lookback/sink-layout.js'

function measuresJob(fields: Record<string, unknown>): MeasuresJobSpec {
  const job = validateLookbackJob({name: 'j', source: {kafka: {topic: 't'}}, window: '1d', sink: {keyspace: 'ks', table: 'agg'}, ...fields})
  if (job.shape !== 'measures') throw new Error('expected the measures form')
  return job
}

const layout = sinkLayout(measuresJob({dimensions: ['country', 'device.os'], measures: {orders: 'count', revenue: {sum: 'amount'}}}))
const row = (bucket: string, dims: string[], orders: number, revenue: number | null, late = 0): MeasuresSinkRow => ({bucket, dims, values: {orders, revenue, late_events: late}})

describe('measures sink rows', () => {
  it('maps aggregator rows to columns, late events included', () => {
    expect(measuresSinkRows([{bucket: 'b', dims: ['US', null], events: 2, late: 1, measures: {orders: 2, revenue: null}}], layout)).toEqual([row('b', ['US', ''], 2, null, 1)])
  })

  it('diffs by bucket and dimension values, naming the changed columns', () => {
    const before = [row('b1', ['US', 'ios'], 2, 10), row('b1', ['DE', 'ios'], 1, 5), row('b2', ['US', 'ios'], 1, 1)]
    const after = [row('b1', ['US', 'ios'], 3, 10, 1), row('b1', ['FR', ''], 1, 2), row('b2', ['US', 'ios'], 1, 1)]
    const diff = diffMeasuresRows(layout, before, after)
    expect(diff.unchanged).toBe(1)
    expect(diff.changes.map((c) => [c.kind, c.bucket, c.dimensions])).toEqual([
      ['removed', 'b1', {country: 'DE', device_os: 'ios'}],
      ['added', 'b1', {country: 'FR', device_os: ''}],
      ['changed', 'b1', {country: 'US', device_os: 'ios'}],
    ])
    const changed = diff.changes[2]!
    expect(changed.columns).toEqual(['orders', 'late_events'])
    expect(changed.before).toEqual({orders: 2, revenue: 10, late_events: 0})
    expect(changed.after).toEqual({orders: 3, revenue: 10, late_events: 1})
  })

  it('finds nothing to change when the rows are recomputed identically', () => {
    const rows = [row('b1', ['US', 'ios'], 2, 10)]
    expect(diffMeasuresRows(layout, rows, rows.map((r) => ({...r, values: {...r.values}})))).toEqual({changes: [], unchanged: 1})
  })
})

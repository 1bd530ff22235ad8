import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {diffSinkRows} from '../../../src/core/lookback/sink-diff.js'
import type {SinkRow} from '../../../src/core/lookback/sink-row.js'

const row = (day: string, group: string, events: number, extra: Partial<SinkRow> = {}): SinkRow => ({
  job: 'j',
  day,
  group_key: group,
  events,
  distinct_count: null,
  value_sum: null,
  value_min: null,
  value_max: null,
  late_events: 0,
  ...extra,
})

describe('diffSinkRows', () => {
  it('reports added, changed, removed and unchanged rows per day', () => {
    const before = [row('2026-11-18', 'DE', 5), row('2026-11-18', 'FR', 2), row('2026-11-19', 'DE', 1, {value_sum: 0.1}), row('2026-11-19', 'IT', 4)]
    const after = [row('2026-11-18', 'DE', 5), row('2026-11-19', 'DE', 1, {value_sum: 0.30000000000000004}), row('2026-11-19', 'IT', 4, {late_events: 1}), row('2026-11-20', 'DE', 9)]
    expect(diffSinkRows(before, after)).toEqual({
      days: [
        {day: '2026-11-18', added: [], changed: [], removed: [row('2026-11-18', 'FR', 2)], unchanged: 1},
        {
          day: '2026-11-19',
          added: [],
          changed: [
            {before: before[2], after: after[1], columns: ['value_sum']},
            {before: before[3], after: after[2], columns: ['late_events']},
          ],
          removed: [],
          unchanged: 0,
        },
        {day: '2026-11-20', added: [row('2026-11-20', 'DE', 9)], changed: [], removed: [], unchanged: 0},
      ],
      totals: {added: 1, changed: 2, removed: 1, unchanged: 1},
      deletes: [{job: 'j', day: '2026-11-18', group_key: 'FR'}],
    })
  })

  it('compares floats exactly and refuses duplicate keys', () => {
    expect(diffSinkRows([row('d', 'g', 1, {value_min: 0.1 + 0.2})], [row('d', 'g', 1, {value_min: 0.3})]).totals.changed).toBe(1)
    expect(() => diffSinkRows([row('d', 'g', 1), row('d', 'g', 2)], [])).toThrow(/twice/)
  })

  const keyArb = fc.tuple(fc.constantFrom('2026-11-18', '2026-11-19', '2026-11-20'), fc.constantFrom('', 'a', 'b', 'c', 'd'))
  const rowsArb = fc
    .uniqueArray(fc.tuple(keyArb, fc.integer({min: 0, max: 3}), fc.constantFrom(null, 0.5, 1.5)), {selector: ([k]) => k.join('|'), maxLength: 15})
    .map((items) => items.map(([[day, group], events, sum]) => row(day, group, events, {value_sum: sum})))

  it('matches a brute-force comparison', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, (before, after) => {
        const diff = diffSinkRows(before, after)
        const same = (x: SinkRow, y: SinkRow) => x.day === y.day && x.group_key === y.group_key
        const equalValues = (x: SinkRow, y: SinkRow) => x.events === y.events && x.value_sum === y.value_sum
        const expectedAdded = after.filter((a) => !before.some((b) => same(a, b)))
        const expectedRemoved = before.filter((b) => !after.some((a) => same(a, b)))
        const pairs = after.flatMap((a) => before.filter((b) => same(a, b)).map((b) => [b, a] as const))
        const expectedChanged = pairs.filter(([b, a]) => !equalValues(b, a))
        const sortKey = (r: SinkRow) => `${r.day}|${r.group_key}`
        const flat = <T>(pick: (d: (typeof diff.days)[number]) => T[]) => diff.days.flatMap(pick)
        expect(flat((d) => d.added).map(sortKey).sort()).toEqual(expectedAdded.map(sortKey).sort())
        expect(flat((d) => d.removed).map(sortKey).sort()).toEqual(expectedRemoved.map(sortKey).sort())
        expect(flat((d) => d.changed).map((c) => sortKey(c.after)).sort()).toEqual(expectedChanged.map(([, a]) => sortKey(a)).sort())
        expect(diff.totals.unchanged).toBe(pairs.length - expectedChanged.length)
        expect(diff.deletes.map((k) => `${k.day}|${k.group_key}`).sort()).toEqual(expectedRemoved.map(sortKey).sort())
        for (const d of diff.days) {
          for (const r of [...d.added, ...d.removed]) expect(r.day).toBe(d.day)
          for (const c of d.changed) expect(c.columns.length).toBeGreaterThan(0)
        }
        expect(diff.days.map((d) => d.day)).toEqual([...new Set([...before, ...after].map((r) => r.day))].sort())
      }),
      {numRuns: 300},
    )
  })

  it('diffing rows against themselves changes nothing', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const diff = diffSinkRows(rows, [...rows].reverse())
        expect(diff.totals).toEqual({added: 0, changed: 0, removed: 0, unchanged: rows.length})
      }),
    )
  })
})

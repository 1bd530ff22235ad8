import {describe, expect, it} from 'vitest'
import {formatNagiosLine, formatPerfdata, lagSummaryLine} from '../../../src/core/lag/perfdata.js'
import {sampleResult, sampleThresholds} from './fixtures.js'

describe('perfdata', () => {
  it('formats label=value[UOM];warn;crit;min;max and trims trailing empty fields', () => {
    expect(
      formatPerfdata([
        {label: 'lag', value: 400, warn: 1000, crit: 5000, min: 0},
        {label: 'time_lag', value: 12, uom: 's', warn: 60, crit: 300, min: 0},
      ]),
    ).toBe('lag=400;1000;5000;0 time_lag=12s;60;300;0')
    expect(formatPerfdata([{label: 'x', value: 1, crit: 5}])).toBe('x=1;;5')
    expect(formatPerfdata([{label: 'x', value: 0.12345, uom: 's'}])).toBe('x=0.123s')
  })

  it('writes unknown values as U, never 0', () => {
    expect(formatPerfdata([{label: 'lag', value: null, warn: 10}])).toBe('lag=U;10')
  })

  it('quotes labels with spaces, = or quotes', () => {
    expect(formatPerfdata([{label: 'consumer lag', value: 5}, {label: "it's", value: 1}, {label: 'a=b', value: 2}])).toBe(
      "'consumer lag'=5 'it''s'=1 'a=b'=2",
    )
  })

  it('keeps the status line on one line without a stray pipe', () => {
    expect(formatNagiosLine('LAG', 'OK', 'a|b\nc', [{label: 'lag', value: 3}])).toBe('LAG OK - a/b c | lag=3')
    expect(formatNagiosLine('LAG', 'UNKNOWN', 'group not found')).toBe('LAG UNKNOWN - group not found')
  })

  it('summarises a lag result and names the worst partitions first', () => {
    expect(lagSummaryLine(sampleResult(), sampleThresholds)).toBe(
      'LAG WARNING - 2 groups; orders-svc/orders-1: lag 300 exceeds warn 250, time lag 12s; ' +
        'orders-svc/payments-0: lag unknown (no committed offset) and no other evidence | lag=400;250;1000;0 time_lag=12s;;;0',
    )
  })
})

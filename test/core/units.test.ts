import {fc, test} from '@fast-check/vitest'
import {describe, expect, it} from 'vitest'

import {FleetopsError} from '../../src/core/errors.js'
import {colourEnabled} from '../../src/output/style.js'
import {formatBytes, formatCount, formatDuration, parseByteRate, parseBytes, parseDuration, parseIdList, parseIntInRange, printable} from '../../src/core/units.js'

describe('parseDuration', () => {
  it('reads single and compound units', () => {
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('10s')).toBe(10_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('3d')).toBe(259_200_000)
  })

  it.each(['', '5', '-5m', '5 minutes', 'm5', '1y', '5m;rm -rf /', '０5m'])('rejects %j with exit 2', (text) => {
    try {
      parseDuration(text, '--interval')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(FleetopsError)
      expect((error as FleetopsError).exit).toBe(2)
      expect((error as FleetopsError).message).toMatch(/--interval/)
      expect((error as FleetopsError).message).not.toMatch(/\n/)
    }
  })

  it('rejects zero unless allowed, and absurd lengths', () => {
    expect(() => parseDuration('0s')).toThrow(/greater than zero/)
    expect(parseDuration('0s', 'x', {allowZero: true})).toBe(0)
    expect(() => parseDuration('400d')).toThrow(/longer than a year/)
  })

  test.prop([fc.integer({min: 1, max: 2_000}), fc.constantFrom('ms', 's', 'm', 'h')])('is additive over compound specs', (n, unit) => {
    expect(parseDuration(`${n}${unit}${n}${unit}`)).toBe(2 * parseDuration(`${n}${unit}`))
  })
})

describe('byte sizes and rates', () => {
  it('reads decimal and binary units', () => {
    expect(parseBytes('1234')).toBe(1234)
    expect(parseBytes('50MB')).toBe(50_000_000)
    expect(parseBytes('1.5KiB')).toBe(1536)
    expect(parseByteRate('50MB/s')).toBe(50_000_000)
  })
  it('rejects nonsense and tiny rates', () => {
    expect(() => parseBytes('fifty')).toThrow(FleetopsError)
    expect(() => parseByteRate('10B/s')).toThrow(/below 1KB/)
  })
  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB')
  })
})

describe('ids and ranges', () => {
  it('parses id lists and refuses duplicates', () => {
    expect(parseIdList('4, 5', '--add-brokers')).toEqual([4, 5])
    expect(() => parseIdList('4,4', '--add-brokers')).toThrow(/lists 4 twice/)
    expect(() => parseIdList('', '--add-brokers')).toThrow(/empty/)
    expect(() => parseIdList('1,x', '--add-brokers')).toThrow(/not a whole number/)
  })
  it('bounds integers', () => {
    expect(parseIntInRange('7', 'n', 1, 9)).toBe(7)
    expect(() => parseIntInRange('0', 'n', 1, 9)).toThrow(/between 1 and 9/)
    expect(() => parseIntInRange('1e3', 'n', 1, 9)).toThrow(/whole number/)
  })
})

describe('printable', () => {
  test.prop([fc.string({unit: 'binary', maxLength: 200})])('never emits control characters or newlines', (s) => {
    const out = printable(s)
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u001f\u007f\u202e]/)
    expect([...out].length).toBeLessThanOrEqual(81)
  })
})

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(999)).toBe('999')
    expect(formatCount(1000)).toBe('1,000')
    expect(formatCount(-1234567.5)).toBe('-1,234,567.5')
  })
  test.prop([fc.integer({min: -1e12, max: 1e12})])('drops back to the number without commas', (n) => {
    expect(Number(formatCount(n).replace(/,/g, ''))).toBe(n)
  })
})

describe('formatDuration', () => {
  it('rounds across unit boundaries instead of showing 60 of the smaller unit', () => {
    expect(formatDuration(3_599_700)).toBe('1h0m')
    expect(formatDuration(119_600)).toBe('2m0s')
    expect(formatDuration(59_960)).toBe('1m0s')
    expect(formatDuration(9_960)).toBe('10s')
    expect(formatDuration(999.6)).toBe('1.0s')
    expect(formatDuration(172_770_000)).toBe('2d0h')
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(9_500)).toBe('9.5s')
    expect(formatDuration(307_000)).toBe('5m7s')
  })

  // Every part below the first is within its unit, and the text reads back within half a shown unit.
  test.prop([fc.double({min: 0, max: 1e10, noNaN: true})])('never shows a full unit in the smaller part, and stays close', (ms) => {
    const text = formatDuration(ms)
    const m = /^(?:(\d+)ms|(\d+\.\d)s|(\d+)s|(\d+)m(\d+)s|(\d+)h(\d+)m|(\d+)d(\d+)h)$/.exec(text)
    expect(m, text).not.toBeNull()
    const [, msPart, tenths, s, mm, ss, h, hm, d, dh] = m!
    let value: number
    let unit: number
    if (msPart !== undefined) [value, unit] = [Number(msPart), 1]
    else if (tenths !== undefined) [value, unit] = [Number(tenths) * 1000, 100]
    else if (s !== undefined) [value, unit] = [Number(s) * 1000, 1000]
    else if (mm !== undefined) {
      expect(Number(ss)).toBeLessThan(60)
      ;[value, unit] = [(Number(mm) * 60 + Number(ss)) * 1000, 1000]
    } else if (h !== undefined) {
      expect(Number(hm)).toBeLessThan(60)
      ;[value, unit] = [(Number(h) * 60 + Number(hm)) * 60_000, 60_000]
    } else {
      expect(Number(dh)).toBeLessThan(24)
      ;[value, unit] = [(Number(d) * 24 + Number(dh)) * 3_600_000, 3_600_000]
    }
    expect(Math.abs(value - ms)).toBeLessThanOrEqual(unit / 2 + 1e-6 * ms)
  })
})

describe('colourEnabled', () => {
  const tty = {isTTY: true}
  const pipe = {isTTY: false}
  it('NO_COLOR wins, FORCE_COLOR=1 colours a pipe, FORCE_COLOR=0 silences a TTY', () => {
    expect(colourEnabled(pipe, {})).toBe(false)
    expect(colourEnabled(tty, {})).toBe(true)
    expect(colourEnabled(pipe, {FORCE_COLOR: '1'})).toBe(true)
    expect(colourEnabled(tty, {FORCE_COLOR: '0'})).toBe(false)
    expect(colourEnabled(tty, {FORCE_COLOR: 'false'})).toBe(false)
    expect(colourEnabled(tty, {NO_COLOR: '1'})).toBe(false)
    expect(colourEnabled(pipe, {NO_COLOR: '1', FORCE_COLOR: '1'})).toBe(false)
    expect(colourEnabled(tty, {TERM: 'dumb'})).toBe(false)
    expect(colourEnabled(pipe, {TERM: 'dumb', FORCE_COLOR: '1'})).toBe(true)
  })
})

/**
 * Plain-text tables and bars for human output. Width is measured without ANSI
 * escapes so coloured cells still line up.
 */
// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g

function width(text: string): number {
  return [...text.replace(ansi, '')].length
}

export interface Column<T> {
  header: string
  get: (row: T) => string | number | null | undefined
  align?: 'left' | 'right'
}

export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => {
    const v = c.get(r)
    return v === null || v === undefined ? '-' : String(v)
  }))
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((row) => width(row[i]))))
  const pad = (text: string, i: number): string => {
    const gap = ' '.repeat(widths[i] - width(text))
    return columns[i].align === 'right' ? gap + text : text + gap
  }
  const lines = [columns.map((c, i) => pad(c.header, i)).join('  ').trimEnd()]
  for (const row of cells) lines.push(row.map((cell, i) => pad(cell, i)).join('  ').trimEnd())
  return lines.join('\n')
}

/** A horizontal bar scaled so that `max` fills `size` characters. */
export function bar(value: number, max: number, size = 30): string {
  if (!(max > 0) || !(value > 0)) return ''
  const cells = Math.max(0, Math.min(size, (value / max) * size))
  const full = Math.floor(cells)
  const part = cells - full
  const partial = part >= 0.75 ? '▊' : part >= 0.5 ? '▌' : part >= 0.25 ? '▎' : ''
  return '█'.repeat(full) + partial
}

export function percent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '-'
  return `${(fraction * 100).toFixed(digits)}%`
}

/**
 * JSON.stringify(value, null, 2) in pieces, byte for byte the same text, for documents too large
 * for one string: a plan of 2,000,000 partitions is over V8's string limit (~512 MB) when pretty-
 * printed, which made JSON.stringify fail with "Invalid string length". Containers are walked
 * (our own output: a few levels deep), and the pieces are joined into chunks of about chunkChars.
 * With compactRecords, an array's flat records (a partition, a move) are written one per line
 * (JSON.stringify(record)), which keeps a 2,000,000-partition plan file near 200 MB instead of
 * 600 MB, within what can be read back as one string.
 */
export function* jsonChunks(value: unknown, chunkChars = 1 << 20, opts: {compactRecords?: boolean} = {}): Generator<string> {
  let parts: string[] = []
  let size = 0
  for (const piece of pieces(value, '', undefined, opts.compactRecords === true)) {
    parts.push(piece)
    size += piece.length
    if (size >= chunkChars) {
      yield parts.join('')
      parts = []
      size = 0
    }
  }
  if (parts.length > 0) yield parts.join('')
}

/** Small enough to stringify whole: primitives, and arrays of primitives. */
function isLeaf(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  if (!Array.isArray(value) || value.length > 1000) return false
  for (const v of value) if (v !== null && typeof v === 'object') return false
  return true
}

/** A plain object whose values are all leaves, such as a partition {"topic","partition","replicas"}. */
function isFlatRecord(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as {toJSON?: unknown}).toJSON === 'function') return false
  for (const v of Object.values(value)) if (!isLeaf(v)) return false
  return true
}

function* pieces(raw: unknown, pad: string, key: string | undefined, compact: boolean): Generator<string> {
  const value =
    raw !== null && typeof raw === 'object' && typeof (raw as {toJSON?: unknown}).toJSON === 'function'
      ? (raw as {toJSON: (k: string) => unknown}).toJSON(key ?? '')
      : raw
  if (isLeaf(value)) {
    // Indent a stringified leaf as it would be at this depth.
    const text = JSON.stringify(value, null, 2) ?? 'null'
    yield text.includes('\n') ? text.replaceAll('\n', `\n${pad}`) : text
    return
  }
  const inner = `${pad}  `
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]'
      return
    }
    yield '['
    for (let i = 0; i < value.length; i++) {
      yield i === 0 ? `\n${inner}` : `,\n${inner}`
      const v: unknown = value[i]
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null'
      else if (compact && isFlatRecord(v)) yield JSON.stringify(v)
      else yield* pieces(v, inner, String(i), compact)
    }
    yield `\n${pad}]`
    return
  }
  let first = true
  for (const k of Object.keys(value as object)) {
    const v: unknown = (value as Record<string, unknown>)[k]
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
    yield first ? `{\n${inner}${JSON.stringify(k)}: ` : `,\n${inner}${JSON.stringify(k)}: `
    first = false
    yield* pieces(v, inner, k, compact)
  }
  yield first ? '{}' : `\n${pad}}`
}

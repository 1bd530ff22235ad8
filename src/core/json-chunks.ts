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
  // String concatenation (V8 ropes) is cheaper than collecting pieces and joining them.
  let buf = ''
  for (const piece of pieces(value, '', undefined, opts.compactRecords === true)) {
    buf += piece
    if (buf.length >= chunkChars) {
      yield buf
      buf = ''
    }
  }
  if (buf.length > 0) yield buf
}

/** Nodes a value may have for the native JSON.stringify to print it whole (a record, a small list). */
const SMALL_NODES = 4096

/**
 * True when `value` is a plain container of at most SMALL_NODES nodes with no toJSON anywhere at
 * its top (nested toJSON calls get the same keys from the native JSON.stringify as from the walk).
 */
function isSmallContainer(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || typeof (value as {toJSON?: unknown}).toJSON === 'function') return false
  let budget = SMALL_NODES
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (--budget < 0) return false
    if (v === null || typeof v !== 'object') continue
    if (Array.isArray(v)) {
      if (v.length > budget) return false
      for (let i = 0; i < v.length; i++) stack.push(v[i])
    } else {
      const keys = Object.keys(v)
      if (keys.length > budget) return false
      for (const k of keys) stack.push((v as Record<string, unknown>)[k])
    }
  }
  return true
}

/** A partition assignment {topic, partition, replicas} exactly (the bulk of a plan): printed by template. */
interface Assignment {
  topic: string
  partition: number
  replicas: number[]
}

function isAssignment(v: unknown): v is Assignment {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const keys = Object.keys(v)
  if (keys.length !== 3 || keys[0] !== 'topic' || keys[1] !== 'partition' || keys[2] !== 'replicas') return false
  const a = v as Record<string, unknown>
  if (typeof a.topic !== 'string' || !Number.isSafeInteger(a.partition) || !Array.isArray(a.replicas) || typeof a.toJSON === 'function') return false
  for (const r of a.replicas) if (!Number.isSafeInteger(r)) return false
  return true
}

/** JSON.stringify(a, null, 2) indented by `pad`, for an Assignment (integers print as String does). */
function prettyAssignment(a: Assignment, pad: string): string {
  const inner = `${pad}  `
  let s = `{\n${inner}"topic": ${JSON.stringify(a.topic)},\n${inner}"partition": ${String(a.partition)},\n${inner}"replicas": `
  const reps = a.replicas
  if (reps.length === 0) s += '[]'
  else {
    const sep = `,\n${inner}  `
    s += `[\n${inner}  ${String(reps[0])}`
    for (let k = 1; k < reps.length; k++) s += sep + String(reps[k])
    s += `\n${inner}]`
  }
  return `${s}\n${pad}}`
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
      else if (!compact && isAssignment(v)) yield prettyAssignment(v, inner)
      else if (isSmallContainer(v)) {
        // A record of a large list (a partition, a broker row): printed natively, then indented.
        const text = JSON.stringify(v, null, 2)
        yield text.includes('\n') ? text.replaceAll('\n', `\n${inner}`) : text
      } else yield* pieces(v, inner, String(i), compact)
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

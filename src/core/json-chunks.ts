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
  for (const piece of pieces(value, '', undefined, opts.compactRecords === true, chunkChars)) {
    if (typeof piece !== 'string') {
      // Bytes come in chunks of about chunkChars already, ending between records.
      if (buf.length > 0) yield buf
      buf = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8')
    } else buf += piece
    if (buf.length >= chunkChars) {
      yield buf
      buf = ''
    }
  }
  if (buf.length > 0) yield buf
}

/**
 * jsonChunks for writers: the same text as pieces that are strings or UTF-8 bytes. A long list of
 * partition assignments (the bulk of a plan) is printed straight into bytes, with no string per
 * record, which made writing a million-partition plan cost about as much as reading its state.
 */
export function* jsonPieces(value: unknown, chunkChars = 1 << 20, opts: {compactRecords?: boolean} = {}): Generator<string | Uint8Array> {
  let buf = ''
  for (const piece of pieces(value, '', undefined, opts.compactRecords === true, chunkChars)) {
    if (typeof piece !== 'string') {
      if (buf.length > 0) yield buf
      buf = ''
      yield piece
      continue
    }
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

const ASSIGNMENT_KEYS = ['topic', 'partition', 'replicas']

/** A plain object whose own enumerable keys are exactly topic, partition, replicas (in that order), of those types. */
function isAssignment(v: unknown): v is Assignment {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return false
  // for-in (no array of keys per record): with Object.prototype as the prototype, it lists exactly the own enumerable keys.
  let k = 0
  for (const key in v) {
    if (key !== ASSIGNMENT_KEYS[k] || !Object.hasOwn(v, key)) return false
    k++
  }
  if (k !== 3) return false
  const a = v as Record<string, unknown>
  if (typeof a.topic !== 'string' || !Number.isSafeInteger(a.partition) || !Array.isArray(a.replicas)) return false
  const reps = a.replicas as unknown[]
  for (let i = 0; i < reps.length; i++) if (!Number.isSafeInteger(reps[i])) return false
  return true
}

/** Lists at least this long, all assignments, are printed into bytes. */
const BYTES_FROM = 64

function allAssignments(list: readonly unknown[]): list is Assignment[] {
  if (list.length < BYTES_FROM) return false
  for (let i = 0; i < list.length; i++) if (!isAssignment(list[i])) return false
  return true
}

/**
 * A list of assignments exactly as JSON.stringify(list, null, 2) prints it at indentation `pad`
 * (or, compact, one JSON.stringify(record) per line), in chunks of about chunkBytes UTF-8 bytes
 * that always end between records.
 */
function* assignmentListBytes(list: readonly Assignment[], pad: string, compact: boolean, chunkBytes: number): Generator<Uint8Array> {
  const inner = `${pad}  `
  const size = Math.max(chunkBytes, 4096)
  let out = Buffer.allocUnsafe(size)
  let at = 0
  const ascii = (text: string): void => {
    at += out.write(text, at, 'utf8')
  }
  const int = (n: number): void => {
    if (n < 0) {
      out[at++] = 0x2d
      n = -n
    }
    if (n < 10) {
      out[at++] = 0x30 + n
      return
    }
    // Digits written backwards from the end (no string per number).
    let len = 1
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++
    let pos = at + len
    for (let t = n; pos > at; t = Math.floor(t / 10)) out[--pos] = 0x30 + (t % 10)
    at += len
  }
  // The record's opening, up to and including the topic's JSON, cached for the topic in a row.
  let lastTopic: string | null = null
  let head = Buffer.alloc(0)
  const partKey = Buffer.from(compact ? ',"partition":' : `,\n${inner}  "partition": `)
  const repsKey = Buffer.from(compact ? ',"replicas":' : `,\n${inner}  "replicas": `)
  const repSep = Buffer.from(compact ? ',' : `,\n${inner}    `)
  const repOpen = Buffer.from(compact ? '[' : `[\n${inner}    `)
  const repClose = Buffer.from(compact ? ']}' : `\n${inner}  ]\n${inner}}`)
  const emptyClose = Buffer.from(compact ? '[]}' : `[]\n${inner}}`)
  const recordSep = Buffer.from(`,\n${inner}`)
  // A loop: Buffer#copy costs more than it moves for pieces this short.
  const copy = (b: Buffer): void => {
    for (let k = 0; k < b.length; k++) out[at++] = b[k]
  }
  ascii(`[\n${inner}`)
  for (let i = 0; i < list.length; i++) {
    const a = list[i]
    if (a.topic !== lastTopic) {
      lastTopic = a.topic
      head = Buffer.from(compact ? `{"topic":${JSON.stringify(a.topic)}` : `{\n${inner}  "topic": ${JSON.stringify(a.topic)}`)
    }
    const reps = a.replicas
    const need = head.length + 64 + reps.length * (repSep.length + 24) + repClose.length + recordSep.length
    if (at + need > size) {
      yield out.subarray(0, at)
      out = Buffer.allocUnsafe(Math.max(size, need))
      at = 0
    }
    if (i > 0) copy(recordSep)
    copy(head)
    copy(partKey)
    int(a.partition)
    copy(repsKey)
    if (reps.length === 0) copy(emptyClose)
    else {
      copy(repOpen)
      int(reps[0])
      for (let k = 1; k < reps.length; k++) {
        copy(repSep)
        int(reps[k])
      }
      copy(repClose)
    }
  }
  if (at + pad.length + 2 > size) {
    yield out.subarray(0, at)
    out = Buffer.allocUnsafe(size)
    at = 0
  }
  ascii(`\n${pad}]`)
  yield out.subarray(0, at)
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

function* pieces(raw: unknown, pad: string, key: string | undefined, compact: boolean, chunk: number): Generator<string | Uint8Array> {
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
    if (allAssignments(value)) {
      yield* assignmentListBytes(value, pad, compact, chunk)
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
      } else yield* pieces(v, inner, String(i), compact, chunk)
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
    yield* pieces(v, inner, k, compact, chunk)
  }
  yield first ? '{}' : `\n${pad}}`
}

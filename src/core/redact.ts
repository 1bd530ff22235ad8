/**
 * Secrets registry. Every secret fleetops reads (passwords from env, files or
 * profiles) is registered here, and every line fleetops writes (stdout, stderr,
 * JSON, logs, plan and checkpoint files) passes through redact(). This is the
 * last line of defence: code should not put secrets in messages to begin with.
 */
const secrets = new Set<string>()

export function registerSecret(value: string | undefined | null): void {
  // Very short values would redact ordinary words; real secrets are longer.
  if (value && value.length >= 4) secrets.add(value)
}

export function redact(text: string): string {
  let out = text
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***')
  return out
}

/**
 * Deep-redacts a JSON-able value (strings and keys); returns a new value that prints as the same
 * JSON as redacting the printed value would. Plain objects and arrays are walked, not printed: a
 * plan of 2,000,000 partitions printed whole is over V8's largest string ("Invalid string length").
 */
export function redactValue<T>(value: T): T {
  if (secrets.size === 0) return value
  return redactWalk(value) as T
}

function redactWalk(value: unknown): unknown {
  if (typeof value === 'string') return redact(value)
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(redactWalk)
  const proto = Object.getPrototypeOf(value) as unknown
  if ((proto !== Object.prototype && proto !== null) || typeof (value as {toJSON?: unknown}).toJSON === 'function') {
    // Dates, class instances, anything with toJSON: small, and printed exactly as JSON.stringify would.
    const text = JSON.stringify(value)
    return text === undefined ? undefined : (JSON.parse(redact(text)) as unknown)
  }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const k = redact(key)
    const v = redactWalk((value as Record<string, unknown>)[key])
    // A key such as __proto__ stays an own property, as JSON.parse would make it.
    if (k === '__proto__') Object.defineProperty(out, k, {value: v, enumerable: true, writable: true, configurable: true})
    else out[k] = v
  }
  return out
}

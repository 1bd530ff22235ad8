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

/** Deep-redacts a JSON-able value (strings only); returns a new value. */
export function redactValue<T>(value: T): T {
  if (secrets.size === 0) return value
  return JSON.parse(redact(JSON.stringify(value))) as T
}

/** "Did you mean …?" for a mistyped command: the closest command id by edit distance. Pure. */

/** Levenshtein distance (insert, delete, substitute), two rows of memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  let cur = new Array<number>(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    ;[prev, cur] = [cur, prev]
  }
  return prev[b.length]!
}

/**
 * What to tell a user who typed `id` (oclif's "topic:verb:…" form), given the command ids:
 * the longest prefix that is a command (the rest were arguments it does not take), else the
 * closest command within a third of the typed length (at least 2 edits), else nothing.
 */
export function suggestCommand(id: string, commandIds: readonly string[]): {command: string; extra: string[]} | null {
  const known = new Set(commandIds)
  const parts = id.split(':')
  for (let n = parts.length - 1; n > 0; n--) {
    const prefix = parts.slice(0, n).join(':')
    if (known.has(prefix)) return {command: prefix, extra: parts.slice(n)}
  }
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of [...commandIds].sort()) {
    const d = editDistance(id, candidate)
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  if (best === null || bestDistance > Math.max(2, Math.floor(id.length / 3))) return null
  return {command: best, extra: []}
}

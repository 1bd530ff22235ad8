/**
 * Strings for short ASCII byte runs, reused across records. The look-back hot loop reads the
 * same few thousand group and distinct keys millions of times: handing back the string made
 * the first time (its hash already computed and cached by V8) turns each Map or Set lookup into
 * a pointer comparison and saves an allocation per key. The cache is direct-mapped with a fixed
 * number of slots, so high-cardinality keys cost a miss each (a fresh string, as before) and
 * memory never grows with the data.
 */
export class AsciiStrings {
  private readonly slots: (string | undefined)[]
  private readonly mask: number

  constructor(bits = 16) {
    this.slots = new Array<string | undefined>(1 << bits).fill(undefined)
    this.mask = (1 << bits) - 1
  }

  /** Bytes [start, end) of `b`, all ASCII, as a string. */
  get(b: Uint8Array, start: number, end: number): string {
    let h = 0x811c9dc5
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
    const slot = (h ^ (h >>> 16)) & this.mask
    const known = this.slots[slot]
    if (known !== undefined && known.length === end - start) {
      let same = true
      for (let i = start; i < end; i++) {
        if (known.charCodeAt(i - start) !== b[i]) {
          same = false
          break
        }
      }
      if (same) return known
    }
    const fresh = asciiText(b, start, end)
    this.slots[slot] = fresh
    return fresh
  }
}

/** Bytes [start, end) known to be ASCII, as a string. */
export function asciiText(b: Uint8Array, start: number, end: number): string {
  // Short keys (user ids, country codes) are the common case: one call, no concatenation.
  switch (end - start) {
    case 0:
      return ''
    case 1:
      return String.fromCharCode(b[start]!)
    case 2:
      return String.fromCharCode(b[start]!, b[start + 1]!)
    case 3:
      return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!)
    case 4:
      return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!, b[start + 3]!)
    default: {
      let out = ''
      for (let i = start; i < end; i++) out += String.fromCharCode(b[i]!)
      return out
    }
  }
}

/**
 * Which user regular expressions fleetops runs (--topics, --exclude-topics, --group-regex).
 * JavaScript's engine backtracks, so a pattern such as `(a+)+$` takes exponential time on a
 * near-miss and `.*.*.*x` polynomial time; both would hang a command on an ordinary topic list.
 * A pattern is accepted only when none of these can happen, by syntax alone:
 *  - at most MAX_REGEX_LENGTH characters;
 *  - no backreferences (`\1`, `\k<name>`) and no lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`);
 *  - no repeated group (`*`, `+`, `{n,}`, `{n,m}` with m > 1) that contains a quantifier or an
 *    alternation `|` (nested quantifiers and overlapping alternatives are the exponential cases);
 *  - at most MAX_UNBOUNDED_QUANTIFIERS unbounded quantifiers (`*`, `+`, `{n,}`) in all;
 *  - counted repetitions `{n,m}` up to MAX_REPEAT.
 * Ordinary filters (`^orders$`, `^(payments|billing)-.*`, `\.dlq$`, `^[a-z]+-v[0-9]+$`) pass.
 * Returns why the pattern is refused, or null when it is safe. Linear in the pattern's length.
 */
export const MAX_REGEX_LENGTH = 256
export const MAX_UNBOUNDED_QUANTIFIERS = 2
export const MAX_REPEAT = 1000

interface Group {
  quantified: boolean
  alternation: boolean
}

export function unsafeRegexReason(source: string): string | null {
  if (source.length > MAX_REGEX_LENGTH) return `it is longer than ${MAX_REGEX_LENGTH} characters`
  const stack: Group[] = [{quantified: false, alternation: false}]
  /** What the next quantifier applies to: a closed group, or any other atom (null). */
  let last: Group | null | undefined // undefined: nothing to quantify yet
  let unbounded = 0
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') {
      const next = source[i + 1]
      if (next !== undefined && next >= '1' && next <= '9') return 'backreferences (\\1) are not allowed'
      if (next === 'k' && source[i + 2] === '<') return 'backreferences (\\k<name>) are not allowed'
      i++
      last = null
    } else if (c === '[') {
      // A character class is one atom; quantifier characters inside it are literal.
      let j = i + 1
      if (source[j] === '^') j++
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1
      i = j
      last = null
    } else if (c === '(') {
      if (/^\(\?<?[=!]/.test(source.slice(i, i + 4))) return 'lookarounds ((?=, (?!, (?<=, (?<!) are not allowed'
      stack.push({quantified: false, alternation: false})
      last = undefined
    } else if (c === ')') {
      const group = stack.length > 1 ? stack.pop()! : {quantified: false, alternation: false}
      const parent = stack[stack.length - 1]
      if (group.quantified) parent.quantified = true
      last = group
    } else if (c === '|') {
      stack[stack.length - 1].alternation = true
      last = undefined
    } else if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))) {
      let min = 0
      let max = Infinity
      if (c === '+') min = 1
      else if (c === '?') max = 1
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i))!
        min = Number(m[1])
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) return `counted repetitions above {${MAX_REPEAT}} are not allowed`
        i += m[0].length - 1
      }
      if (source[i + 1] === '?') i++ // lazy modifier
      if (max === Infinity && ++unbounded > MAX_UNBOUNDED_QUANTIFIERS) {
        return `more than ${MAX_UNBOUNDED_QUANTIFIERS} unbounded quantifiers (*, +, {n,}) can take polynomial time`
      }
      if (last && max > 1 && (last.quantified || last.alternation)) {
        return 'a repeated group that contains a quantifier or "|" (e.g. (a+)+ or (a|b)*) can take exponential time; use a character class such as [ab]+'
      }
      stack[stack.length - 1].quantified = true
      last = null
    } else {
      last = null
    }
  }
  return null
}

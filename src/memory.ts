import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/**
 * A full garbage collection, asked for between the pages of a long sweep. V8 lets the old
 * generation fill with a sweep's garbage (records, responses, judged pages already written)
 * for as long as the heap limit allows, so without this the peak memory of a lag sweep grew
 * with the number of groups although only two pages are ever live. Collecting after each page
 * bounds the peak by one page's garbage; it costs a few milliseconds per page (the live heap is
 * small). Node offers `gc` only with --expose-gc, which a CLI cannot pass to itself: the flag is
 * set at run time, and the function taken from a new context, where V8 installs it then.
 */
let collect: (() => void) | null | undefined

export function collectGarbage(): void {
  if (collect === undefined) collect = gcFunction()
  collect?.()
}

function gcFunction(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}

/**
 * Keeps V8's young generation at its starting size for the rest of the process (worker threads
 * included: V8's flags are the process's). V8 doubles it while a long run allocates (up to
 * 16 MiB a semi-space, 3 of them) and does not give the memory back, so a lag sweep of 1,000
 * groups peaked 40 MiB above one of 200 although both hold two pages at a time. The flag is
 * read whenever V8 considers growing. A small young generation is scavenged while it is in the
 * CPU's caches: the look-back run, which allocates short-lived objects per record, read faster
 * with it. Set by the process's one long-running command (a lag sweep, a look-back run).
 */
export function keepYoungGenerationSmall(): void {
  try {
    setFlagsFromString('--semi-space-growth-factor=1')
  } catch {
    // An unknown flag (another engine version): memory grows as before.
  }
}

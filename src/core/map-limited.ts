/**
 * Runs `fn` over `items` with at most `limit` calls in flight, and returns the results in the
 * items' order. The first rejection rejects the whole call (calls already started still run to
 * their end; none is started after it). Fan-outs to brokers and Cassandra use it so that a
 * thousand groups or partitions never open a thousand requests at once.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`mapLimited: limit must be a positive integer, got ${limit}`)
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index]!, index)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}

/** `items` cut into consecutive pages of `size` (the last may be shorter), in order. */
export function pagesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pagesOf: size must be a positive integer, got ${size}`)
  const pages: T[][] = []
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size))
  return pages
}

/**
 * Hands values over in their index order (0, 1, 2, ...) as they arrive in any order, e.g. the
 * pages of a mapLimited fan-out: a value waits only until those before it have arrived.
 */
export class InOrder<T> {
  private next = 0
  private readonly waiting = new Map<number, T>()

  constructor(private readonly emit: (value: T, index: number) => void) {}

  put(index: number, value: T): void {
    if (!Number.isInteger(index) || index < this.next || this.waiting.has(index)) throw new RangeError(`InOrder: index ${index} was already handed over or is not a whole number`)
    this.waiting.set(index, value)
    for (let v = this.waiting.get(this.next); this.waiting.has(this.next); v = this.waiting.get(this.next)) {
      this.waiting.delete(this.next)
      this.emit(v as T, this.next++)
    }
  }
}

/**
 * balanceLeaders (leaders.ts) on flat replica lists: partition p's replicas are
 * `reps[start[p] .. start[p+1])`. Same algorithm (direct hand-overs first, then augmenting paths in
 * the "u leads a partition that v also holds" graph, so the result is balanced whenever any
 * assignment is), but nothing is built per partition: a partition for a hand-over u → v is found
 * through u's partitions grouped by leader with one forward cursor per broker pair (whether v
 * holds p never changes here, and a partition u regains is kept on a short list of its own).
 * When every eligible broker is already within [⌊P/n⌋, ⌈P/n⌉], it returns at once.
 *
 * `parts` lists the partitions to balance. Returns the number of hand-overs applied.
 */
export function balanceLeadersFlat(start: Int32Array, reps: Int32Array, parts: Int32Array, brokerCount: number, eligible: Uint8Array): number {
  const n = brokerCount
  const brokers: number[] = []
  for (let b = 0; b < n; b++) if (eligible[b]) brokers.push(b)
  const P = parts.length
  if (brokers.length === 0 || P === 0) return 0
  const lower = Math.floor(P / brokers.length)
  const upper = Math.ceil(P / brokers.length)
  const leaders = new Int32Array(n)
  for (let i = 0; i < P; i++) leaders[reps[start[parts[i]]]]++
  let balanced = true
  for (const b of brokers) if (leaders[b] < lower || leaders[b] > upper) balanced = false
  if (balanced) return 0

  const holds = (p: number, v: number): number => {
    for (let k = start[p]; k < start[p + 1]; k++) if (reps[k] === v) return k
    return -1
  }
  // edges[u*n+v]: partitions led by u that v also holds (both eligible).
  const edges = new Int32Array(n * n)
  const edgeDelta = (p: number, delta: number): void => {
    const u = reps[start[p]]
    if (!eligible[u]) return
    for (let k = start[p] + 1; k < start[p + 1]; k++) if (eligible[reps[k]]) edges[u * n + reps[k]] += delta
  }
  // Partitions grouped by their leader at the start.
  const ledStart = new Int32Array(n + 1)
  for (let i = 0; i < P; i++) ledStart[reps[start[parts[i]]] + 1]++
  for (let b = 0; b < n; b++) ledStart[b + 1] += ledStart[b]
  const fill = ledStart.slice(0, n)
  const led = new Int32Array(P)
  for (let i = 0; i < P; i++) {
    const p = parts[i]
    led[fill[reps[start[p]]]++] = p
    edgeDelta(p, 1)
  }
  // cursor[u*n+v] - 1: where the search for a partition u leads and v holds resumes (0: not started).
  const cursor = new Int32Array(n * n)
  const regained: number[][] = Array.from({length: n}, () => [])

  let changes = 0
  const swap = (p: number, u: number, v: number, at: number): void => {
    edgeDelta(p, -1)
    reps[at] = u
    reps[start[p]] = v
    edgeDelta(p, 1)
    leaders[u]--
    leaders[v]++
    regained[v].push(p)
    changes++
  }
  const handOver = (u: number, v: number): void => {
    const extra = regained[u]
    for (let i = extra.length - 1; i >= 0; i--) {
      const p = extra[i]
      if (reps[start[p]] !== u) {
        extra.splice(i, 1)
        continue
      }
      const at = holds(p, v)
      if (at >= 0) {
        extra.splice(i, 1)
        swap(p, u, v, at)
        return
      }
    }
    const key = u * n + v
    let i = cursor[key] === 0 ? ledStart[u] : cursor[key] - 1
    for (; i < ledStart[u + 1]; i++) {
      const p = led[i]
      if (reps[start[p]] !== u) continue
      const at = holds(p, v)
      if (at < 0) continue
      cursor[key] = i + 2
      swap(p, u, v, at)
      return
    }
    throw new Error(`internal: no partition led by broker index ${u} is held by ${v}`)
  }
  const applyPath = (path: number[]): void => {
    for (let i = path.length - 1; i > 0; i--) handOver(path[i - 1], path[i])
  }

  const parent = new Int32Array(n)
  const queue = new Int32Array(n)
  const pushPath = (s: number): number[] | null => {
    let direct = -1
    for (const v of brokers) {
      if (edges[s * n + v] > 0 && leaders[v] < upper && (direct < 0 || leaders[v] < leaders[direct])) direct = v
    }
    if (direct >= 0) return [s, direct]
    parent.fill(-2)
    parent[s] = -1
    let head = 0
    let tail = 0
    queue[tail++] = s
    while (head < tail) {
      const u = queue[head++]
      for (const v of brokers) {
        if (parent[v] !== -2 || edges[u * n + v] === 0) continue
        parent[v] = u
        if (leaders[v] < upper) {
          const path = [v]
          for (let w = u; w !== -1; w = parent[w]) path.push(w)
          return path.reverse()
        }
        queue[tail++] = v
      }
    }
    return null
  }
  const pullPath = (t: number): number[] | null => {
    let direct = -1
    for (const u of brokers) {
      if (edges[u * n + t] > 0 && leaders[u] > lower && (direct < 0 || leaders[u] > leaders[direct])) direct = u
    }
    if (direct >= 0) return [direct, t]
    parent.fill(-2)
    parent[t] = -1
    let head = 0
    let tail = 0
    queue[tail++] = t
    while (head < tail) {
      const v = queue[head++]
      for (const u of brokers) {
        if (parent[u] !== -2 || edges[u * n + v] === 0) continue
        parent[u] = v
        if (leaders[u] > lower) {
          const path = [u]
          for (let w = v; w !== -1; w = parent[w]) path.push(w)
          return path
        }
        queue[tail++] = u
      }
    }
    return null
  }

  const stuck = new Uint8Array(n)
  for (let round = 0; round < 4; round++) {
    const before = changes
    stuck.fill(0)
    for (;;) {
      let s = -1
      for (const b of brokers) if (!stuck[b] && leaders[b] > upper && (s < 0 || leaders[b] > leaders[s])) s = b
      if (s < 0) break
      const path = pushPath(s)
      if (path) applyPath(path)
      else stuck[s] = 1
    }
    stuck.fill(0)
    for (;;) {
      let t = -1
      for (const b of brokers) if (!stuck[b] && leaders[b] < lower && (t < 0 || leaders[b] < leaders[t])) t = b
      if (t < 0) break
      const path = pullPath(t)
      if (path) applyPath(path)
      else stuck[t] = 1
    }
    if (changes === before) break
  }
  return changes
}

/**
 * Preferred-leader balancing by reordering replica lists: no data moves, only which replica
 * comes first. Choosing one leader per partition with counts in [⌊P/n⌋, ⌈P/n⌉] is a bipartite
 * b-matching; we start from the current leaders and push along augmenting paths in the
 * "u leads a partition that v also holds" graph, so the result is balanced whenever any
 * assignment is, and a direct hand-over (one leader change) is always tried first.
 */
export function balanceLeaders(replicas: number[][], brokerCount: number, eligible: Uint8Array): number {
  const n = brokerCount
  const brokers: number[] = []
  for (let b = 0; b < n; b++) if (eligible[b]) brokers.push(b)
  if (brokers.length === 0 || replicas.length === 0) return 0
  const lower = Math.floor(replicas.length / brokers.length)
  const upper = Math.ceil(replicas.length / brokers.length)

  const leaders = new Int32Array(n)
  // edges[u*n+v]: partitions led by u that v also holds; lists are lazy and re-checked on use.
  const edges = new Int32Array(n * n)
  const lists: Array<number[] | undefined> = new Array(n * n)
  const addEdges = (p: number): void => {
    const reps = replicas[p]
    const u = reps[0]
    if (!eligible[u]) return
    for (let i = 1; i < reps.length; i++) {
      const v = reps[i]
      if (!eligible[v]) continue
      edges[u * n + v]++
      let list = lists[u * n + v]
      if (list === undefined) lists[u * n + v] = list = []
      list.push(p)
    }
  }
  const dropEdges = (p: number): void => {
    const reps = replicas[p]
    const u = reps[0]
    if (!eligible[u]) return
    for (let i = 1; i < reps.length; i++) if (eligible[reps[i]]) edges[u * n + reps[i]]--
  }
  for (let p = 0; p < replicas.length; p++) {
    leaders[replicas[p][0]]++
    addEdges(p)
  }

  let changes = 0
  /** Hands one partition's leadership from u to v (swapping their positions). */
  const handOver = (u: number, v: number): void => {
    const list = lists[u * n + v] as number[]
    for (;;) {
      const p = list.pop() as number
      const reps = replicas[p]
      const at = reps.indexOf(v)
      if (reps[0] !== u || at < 0) continue
      dropEdges(p)
      reps[at] = u
      reps[0] = v
      addEdges(p)
      leaders[u]--
      leaders[v]++
      changes++
      return
    }
  }
  /** Applies path[0] → path[1] → … from the far end, so each hop still has its partition. */
  const applyPath = (path: number[]): void => {
    for (let i = path.length - 1; i > 0; i--) handOver(path[i - 1], path[i])
  }

  const parent = new Int32Array(n)
  const queue = new Int32Array(n)
  /** Shortest path from s to a broker with fewer than `upper` leaders, following edges forward. */
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
  /** Shortest path into t from a broker with more than `lower` leaders, following edges backward. */
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

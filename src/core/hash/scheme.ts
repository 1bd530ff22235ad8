/** A key → node placement built for one set of node ids. */
export interface Placement {
  /** Owner node id of each key hash, in key order. */
  assign(keyHashes: Uint32Array): Int32Array
  /** Estimated bytes of the lookup structure (typed-array payloads; object headers ignored). */
  memoryBytes: number
}

export type SchemeName = 'ring' | 'jump' | 'rendezvous' | 'maglev' | 'bounded-load'
export const SCHEME_NAMES: readonly SchemeName[] = ['ring', 'jump', 'rendezvous', 'maglev', 'bounded-load']

export interface SchemeParams {
  seed: number
  /** Points per node on the ring (ring and bounded-load). */
  vnodes: number
  /** Maglev lookup-table size; a prime larger than the node count. */
  tableSize: number
  /** Bounded-load cap c: no node takes more than ceil(c · keys / nodes). */
  loadFactor: number
}

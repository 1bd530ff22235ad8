/**
 * `nodetool status` columns for a node, from what the cluster itself says: its gossip STATUS (what
 * StorageService's joining/leaving/moving sets are built from) and whether it is up. Pure.
 *
 * nodetool prints Status (U up, D down) and State (N normal, L leaving, J joining, M moving) as two letters:
 * UN, DN, UJ, UL, UM, ...
 */

export type RingMembership = 'NORMAL' | 'JOINING' | 'LEAVING' | 'MOVING'

const MEMBERSHIP_LETTER: Record<RingMembership, string> = {NORMAL: 'N', JOINING: 'J', LEAVING: 'L', MOVING: 'M'}

/**
 * The ring membership a gossip STATUS word means: BOOT / BOOT_REPLACE: joining (bootstrapping); LEAVING: being
 * decommissioned (or removed); MOVING: moving to a new token. Everything else (NORMAL, shutdown, hibernate, an
 * unknown or missing status) leaves a token owner NORMAL, as nodetool shows a stopped node: DN.
 */
export function membershipOf(gossipStatus: string | null): RingMembership {
  const word = (gossipStatus ?? '').split(',')[0]
  if (word === 'BOOT' || word === 'BOOT_REPLACE') return 'JOINING'
  if (word === 'LEAVING' || word === 'removing') return 'LEAVING'
  if (word === 'MOVING') return 'MOVING'
  return 'NORMAL'
}

/** nodetool's two letters, e.g. UN, DN, UJ, UL, UM. */
export function statusCode(up: boolean, membership: RingMembership): string {
  return `${up ? 'U' : 'D'}${MEMBERSHIP_LETTER[membership]}`
}

/** One row of `ring show`'s status table (the JSON field names are documented in the README). */
export interface NodeStatusRow {
  address: string
  dc: string
  rack: string
  /** nodetool's two letters: UN, DN, UJ, UL, UM. */
  status: string
  up: boolean
  state: RingMembership
  /** Bytes of live SSTables (nodetool's Load), as the node last gossiped it; null when unknown. */
  load: number | null
  tokens: number
  /** Effective ownership (0..1) under the keyspace judged; null without one, or for a node that owns no range yet. */
  owns: number | null
  hostId: string | null
}

/** Nodes a ring plan must not be made against: the ring is changing under them. */
type Member = Pick<NodeStatusRow, 'address' | 'status' | 'state'>

export function nodesInMotion<T extends Member>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.state !== 'NORMAL')
}

/** The one line `ring plan` refuses with while the ring is changing, naming each node. */
export function inMotionMessage(moving: readonly Member[]): string {
  const list = moving.map((r) => `${r.address} is ${r.state.toLowerCase()} (${r.status})`).join(', ')
  return `the ring is changing: ${list}; plan once every node is NORMAL (check with \`fleetops ring show\`)`
}

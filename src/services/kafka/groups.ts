import type {KafkaConnection} from '../../core/connection.js'
import {isFleetopsError} from '../../core/errors.js'
import {mapLimited} from '../../core/map-limited.js'
import {partitionKey} from '../../core/partition-index.js'
import {groupStateOf, groupTypeOf, summarizeGroupLag, type GroupCommit, type GroupListing} from '../../core/listings/groups.js'
import type {GroupInfo, KafkaLagReader} from '../../adapters/kafka/lag-reader.js'

/**
 * `fleetops kafka groups`: every consumer group (or those matching --group-regex) with its
 * type, state, member count and a lag summary. Read-only, with the lag probe's reader:
 * ListGroups on every broker (v5 reports type and state); DescribeGroups for the classic
 * groups, batched per coordinator, while OffsetFetch runs for every group (v8: one request
 * per coordinator for all its groups); one Metadata request for the topics committed on; then per leader
 * one ListOffsets. KIP-848 ("consumer") groups are not described (DescribeGroups does not
 * know them): their state is ListGroups', their members unknown, their lag from OffsetFetch.
 */
export interface GroupsListing {
  groups: GroupListing[]
}

/** Single-group DescribeGroups requests in flight at once (after a batch failed). */
const DESCRIBE_CONCURRENCY = 32

/** Errors that mean the cluster, not one group, is the problem: the listing fails with them. */
const CLUSTER_WIDE = new Set(['UNAVAILABLE', 'TIMEOUT', 'AUTH'])

export async function listKafkaGroups(conn: KafkaConnection, opts: {groupRegex?: RegExp; verbose?: boolean}): Promise<GroupsListing> {
  const {KafkaLagReader} = await import('../../adapters/kafka/lag-reader.js')
  const reader = new KafkaLagReader(conn, opts.verbose, 'fleetops')
  try {
    return await listGroups(reader, opts)
  } finally {
    await reader.close()
  }
}

function messageOf(error: unknown): string {
  if (isFleetopsError(error) && CLUSTER_WIDE.has(error.code)) throw error
  return error instanceof Error ? error.message : String(error)
}


/** DescribeGroups in one batch; if one group's answer fails the batch, each group alone (its error kept). */
async function describeEach(reader: KafkaLagReader, ids: string[]): Promise<Map<string, GroupInfo | Error>> {
  const out = new Map<string, GroupInfo | Error>()
  if (ids.length === 0) return out
  try {
    for (const g of await reader.describeGroups(ids)) out.set(g.group, g)
    return out
  } catch (error) {
    messageOf(error)
  }
  await mapLimited(ids, DESCRIBE_CONCURRENCY, async (id) => {
    try {
      const [g] = await reader.describeGroups([id])
      if (g) out.set(id, g)
    } catch (error) {
      out.set(id, new Error(messageOf(error)))
    }
  })
  return out
}

async function listGroups(reader: KafkaLagReader, opts: {groupRegex?: RegExp}): Promise<GroupsListing> {
  const warm = reader.warmUp()
  try {
    const listed = (await reader.listGroupListings()).filter((g) => !opts.groupRegex || opts.groupRegex.test(g.groupId))
    const types = listed.map((g) => groupTypeOf(g.groupType))
    const toDescribe = listed.filter((_, i) => types[i] === 'classic' || types[i] === 'unknown').map((g) => g.groupId)
    const [described, committed] = await Promise.all([
      describeEach(reader, toDescribe),
      reader.committedOffsetsOfGroups(listed.map((g) => g.groupId)),
    ])
    const commits = listed.map((g): GroupCommit[] | Error => {
      const c = committed.get(g.groupId)
      if (c === undefined) return new Error('no OffsetFetch answer')
      return c instanceof Error ? new Error(messageOf(c)) : c
    })

    // End offsets of every partition committed on: one Metadata for their topics, one ListOffsets per leader.
    const topics = new Set<string>()
    for (const c of commits) if (!(c instanceof Error)) for (const o of c) if (o.offset !== null) topics.add(o.topic)
    const ends = new Map<string, number>()
    const endErrors = new Map<string, string>()
    if (topics.size > 0) {
      const meta = await reader.metadata([...topics])
      const partitions = [...meta.topics.values()].flatMap((t) => t.partitions.map((p) => ({topic: t.topic, partition: p.partition, leader: p.leader})))
      for (const r of await reader.endOffsets(partitions, 'read_uncommitted')) {
        if (r.ok) ends.set(partitionKey(r.topic, r.partition), r.offset)
        else endErrors.set(r.topic, r.reason)
      }
    }

    const now = Date.now()
    const groups = listed.map((g, i): GroupListing => {
      const type = types[i]!
      const d = described.get(g.groupId)
      const info = d instanceof Error ? undefined : d
      const c = commits[i]!
      const notes: string[] = []
      if (d instanceof Error) notes.push(`DescribeGroups failed: ${d.message}`)
      if (c instanceof Error) notes.push(`OffsetFetch failed: ${c.message}`)
      const summary = c instanceof Error ? {totalLag: null, partitionsLagging: 0, partitionsCommitted: 0, topics: []} : summarizeGroupLag(c, ends, now)
      const unmeasured = c instanceof Error ? [] : [...new Set(c.filter((o) => o.offset !== null && !ends.has(partitionKey(o.topic, o.partition))).map((o) => o.topic))].sort()
      if (unmeasured.length > 0) {
        const reason = endErrors.get(unmeasured[0]!) ?? 'topic deleted?'
        notes.push(`end offsets unknown on ${unmeasured.join(', ')} (${reason}); left out of the lag`)
      }
      return {
        group: g.groupId,
        type,
        protocolType: g.protocolType,
        state: groupStateOf(type, g.groupState, info?.state ?? null),
        members: info ? info.members.length : null,
        ...summary,
        note: notes.length > 0 ? notes.join('; ') : null,
      }
    })
    return {groups}
  } finally {
    await warm
  }
}

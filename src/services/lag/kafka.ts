import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  computePartitionLag,
  evaluateBurrowWindow,
  groupTypeOf,
  rollUpLag,
  withShareBrokerLag,
  type BurrowEvaluation,
  type GroupObservation,
  type GroupType,
  type Isolation,
  type LagResult,
  type LagThresholds,
  type OffsetSample,
} from '../../core/lag/index.js'
import {printable} from '../../core/units.js'
import type {GroupInfo, KafkaLagReader, MetadataSnapshot, TopicPartitionsMeta} from '../../adapters/kafka/lag-reader.js'
import type {CommittedOffset, RecordTimestampResult} from '../../adapters/kafka/protocol/index.js'
import {systemClock, type Clock} from './clock.js'
import {asProbeUnknown} from './unknown.js'

export interface KafkaLagOptions {
  /** Group ids named with --group (each must exist). */
  groups: string[]
  /** --group-regex: every listed group whose id matches. */
  groupRegex?: RegExp
  /** --topic: only this topic. */
  topic?: string
  isolation: Isolation
  /** Samples per judgement (one-shot), or the sliding window size (--watch). */
  samples: number
  intervalMs: number
  thresholds: LagThresholds
  verbose?: boolean
  /** --watch: called with each evaluation until `signal` aborts; the last one is returned. */
  watch?: {signal: AbortSignal; onEvaluation(result: KafkaLagReport): void | Promise<void>}
}

export interface KafkaLagReport extends LagResult {
  /**
   * How the record at a committed offset is read for the time lag: read_uncommitted takes the
   * first record at or after it; read_committed (as a read_committed consumer) the first one
   * not in an aborted transaction. Follows --isolation. Every codec is decompressed.
   */
  timeLagIsolation: Isolation
  mode: 'single' | 'samples' | 'watch'
  samples: number
  intervalMs: number | null
}

interface Sample {
  at: number
  /** group -> tp key -> committed offset (null = none) */
  committed: Map<string, Map<string, number | null>>
  /** tp key -> end offset */
  ends: Map<string, number>
  /** `${tp key}\u0000${committed offset}` -> timestamp of the record there (lagging partitions only) */
  stamps: Map<string, RecordTimestampResult>
  /** Share groups: group -> tp key -> the broker's lag (DescribeShareGroupOffsets v1+). */
  brokerLags: Map<string, Map<string, number>>
}

/** Partition keys, interned: each key maps back to its topic and partition without parsing. */
const parsedKeys = new Map<string, {topic: string; partition: number}>()
const key = (topic: string, partition: number): string => {
  const k = `${topic}\u0000${partition}`
  if (!parsedKeys.has(k)) parsedKeys.set(k, {topic, partition})
  return k
}
const unkey = (k: string): {topic: string; partition: number} => {
  const known = parsedKeys.get(k)
  if (known) return known
  const i = k.lastIndexOf('\u0000')
  return {topic: k.slice(0, i), partition: Number(k.slice(i + 1))}
}

/**
 * Consumer-group lag, read-only. Each sample reads committed offsets (OffsetFetch) and
 * THEN end offsets (ListOffsets at the chosen isolation), so a sample never shows a
 * negative lag. For every judged sample the record at each lagging committed offset is
 * fetched for its timestamp: time lag = evaluation time - that timestamp, exactly.
 * With 2+ samples every partition is also judged by the Burrow rules over them.
 *
 * Requests, for speed at 10,000+ partitions: connections to every broker open at once;
 * DescribeGroups and OffsetFetch (one per group, sharing one FindCoordinator) run
 * together; one Metadata request for the topics involved (not the whole cluster); then
 * per leader broker, concurrently, one ListOffsets for all its partitions followed by one
 * Fetch for all its lagging records (a few KiB each). Nothing is re-read per partition.
 */
export async function probeKafkaLag(conn: KafkaConnection, opts: KafkaLagOptions, clock: Clock = systemClock): Promise<KafkaLagReport> {
  const {KafkaLagReader} = await import('../../adapters/kafka/lag-reader.js')
  const reader = new KafkaLagReader(conn, opts.verbose)
  try {
    return await runProbe(reader, opts, clock)
  } catch (error) {
    throw asProbeUnknown(error, 'Kafka lag probe')
  } finally {
    await reader.close()
  }
}

async function runProbe(reader: KafkaLagReader, opts: KafkaLagOptions, clock: Clock): Promise<KafkaLagReport> {
  // Connections to every broker, the Fetch ones too, open while the coordinator is being
  // asked (ListOffsets and Fetch go to every leader right after).
  const warm = reader.warmUp({fetch: true})
  try {
    return await probe(reader, opts, clock)
  } finally {
    await warm
  }
}

async function probe(reader: KafkaLagReader, opts: KafkaLagOptions, clock: Clock): Promise<KafkaLagReport> {
  /** Partition metadata of the topics seen so far: one Metadata request for the new ones. */
  const topics = new Map<string, TopicPartitionsMeta>()
  const missingTopics = new Set<string>()
  const learn = (snap: MetadataSnapshot): void => {
    for (const [t, m] of snap.topics) {
      topics.set(t, m)
      missingTopics.delete(t)
    }
    for (const t of snap.missing) {
      topics.delete(t)
      missingTopics.add(t)
    }
  }
  const ensureTopics = async (names: Iterable<string>): Promise<void> => {
    const unknown = [...names].filter((t) => !topics.has(t) && !missingTopics.has(t))
    if (unknown.length > 0) learn(await reader.metadata(unknown))
  }

  const {groupIds, types} = await resolveGroups(reader, opts)
  // Group descriptions (each by its type's API) and (with --topic) its metadata, at once;
  // then committed offsets, read as the group's type keeps them.
  const [described, topicMeta] = await Promise.all([
    reader.describeGroupsOfEveryType(groupIds, types),
    opts.topic === undefined ? null : reader.metadata([opts.topic]),
  ])
  const infos = new Map(described.map((g) => [g.group, g]))
  const shareIds = groupIds.filter((g) => infos.get(g)?.type === 'share')
  // With --topic, its metadata (id included) is known before the offsets are read: ask for
  // that topic alone (by id where the coordinator speaks OffsetFetch v10), else for every topic.
  const topicOnly = opts.topic === undefined ? undefined : topicMeta?.topics.get(opts.topic)
  const askedTopics = topicOnly ? [{topic: opts.topic!, topicId: topicOnly.topicId ?? null, partitions: topicOnly.partitions.map((p) => p.partition)}] : null
  const readCommitted = async (): Promise<CommittedOffset[][]> => {
    const [share, others] = await Promise.all([
      reader.shareGroupStartOffsets(shareIds),
      Promise.all(groupIds.map((g) => (infos.get(g)?.type === 'share' ? null : reader.committedOffsets(g, askedTopics)))),
    ])
    if (!share.ok) for (const g of shareIds) infos.get(g)!.notes = [...new Set([...(infos.get(g)!.notes ?? []), share.note])]
    groupIds.forEach((g, i) => {
      const notes = (others[i] ?? []).flatMap((o) => (o.note === undefined ? [] : [o.note]))
      const info = infos.get(g)
      if (notes.length > 0 && info) info.notes = [...new Set([...(info.notes ?? []), ...notes])]
    })
    return groupIds.map((g, i) => others[i] ?? (share.ok ? share.offsets.get(g)! : []))
  }
  /** Share groups: the broker's lag per partition (DescribeShareGroupOffsets v1), keyed as `committed`. */
  const brokerLagsOf = (offsetsByGroup: CommittedOffset[][]): Map<string, Map<string, number>> => {
    const out = new Map<string, Map<string, number>>()
    groupIds.forEach((g, i) => {
      const byKey = new Map<string, number>()
      for (const o of offsetsByGroup[i]! as (CommittedOffset & {brokerLag?: number | null})[]) if (typeof o.brokerLag === 'number') byKey.set(key(o.topic, o.partition), o.brokerLag)
      if (byKey.size > 0) out.set(g, byKey)
    })
    return out
  }
  const at0 = clock.now()
  const offsets0 = await readCommitted()
  if (topicMeta) learn(topicMeta)
  if (opts.topic !== undefined && !topics.has(opts.topic)) {
    throw new FleetopsError('BAD_INPUT', `topic "${printable(opts.topic)}" does not exist in the cluster; check the name (fleetops lists no lag for it)`, {exit: 3})
  }

  const buildSample = async (at: number, offsetsByGroup: CommittedOffset[][], withTimestamps: boolean): Promise<Sample> => {
    const wantedByGroup = groupIds.map((g, i) => {
      const wanted = new Set<string>()
      for (const o of offsetsByGroup[i]!) wanted.add(o.topic)
      for (const m of infos.get(g)?.members ?? []) for (const a of m.assignments) wanted.add(a.topic)
      if (opts.topic !== undefined) return wanted.has(opts.topic) ? [opts.topic] : []
      return [...wanted].sort()
    })
    await ensureTopics(new Set(wantedByGroup.flat()))
    const committed = new Map<string, Map<string, number | null>>()
    groupIds.forEach((g, i) => {
      const byKey = new Map<string, number | null>()
      for (const t of wantedByGroup[i]!) {
        const meta = topics.get(t)
        if (!meta) continue // deleted topic: nothing to measure against
        for (const p of meta.partitions) byKey.set(key(t, p.partition), null)
      }
      if (opts.topic !== undefined && byKey.size === 0) {
        for (const p of topics.get(opts.topic)!.partitions) byKey.set(key(opts.topic, p.partition), null)
      }
      for (const o of offsetsByGroup[i]!) {
        const k = key(o.topic, o.partition)
        if (byKey.has(k)) byKey.set(k, o.offset)
      }
      committed.set(g, byKey)
    })
    const {ends, stamps} = await readEndOffsets(reader, committed, topics, opts.isolation, withTimestamps, async (names) => learn(await reader.metadata(names)))
    return {at, committed, ends, stamps, brokerLags: brokerLagsOf(offsetsByGroup)}
  }
  const takeSample = async (withTimestamps: boolean): Promise<Sample> => {
    const at = clock.now()
    return buildSample(at, await readCommitted(), withTimestamps)
  }

  // Fail on groups that do not exist before sampling further.
  const first = await buildSample(at0, offsets0, opts.samples <= 1 || Boolean(opts.watch))
  for (const g of groupIds) {
    const info = infos.get(g)
    if ((!info || info.state === 'Dead') && !hasCommit(first.committed.get(g)) && !opts.groupRegex) {
      throw new FleetopsError('BAD_INPUT', `consumer group "${printable(g)}" does not exist (no members, no committed offsets); check the name, e.g. with --group-regex '.*'`, {
        exit: 3,
      })
    }
  }

  const base = {isolation: opts.isolation, endOffsetKind: opts.isolation === 'read_committed' ? ('last-stable-offset' as const) : ('high-watermark' as const)}
  const evaluate = (sample: Sample, burrow: Map<string, BurrowEvaluation> | null, mode: KafkaLagReport['mode']): KafkaLagReport => {
    const now = clock.now()
    const observations: GroupObservation[] = groupIds.map((g) => {
      const info = infos.get(g)
      const byKey = sample.committed.get(g) ?? new Map<string, number | null>()
      const partitions: GroupObservation['partitions'] = []
      for (const [k, c] of byKey) {
        const {topic, partition} = unkey(k)
        const stamp = c === null ? undefined : sample.stamps.get(`${k}\u0000${c}`)
        const ts = stamp === undefined ? null : stamp.kind === 'found' ? stamp.timestamp : stamp.kind === 'gone' ? ('gone' as const) : null
        const offsets = withShareBrokerLag(
          computePartitionLag({committedOffset: c, logEndOffset: sample.ends.get(k)!, committedRecordTimestamp: ts}, now),
          sample.brokerLags.get(g)?.get(k),
        )
        if (stamp?.kind === 'unknown' && offsets.lag !== 0) offsets.note = [offsets.note, `time lag unknown: ${stamp.reason}`].filter(Boolean).join('; ')
        partitions.push({topic, partition, offsets, burrow: burrow?.get(`${g}\u0000${k}`) ?? null})
      }
      return {
        group: g,
        state: groupState(info, hasCommit(byKey)),
        type: info?.type ?? null,
        groupEpoch: info?.groupEpoch ?? null,
        assignmentEpoch: info?.assignmentEpoch ?? null,
        notes: info?.notes ?? [],
        members: info?.members ?? [],
        partitions,
      }
    })
    const result = rollUpLag(observations, {now, thresholds: opts.thresholds, ...base})
    return {...result, timeLagIsolation: opts.isolation, mode, samples: mode === 'single' ? 1 : opts.samples, intervalMs: mode === 'single' ? null : opts.intervalMs}
  }

  const history = new Map<string, OffsetSample[]>()
  const lastChange = new Map<string, {offset: number | null; at: number}>()
  const record = (s: Sample, window: number, trackChanges: boolean): void => {
    for (const [g, m] of s.committed) {
      for (const [k, c] of m) {
        const hk = `${g}\u0000${k}`
        let commitAt: number | null = null
        if (trackChanges) {
          const prev = lastChange.get(hk)
          if (!prev || prev.offset !== c) lastChange.set(hk, {offset: c, at: s.at})
          commitAt = lastChange.get(hk)!.at
        }
        let list = history.get(hk)
        if (!list) history.set(hk, (list = []))
        list.push({at: s.at, committedOffset: c, logEndOffset: s.ends.get(k)!, commitAt})
        if (list.length > window) list.splice(0, list.length - window)
      }
    }
  }
  const judge = (now: number, windowMs: number, minSamples: number): Map<string, BurrowEvaluation> => {
    const out = new Map<string, BurrowEvaluation>()
    for (const [hk, list] of history) out.set(hk, evaluateBurrowWindow(list, {now, windowMs, minSamples}))
    return out
  }

  if (opts.watch) {
    const {signal, onEvaluation} = opts.watch
    const window = Math.max(2, opts.samples)
    let sample = first
    let last: KafkaLagReport
    for (;;) {
      record(sample, window, true)
      let n = 1
      for (const l of history.values()) if (l.length > n) n = l.length
      const burrow = n >= 2 ? judge(sample.at, window * opts.intervalMs, Math.min(3, window)) : null
      last = evaluate(sample, burrow, 'watch')
      await onEvaluation(last)
      await clock.sleep(opts.intervalMs, signal)
      if (signal.aborted) return last
      sample = await takeSample(true)
    }
  }

  if (opts.samples <= 1) return evaluate(first, null, 'single')
  const samples = [first]
  while (samples.length < opts.samples) {
    await clock.sleep(opts.intervalMs)
    // Only the judged (last) sample needs record timestamps.
    samples.push(await takeSample(samples.length === opts.samples - 1))
  }
  for (const s of samples) record(s, opts.samples, false)
  const last = samples[samples.length - 1]!
  // A single run sees no commit older than its first sample, so the window is its span
  // plus one interval: STOP needs --watch, where offsets are tracked across windows.
  const windowMs = last.at - samples[0]!.at + opts.intervalMs
  return evaluate(last, judge(last.at, windowMs, Math.min(3, opts.samples)), 'samples')
}

function hasCommit(byKey: Map<string, number | null> | undefined): boolean {
  if (byKey) for (const c of byKey.values()) if (c !== null) return true
  return false
}

function leaderOf(meta: Map<string, TopicPartitionsMeta>, topic: string, partition: number): number | null {
  const parts = meta.get(topic)?.partitions
  if (!parts) return null
  // Partitions are sorted and numbered 0..n-1, so the index is the id; fall back to a search.
  const p = parts[partition]?.partition === partition ? parts[partition] : parts.find((x) => x.partition === partition)
  return p?.leader ?? null
}

function groupState(info: GroupInfo | undefined, hasOffsets: boolean): string | null {
  if (!info) return null
  // A group with offsets that no describe API of this broker knows (e.g. a KIP-848 group on a
  // broker without ConsumerGroupDescribe): the classic DescribeGroups says Dead.
  if (info.state === 'Dead' && hasOffsets) return 'Unknown (not a classic group; members unavailable)'
  return info.state
}

/** The groups named and matched, with each listed group's type (ListGroups v5) to pick its describe API. */
async function resolveGroups(reader: KafkaLagReader, opts: KafkaLagOptions): Promise<{groupIds: string[]; types: Map<string, GroupType | null>}> {
  const types = new Map<string, GroupType | null>()
  if (!opts.groupRegex) return {groupIds: [...new Set(opts.groups)], types}
  const all = await reader.listGroupListings()
  for (const g of all) types.set(g.groupId, groupTypeOf(g.groupType))
  const matched = [...new Set(all.map((g) => g.groupId))].filter((g) => opts.groupRegex!.test(g)).sort()
  if (matched.length === 0) {
    throw new FleetopsError('BAD_INPUT', `no consumer group matches --group-regex ${printable(opts.groupRegex.source)} (${types.size} group(s) listed)`, {exit: 3})
  }
  return {groupIds: [...new Set([...opts.groups, ...matched])], types}
}

/**
 * End offsets of every partition in `committed` and, when asked, the timestamps of the
 * records at the committed offsets below them: per leader, one ListOffsets and then one
 * Fetch. Partitions that fail (a leader moved) are retried once after refreshing the
 * metadata of their topics; if they still fail the probe is UNKNOWN.
 */
async function readEndOffsets(
  reader: KafkaLagReader,
  committed: Map<string, Map<string, number | null>>,
  topics: Map<string, TopicPartitionsMeta>,
  isolation: Isolation,
  withTimestamps: boolean,
  refresh: (topics: string[]) => Promise<void>,
): Promise<{ends: Map<string, number>; stamps: Map<string, RecordTimestampResult>}> {
  // Distinct committed offsets per partition (groups may differ); usually one.
  const offsetsOf = new Map<string, number[]>()
  for (const m of committed.values()) {
    for (const [k, c] of m) {
      let list = offsetsOf.get(k)
      if (!list) offsetsOf.set(k, (list = []))
      if (c !== null && withTimestamps && !list.includes(c)) list.push(c)
    }
  }
  const request = (list: string[]) =>
    list.map((k) => {
      const {topic, partition} = unkey(k)
      return {topic, partition, leader: leaderOf(topics, topic, partition), committed: offsetsOf.get(k)!}
    })
  const ends = new Map<string, number>()
  const stamps = new Map<string, RecordTimestampResult>()
  const collect = async (list: string[]): Promise<{failed: string[]; reason: string}> => {
    const res = await reader.endOffsetsAndTimestamps(request(list), isolation)
    for (const [k, v] of res.stamps) stamps.set(k, v)
    const failed: string[] = []
    let reason = ''
    for (const r of res.ends) {
      if (r.ok) ends.set(key(r.topic, r.partition), r.offset)
      else {
        failed.push(key(r.topic, r.partition))
        reason = r.reason
      }
    }
    return {failed, reason}
  }
  let {failed} = await collect([...offsetsOf.keys()])
  if (failed.length > 0) {
    // Leaders move (a broker stopped); refresh those topics' metadata once and ask again.
    await refresh([...new Set(failed.map((k) => unkey(k).topic))])
    const retry = await collect(failed)
    failed = retry.failed
    if (failed.length > 0) {
      const names = failed.slice(0, 3).map((k) => {
        const {topic, partition} = unkey(k)
        return `${topic}-${partition}`
      })
      throw new FleetopsError('UNAVAILABLE', `cannot read the end offset of ${failed.length} partition(s) (${names.join(', ')}): ${retry.reason}`, {exit: 3})
    }
  }
  return {ends, stamps}
}

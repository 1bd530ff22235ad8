import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  brokerLagsOf,
  committedOffsetsToStamp,
  committedPositions,
  groupTypeOf,
  hasCommit,
  mergeLagResults,
  observeGroup,
  OffsetHistory,
  rollUpLag,
  topicsOfGroup,
  type BurrowEvaluation,
  type CommittedPosition,
  type GroupResult,
  type GroupType,
  type Isolation,
  type LagResult,
  type LagSample,
  type LagThresholds,
} from '../../core/lag/index.js'
import {InOrder, mapLimited, pagesOf} from '../../core/map-limited.js'
import {partitionKey, partitionOffsetKey} from '../../core/partition-index.js'
import {printable} from '../../core/units.js'
import type {GroupInfo, KafkaLagReader, MetadataSnapshot, TopicPartitionsMeta} from '../../adapters/kafka/lag-reader.js'
import type {CommittedOffset, RecordTimestampResult} from '../../adapters/kafka/protocol/index.js'
import {collectGarbage, keepYoungGenerationSmall} from '../../memory.js'
import {systemClock, type Clock} from './clock.js'
import {asProbeUnknown} from './unknown.js'

export interface KafkaLagOptions {
  /** Group ids named with --group (each must exist). */
  groups: string[]
  /** --group-regex: every listed group whose id matches. */
  groupRegex?: RegExp
  /** --topic: only this topic. */
  topic?: string
  /**
   * --page-size: a one-shot probe of more groups than this sweeps them in pages of this many
   * (each described, read and judged before its memory is let go), PAGES_IN_FLIGHT at a time.
   * Absent: one page.
   */
  pageSize?: number
  /**
   * A sweep (see pageSize) hands each page's judged groups here, in the groups' order, and
   * keeps none of them: the report it returns has no groups, only the worst status. Without
   * it the report holds every group.
   */
  onPage?: (groups: readonly GroupResult[]) => void
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

/** Pages of a sweep read at once: one page's end offsets are read while the next is described. */
export const PAGES_IN_FLIGHT = 2

async function probe(reader: KafkaLagReader, opts: KafkaLagOptions, clock: Clock): Promise<KafkaLagReport> {
  const groups = await resolveGroups(reader, opts)
  const oneShot = opts.samples <= 1 && !opts.watch
  if (oneShot && opts.pageSize !== undefined && groups.groupIds.length > opts.pageSize) return sweep(reader, opts, clock, groups, opts.pageSize)
  const run = await GroupLagRun.describe(reader, opts, clock, groups, new TopicMetadata(reader))
  const at0 = clock.now()
  const offsets0 = await run.readCommitted()
  run.requireTopic()
  // Fail on groups that do not exist before sampling further.
  const first = await run.buildSample(at0, offsets0, opts.samples <= 1 || Boolean(opts.watch))
  run.requireGroupsExist(first)
  if (opts.watch) return run.watch(first, opts.watch)
  if (opts.samples <= 1) return run.evaluate(first, null, 'single')
  return run.sampleSeveral(first)
}

/**
 * A one-shot probe of many groups, in pages of `pageSize` (PAGES_IN_FLIGHT at a time): each
 * page is described, its committed offsets read (OffsetFetch batched per coordinator), then
 * the end offsets and record timestamps of its partitions (deduplicated across its groups),
 * and it is judged; only its judged result is kept. Topic metadata is shared by the pages.
 */
async function sweep(reader: KafkaLagReader, opts: KafkaLagOptions, clock: Clock, groups: ResolvedGroups, pageSize: number): Promise<KafkaLagReport> {
  keepYoungGenerationSmall()
  const topics = new TopicMetadata(reader)
  const pages = pagesOf(groups.groupIds, pageSize)
  const onPage = opts.onPage
  const handOver = onPage ? new InOrder<readonly GroupResult[]>(onPage) : null
  const results = await mapLimited(pages, PAGES_IN_FLIGHT, async (page, index) => {
    const run = await GroupLagRun.describe(reader, opts, clock, {groupIds: page, types: groups.types}, topics)
    const at = clock.now()
    const offsets = await run.readCommitted()
    run.requireTopic()
    const sample = await run.buildSample(at, offsets, true)
    run.requireGroupsExist(sample)
    const result = run.evaluate(sample, null, 'single')
    // Memory flat in the number of groups: the page's garbage goes now (src/memory.ts).
    const kept = handOver ? {...result, groups: []} : result
    handOver?.put(index, result.groups)
    collectGarbage()
    return kept
  })
  const now = clock.now()
  const merged = mergeLagResults(results, {now, isolation: opts.isolation, endOffsetKind: endOffsetKindOf(opts.isolation)})
  return {...merged, timeLagIsolation: opts.isolation, mode: 'single', samples: 1, intervalMs: null}
}

/**
 * What a probe has learnt of its topics, shared by a sweep's pages and a watch's samples:
 * partition metadata (one Metadata request for the new topics) and record timestamps.
 */
class TopicMetadata {
  readonly topics = new Map<string, TopicPartitionsMeta>()
  readonly recordTimestamps = new RecordTimestampCache()
  private readonly missing = new Set<string>()

  constructor(private readonly reader: KafkaLagReader) {}

  learn(snap: MetadataSnapshot): void {
    for (const [t, m] of snap.topics) {
      this.topics.set(t, m)
      this.missing.delete(t)
    }
    for (const t of snap.missing) {
      this.topics.delete(t)
      this.missing.add(t)
    }
  }

  async ensure(names: Iterable<string>): Promise<void> {
    const unknown = [...names].filter((t) => !this.topics.has(t) && !this.missing.has(t))
    if (unknown.length > 0) this.learn(await this.reader.metadata(unknown))
  }

  async refresh(names: string[]): Promise<void> {
    this.learn(await this.reader.metadata(names))
  }
}

/** One probe of the groups named and matched: each step reads or judges their samples. */
class GroupLagRun {
  private readonly topics: TopicMetadata
  private readonly shareIds: string[]
  /** With --topic, its partitions (and id) for OffsetFetch; null: every topic. */
  private readonly askedTopics: {topic: string; topicId: string | null; partitions: number[]}[] | null

  private constructor(
    private readonly reader: KafkaLagReader,
    private readonly opts: KafkaLagOptions,
    private readonly clock: Clock,
    private readonly groupIds: string[],
    private readonly infos: Map<string, GroupInfo>,
    /** With --topic, its metadata as read with the group descriptions. */
    private readonly topicMeta: MetadataSnapshot | null,
    topics: TopicMetadata,
  ) {
    this.topics = topics
    this.shareIds = groupIds.filter((g) => infos.get(g)?.type === 'share')
    // With --topic, its metadata (id included) is known before the offsets are read: ask for
    // that topic alone (by id where the coordinator speaks OffsetFetch v10), else for every topic.
    const topicOnly = opts.topic === undefined ? undefined : topicMeta?.topics.get(opts.topic)
    this.askedTopics = topicOnly ? [{topic: opts.topic!, topicId: topicOnly.topicId ?? null, partitions: topicOnly.partitions.map((p) => p.partition)}] : null
  }

  /** Describes each group (by its type's API) and reads --topic's metadata, at once. */
  static async describe(reader: KafkaLagReader, opts: KafkaLagOptions, clock: Clock, {groupIds, types}: ResolvedGroups, topics: TopicMetadata): Promise<GroupLagRun> {
    const [described, topicMeta] = await Promise.all([
      reader.describeGroupsOfEveryType(groupIds, types),
      opts.topic === undefined ? null : reader.metadata([opts.topic]),
    ])
    return new GroupLagRun(reader, opts, clock, groupIds, new Map(described.map((g) => [g.group, g])), topicMeta, topics)
  }

  /** Committed offsets of every group, read as its type keeps them; what could not be read becomes a group note. */
  async readCommitted(): Promise<CommittedOffset[][]> {
    const [share, others] = await Promise.all([this.reader.shareGroupStartOffsets(this.shareIds), this.readCommittedOfNonShareGroups()])
    if (!share.ok) for (const g of this.shareIds) addNotes(this.infos.get(g)!, [share.note])
    this.groupIds.forEach((g, i) => {
      const notes = (others[i] ?? []).flatMap((o) => (o.note === undefined ? [] : [o.note]))
      const info = this.infos.get(g)
      if (notes.length > 0 && info) addNotes(info, notes)
    })
    return this.groupIds.map((g, i) => others[i] ?? (share.ok ? share.offsets.get(g)! : []))
  }

  /**
   * Committed offsets of the groups that are not share groups (null in a share group's place):
   * of every topic, batched per coordinator (OffsetFetch v8+); with --topic, of that topic
   * alone, by id where the coordinator speaks OffsetFetch v10, one request per group.
   */
  private async readCommittedOfNonShareGroups(): Promise<(CommittedOffset[] | null)[]> {
    const isShare = (g: string) => this.infos.get(g)?.type === 'share'
    if (this.askedTopics !== null) return Promise.all(this.groupIds.map((g) => (isShare(g) ? null : this.reader.committedOffsets(g, this.askedTopics))))
    const read = await this.reader.committedOffsetsOfGroups(this.groupIds.filter((g) => !isShare(g)))
    return this.groupIds.map((g) => {
      if (isShare(g)) return null
      const offsets = read.get(g)
      if (offsets instanceof FleetopsError) throw offsets
      return offsets ?? []
    })
  }

  /** With --topic, the topic must exist. */
  requireTopic(): void {
    if (this.topicMeta) this.topics.learn(this.topicMeta)
    if (this.opts.topic !== undefined && !this.topics.topics.has(this.opts.topic)) {
      throw new FleetopsError('BAD_INPUT', `topic "${printable(this.opts.topic)}" does not exist in the cluster; check the name (fleetops lists no lag for it)`, {exit: 3})
    }
  }

  /** A sample from committed offsets read at `at`: the partitions each group is measured on, then their end offsets (and record timestamps). */
  async buildSample(at: number, offsetsByGroup: CommittedOffset[][], withTimestamps: boolean): Promise<LagSample> {
    const {opts, topics} = this
    const topicsByGroup = this.groupIds.map((g, i) => topicsOfGroup(offsetsByGroup[i]!, this.infos.get(g)?.members ?? [], opts.topic))
    await topics.ensure(new Set(topicsByGroup.flat()))
    const committed = new Map<string, Map<string, CommittedPosition>>()
    this.groupIds.forEach((g, i) => committed.set(g, committedPositions(topicsByGroup[i]!, topics.topics, opts.topic, offsetsByGroup[i]!)))
    const {ends, stamps} = await readEndOffsets(this.reader, committed, topics, opts.isolation, withTimestamps)
    return {at, committed, ends, stamps, brokerLags: brokerLagsOf(this.groupIds, offsetsByGroup)}
  }

  async takeSample(withTimestamps: boolean): Promise<LagSample> {
    const at = this.clock.now()
    return this.buildSample(at, await this.readCommitted(), withTimestamps)
  }

  /** Without --group-regex, a named group that is unknown (or Dead) and has no commit is a usage error. */
  requireGroupsExist(first: LagSample): void {
    for (const g of this.groupIds) {
      const info = this.infos.get(g)
      if ((!info || info.state === 'Dead') && !hasCommit(first.committed.get(g)) && !this.opts.groupRegex) {
        throw new FleetopsError('BAD_INPUT', `consumer group "${printable(g)}" does not exist (no members, no committed offsets); check the name, e.g. with --group-regex '.*'`, {
          exit: 3,
        })
      }
    }
  }

  /** The report of a sample, judged now, with the Burrow judgements when there are any. */
  evaluate(sample: LagSample, burrow: Map<string, BurrowEvaluation> | null, mode: KafkaLagReport['mode']): KafkaLagReport {
    const {opts} = this
    const now = this.clock.now()
    const observations = this.groupIds.map((g) => observeGroup(g, this.infos.get(g), sample, burrow, now))
    const base = {isolation: opts.isolation, endOffsetKind: endOffsetKindOf(opts.isolation)}
    const result = rollUpLag(observations, {now, thresholds: opts.thresholds, ...base})
    return {...result, timeLagIsolation: opts.isolation, mode, samples: mode === 'single' ? 1 : opts.samples, intervalMs: mode === 'single' ? null : opts.intervalMs}
  }

  /** --watch: a report per interval over a sliding window of samples, until the signal aborts; returns the last. */
  async watch(first: LagSample, {signal, onEvaluation}: NonNullable<KafkaLagOptions['watch']>): Promise<KafkaLagReport> {
    const {opts, clock} = this
    const history = new OffsetHistory()
    const window = Math.max(2, opts.samples)
    let sample = first
    for (;;) {
      history.record(sample, window, true)
      const burrow = history.longest() >= 2 ? history.judge(sample.at, window * opts.intervalMs, Math.min(3, window)) : null
      const last = this.evaluate(sample, burrow, 'watch')
      await onEvaluation(last)
      await clock.sleep(opts.intervalMs, signal)
      if (signal.aborted) return last
      sample = await this.takeSample(true)
    }
  }

  /** --samples N: N samples an interval apart, the last judged alone and by the Burrow rules over all. */
  async sampleSeveral(first: LagSample): Promise<KafkaLagReport> {
    const {opts} = this
    const samples = [first]
    while (samples.length < opts.samples) {
      await this.clock.sleep(opts.intervalMs)
      // Only the judged (last) sample needs record timestamps.
      samples.push(await this.takeSample(samples.length === opts.samples - 1))
    }
    const history = new OffsetHistory()
    for (const s of samples) history.record(s, opts.samples, false)
    const last = samples[samples.length - 1]!
    // A single run sees no commit older than its first sample, so the window is its span
    // plus one interval: STOP needs --watch, where offsets are tracked across windows.
    const windowMs = last.at - samples[0]!.at + opts.intervalMs
    return this.evaluate(last, history.judge(last.at, windowMs, Math.min(3, opts.samples)), 'samples')
  }
}

/** Adds notes to a group's, each once. */
function addNotes(info: GroupInfo, notes: string[]): void {
  info.notes = [...new Set([...(info.notes ?? []), ...notes])]
}

function leaderOf(meta: Map<string, TopicPartitionsMeta>, topic: string, partition: number): number | null {
  const parts = meta.get(topic)?.partitions
  if (!parts) return null
  // Partitions are sorted and numbered 0..n-1, so the index is the id; fall back to a search.
  const p = parts[partition]?.partition === partition ? parts[partition] : parts.find((x) => x.partition === partition)
  return p?.leader ?? null
}

const endOffsetKindOf = (isolation: Isolation) => (isolation === 'read_committed' ? ('last-stable-offset' as const) : ('high-watermark' as const))

/** The groups of a probe (sorted, each once) and each listed group's type. */
interface ResolvedGroups {
  groupIds: string[]
  types: ReadonlyMap<string, GroupType | null>
}

/** The groups named and matched, with each listed group's type (ListGroups v5) to pick its describe API. */
async function resolveGroups(reader: KafkaLagReader, opts: KafkaLagOptions): Promise<ResolvedGroups> {
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
  committed: LagSample['committed'],
  topics: TopicMetadata,
  isolation: Isolation,
  withTimestamps: boolean,
): Promise<{ends: Map<string, number>; stamps: Map<string, RecordTimestampResult>}> {
  const toStamp = committedOffsetsToStamp(committed, withTimestamps)
  const ends = new Map<string, number>()
  const stamps = new Map<string, RecordTimestampResult>()
  const known = topics.recordTimestamps
  const collect = async (list: {topic: string; partition: number}[]): Promise<{failed: {topic: string; partition: number}[]; reason: string}> => {
    const request = list.map(({topic, partition}) => ({topic, partition, leader: leaderOf(topics.topics, topic, partition), committed: known.unknownOf(topic, partition, toStamp.get(partitionKey(topic, partition))?.committed ?? [], stamps)}))
    const res = await reader.endOffsetsAndTimestamps(request, isolation)
    for (const [k, v] of res.stamps) {
      stamps.set(k, v)
      known.remember(k, v)
    }
    const failed: {topic: string; partition: number}[] = []
    let reason = ''
    for (const r of res.ends) {
      if (r.ok) ends.set(partitionKey(r.topic, r.partition), r.offset)
      else {
        failed.push({topic: r.topic, partition: r.partition})
        reason = r.reason
      }
    }
    return {failed, reason}
  }
  let {failed} = await collect([...toStamp.values()])
  if (failed.length > 0) {
    // Leaders move (a broker stopped); refresh those topics' metadata once and ask again.
    await topics.refresh([...new Set(failed.map((f) => f.topic))])
    const retry = await collect(failed)
    failed = retry.failed
    if (failed.length > 0) {
      const names = failed.slice(0, 3).map(({topic, partition}) => `${topic}-${partition}`)
      throw new FleetopsError('UNAVAILABLE', `cannot read the end offset of ${failed.length} partition(s) (${names.join(', ')}): ${retry.reason}`, {exit: 3})
    }
  }
  return {ends, stamps}
}

/**
 * Record timestamps by partition and offset. A record's timestamp never changes, and a fleet's
 * groups mostly sit on the same few offsets, so without this each page of a sweep fetched the
 * same records again. Only found records are kept, at most `limit` (the oldest go first), so the
 * memory stays bounded however many groups a sweep has.
 */
export class RecordTimestampCache {
  private readonly found = new Map<string, RecordTimestampResult>()

  constructor(private readonly limit = 100_000) {}

  /** The offsets of `committed` not known yet; the known ones go into `out`. */
  unknownOf(topic: string, partition: number, committed: number[], out: Map<string, RecordTimestampResult>): number[] {
    if (this.found.size === 0) return committed
    const unknown: number[] = []
    for (const offset of committed) {
      const key = partitionOffsetKey(topic, partition, offset)
      const stamp = this.found.get(key)
      if (stamp === undefined) unknown.push(offset)
      else out.set(key, stamp)
    }
    return unknown
  }

  remember(key: string, stamp: RecordTimestampResult): void {
    if (stamp.kind !== 'found' || this.found.has(key)) return
    if (this.found.size >= this.limit) this.found.delete(this.found.keys().next().value!)
    this.found.set(key, stamp)
  }
}

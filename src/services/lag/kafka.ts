import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  computePartitionLag,
  evaluateBurrowWindow,
  rollUpLag,
  type BurrowEvaluation,
  type GroupObservation,
  type Isolation,
  type LagResult,
  type LagThresholds,
  type OffsetSample,
} from '../../core/lag/index.js'
import {printable} from '../../core/units.js'
import type {GroupInfo, KafkaLagReader, TopicPartitionsMeta} from '../../adapters/kafka/lag-reader.js'
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
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`
const unkey = (k: string): {topic: string; partition: number} => {
  const i = k.lastIndexOf('\u0000')
  return {topic: k.slice(0, i), partition: Number(k.slice(i + 1))}
}

/**
 * Consumer-group lag, read-only. Each sample reads committed offsets (OffsetFetch) and
 * THEN end offsets (ListOffsets at the chosen isolation), so a sample never shows a
 * negative lag. After the last sample the record at each lagging committed offset is
 * fetched for its timestamp: time lag = evaluation time - that timestamp, exactly.
 * With 2+ samples every partition is also judged by the Burrow rules over them.
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
  const groupIds = await resolveGroups(reader, opts)
  const infos = new Map((await reader.describeGroups(groupIds)).map((g) => [g.group, g]))
  let topics = await reader.topics()
  if (opts.topic !== undefined && !topics.has(opts.topic)) {
    throw new FleetopsError('BAD_INPUT', `topic "${printable(opts.topic)}" does not exist in the cluster; check the name (fleetops lists no lag for it)`, {exit: 3})
  }

  const takeSample = async (): Promise<Sample> => {
    const at = clock.now()
    const committed = new Map<string, Map<string, number | null>>()
    await Promise.all(
      groupIds.map(async (g) => {
        const offsets = await reader.committedOffsets(g)
        const info = infos.get(g)
        const wanted = new Set<string>()
        for (const o of offsets) wanted.add(o.topic)
        for (const m of info?.members ?? []) for (const a of m.assignments) wanted.add(a.topic)
        const byKey = new Map<string, number | null>()
        for (const t of [...wanted].sort()) {
          if (opts.topic !== undefined && t !== opts.topic) continue
          const meta = topics.get(t)
          if (!meta) continue // deleted topic: nothing to measure against
          for (const p of meta.partitions) byKey.set(key(t, p.partition), null)
        }
        if (opts.topic !== undefined && byKey.size === 0) {
          for (const p of topics.get(opts.topic)!.partitions) byKey.set(key(opts.topic, p.partition), null)
        }
        for (const o of offsets) if (byKey.has(key(o.topic, o.partition))) byKey.set(key(o.topic, o.partition), o.offset)
        committed.set(g, byKey)
      }),
    )
    const all = new Set<string>()
    for (const m of committed.values()) for (const k of m.keys()) all.add(k)
    const ends = await readEndOffsets(reader, [...all], topics, opts.isolation, async () => {
      topics = await reader.topics()
      return topics
    })
    return {at, committed, ends}
  }

  // Fail on groups that do not exist before sampling further.
  const first = await takeSample()
  for (const g of groupIds) {
    const info = infos.get(g)
    const hasOffsets = [...(first.committed.get(g)?.values() ?? [])].some((v) => v !== null)
    if ((!info || info.state === 'Dead') && !hasOffsets && !opts.groupRegex) {
      throw new FleetopsError('BAD_INPUT', `consumer group "${printable(g)}" does not exist (no members, no committed offsets); check the name, e.g. with --group-regex '.*'`, {
        exit: 3,
      })
    }
  }

  const base = {isolation: opts.isolation, endOffsetKind: opts.isolation === 'read_committed' ? ('last-stable-offset' as const) : ('high-watermark' as const)}
  const evaluate = async (sample: Sample, burrow: Map<string, BurrowEvaluation> | null, mode: KafkaLagReport['mode']): Promise<KafkaLagReport> => {
    const lagging: {topic: string; partition: number; leader: number | null; offset: number}[] = []
    const seen = new Set<string>()
    for (const m of sample.committed.values()) {
      for (const [k, c] of m) {
        const end = sample.ends.get(k)
        if (c === null || end === undefined || c >= end || seen.has(`${k}\u0000${c}`)) continue
        seen.add(`${k}\u0000${c}`)
        const {topic, partition} = unkey(k)
        const leader = leaderOf(topics, topic, partition)
        lagging.push({topic, partition, leader, offset: c})
      }
    }
    const stamps = await reader.recordTimestamps(lagging)
    const now = clock.now()
    const observations: GroupObservation[] = groupIds.map((g) => {
      const info = infos.get(g)
      const hasOffsets = [...(sample.committed.get(g)?.values() ?? [])].some((v) => v !== null)
      return {
        group: g,
        state: groupState(info, hasOffsets),
        members: info?.members ?? [],
        partitions: [...(sample.committed.get(g) ?? new Map<string, number | null>())].map(([k, c]) => {
          const {topic, partition} = unkey(k)
          const stamp = c === null ? undefined : stamps.get(k)
          const ts = stamp === undefined ? null : stamp.kind === 'found' ? stamp.timestamp : stamp.kind === 'gone' ? ('gone' as const) : null
          const offsets = computePartitionLag({committedOffset: c, logEndOffset: sample.ends.get(k)!, committedRecordTimestamp: ts}, now)
          if (stamp?.kind === 'unknown' && offsets.lag !== 0) offsets.note = [offsets.note, `time lag unknown: ${stamp.reason}`].filter(Boolean).join('; ')
          return {topic, partition, offsets, burrow: burrow?.get(`${g}\u0000${k}`) ?? null}
        }),
      }
    })
    const result = rollUpLag(observations, {now, thresholds: opts.thresholds, ...base})
    return {...result, mode, samples: mode === 'single' ? 1 : opts.samples, intervalMs: mode === 'single' ? null : opts.intervalMs}
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
        const list = history.get(hk) ?? []
        list.push({at: s.at, committedOffset: c, logEndOffset: s.ends.get(k)!, commitAt})
        while (list.length > window) list.shift()
        history.set(hk, list)
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
      const n = Math.max(...[...history.values()].map((l) => l.length), 1)
      const burrow = n >= 2 ? judge(sample.at, window * opts.intervalMs, Math.min(3, window)) : null
      last = await evaluate(sample, burrow, 'watch')
      await onEvaluation(last)
      await clock.sleep(opts.intervalMs, signal)
      if (signal.aborted) return last
      sample = await takeSample()
    }
  }

  if (opts.samples <= 1) return evaluate(first, null, 'single')
  const samples = [first]
  while (samples.length < opts.samples) {
    await clock.sleep(opts.intervalMs)
    samples.push(await takeSample())
  }
  for (const s of samples) record(s, opts.samples, false)
  const last = samples[samples.length - 1]!
  // A single run sees no commit older than its first sample, so the window is its span
  // plus one interval: STOP needs --watch, where offsets are tracked across windows.
  const windowMs = last.at - samples[0]!.at + opts.intervalMs
  return evaluate(last, judge(last.at, windowMs, Math.min(3, opts.samples)), 'samples')
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
  // KIP-848 ("consumer" protocol) groups look Dead to the classic DescribeGroups.
  if (info.state === 'Dead' && hasOffsets) return 'Unknown (not a classic group; members unavailable)'
  return info.state
}

async function resolveGroups(reader: KafkaLagReader, opts: KafkaLagOptions): Promise<string[]> {
  if (!opts.groupRegex) return [...new Set(opts.groups)]
  const all = await reader.listGroups()
  const matched = all.filter((g) => opts.groupRegex!.test(g))
  if (matched.length === 0) {
    throw new FleetopsError('BAD_INPUT', `no consumer group matches --group-regex ${printable(opts.groupRegex.source)} (${all.length} group(s) listed)`, {exit: 3})
  }
  return [...new Set([...opts.groups, ...matched])]
}

async function readEndOffsets(
  reader: KafkaLagReader,
  keys: string[],
  topics: Map<string, TopicPartitionsMeta>,
  isolation: Isolation,
  refresh: () => Promise<Map<string, TopicPartitionsMeta>>,
): Promise<Map<string, number>> {
  const ends = new Map<string, number>()
  const withLeaders = (meta: Map<string, TopicPartitionsMeta>, list: string[]) =>
    list.map((k) => {
      const {topic, partition} = unkey(k)
      return {topic, partition, leader: leaderOf(meta, topic, partition)}
    })
  let failed: string[] = []
  let lastReason = ''
  for (const r of await reader.endOffsets(withLeaders(topics, keys), isolation)) {
    if (r.ok) ends.set(key(r.topic, r.partition), r.offset)
    else failed.push(key(r.topic, r.partition))
  }
  if (failed.length > 0) {
    // Leaders move (a broker stopped); refresh the metadata once and ask again.
    const meta = await refresh()
    const retry = await reader.endOffsets(withLeaders(meta, failed), isolation)
    failed = []
    for (const r of retry) {
      if (r.ok) ends.set(key(r.topic, r.partition), r.offset)
      else {
        failed.push(`${r.topic}-${r.partition}`)
        lastReason = r.reason
      }
    }
  }
  if (failed.length > 0) {
    throw new FleetopsError('UNAVAILABLE', `cannot read the end offset of ${failed.length} partition(s) (${failed.slice(0, 3).join(', ')}): ${lastReason}`, {exit: 3})
  }
  return ends
}

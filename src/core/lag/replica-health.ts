import {badInput} from '../errors.js'
import {worstNagiosState, type NagiosState} from './nagios.js'
import {offsetToBigInt, offsetToNumber, type OffsetValue} from './offsets.js'

/**
 * Structural health of partition replicas, reproducing the kafka-topics.sh
 * --describe report predicates (TopicCommand.PartitionDescription, see
 * lag-probes.md §2.2) from Metadata + describeConfigs + listPartitionReassignments.
 */

export interface ReplicaLogEnd {
  broker: number
  /** LEO from ListOffsets(replica_id=-2, LATEST) sent to that broker; null when it failed. */
  logEndOffset: OffsetValue | null
  error?: string
}

export interface PartitionReplicas {
  topic: string
  partition: number
  replicas: number[]
  isr: number[]
  /** -1 or null: no leader. */
  leader: number | null
  addingReplicas?: number[]
  removingReplicas?: number[]
  /** Replicas the metadata lists as offline (broker down or log dir offline), Metadata v5+. */
  offlineReplicas?: number[]
  /** Per-replica log end offsets, when measured. */
  replicaLogEnds?: ReplicaLogEnd[]
  /**
   * Eligible leader replicas (KIP-966, DescribeTopicPartitions): replicas out of the ISR that
   * still hold every committed record, so a clean election may pick them. null/undefined =
   * unknown (the broker lacks the API, or the cluster has eligible.leader.replicas.version 0).
   */
  elr?: number[] | null
  /** Last known ELR: former ELR members that shut down uncleanly (only an unclean election could use them). */
  lastKnownElr?: number[] | null
}

export interface ReplicaHealthOptions {
  /** min.insync.replicas per topic (describeConfigs). */
  topicMinIsr: Readonly<Record<string, number>>
  /** Used for topics missing from topicMinIsr; without it min-ISR checks are skipped for them. */
  defaultMinIsr?: number
  /** Broker ids from describeCluster; when given, a leader outside it counts as offline (--unavailable-partitions). */
  liveBrokers?: readonly number[]
  /** Escalations above the defaults (under-replicated WARNING, at-min-ISR OK, reassigning OK). */
  escalate?: {
    underReplicated?: 'WARNING' | 'CRITICAL'
    atMinIsr?: 'WARNING' | 'CRITICAL'
    reassigning?: 'WARNING' | 'CRITICAL'
  }
}

export interface FollowerGap {
  broker: number
  adding: boolean
  inIsr: boolean
  logEndOffset: number | null
  /** Leader LEO minus this replica's LEO; null when it cannot be measured. */
  gap: number | null
  gapNote?: string
}

export interface PartitionHealth {
  topic: string
  partition: number
  leader: number | null
  replicas: number[]
  isr: number[]
  addingReplicas: number[]
  removingReplicas: number[]
  offlineReplicas: number[]
  minIsr: number | null
  offline: boolean
  underReplicated: boolean
  underMinIsr: boolean
  atMinIsr: boolean
  reassigning: boolean
  /** Eligible leader replicas (KIP-966); null = unknown. */
  elr: number[] | null
  lastKnownElr: number[] | null
  /**
   * Live replicas in ISR ∪ ELR other than the current leader: where a clean election could
   * move leadership now. null when the ELR is unknown.
   */
  eligibleLeaders: number[] | null
  /** Under min ISR (ELR known) and eligibleLeaders is not empty: WARNING unless offline. */
  underMinIsrElectable: boolean
  /** Under min ISR (ELR known) and eligibleLeaders is empty: the leader is the last clean one (or there is none). CRITICAL. */
  underMinIsrNoEligibleLeader: boolean
  /** Replicas (excluding ones still being added) that are not in the ISR. */
  missingFromIsr: number[]
  followers: FollowerGap[]
  state: NagiosState
  reasons: string[]
}

export interface BrokerReplicaCounts {
  broker: number
  replicas: number
  leaders: number
  missingFromIsr: number
}

export interface ReplicaHealthReport {
  state: NagiosState
  counts: {
    partitions: number
    offline: number
    underReplicated: number
    underMinIsr: number
    atMinIsr: number
    reassigning: number
    minIsrUnknown: number
    underMinIsrElectable: number
    underMinIsrNoEligibleLeader: number
  }
  brokers: BrokerReplicaCounts[]
  partitions: PartitionHealth[]
}

/**
 * Per partition:
 * - offline: no leader (-1/null), or leader not among liveBrokers when given.
 * - missingFromIsr: replicas - addingReplicas - isr. Replicas still being added
 *   by a reassignment are not missing (kafka-topics.sh uses RF = replicas -
 *   adding). We compare sets rather than counts so an adding replica that has
 *   already joined the ISR cannot mask a missing one.
 * - underReplicated: missingFromIsr is not empty.
 * - underMinIsr: offline or |isr| < min.insync.replicas; atMinIsr: |isr| == min.
 * - reassigning: adding or removing replicas present.
 * - eligibleLeaders (ELR known only): live replicas of ISR ∪ ELR other than the leader,
 *   "live" meaning in liveBrokers when given and not in offlineReplicas. Under min ISR,
 *   underMinIsrElectable when it is not empty, underMinIsrNoEligibleLeader when it is.
 * State: offline -> CRITICAL, always. Under min ISR (writes with acks=all fail either way):
 * CRITICAL when the ELR is unknown (no way to tell) or nothing but the leader could lead
 * cleanly (underMinIsrNoEligibleLeader: one more loss and the partition is offline, or needs
 * an unclean election); WARNING when a live ISR or ELR replica could take over cleanly
 * (underMinIsrElectable: no committed record is at risk from one more loss).
 * Under-replicated -> WARNING; at-min-ISR and reassigning -> OK with a reason, unless escalated.
 */
export function classifyReplicaHealth(partitions: readonly PartitionReplicas[], opts: ReplicaHealthOptions): ReplicaHealthReport {
  const live = opts.liveBrokers ? new Set(opts.liveBrokers) : null
  const brokers = new Map<number, BrokerReplicaCounts>()
  const broker = (id: number): BrokerReplicaCounts => {
    let b = brokers.get(id)
    if (!b) brokers.set(id, (b = {broker: id, replicas: 0, leaders: 0, missingFromIsr: 0}))
    return b
  }
  const results = partitions.map((p) => classifyPartition(p, opts, live))
  for (const r of results) {
    for (const id of r.replicas) broker(id).replicas++
    if (!r.offline && r.leader !== null) broker(r.leader).leaders++
    for (const id of r.missingFromIsr) broker(id).missingFromIsr++
  }
  return {
    state: worstNagiosState(results.map((r) => r.state), 'OK'),
    counts: {
      partitions: results.length,
      offline: results.filter((r) => r.offline).length,
      underReplicated: results.filter((r) => r.underReplicated).length,
      underMinIsr: results.filter((r) => r.underMinIsr).length,
      atMinIsr: results.filter((r) => r.atMinIsr).length,
      reassigning: results.filter((r) => r.reassigning).length,
      minIsrUnknown: results.filter((r) => r.minIsr === null).length,
      underMinIsrElectable: results.filter((r) => r.underMinIsrElectable).length,
      underMinIsrNoEligibleLeader: results.filter((r) => r.underMinIsrNoEligibleLeader).length,
    },
    brokers: [...brokers.values()].sort((a, b) => a.broker - b.broker),
    partitions: results,
  }
}

function classifyPartition(p: PartitionReplicas, opts: ReplicaHealthOptions, live: Set<number> | null): PartitionHealth {
  const name = `${p.topic}-${p.partition}`
  if (p.replicas.length === 0) throw badInput(`partition ${name} has no replicas in the metadata; refresh metadata and retry`)
  const adding = p.addingReplicas ?? []
  const removing = p.removingReplicas ?? []
  const leader = p.leader === null || p.leader < 0 ? null : p.leader
  const isr = new Set(p.isr)
  const addingSet = new Set(adding)
  const minIsr = opts.topicMinIsr[p.topic] ?? opts.defaultMinIsr ?? null
  if (minIsr !== null && (!Number.isInteger(minIsr) || minIsr < 1)) {
    throw badInput(`min.insync.replicas ${minIsr} for topic ${p.topic} is not a whole number >= 1; check the topic config`)
  }
  const offline = leader === null || (live !== null && !live.has(leader))
  const missingFromIsr = p.replicas.filter((r) => !addingSet.has(r) && !isr.has(r))
  const underReplicated = missingFromIsr.length > 0
  const underMinIsr = offline || (minIsr !== null && p.isr.length < minIsr)
  const atMinIsr = minIsr !== null && p.isr.length === minIsr
  const reassigning = adding.length > 0 || removing.length > 0
  const elr = p.elr === undefined || p.elr === null ? null : [...p.elr]
  const lastKnownElr = p.lastKnownElr === undefined || p.lastKnownElr === null ? null : [...p.lastKnownElr]
  const offlineReplicas = new Set(p.offlineReplicas ?? [])
  const isLive = (id: number): boolean => !offlineReplicas.has(id) && (live === null || live.has(id))
  const eligibleLeaders = elr === null ? null : [...new Set([...p.isr, ...elr])].filter((id) => id !== leader && p.replicas.includes(id) && isLive(id))
  const underMinIsrElectable = underMinIsr && eligibleLeaders !== null && eligibleLeaders.length > 0
  const underMinIsrNoEligibleLeader = underMinIsr && eligibleLeaders !== null && eligibleLeaders.length === 0

  const verdicts: {state: NagiosState; reason: string}[] = []
  if (offline) {
    const down = (p.offlineReplicas ?? []).length > 0 ? ` (offline replica(s) ${p.offlineReplicas!.join(',')})` : ''
    const elrNote = elr === null ? '' : eligibleLeaders!.length > 0 ? `; eligible to lead: ${eligibleLeaders!.join(',')}` : elr.length > 0 ? `; ELR ${elr.join(',')} (down) can lead once back` : ''
    verdicts.push({state: 'CRITICAL', reason: `${leader === null ? 'offline: no leader' : `offline: leader ${leader} is not a live broker`}${down}${elrNote}`})
  }
  if (underMinIsr && !offline) {
    const base = `under min ISR: ${p.isr.length} in sync < min.insync.replicas ${minIsr}`
    if (eligibleLeaders === null) verdicts.push({state: 'CRITICAL', reason: base})
    else if (underMinIsrElectable) {
      verdicts.push({state: 'WARNING', reason: `${base}; electable: ${eligibleLeaders.join(',')} could take over cleanly (ISR ${p.isr.join(',') || '-'}, ELR ${elr!.join(',') || '-'})`})
    } else {
      const down = elr!.filter((id) => !isLive(id))
      const waits = down.length > 0 ? `; ELR ${down.join(',')} down, can lead again once back` : ''
      const lke = lastKnownElr && lastKnownElr.length > 0 ? `; last known ELR ${lastKnownElr.join(',')} only by unclean election` : ''
      verdicts.push({state: 'CRITICAL', reason: `${base}; no eligible leader but ${leader}: one more loss takes it offline${waits}${lke}`})
    }
  }
  if (underReplicated) {
    verdicts.push({state: opts.escalate?.underReplicated ?? 'WARNING', reason: `under-replicated: broker(s) ${missingFromIsr.join(',')} not in ISR`})
  }
  if (atMinIsr) verdicts.push({state: opts.escalate?.atMinIsr ?? 'OK', reason: `at min ISR (${minIsr}): one more loss blocks acks=all writes`})
  if (reassigning) {
    verdicts.push({
      state: opts.escalate?.reassigning ?? 'OK',
      reason: `reassigning (adding ${adding.join(',') || '-'}; removing ${removing.join(',') || '-'})`,
    })
  }
  if (minIsr === null) verdicts.push({state: 'OK', reason: `min.insync.replicas unknown for topic ${p.topic}; min-ISR checks skipped`})

  return {
    topic: p.topic,
    partition: p.partition,
    leader,
    replicas: [...p.replicas],
    isr: [...p.isr],
    addingReplicas: [...adding],
    removingReplicas: [...removing],
    offlineReplicas: [...(p.offlineReplicas ?? [])],
    minIsr,
    offline,
    underReplicated,
    underMinIsr,
    atMinIsr,
    reassigning,
    elr,
    lastKnownElr,
    eligibleLeaders,
    underMinIsrElectable,
    underMinIsrNoEligibleLeader,
    missingFromIsr,
    followers: followerGaps(p, leader, offline, isr, addingSet),
    state: worstNagiosState(verdicts.map((v) => v.state), 'OK'),
    reasons: verdicts.map((v) => v.reason),
  }
}

function followerGaps(p: PartitionReplicas, leader: number | null, offline: boolean, isr: Set<number>, adding: Set<number>): FollowerGap[] {
  const measured = new Map<number, ReplicaLogEnd>()
  for (const m of p.replicaLogEnds ?? []) measured.set(m.broker, m)
  const leoOf = (id: number): bigint | null => {
    const v = measured.get(id)?.logEndOffset
    return v === null || v === undefined ? null : offsetToBigInt(v, `log end offset of broker ${id}`)
  }
  const leaderLeo = leader === null ? null : leoOf(leader)
  const why = (id: number): string => {
    const m = measured.get(id)
    if (!m) return `log end offset of broker ${id} was not measured (needs ListOffsets replica_id=-2 sent to that broker)`
    return `log end offset of broker ${id} could not be read${m.error ? `: ${m.error}` : ''}`
  }
  return p.replicas
    .filter((id) => id !== leader)
    .map((id) => {
      const leo = leoOf(id)
      const out: FollowerGap = {
        broker: id,
        adding: adding.has(id),
        inIsr: isr.has(id),
        logEndOffset: leo === null ? null : offsetToNumber(leo, `log end offset of broker ${id}`),
        gap: null,
      }
      if (offline || leader === null) out.gapNote = 'partition has no live leader, so there is no log end offset to compare with'
      else if (leaderLeo === null) out.gapNote = `leader ${why(leader)}`
      else if (leo === null) out.gapNote = why(id)
      else if (leo > leaderLeo) {
        // Possible after a leader change before truncation, or a race between the two requests.
        out.gapNote = `replica log end offset ${leo} is ahead of the leader's ${leaderLeo} (divergent log or measured at different moments)`
      } else out.gap = offsetToNumber(leaderLeo - leo, 'follower gap')
      return out
    })
}

import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  classifyReplicaHealth,
  evaluateLagState,
  nagiosExitCode,
  nagiosSeverity,
  worstNagiosState,
  type BrokerReplicaCounts,
  type LagThresholds,
  type NagiosState,
  type PartitionReplicas,
  type ReplicaHealthReport,
  type ReplicaLogEnd,
} from '../../core/lag/index.js'
import {printable} from '../../core/units.js'
import {asProbeUnknown} from './unknown.js'

export interface ReplicaProbeOptions {
  topics?: RegExp
  /** Only --warn-lag / --crit-lag apply: to a follower's offset gap behind its leader. */
  thresholds: Pick<LagThresholds, 'warnLag' | 'critLag'>
  underReplicated: 'WARNING' | 'CRITICAL'
  /** Measure each follower's log end offset (ListOffsets replica -2 to every broker). */
  measureGaps: boolean
  verbose?: boolean
}

export interface ReplicaProbeReport extends Omit<ReplicaHealthReport, 'state' | 'brokers'> {
  version: 1
  status: NagiosState
  exitCode: 0 | 1 | 2 | 3
  evaluatedAt: number
  brokers: (BrokerReplicaCounts & {live: boolean})[]
  /** Why some follower gaps have no number (e.g. a broker that is down). */
  gapNotes: string[]
  /** Other caveats, e.g. why ELR is not shown (the broker lacks DescribeTopicPartitions). */
  notes: string[]
}

/**
 * Structural replica health (kafka-topics.sh --under-replicated / --under-min-isr /
 * --at-min-isr / --unavailable predicates, replicas still being added by a reassignment
 * are not missing) plus, where it can be measured, each follower's offset gap: its log
 * end offset from ListOffsets replica_id -2 sent to its own broker, against the leader's.
 * Eligible leader replicas (KIP-966) come from DescribeTopicPartitions where the broker has it
 * (Kafka 3.8+); without it the probe says so in `notes` and judges as before, ELR unknown.
 */
export async function probeReplicaHealth(conn: KafkaConnection, opts: ReplicaProbeOptions, now: () => number = Date.now): Promise<ReplicaProbeReport> {
  const {KafkaLagReader} = await import('../../adapters/kafka/lag-reader.js')
  const reader = new KafkaLagReader(conn, opts.verbose)
  try {
    // One Metadata request of our own (kafkajs's metadata throws on any offline partition,
    // which is exactly what this probe must report), the addressable brokers and the
    // ongoing reassignments, concurrently.
    const [snapshot, registered, reassigning] = await Promise.all([reader.metadata(null), reader.registeredBrokers(), reader.reassignments()])
    const meta = snapshot.topics
    const live = snapshot.brokers
    const topics = [...meta.keys()].filter((t) => (opts.topics ? opts.topics.test(t) : true)).sort()
    if (topics.length === 0) {
      throw new FleetopsError('BAD_INPUT', `no topic matches --topics ${printable(opts.topics?.source ?? '')} (${meta.size} topic(s) in the cluster)`, {exit: 3})
    }
    const minIsrP = reader.minInsyncReplicas(topics)
    minIsrP.catch(() => {}) // awaited below; the gap measurement runs meanwhile
    const elrP = reader.eligibleLeaderReplicas(topics) // never rejects: a failure is a note
    const partitions: PartitionReplicas[] = topics.flatMap((t) =>
      meta.get(t)!.partitions.map((p) => {
        const r = reassigning?.get(`${t}\u0000${p.partition}`)
        return {
          topic: t,
          partition: p.partition,
          replicas: p.replicas,
          isr: p.isr,
          leader: p.leader,
          offlineReplicas: p.offlineReplicas,
          addingReplicas: r?.adding ?? [],
          removingReplicas: r?.removing ?? [],
        }
      }),
    )
    const gapNotes: string[] = []
    if (opts.measureGaps) {
      const byBroker = new Map<number, {topic: string; partition: number}[]>()
      for (const p of partitions) {
        for (const b of p.replicas) {
          const list = byBroker.get(b)
          if (list) list.push({topic: p.topic, partition: p.partition})
          else byBroker.set(b, [{topic: p.topic, partition: p.partition}])
        }
      }
      const logEnds = new Map<string, ReplicaLogEnd[]>()
      const add = (topic: string, partition: number, end: ReplicaLogEnd): void => {
        const k = `${topic}\u0000${partition}`
        const list = logEnds.get(k)
        if (list) list.push(end)
        else logEnds.set(k, [end])
      }
      await Promise.all(
        [...byBroker].map(async ([broker, tps]) => {
          if (!registered.includes(broker)) {
            gapNotes.push(`broker ${broker} is not registered in the cluster (down?): its replicas' log end offsets cannot be measured`)
            for (const tp of tps) add(tp.topic, tp.partition, {broker, logEndOffset: null, error: `broker ${broker} is not registered (down?)`})
            return
          }
          try {
            for (const r of await reader.replicaLogEnds(broker, tps)) {
              add(r.topic, r.partition, r.measurable ? {broker, logEndOffset: r.offset} : {broker, logEndOffset: null, error: r.reason})
            }
          } catch (error) {
            const message = (error as Error).message
            gapNotes.push(`broker ${broker}: log end offsets not measured (${message})`)
            for (const tp of tps) add(tp.topic, tp.partition, {broker, logEndOffset: null, error: message})
          }
        }),
      )
      for (const p of partitions) p.replicaLogEnds = logEnds.get(`${p.topic}\u0000${p.partition}`) ?? []
    } else gapNotes.push('follower gaps not measured (--no-gaps)')
    const minIsr = await minIsrP
    const notes: string[] = []
    const elr = await elrP
    if (elr.ok) {
      for (const p of partitions) {
        const e = elr.partitions.get(`${p.topic}\u0000${p.partition}`)
        p.elr = e?.elr ?? null
        p.lastKnownElr = e?.lastKnownElr ?? null
      }
      if (partitions.length > 0 && partitions.every((p) => p.elr === null)) {
        notes.push('ELR not shown: the cluster does not track eligible leader replicas (feature eligible.leader.replicas.version is 0)')
      }
    } else notes.push(elr.note)

    const report = classifyReplicaHealth(partitions, {
      topicMinIsr: minIsr,
      liveBrokers: live,
      escalate: {underReplicated: opts.underReplicated},
    })
    // Follower offset gaps against --warn-lag/--crit-lag.
    if (opts.thresholds.warnLag !== null || opts.thresholds.critLag !== null) {
      const t = {warnLag: opts.thresholds.warnLag, critLag: opts.thresholds.critLag, warnTimeLagMs: null, critTimeLagMs: null}
      for (const p of report.partitions) {
        for (const f of p.followers) {
          if (f.gap === null) continue
          const v = evaluateLagState({lag: f.gap, timeLagMs: null}, t)
          if (v.state !== 'OK') {
            p.reasons.push(`follower ${f.broker} ${v.reason.replace(/^lag/, 'gap')}`)
            if (nagiosSeverity(v.state) > nagiosSeverity(p.state)) p.state = v.state
          }
        }
      }
    }
    const status = worstNagiosState(report.partitions.map((p) => p.state), 'OK')
    const liveSet = new Set(live)
    const brokers = new Map(report.brokers.map((b) => [b.broker, {...b, live: liveSet.has(b.broker)}]))
    for (const id of live) if (!brokers.has(id)) brokers.set(id, {broker: id, replicas: 0, leaders: 0, missingFromIsr: 0, live: true})
    return {
      version: 1,
      status,
      exitCode: nagiosExitCode(status),
      evaluatedAt: now(),
      counts: report.counts,
      brokers: [...brokers.values()].sort((a, b) => a.broker - b.broker),
      partitions: report.partitions,
      gapNotes: [...new Set(gapNotes)].sort(),
      notes,
    }
  } catch (error) {
    throw asProbeUnknown(error, 'Kafka replica probe')
  } finally {
    await reader.close()
  }
}

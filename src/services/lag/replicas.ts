import type {KafkaConnection} from '../../core/connection.js'
import {FleetopsError} from '../../core/errors.js'
import {
  attachEligibleLeaderReplicas,
  brokersWithLiveness,
  classifyReplicaHealth,
  judgeFollowerGaps,
  nagiosExitCode,
  partitionReplicasOf,
  replicasByBroker,
  worstNagiosState,
  type BrokerReplicaCounts,
  type LagThresholds,
  type NagiosState,
  type PartitionReplicas,
  type ReplicaHealthReport,
  type ReplicaLogEnd,
} from '../../core/lag/index.js'
import {PartitionIndex} from '../../core/partition-index.js'
import {printable} from '../../core/units.js'
import type {KafkaLagReader} from '../../adapters/kafka/lag-reader.js'
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
    const live = snapshot.brokers
    const topics = selectTopics([...snapshot.topics.keys()], opts.topics)
    const minIsrP = reader.minInsyncReplicas(topics)
    minIsrP.catch(() => {}) // awaited below; the gap measurement runs meanwhile
    const elrP = reader.eligibleLeaderReplicas(topics) // never rejects: a failure is a note
    const partitions = partitionReplicasOf(topics, snapshot.topics, reassigning)
    const gapNotes = opts.measureGaps ? await measureFollowerLogEnds(reader, partitions, registered) : ['follower gaps not measured (--no-gaps)']
    const minIsr = await minIsrP
    const elr = await elrP
    const notes = elr.ok ? attachEligibleLeaderReplicas(partitions, elr.partitions) : [elr.note]

    const report = classifyReplicaHealth(partitions, {
      topicMinIsr: minIsr,
      liveBrokers: live,
      escalate: {underReplicated: opts.underReplicated},
    })
    judgeFollowerGaps(report.partitions, opts.thresholds)
    const status = worstNagiosState(report.partitions.map((p) => p.state), 'OK')
    return {
      version: 1,
      status,
      exitCode: nagiosExitCode(status),
      evaluatedAt: now(),
      counts: report.counts,
      brokers: brokersWithLiveness(report.brokers, live),
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

/** The cluster's topics that --topics matches (all without it), sorted; none is a usage error. */
function selectTopics(names: string[], filter: RegExp | undefined): string[] {
  const topics = names.filter((t) => (filter ? filter.test(t) : true)).sort()
  if (topics.length === 0) {
    throw new FleetopsError('BAD_INPUT', `no topic matches --topics ${printable(filter?.source ?? '')} (${names.length} topic(s) in the cluster)`, {exit: 3})
  }
  return topics
}

/**
 * Each replica's log end offset (ListOffsets replica -2, one request per broker, all
 * brokers at once) set on its partition; returns why some could not be measured.
 */
async function measureFollowerLogEnds(reader: KafkaLagReader, partitions: PartitionReplicas[], registered: number[]): Promise<string[]> {
  const gapNotes: string[] = []
  const logEnds = new PartitionIndex<ReplicaLogEnd[]>()
  const add = (topic: string, partition: number, end: ReplicaLogEnd): void => {
    const list = logEnds.get(topic, partition)
    if (list) list.push(end)
    else logEnds.set(topic, partition, [end])
  }
  await Promise.all(
    [...replicasByBroker(partitions)].map(async ([broker, tps]) => {
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
  for (const p of partitions) p.replicaLogEnds = logEnds.get(p.topic, p.partition) ?? []
  return gapNotes
}

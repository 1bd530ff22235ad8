import * as Flags from '@oclif/core/flags'

import {badInput} from '../../core/errors.js'
import {userRegex} from '../../core/identifiers.js'
import {parseLagThresholds} from '../../core/lag/index.js'
import {probeFormatFlag} from '../../flags.js'
import {renderReplicaHealth} from '../../output/lag.js'
import {KafkaProbeCommand, type ProbeFormat, type ProbeUnknown} from '../../probe-command.js'
import type {ReplicaProbeReport} from '../../services/lag/replicas.js'

export default class LagReplicas extends KafkaProbeCommand {
  static override summary = 'Kafka replica health: offline, under-replicated, under/at-min-ISR and reassigning partitions, eligible leader replicas, follower gaps.'
  static override description = `Reproduces the kafka-topics.sh --describe report predicates from metadata, min.insync.replicas and the ongoing reassignments (replicas still being added are not missing), with counts per broker. Where it can be measured, each follower's offset gap behind its leader is reported (its log end offset from ListOffsets with replica id -2 sent to its own broker); where it cannot (the broker is down), it says so instead of making up a number.

Eligible leader replicas (KIP-966: ELR and last known ELR) come from DescribeTopicPartitions (Kafka 3.8+; filled in when the cluster has eligible.leader.replicas.version 1, the default for clusters formatted by 4.1+); where the broker lacks it a note says so and the probe carries on without ELR.

States: offline CRITICAL; under min ISR CRITICAL, except WARNING when a live ISR or ELR replica other than the leader could take over cleanly (underMinIsrElectable; acks=all writes still fail; with no such replica it is underMinIsrNoEligibleLeader, CRITICAL; with the ELR unknown, CRITICAL); under-replicated WARNING (CRITICAL with --under-replicated critical); a follower gap above --warn-lag/--crit-lag WARNING/CRITICAL. Exit codes (Nagios): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (cluster unreachable, no topic matches, or a usage error, raised before the cluster is touched). A probe that cannot run still answers in the format asked for: "REPLICAS UNKNOWN - <reason>", or the JSON document with status UNKNOWN and a reason.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --topics "^orders\\." --crit-lag 10000 --json',
    '<%= config.bin %> <%= command.id %> --under-replicated critical',
  ]

  static override flags = {
    topics: Flags.string({description: 'Only topics whose name matches this regular expression.'}),
    'warn-lag': Flags.string({description: 'WARNING when a follower is more than this many offsets behind its leader.'}),
    'crit-lag': Flags.string({description: 'CRITICAL when a follower is more than this many offsets behind its leader.'}),
    'under-replicated': Flags.option({description: 'State of an under-replicated partition.', options: ['warning', 'critical'] as const, default: 'warning' as const})(),
    gaps: Flags.boolean({description: 'Measure follower offset gaps (one ListOffsets per broker).', default: true, allowNo: true}),
    format: probeFormatFlag(['table', 'json']),
  }

  protected readonly service = 'REPLICAS'

  async run(): Promise<ReplicaProbeReport> {
    const {flags} = await this.parse(LagReplicas)
    this.format = this.jsonEnabled() ? 'json' : flags.format
    const t = parseLagThresholds({warnLag: flags['warn-lag'], critLag: flags['crit-lag']})
    const topics = flags.topics === undefined ? undefined : userRegex(flags.topics, '--topics')
    if (flags.topics !== undefined && flags.topics.trim() === '') throw badInput('--topics is empty; give a regular expression such as "^orders"')
    const conn = this.kafkaConnection(flags)
    const {probeReplicaHealth} = await import('../../services/lag/replicas.js')
    const report = await probeReplicaHealth(conn, {
      topics,
      thresholds: {warnLag: t.warnLag, critLag: t.critLag},
      underReplicated: flags['under-replicated'] === 'critical' ? 'CRITICAL' : 'WARNING',
      measureGaps: flags.gaps,
      verbose: this.verbose,
    })
    if (flags.format === 'json' && !this.jsonEnabled()) this.writeDocument(report)
    else if (!this.jsonEnabled()) this.log(renderReplicaHealth(report))
    process.exitCode = report.exitCode
    return report
  }


  protected unknownReport(unknown: ProbeUnknown, now: number): object {
    const counts = {
      partitions: null,
      offline: null,
      underReplicated: null,
      underMinIsr: null,
      atMinIsr: null,
      reassigning: null,
      minIsrUnknown: null,
      underMinIsrElectable: null,
      underMinIsrNoEligibleLeader: null,
    }
    return {
      version: 1,
      status: unknown.status,
      exitCode: unknown.exitCode,
      evaluatedAt: now,
      counts,
      brokers: [],
      partitions: [],
      gapNotes: [],
      notes: [],
      reason: unknown.reason,
      error: unknown.error,
    }
  }
}

import * as Flags from '@oclif/core/flags'

import {ExitCode, badInput} from '../../core/errors.js'
import {parseLagThresholds} from '../../core/lag/thresholds.js'
import {renderQuorumPrometheus, type QuorumThresholds} from '../../core/lag/quorum.js'
import {durationFlag, integerFlag, probeFormatFlag} from '../../flags.js'
import {renderQuorum} from '../../output/quorum.js'
import {KafkaProbeCommand, type ProbeFormat, type ProbeUnknown} from '../../probe-command.js'
import type {QuorumProbeReport} from '../../services/lag/quorum.js'
import {watchUntilInterrupted} from '../../watch.js'

export default class LagQuorum extends KafkaProbeCommand {
  static override summary = 'KRaft metadata quorum health: leader, epoch, high watermark, each voter and observer with its lag.'
  static override description = `Sends DescribeQuorum (API key 55) for __cluster_metadata-0 to a broker, which forwards it to the active controller, and reports the leader, its epoch, the high watermark and, per voter and observer, its log end offset, its lag in records behind the leader and the time since its last fetch and since it was last caught up.

A voter counts towards the majority when its log end offset is known, it is not beyond --crit-lag and it fetched within --crit-time-lag (default 10s). No leader, or fewer such voters than a majority, is CRITICAL; a voter or observer beyond --warn-lag/--crit-lag or --warn-time-lag/--crit-time-lag (or, without time thresholds, not fetching for 10s) is WARNING and named. With --samples N --interval D (or --watch, a sliding window of --samples) a leader epoch change between samples is reported as an election; more than --max-elections elections is WARNING.

Exit codes (Nagios): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (no broker answered, or a usage error, raised before the cluster is touched). A probe that cannot run still answers in the format asked for: "QUORUM UNKNOWN - <reason>", the JSON document with status UNKNOWN and a reason, or fleetops_quorum_status 3.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --crit-lag 1000 --warn-time-lag 5s --crit-time-lag 30s --json',
    '<%= config.bin %> <%= command.id %> --samples 6 --interval 10s --max-elections 0',
    '<%= config.bin %> <%= command.id %> --watch --interval 10s --format prometheus',
  ]

  static override flags = {
    'warn-lag': Flags.string({description: 'WARNING when a replica is more than this many records behind the leader.'}),
    'crit-lag': Flags.string({description: 'CRITICAL when a replica is more than this many records behind the leader (a voter beyond it does not count towards the majority).'}),
    'warn-time-lag': Flags.string({description: 'WARNING when a replica was last caught up longer ago than this, e.g. 5s.'}),
    'crit-time-lag': Flags.string({description: 'CRITICAL beyond this; a voter that has not fetched for this long does not count towards the majority (default 10s).'}),
    samples: integerFlag({description: 'Samples to take, --interval apart; leader epoch changes between them are elections. With --watch, the sliding window (default 10).', min: 1, max: 1000}),
    interval: durationFlag({description: 'Time between samples, e.g. 5s.', default: '5s'}),
    watch: Flags.boolean({description: 'Sample every --interval until interrupted, judging each time over a sliding window.'}),
    'max-elections': integerFlag({description: 'WARNING when more leader elections than this are seen between the samples.', min: 0, max: 1_000_000}),
    format: probeFormatFlag(['table', 'json', 'prometheus']),
  }

  protected readonly service = 'QUORUM'
  private sampling: {samples: number; intervalMs: number | null} = {samples: 1, intervalMs: null}

  async run(): Promise<QuorumProbeReport | undefined> {
    const {flags} = await this.parse(LagQuorum)
    const format: ProbeFormat = this.jsonEnabled() ? 'json' : flags.format
    this.format = format
    const lag = parseLagThresholds({warnLag: flags['warn-lag'], critLag: flags['crit-lag'], warnTimeLag: flags['warn-time-lag'], critTimeLag: flags['crit-time-lag']})
    const thresholds: QuorumThresholds = {
      ...lag,
      maxElections: flags['max-elections'] ?? null,
    }
    const intervalMs = flags.interval
    const samples = flags.samples ?? (flags.watch ? 10 : 1)
    if (flags.watch && samples < 2) throw badInput('--watch needs a window of at least 2 samples; use --samples 10 or leave it out')
    this.sampling = {samples, intervalMs: samples > 1 || flags.watch ? intervalMs : null}
    const conn = this.kafkaConnection(flags)
    const {probeQuorum} = await import('../../services/lag/quorum.js')

    const print = (report: QuorumProbeReport, streaming: boolean): void => {
      if (format === 'json') {
        if (streaming) this.writeDocument(report, 'line')
        else if (!this.jsonEnabled()) this.writeDocument(report)
      } else if (format === 'prometheus') this.writeText(renderQuorumPrometheus(report))
      else this.log(`${streaming ? `--- ${new Date(report.evaluatedAt).toISOString()}\n` : ''}${renderQuorum(report, thresholds)}${streaming ? '\n' : ''}`)
    }
    let report: QuorumProbeReport
    if (flags.watch) {
      this.streaming = true
      let last: QuorumProbeReport | undefined
      const watched = await watchUntilInterrupted((signal) =>
        probeQuorum(conn, {thresholds, samples, intervalMs, verbose: this.verbose, watch: {signal, onEvaluation: (r) => print((last = r), true)}}),
      )
      if (watched.interrupted) {
        process.exitCode = ExitCode.INTERRUPTED
        return last
      }
      report = watched.result
    } else {
      report = await probeQuorum(conn, {thresholds, samples, intervalMs, verbose: this.verbose})
      print(report, false)
    }
    process.exitCode = report.exitCode
    return report
  }

  override logJson(json: unknown): void {
    if (!this.streaming) super.logJson(json)
  }

  protected unknownReport(unknown: ProbeUnknown, now: number): object {
    return {...this.unknownDoc(now), ...unknown}
  }

  protected override unknownPrometheus(now: number): string {
    return renderQuorumPrometheus(this.unknownDoc(now))
  }

  private unknownDoc(now: number): QuorumProbeReport {
    return {
      version: 1,
      status: 'UNKNOWN',
      exitCode: 3,
      evaluatedAt: now,
      leaderId: null,
      leaderEpoch: null,
      highWatermark: null,
      healthyVoters: null,
      majority: null,
      voters: [],
      observers: [],
      elections: [],
      samples: this.sampling.samples,
      intervalMs: this.sampling.intervalMs,
      apiVersion: null,
      notes: [],
    }
  }
}

import * as Flags from '@oclif/core/flags'

import {ExitCode, badInput} from '../../core/errors.js'
import {kafkaTopicName} from '../../core/identifiers.js'
import {parseLagThresholds, renderLagPrometheus, type GroupResult, type LagResult, type LagThresholds} from '../../core/lag/index.js'
import {redactValue} from '../../core/redact.js'
import {durationFlag, integerFlag, probeFormatFlag, regexFlag} from '../../flags.js'
import {renderKafkaLag} from '../../output/lag.js'
import {LagSweepPages} from '../../output/lag-pages.js'
import {colourEnabled} from '../../output/style.js'
import {KafkaProbeCommand, type ProbeFormat, type ProbeUnknown} from '../../probe-command.js'
import type {KafkaLagReport} from '../../services/lag/kafka.js'
import {watchUntilInterrupted} from '../../watch.js'

export default class LagKafka extends KafkaProbeCommand {
  static override summary = 'Consumer-group lag in messages and in time, judged by thresholds and the Burrow rules (read-only).'
  static override description = `For each partition: the committed offset, the log-end offset (the high watermark, or with --isolation read_committed the last stable offset), the lag in messages, and the time lag: the age of the record AT the committed offset (the oldest unconsumed message), read exactly from the broker. A partition without a committed offset is unknown, never "lag = log size". The probe never joins the group, commits or changes offsets.

With --samples K (K >= 2) it samples K times --interval apart and judges every partition by the Burrow rules: OK, WARN (lag growing), STALL (committed offset not moving while lag > 0), STOP (no commit for longer than the window; needs --watch), REWIND (committed offset went backwards). --watch samples until interrupted over a sliding window of --samples (default 10) samples.

Exit codes (Nagios): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. UNKNOWN means the probe could not run or judge: cluster unreachable or timing out, credentials refused, the group or topic does not exist, no partition has a committed offset, or a usage error (bad flags, warn above crit, a malformed duration: raised before the cluster is touched). A probe that cannot run still answers in the format asked for: "LAG UNKNOWN - <reason>", the JSON document with status UNKNOWN and a reason, or fleetops_lag_status 3. --watch writes one JSON document per line under --json and ends with exit 130 when interrupted (Ctrl-C, SIGTERM).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --group orders-service',
    '<%= config.bin %> <%= command.id %> --group orders-service --warn-lag 1000 --crit-lag 10000 --warn-time-lag 1m --crit-time-lag 5m',
    '<%= config.bin %> <%= command.id %> --group-regex "^billing-" --samples 5 --interval 10s --json',
    '<%= config.bin %> <%= command.id %> --group orders-service --format prometheus > /var/lib/node_exporter/lag.prom.$$ && mv /var/lib/node_exporter/lag.prom.$$ /var/lib/node_exporter/lag.prom',
    '<%= config.bin %> <%= command.id %> --group orders-service --topic orders --isolation read_committed',
    '<%= config.bin %> <%= command.id %> --group orders-service --watch --interval 10s',
  ]

  static override flags = {
    group: Flags.string({char: 'g', description: 'Consumer group id (repeatable).', multiple: true}),
    'group-regex': regexFlag({description: 'Every consumer group whose id matches this regular expression.'}),
    topic: Flags.string({char: 't', description: 'Only this topic.'}),
    isolation: Flags.option({
      description: 'End offset to measure against: the high watermark (read_uncommitted) or the last stable offset (read_committed).',
      options: ['read_uncommitted', 'read_committed'] as const,
      default: 'read_uncommitted' as const,
    })(),
    samples: integerFlag({description: 'Samples to take before judging (Burrow rules need >= 2); with --watch, the sliding window size (default 10).', min: 1, max: 1000}),
    interval: durationFlag({description: 'Time between samples, e.g. 10s.', default: '10s'}),
    watch: Flags.boolean({description: 'Sample every --interval until interrupted, judging each time over a sliding window.'}),
    'warn-lag': Flags.string({description: 'WARNING when a partition lags by more than this many messages.'}),
    'crit-lag': Flags.string({description: 'CRITICAL when a partition lags by more than this many messages.'}),
    'warn-time-lag': Flags.string({description: 'WARNING when the oldest unconsumed message is older than this, e.g. 1m.'}),
    'crit-time-lag': Flags.string({description: 'CRITICAL when the oldest unconsumed message is older than this, e.g. 5m.'}),
    format: probeFormatFlag(['table', 'json', 'prometheus']),
    'page-size': integerFlag({
      description: 'A one-shot probe of more groups than this (e.g. --group-regex over a fleet) sweeps them in pages of this many, two pages at a time, each read and judged before the next.',
      min: 1,
      max: 100000,
      default: '250',
    }),
  }

  protected readonly service = 'LAG'
  /** What an UNKNOWN document states about the probe, once the flags are read. */
  /** A sweep's output, rendered page by page. */
  private pages?: LagSweepPages
  /** run() wrote the sweep's JSON document itself (oclif's logJson after run() then writes nothing). */
  private pagedWritten = false
  private probeSettings: Pick<KafkaLagReport, 'isolation' | 'mode' | 'samples' | 'intervalMs'> = {isolation: 'read_uncommitted', mode: 'single', samples: 1, intervalMs: null}

  async run(): Promise<KafkaLagReport | undefined> {
    const {flags} = await this.parse(LagKafka)
    const format: ProbeFormat = this.jsonEnabled() ? 'json' : flags.format
    this.format = format
    // Everything the user typed is checked before the cluster is touched (UNKNOWN, exit 3).
    const thresholds = parseLagThresholds({
      warnLag: flags['warn-lag'],
      critLag: flags['crit-lag'],
      warnTimeLag: flags['warn-time-lag'],
      critTimeLag: flags['crit-time-lag'],
    })
    const groups = (flags.group ?? []).map((g) => {
      if (g.trim() === '') throw badInput('--group is empty; give a consumer group id')
      return g
    })
    const groupRegex = flags['group-regex']
    if (groups.length === 0 && !groupRegex) throw badInput('name the consumer group(s) to probe with --group G (repeatable) or --group-regex REGEX')
    const topic = flags.topic === undefined ? undefined : kafkaTopicName(flags.topic, '--topic')
    const intervalMs = flags.interval
    const samples = flags.samples ?? (flags.watch ? 10 : 1)
    if (flags.watch && samples < 2) throw badInput('--watch needs a window of at least 2 samples; use --samples 10 or leave it out')
    this.probeSettings = {isolation: flags.isolation, mode: flags.watch ? 'watch' : samples > 1 ? 'samples' : 'single', samples, intervalMs: samples > 1 ? intervalMs : null}
    const conn = this.kafkaConnection(flags)

    const {probeKafkaLag} = await import('../../services/lag/kafka.js')
    const print = (report: KafkaLagReport): void => {
      if (format === 'json') this.writeDocument(report, 'line')
      else if (format === 'prometheus') this.writeText(`${renderLagPrometheus(report, {now: report.evaluatedAt})}\n`)
      else this.log(`${flags.watch ? `--- ${new Date(report.evaluatedAt).toISOString()}\n` : ''}${renderKafkaLag(report, thresholds)}\n`)
    }
    let report: KafkaLagReport
    if (flags.watch) {
      // Until interrupted (Ctrl-C, SIGTERM), which ends it with exit 130 at once.
      this.streaming = true
      let last: KafkaLagReport | undefined
      const watched = await watchUntilInterrupted((signal) =>
        probeKafkaLag(conn, {
          groups,
          groupRegex,
          topic,
          isolation: flags.isolation,
          samples,
          intervalMs,
          thresholds,
          verbose: this.verbose,
          watch: {signal, onEvaluation: (r) => print((last = r))},
        }),
      )
      if (watched.interrupted) {
        process.exitCode = ExitCode.INTERRUPTED
        return last
      }
      report = watched.result
    } else {
      // A sweep's pages are rendered as they come and their groups let go (output/lag-pages.ts);
      // Prometheus text and coloured JSON are made from the whole report.
      const pages = format === 'table' || (format === 'json' && !colourEnabled()) ? new LagSweepPages(format, 'single') : undefined
      const onPage = pages && ((page: readonly GroupResult[]) => pages.add(page))
      report = await probeKafkaLag(conn, {groups, groupRegex, topic, pageSize: flags['page-size'], onPage, isolation: flags.isolation, samples, intervalMs, thresholds, verbose: this.verbose})
      if (pages?.count) this.pages = pages
      if (format === 'prometheus') this.writeText(renderLagPrometheus(report, {now: report.evaluatedAt}))
      else if (format === 'json' && this.pages) await this.writePagedJson(this.jsonEnabled() ? this.toSuccessJson(report) : redactValue(report))
      else if (format === 'json' && !this.jsonEnabled()) this.logJson(redactValue(report))
      else if (format === 'table') await this.writeTable(report, thresholds)
    }
    process.exitCode = report.exitCode
    return report
  }

  /** Under --watch every evaluation was already written as one JSON line, and a sweep's document by run(). */
  override logJson(json: unknown): void {
    if (!this.streaming && !this.pagedWritten) super.logJson(json)
  }

  /** A sweep's document, its groups from the pages, written at the pace stdout takes it (see writeRedactedTextPaced). */
  private async writePagedJson(doc: unknown): Promise<void> {
    this.pagedWritten = true
    await this.writeRedactedTextPaced(this.pages!.json(doc as object))
  }

  private async writeTable(report: KafkaLagReport, thresholds: LagThresholds): Promise<void> {
    if (this.pages) await this.writeRedactedTextPaced(this.pages.table(report, thresholds), {redact: true})
    else this.log(renderKafkaLag(report, thresholds))
  }

  protected unknownReport(unknown: ProbeUnknown, now: number): KafkaLagReport & ProbeUnknown {
    return {...this.unknownResult(now), ...this.probeSettings, timeLagIsolation: this.probeSettings.isolation, ...unknown}
  }

  protected override unknownPrometheus(now: number): string {
    return renderLagPrometheus(this.unknownResult(now), {now})
  }

  private unknownResult(now: number): LagResult {
    const isolation = this.probeSettings.isolation
    return {version: 1, status: 'UNKNOWN', exitCode: 3, evaluatedAt: now, isolation, endOffsetKind: isolation === 'read_committed' ? 'last-stable-offset' : 'high-watermark', groups: []}
  }
}

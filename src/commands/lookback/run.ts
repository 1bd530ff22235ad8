import * as Flags from '@oclif/core/flags'

import {ClusterCommand, schemaRegistryFlags, schemaRegistryFlagValues} from '../../base-command.js'
import {parseAsOf} from '../../core/lookback/window.js'
import {parseDay} from '../../core/lookback/zoned-day.js'
import {durationFlag, integerFlag} from '../../flags.js'
import {renderLookbackReport} from '../../output/lookback.js'
import {startProgress} from '../../output/progress.js'
import type {LookbackReport} from '../../services/lookback/report.js'
import {lookbackAdapters} from '../../services/lookback/adapter-factory.js'
import {createRunLog} from '../../services/lookback/run-log.js'
import {runLookback} from '../../services/lookback/runner.js'
import {resolveSchemaRegistrySettings} from '../../services/schema-registry-settings.js'

export default class LookbackRun extends ClusterCommand {
  static override summary = 'Recompute daily or hourly aggregates for the last N days from Kafka or Cassandra into a Cassandra sink; converging, resumable, cron-safe.'

  static override description = `Reads the job file (YAML or JSON: name; source.kafka {topic, eventTimeField?} or source.cassandra {keyspace, table, dayColumn, bucketColumn, buckets, timeColumn}; window; timezone; groupBy?; distinct?; value?; sink {keyspace, table}), recomputes per day and group the event count, exact distinct count, and sum/min/max of the value for the last N whole days up to and including --as-of (default: yesterday in the job's time zone), and upserts one row per (day, group) into the sink with USING TIMESTAMP = run start, so reruns converge and a newer run wins. Each day's sink partition is replaced (a delete one microsecond before the upserts), so groups that vanished disappear. Counters are never used.

Kafka records are JSON by default; source.kafka.format avro or protobuf reads Schema Registry framed records (magic byte, schema id), each decoded with its writer's schema fetched by id from --schema-registry (FLEETOPS_SCHEMA_REGISTRY) and cached for the run; Avro decimals are summed exactly. A bad magic byte, an unknown schema id or an undecodable record is a counted reject; a job field the subject's latest schema lacks exits 2 before any write; an unreachable registry exits 69.

The measures form (granularity day|hour, where, dimensions, measures: count, sum, min, max, avg, distinct, approx_distinct, quantile) instead writes one row per (bucket, dimension values), replacing each recomputed bucket's partition the same way; records failing the where are counted as filtered. See the README's "Look-back job files".

Kafka: reading starts at the offsets for the window start (ListOffsets by timestamp, minus a 1h skew margin; a partition with no record that new has nothing to read) and stops at the end offsets captured when the run starts, so it always terminates; no consumer group is joined and nothing is committed. Work units are whole partitions (a partition is ordered by offset, not event time, so per-day units would re-read it). Cassandra: one (day, bucket) partition per unit, paged.

Explicit ranges: --from A --to B recomputes the local days A..B (at most 366) instead of the window up to --as-of; it walks the days oldest first (a Cassandra source's units are read day after day, a Kafka partition in offset order), is checkpointed, resumable (--resume) and honours --max-runtime like any run. --fill-gaps recomputes only the buckets \`lookback status\` lists as missing or incomplete in the window (or range): the run reads the days from the first gap to the last and writes only the gap buckets. A run over older days never moves the job's late-event boundary back.

Report: per day the rows that changed (old and new values), late events and rejects. Per day, the lateness of its events (arrival minus event time: p50, p99, max), and the smallest window that would have caught 99.9 % of the events that arrived after their day ended. The sink's late_events counts events that arrived after their day ended; the report's late events are the stragglers new since the previous successful run: arrived after its as-of boundary and not read by it (its end offsets are kept in the sink keyspace's fleetops_lookback_jobs table).

A lease in Cassandra (fleetops_lookback_leases, LWT with TTL, renewed while running) stops two runs of a job overlapping. Progress is checkpointed per unit in FLEETOPS_HOME/lookback/<job>/checkpoint.json (or --checkpoint-dir); --resume finishes the same run (same as-of, same end offsets) without double counting. --share-work lets several instances split the units through per-unit Cassandra leases; if one dies its claims expire and the others finish them.

Exit codes: 0 success (rejected records are counted and sampled, not failures); 68 partial and resumable: Kafka retention no longer covers part of the window (those days are named and not written), units failed, the sink write failed (rerun with --resume), or --max-runtime was reached; 75 another run holds the job's lease; 2 bad input (job file, unknown fields, window, --as-of, unsafe identifiers, missing sink without --create-sink); 69 a cluster is unavailable at start; 130 interrupted (state saved, use --resume). Progress goes to stderr on a TTY; under --json, JSON-line logs with the run id go to stderr and the report to stdout.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --create-sink',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --window 3d --as-of 2026-11-20 --dry-run',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --resume --json',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --share-work   # on several machines',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --from 2026-10-01 --to 2026-10-31 --max-runtime 2h',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --fill-gaps --from 2026-10-01 --to 2026-11-30',
  ]

  static override flags = {
    job: Flags.string({description: 'Job file (YAML or JSON).', required: true}),
    window: Flags.string({description: 'Days to recompute, e.g. 3d (overrides the job file).'}),
    'as-of': Flags.string({description: 'Last day of the window, YYYY-MM-DD (default: yesterday in the job time zone).'}),
    'dry-run': Flags.boolean({description: 'Compute and report, write nothing (no sink rows, no lease, no state).', default: false}),
    resume: Flags.boolean({description: 'Finish the interrupted run from its checkpoint (same as-of and end offsets).', default: false}),
    'create-sink': Flags.boolean({description: 'Create the sink table if it does not exist.', default: false}),
    'max-runtime': durationFlag({description: 'Stop cleanly after this long (e.g. 30m), saving progress; exit 68.'}),
    'lease-ttl': durationFlag({description: 'Lease time-to-live; a crashed run blocks others at most this long.', default: '60s', atLeast: '2s'}),
    'share-work': Flags.boolean({description: 'Share the run with other instances of the job by claiming units through Cassandra leases.', default: false}),
    'checkpoint-dir': Flags.string({description: 'Directory for the checkpoint file (default FLEETOPS_HOME/lookback/<job>).'}),
    from: Flags.string({description: 'First day of an explicit range to recompute, YYYY-MM-DD (with --to; replaces --window/--as-of).'}),
    to: Flags.string({description: 'Last day of an explicit range to recompute, YYYY-MM-DD (with --from).'}),
    'fill-gaps': Flags.boolean({description: 'Recompute only the buckets `lookback status` lists as missing or incomplete in the window or --from/--to range.', default: false}),
    'max-rate': integerFlag({description: 'Read at most this many records per second (spares the clusters during business hours).', min: 1, max: 1_000_000_000}),
    ...schemaRegistryFlags,
  }

  async run(): Promise<LookbackReport> {
    const {flags} = await this.parse(LookbackRun)
    // Everything that can be checked without a cluster is checked first (exit 2).
    if (flags['as-of'] !== undefined) parseAsOf(flags['as-of'])
    if (flags.from !== undefined) parseDay(flags.from, '--from')
    if (flags.to !== undefined) parseDay(flags.to, '--to')
    const json = this.jsonEnabled()
    const progress = await startProgress('look-back run', {json})
    const log = createRunLog({json, progress: (t) => progress.update(t)})
    try {
      const report = await runLookback(
        {
          jobPath: flags.job,
          window: flags.window,
          asOf: flags['as-of'],
          dryRun: flags['dry-run'],
          resume: flags.resume,
          createSink: flags['create-sink'],
          maxRuntimeMs: flags['max-runtime'],
          leaseTtlSeconds: Math.ceil(flags['lease-ttl'] / 1000),
          share: flags['share-work'],
          checkpointDir: flags['checkpoint-dir'],
          maxRate: flags['max-rate'],
          from: flags.from,
          to: flags.to,
          fillGaps: flags['fill-gaps'],
          log,
        },
        lookbackAdapters({
          kafka: () => this.kafkaConnection(flags),
          cassandra: () => this.cassandraConnection(flags),
          schemaRegistry: () => resolveSchemaRegistrySettings(schemaRegistryFlagValues(flags)),
          verbose: this.verbose,
        }),
      )
      progress.stop()
      this.log(renderLookbackReport(report))
      process.exitCode = report.exit
      return report
    } catch (error) {
      progress.stop()
      throw error
    }
  }
}

import * as Flags from '@oclif/core/flags'

import {CassandraCommand} from '../../base-command.js'
import {integerFlag} from '../../flags.js'
import {renderLookbackStatus} from '../../output/lookback-status.js'
import {lookbackStoreOpener} from '../../services/lookback/adapter-factory.js'
import {type LookbackStatusReport, lookbackStatus} from '../../services/lookback/status.js'

export default class LookbackStatus extends CassandraCommand {
  static override summary = "List each bucket of a look-back job's range: its last run, rows, complete, incomplete or missing, and its latest late event."

  static override description = `Reads the job file and the job's bucket records in the sink keyspace (fleetops_lookback_buckets, written by every \`lookback run\` that writes the sink) and lists each bucket of the range: days for a daily or legacy job, local hours for an hourly one (a DST-end day has 25).

complete: the last run that wrote the bucket started after the bucket had ended. incomplete: it ran before the bucket ended (an --as-of of today). missing: no run has written it (never run, or Kafka retention no longer covered it). \`lookback run --fill-gaps\` recomputes the incomplete and missing buckets only.

Lateness (arrival minus event time) per day is the one the last run of each bucket saw; the window advice is the smallest look-back window that would have caught 99.9 % of the events that arrived after their day ended.

Only Cassandra is read; nothing is written. Exit codes: 0 listed (whatever the states); 2 bad input (job file, --days, --from/--to, --as-of); 69 Cassandra unavailable.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --job nightly.yaml',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --days 30 --json',
    '<%= config.bin %> <%= command.id %> --job nightly.yaml --from 2026-10-01 --to 2026-10-31',
  ]

  static override flags = {
    job: Flags.string({description: 'Job file (YAML or JSON).', required: true}),
    days: integerFlag({description: "Days to list, up to --as-of (default: the job's window).", min: 1, max: 366}),
    'as-of': Flags.string({description: 'Last day listed, YYYY-MM-DD (default: yesterday in the job time zone).'}),
    from: Flags.string({description: 'First day of an explicit range, YYYY-MM-DD (with --to).'}),
    to: Flags.string({description: 'Last day of an explicit range, YYYY-MM-DD (with --from).'}),
  }

  async run(): Promise<LookbackStatusReport> {
    const {flags} = await this.parse(LookbackStatus)
    const report = await lookbackStatus({jobPath: flags.job, days: flags.days, asOf: flags['as-of'], from: flags.from, to: flags.to}, lookbackStoreOpener(this.cassandraConnection(flags)))
    this.log(renderLookbackStatus(report))
    return report
  }
}

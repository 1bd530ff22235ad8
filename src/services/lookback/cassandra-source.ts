import type {SourceTableInfo} from '../../adapters/cassandra/lookback-store.js'
import {FleetopsError, badInput} from '../../core/errors.js'
import type {Checkpoint} from '../../core/lookback/checkpoint.js'
import type {EventRef} from '../../core/lookback/event-ref.js'
import type {CassandraSource, LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {LookbackWindow} from '../../core/lookback/window.js'
import type {SourceReader, UnitHooks, UnitOutcome, UnitWork} from './source.js'
import type {CassandraEventTable} from './store.js'
import {recordSinkFor} from './record-sink.js'

const BUCKET_UNIT = /^cassandra\/day=(\d{4}-\d{2}-\d{2})\/bucket=(\d{1,4})$/

/**
 * Reads a time-bucketed Cassandra table, PRIMARY KEY ((day, bucket), ts, ...), one
 * (day, bucket) partition per unit, paged. A row's arrival time is the WRITETIME of a
 * regular column (the first by name), so late rows are those written after their day.
 * A unit is re-read from its start after a crash (a partition is small; its rows carry no
 * offsets to resume from).
 */
export class CassandraSourceReader implements SourceReader {
  constructor(
    private readonly store: CassandraEventTable,
    private readonly job: LookbackJobSpec,
    private readonly window: LookbackWindow,
    private readonly checkpoint: Pick<Checkpoint, 'previousRunBoundaryMs' | 'previousRunStartedAtMs'>,
    private readonly table: SourceTableInfo,
  ) {}

  /** Checks the table exists and has the day, bucket and time columns the job names. */
  static async describe(store: CassandraEventTable, job: LookbackJobSpec): Promise<SourceTableInfo> {
    const source = job.source as CassandraSource
    const info = await store.tableColumns(source.keyspace, source.table)
    if (!info) throw badInput(`source table ${source.keyspace}.${source.table} does not exist; check source.cassandra in the job file`)
    for (const [what, column] of [
      ['dayColumn', source.dayColumn],
      ['bucketColumn', source.bucketColumn],
    ] as const) {
      if (!info.partitionKey.includes(column)) {
        throw badInput(`source.cassandra.${what} "${column}" is not in the partition key (${info.partitionKey.join(', ')}) of ${source.keyspace}.${source.table}`)
      }
    }
    if (!info.columns.includes(source.timeColumn)) throw badInput(`source.cassandra.timeColumn "${source.timeColumn}" is not a column of ${source.keyspace}.${source.table}`)
    return info
  }

  async processUnit(work: UnitWork, hooks: UnitHooks): Promise<UnitOutcome> {
    const m = BUCKET_UNIT.exec(work.unitId)
    if (!m) throw new FleetopsError('INTERNAL', `unit ${work.unitId} is not a (day, bucket) unit`)
    const source = this.job.source as CassandraSource
    // Units restart from scratch: no snapshot is carried over.
    const {acc, addRow} = recordSinkFor(this.job, this.window, this.checkpoint.previousRunBoundaryMs)
    const keyColumns = [...this.table.partitionKey, ...this.table.clusteringKey]
    // Rows written before the previous run started were read by it: not new stragglers.
    const seenBefore = this.checkpoint.previousRunStartedAtMs ?? -1
    let pageEvents = 0
    const result = await this.store.readBucket(
      source,
      this.table.columns,
      m[1]!,
      Number(m[2]),
      this.table.arrivalColumn,
      ({row, arrivalMs}) => {
        const ref = (): EventRef => {
          const key: Record<string, string> = {}
          for (const c of keyColumns) key[c] = row[c] instanceof Date ? (row[c] as Date).toISOString() : String(row[c])
          return {kind: 'cassandra', key}
        }
        addRow(row, arrivalMs, arrivalMs >= 0 && arrivalMs < seenBefore, ref)
        pageEvents++
      },
      async () => {
        const n = pageEvents
        pageEvents = 0
        return hooks.afterChunk(() => acc.partial(), undefined, n)
      },
    )
    return {finished: result === 'done', partial: acc.partial(), live: acc, events: acc.events}
  }

  async close(): Promise<void> {}
}

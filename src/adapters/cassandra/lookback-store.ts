/**
 * Everything a look-back job reads and writes in Cassandra:
 *  - the sink table (created with --create-sink), read before writing for the diff, then
 *    replaced per (job, day) partition: a partition DELETE at T-1 and plain upserts at T
 *    (T = run start in µs, USING TIMESTAMP), so reruns and overlapping runs converge and a
 *    newer run wins; no counters, no read-modify-write;
 *  - fleetops-owned state tables in the sink keyspace: leases (LWT, TTL), per-job state
 *    (the previous run's boundary and end offsets) and, for shared runs, the run header and
 *    the per-unit results;
 *  - a time-bucketed source table read one (day, bucket) partition at a time, paged.
 *
 * Identifiers are validated by the caller with cqlIdentifier() (and again here); every
 * value is a bound parameter of a prepared statement.
 */
import cassandra from 'cassandra-driver'

import type {CassandraConnection} from '../../core/connection.js'
import {FleetopsError, badInput} from '../../core/errors.js'
import {cqlIdentifier} from '../../core/identifiers.js'
import {mapLimited} from '../../core/map-limited.js'
import type {MeasuresSinkRow} from '../../core/lookback/measures-sink.js'
import {valueColumns} from '../../core/lookback/measures-sink.js'
import {type ExistingColumn, type SinkLayout, checkSinkFits, createTableStatement} from '../../core/lookback/sink-layout.js'
import type {SinkRow} from '../../core/lookback/sink-row.js'
import type {BucketState} from '../../core/lookback/bucket-status.js'
import type {LatenessEntryState} from '../../core/lookback/lateness.js'
import {classifySdkError} from '../classify-error.js'
import {retryWithBackoff} from '../retry-backoff.js'
import {connectCassandra} from './client.js'

const {consistencies} = cassandra.types

/** Native protocol errors: Unavailable, Overloaded, IsBootstrapping, WriteTimeout, ReadTimeout, ReadFailure, WriteFailure. */
const UNAVAILABLE_CODES = new Set([0x1000, 0x1001, 0x1002, 0x1100, 0x1200, 0x1300, 0x1500])

export const STATE_TABLES = {
  leases: 'fleetops_lookback_leases',
  jobs: 'fleetops_lookback_jobs',
  runs: 'fleetops_lookback_runs',
  units: 'fleetops_lookback_units',
  buckets: 'fleetops_lookback_buckets',
} as const

const SINK_COLUMNS: Record<string, string> = {
  job: 'text',
  day: 'date',
  group_key: 'text',
  events: 'bigint',
  distinct_count: 'bigint',
  value_sum: 'double',
  value_min: 'double',
  value_max: 'double',
  late_events: 'bigint',
  updated_at: 'timestamp',
}

export interface JobState {
  runId: string
  asOf: string
  boundaryMs: number
  /** When that run started (ms). */
  startedAtMs: number
  endOffsets: Record<string, string> | null
  source: string
  sharedRun: string | null
}

export interface LeaseResult {
  acquired: boolean
  /** The current owner when not acquired. */
  holder: string | null
}

export interface SourceRow {
  /** Row columns with driver types turned into plain JS (Long → number/bigint text, date → 'YYYY-MM-DD'). */
  row: Record<string, unknown>
  /** WRITETIME of the arrival column in ms, or -1 when unknown. */
  arrivalMs: number
}

export interface SourceTableInfo {
  columns: string[]
  partitionKey: string[]
  clusteringKey: string[]
  /** A regular (non-key) column whose WRITETIME stands for the row's arrival; null if none. */
  arrivalColumn: string | null
}

export class LookbackCassandra {
  private constructor(
    readonly client: cassandra.Client,
    private readonly write: number,
    private readonly serial: number,
  ) {}

  static async open(conn: CassandraConnection): Promise<LookbackCassandra> {
    const client = await connectCassandra(conn, {retryIdempotentTimeouts: true})
    const local = Boolean(conn.localDc)
    return new LookbackCassandra(client, local ? consistencies.localQuorum : consistencies.quorum, local ? consistencies.localSerial : consistencies.serial)
  }

  async close(): Promise<void> {
    await this.client.shutdown().catch(() => {})
  }

  private opts(extra: cassandra.QueryOptions = {}): cassandra.QueryOptions {
    return {prepare: true, consistency: this.write, serialConsistency: this.serial, isIdempotent: true, ...extra}
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      // Replicas down or too slow for the consistency level: the cluster is (partly) unavailable.
      const e = error as {name?: string; code?: number; message?: string}
      if (e?.name === 'ResponseError' && (UNAVAILABLE_CODES.has(e.code ?? -1) || /Cannot achieve consistency|Operation timed out|replicas? (were|was) required/i.test(String(e.message)))) {
        throw new FleetopsError('UNAVAILABLE', `Cassandra: ${what}: ${String(e.message).split('\n')[0]}; check that enough replicas are up for QUORUM`, {cause: error})
      }
      throw classifySdkError(error, `Cassandra: ${what}`)
    }
  }

  async keyspaceExists(keyspace: string): Promise<boolean> {
    const ks = cqlIdentifier(keyspace, 'keyspace')
    return this.run(`reading keyspace ${ks}`, async () => (await this.client.metadata.refreshKeyspace(ks).catch(() => null)) !== null && this.client.metadata.keyspaces[ks] !== undefined)
  }

  async tableColumns(keyspace: string, table: string): Promise<SourceTableInfo | null> {
    const ks = cqlIdentifier(keyspace, 'keyspace')
    const t = cqlIdentifier(table, 'table')
    return this.run(`reading table ${ks}.${t}`, async () => {
      const meta = await this.client.metadata.getTable(ks, t)
      if (!meta) return null
      const partitionKey = meta.partitionKeys.map((c) => c.name)
      const clusteringKey = meta.clusteringKeys.map((c) => c.name)
      const keys = new Set([...partitionKey, ...clusteringKey])
      const regular = meta.columns.map((c) => c.name).filter((c) => !keys.has(c)).sort()
      return {columns: meta.columns.map((c) => c.name), partitionKey, clusteringKey, arrivalColumn: regular[0] ?? null}
    })
  }

  /** Checks the sink table (exact columns and key), creating it when allowed. */
  async ensureSink(keyspace: string, table: string, create: boolean): Promise<'exists' | 'created'> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const t = cqlIdentifier(table, 'sink.table')
    if (!(await this.keyspaceExists(ks))) {
      throw badInput(`sink keyspace "${ks}" does not exist; create it with the replication you want (e.g. NetworkTopologyStrategy, RF 3)`)
    }
    const meta = await this.run(`reading table ${ks}.${t}`, () => this.client.metadata.getTable(ks, t))
    if (!meta) {
      if (!create) throw badInput(`sink table ${ks}.${t} does not exist; pass --create-sink to create it`)
      const cols = Object.entries(SINK_COLUMNS)
        .map(([name, type]) => `${name} ${type}`)
        .join(', ')
      await this.run(`creating sink ${ks}.${t}`, () => this.client.execute(`CREATE TABLE IF NOT EXISTS ${ks}.${t} (${cols}, PRIMARY KEY ((job, day), group_key))`))
      await this.waitForSchema()
      return 'created'
    }
    const names = new Map(Object.entries(cassandra.types.dataTypes as unknown as Record<string, number>).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k.toLowerCase()]))
    const types = new Map(meta.columns.map((c) => [c.name, names.get(c.type.code as number)]))
    for (const [name, type] of Object.entries(SINK_COLUMNS)) {
      if (types.get(name) !== type) {
        throw badInput(`sink table ${ks}.${t} is not a fleetops look-back sink: column ${name} should be ${type}, found ${types.get(name) ?? 'none'}; use another table`)
      }
    }
    const pk = meta.partitionKeys.map((c) => c.name).join(',')
    const ck = meta.clusteringKeys.map((c) => c.name).join(',')
    if (pk !== 'job,day' || ck !== 'group_key') {
      throw badInput(`sink table ${ks}.${t} must have PRIMARY KEY ((job, day), group_key); found ((${pk}), ${ck}); use another table`)
    }
    return 'exists'
  }

  /** Creates the fleetops-owned state tables in the keyspace if absent. */
  async ensureStateTables(keyspace: string): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const ddl = [
      `CREATE TABLE IF NOT EXISTS ${ks}.${STATE_TABLES.leases} (name text PRIMARY KEY, owner text, acquired_at timestamp)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.${STATE_TABLES.jobs} (job text PRIMARY KEY, run_id text, as_of text, boundary_ms bigint, started_ms bigint, end_offsets text, source text, completed_at timestamp, shared_run text)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.${STATE_TABLES.runs} (job text, run_id text, header text, finished boolean, report text, PRIMARY KEY (job, run_id))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.${STATE_TABLES.units} (job text, run_id text, unit_id text, partial text, last_offset text, worker text, PRIMARY KEY ((job, run_id), unit_id))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.${STATE_TABLES.buckets} (job text, bucket text, day text, run_id text, run_at timestamp, rows int, events bigint, complete boolean, lateness text, PRIMARY KEY (job, bucket))`,
    ]
    const existing = await Promise.all(Object.values(STATE_TABLES).map((t) => this.run('reading state tables', () => this.client.metadata.getTable(ks, t))))
    if (existing.every(Boolean)) return
    for (const q of ddl) await this.run('creating fleetops look-back state tables', () => this.client.execute(q))
    await this.waitForSchema()
  }

  /** The driver waits for schema agreement after DDL; refresh our view of it too. */
  private async waitForSchema(): Promise<void> {
    await new Promise((r) => setTimeout(r, 200))
  }

  // ---- sink ---------------------------------------------------------------

  async readSinkRows(keyspace: string, table: string, job: string, days: readonly string[]): Promise<SinkRow[]> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const t = cqlIdentifier(table, 'sink.table')
    const q = `SELECT job, day, group_key, events, distinct_count, value_sum, value_min, value_max, late_events FROM ${ks}.${t} WHERE job = ? AND day = ?`
    const out: SinkRow[] = []
    for (const day of days) {
      let pageState: string | undefined
      do {
        const rs = await this.run(`reading sink ${ks}.${t}`, () => this.client.execute(q, [job, cassandra.types.LocalDate.fromString(day)], this.opts({fetchSize: 5000, pageState})))
        for (const r of rs.rows) {
          out.push({
            job: r.job,
            day: String(r.day),
            group_key: r.group_key,
            events: num(r.events) ?? 0,
            distinct_count: num(r.distinct_count),
            value_sum: r.value_sum ?? null,
            value_min: r.value_min ?? null,
            value_max: r.value_max ?? null,
            late_events: num(r.late_events) ?? 0,
          })
        }
        pageState = rs.pageState ?? undefined
      } while (pageState)
    }
    return out
  }

  /**
   * Replaces each listed day's partition: DELETE at T-1, then every row of the day at T,
   * so groups that vanished disappear and a newer run (larger T) always wins.
   */
  async replaceSinkDays(keyspace: string, table: string, job: string, days: readonly string[], rows: readonly SinkRow[], writeTimestampMicros: number, updatedAtMs: number): Promise<number> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const t = cqlIdentifier(table, 'sink.table')
    const del = `DELETE FROM ${ks}.${t} USING TIMESTAMP ? WHERE job = ? AND day = ?`
    const ins =
      `INSERT INTO ${ks}.${t} (job, day, group_key, events, distinct_count, value_sum, value_min, value_max, late_events, updated_at) ` +
      `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`
    const T = cassandra.types.Long.fromNumber(writeTimestampMicros)
    const Tm1 = cassandra.types.Long.fromNumber(writeTimestampMicros - 1)
    const daySet = new Set(days)
    await this.run(`clearing stale groups in ${ks}.${t}`, () =>
      mapLimited(days, 16, (day) => this.client.execute(del, [Tm1, job, cassandra.types.LocalDate.fromString(day)], this.opts())),
    )
    const updatedAt = new Date(updatedAtMs)
    const toWrite = rows.filter((r) => daySet.has(r.day))
    await this.run(`writing sink ${ks}.${t}`, () =>
      mapLimited(toWrite, 32, (r) =>
        this.client.execute(
          ins,
          [
            r.job,
            cassandra.types.LocalDate.fromString(r.day),
            r.group_key,
            cassandra.types.Long.fromNumber(r.events),
            r.distinct_count === null ? null : cassandra.types.Long.fromNumber(r.distinct_count),
            r.value_sum,
            r.value_min,
            r.value_max,
            cassandra.types.Long.fromNumber(r.late_events),
            updatedAt,
            T,
          ],
          this.opts(),
        ),
      ),
    )
    return toWrite.length
  }

  // ---- measures sink --------------------------------------------------------

  /**
   * The measures form's sink: created from the layout when missing (with --create-sink),
   * otherwise checked against system_schema.columns, so a table that cannot take the rows
   * is refused (bad input) before anything is written.
   */
  async ensureMeasuresSink(layout: SinkLayout, create: boolean): Promise<'exists' | 'created'> {
    const ks = cqlIdentifier(layout.keyspace, 'sink.keyspace')
    const t = cqlIdentifier(layout.table, 'sink.table')
    if (!(await this.keyspaceExists(ks))) {
      throw badInput(`sink keyspace "${ks}" does not exist; create it with the replication you want (e.g. NetworkTopologyStrategy, RF 3)`)
    }
    const existing = await this.sinkColumns(ks, t)
    if (existing.length === 0) {
      if (!create) throw badInput(`sink table ${ks}.${t} does not exist; pass --create-sink to create it`)
      await this.run(`creating sink ${ks}.${t}`, () => this.client.execute(createTableStatement(layout)))
      await this.waitForSchema()
      return 'created'
    }
    const misfit = checkSinkFits(layout, existing)
    if (misfit) throw misfit
    return 'exists'
  }

  private async sinkColumns(ks: string, t: string): Promise<ExistingColumn[]> {
    const q = 'SELECT column_name, type, kind, position FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?'
    const rs = await this.run(`reading table ${ks}.${t}`, () => this.client.execute(q, [ks, t], {prepare: true}))
    return rs.rows.map((r) => ({name: String(r.column_name), type: String(r.type), kind: String(r.kind), position: Number(r.position)}))
  }

  /** The rows of the given buckets (partitions) of one job. */
  async readMeasuresRows(layout: SinkLayout, job: string, buckets: readonly string[]): Promise<MeasuresSinkRow[]> {
    const {ks, t, bucket} = measuresNames(layout)
    const dims = layout.clustering.map((c) => cqlIdentifier(c, 'sink column'))
    const values = valueColumns(layout).map((c) => cqlIdentifier(c, 'sink column'))
    const q = `SELECT ${[bucket, ...dims, ...values].join(', ')} FROM ${ks}.${t} WHERE job = ? AND ${bucket} = ?`
    const out: MeasuresSinkRow[] = []
    for (const key of buckets) {
      let pageState: string | undefined
      do {
        const rs = await this.run(`reading sink ${ks}.${t}`, () => this.client.execute(q, [job, bucketParam(layout, key)], this.opts({fetchSize: 5000, pageState})))
        for (const r of rs.rows) {
          out.push({bucket: key, dims: dims.map((d) => String(r[d] ?? '')), values: Object.fromEntries(values.map((c) => [c, num(r[c])]))})
        }
        pageState = rs.pageState ?? undefined
      } while (pageState)
    }
    return out
  }

  /**
   * Replaces each listed bucket's partition exactly like replaceSinkDays: DELETE at T-1, then
   * every row of the bucket at T, so rows that vanished disappear and a newer run wins.
   */
  async replaceMeasuresBuckets(layout: SinkLayout, job: string, buckets: readonly string[], rows: readonly MeasuresSinkRow[], writeTimestampMicros: number, updatedAtMs: number): Promise<number> {
    const {ks, t, bucket} = measuresNames(layout)
    const dims = layout.clustering.map((c) => cqlIdentifier(c, 'sink column'))
    const values = valueColumns(layout)
    const bigint = new Set(layout.columns.filter((c) => c.type === 'bigint').map((c) => c.name))
    const columns = ['job', bucket, ...dims, ...values.map((c) => cqlIdentifier(c, 'sink column')), 'updated_at']
    const del = `DELETE FROM ${ks}.${t} USING TIMESTAMP ? WHERE job = ? AND ${bucket} = ?`
    const ins = `INSERT INTO ${ks}.${t} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) USING TIMESTAMP ?`
    const T = cassandra.types.Long.fromNumber(writeTimestampMicros)
    const Tm1 = cassandra.types.Long.fromNumber(writeTimestampMicros - 1)
    await this.run(`clearing stale rows in ${ks}.${t}`, () => mapLimited(buckets, 16, (key) => this.client.execute(del, [Tm1, job, bucketParam(layout, key)], this.opts())))
    const bucketSet = new Set(buckets)
    const toWrite = rows.filter((r) => bucketSet.has(r.bucket))
    const updatedAt = new Date(updatedAtMs)
    const cell = (c: string, v: number | null): unknown => (v === null ? null : bigint.has(c) ? cassandra.types.Long.fromNumber(v) : v)
    await this.run(`writing sink ${ks}.${t}`, () =>
      mapLimited(toWrite, 32, (r) =>
        this.client.execute(ins, [job, bucketParam(layout, r.bucket), ...r.dims, ...values.map((c) => cell(c, r.values[c] ?? null)), updatedAt, T], this.opts()),
      ),
    )
    return toWrite.length
  }

  // ---- bucket states (lookback status, --fill-gaps) -------------------------

  /**
   * Records the buckets a run wrote, at the sink's write timestamp: a rerun overwrites them
   * and an older run finishing late never overwrites a newer one.
   */
  async writeBucketStates(keyspace: string, job: string, states: readonly BucketState[], writeTimestampMicros: number): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const q = `INSERT INTO ${ks}.${STATE_TABLES.buckets} (job, bucket, day, run_id, run_at, rows, events, complete, lateness) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`
    const T = cassandra.types.Long.fromNumber(writeTimestampMicros)
    await this.run('recording bucket states', () =>
      mapLimited(states, 32, (b) =>
        this.client.execute(q, [job, b.bucket, b.day, b.runId, new Date(b.runAtMs), b.rows, cassandra.types.Long.fromNumber(b.events), b.complete, b.lateness === null ? null : JSON.stringify(b.lateness), T], this.opts()),
      ),
    )
  }

  /** The recorded states of a job's buckets from `first` to `last` (keys compare as text); none when the table does not exist yet. */
  async readBucketStates(keyspace: string, job: string, first: string, last: string): Promise<BucketState[]> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const table = await this.run('reading bucket states', () => this.client.metadata.getTable(ks, STATE_TABLES.buckets))
    if (!table) return []
    const q = `SELECT bucket, day, run_id, run_at, rows, events, complete, lateness FROM ${ks}.${STATE_TABLES.buckets} WHERE job = ? AND bucket >= ? AND bucket <= ?`
    const out: BucketState[] = []
    let pageState: string | undefined
    do {
      const rs = await this.run('reading bucket states', () => this.client.execute(q, [job, first, last], this.opts({fetchSize: 5000, pageState})))
      for (const r of rs.rows) {
        out.push({
          bucket: String(r.bucket),
          day: String(r.day),
          runId: String(r.run_id ?? ''),
          runAtMs: r.run_at instanceof Date ? r.run_at.getTime() : 0,
          rows: Number(r.rows ?? 0),
          events: num(r.events) ?? 0,
          complete: r.complete === true,
          lateness: parseLateness(r.lateness),
        })
      }
      pageState = rs.pageState ?? undefined
    } while (pageState)
    return out
  }

  // ---- leases -------------------------------------------------------------

  async acquireLease(keyspace: string, name: string, owner: string, ttlSeconds: number): Promise<LeaseResult> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    // Three tries: a lease we hold (a resumed or rerun run) can expire between the INSERT that
    // finds it and the UPDATE that renews it; the row is then gone and the INSERT takes it afresh.
    for (let attempt = 1; ; attempt++) {
      const result = await this.insertLease(ks, name, owner, ttlSeconds)
      if (result.acquired || result.holder !== owner) return result
      if (await this.renewLease(keyspace, name, owner, ttlSeconds)) return {acquired: true, holder: owner}
      if (attempt === 3) return {acquired: false, holder: owner}
    }
  }

  private async insertLease(ks: string, name: string, owner: string, ttlSeconds: number): Promise<LeaseResult> {
    const insert = async (): Promise<LeaseResult> => {
      const row = (await this.client.execute(`INSERT INTO ${ks}.${STATE_TABLES.leases} (name, owner, acquired_at) VALUES (?, ?, ?) IF NOT EXISTS USING TTL ?`, [name, owner, new Date(), ttlSeconds], this.opts({isIdempotent: false}))).first()
      return row['[applied]'] === true ? {acquired: true, holder: null} : {acquired: false, holder: (row.owner as string | null) ?? null}
    }
    return this.cas(
      'taking the job lease',
      insert,
      // Outcome unknown: ours if the row now names us (our insert landed, with its TTL); no row
      // means it did not land, so it is tried again rather than reported as held by nobody.
      async (): Promise<LeaseResult> => {
        const holder = await this.leaseOwner(ks, name)
        if (holder === null) return insert()
        return holder === owner ? {acquired: true, holder: null} : {acquired: false, holder}
      },
    )
  }

  /** Extends the lease if we still own it (LWT); false when it was lost. */
  async renewLease(keyspace: string, name: string, owner: string, ttlSeconds: number): Promise<boolean> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    return this.cas(
      'renewing the job lease',
      async () => (await this.client.execute(`UPDATE ${ks}.${STATE_TABLES.leases} USING TTL ? SET owner = ?, acquired_at = ? WHERE name = ? IF owner = ?`, [ttlSeconds, owner, new Date(), name, owner], this.opts({isIdempotent: false}))).first()['[applied]'] === true,
      // Still ours is enough: the next renewal extends the TTL.
      async () => (await this.leaseOwner(ks, name)) === owner,
    )
  }

  /** Releases the lease only if we own it. */
  async releaseLease(keyspace: string, name: string, owner: string): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const release = async (): Promise<void> => {
      await this.client.execute(`DELETE FROM ${ks}.${STATE_TABLES.leases} WHERE name = ? IF owner = ?`, [name, owner], this.opts({isIdempotent: false}))
    }
    // Repeating the conditional delete is harmless: it removes the row only while it names us.
    await this.cas('releasing the job lease', release, release)
  }

  /** The lease's holder as a SERIAL read sees it (which completes any Paxos round in flight). */
  private async leaseOwner(ks: string, name: string): Promise<string | null> {
    const rs = await this.client.execute(`SELECT owner FROM ${ks}.${STATE_TABLES.leases} WHERE name = ?`, [name], this.opts({consistency: this.serial}))
    return (rs.first()?.owner as string | null | undefined) ?? null
  }

  /**
   * Runs a lightweight transaction. When Paxos times out (two instances contending for one
   * row on a loaded cluster is enough) the write may or may not have applied, and the
   * cluster is not unavailable: `settle` then learns the outcome from a SERIAL read,
   * retried with backoff while it too meets contention.
   */
  private async cas<T>(what: string, attempt: () => Promise<T>, settle: () => Promise<T>): Promise<T> {
    // One attempt, then up to 8 settles; jittered, so the racers that collided do not collide again.
    return this.run(what, () => retryWithBackoff((i) => (i === 0 ? attempt() : settle()), isCasContention, {attempts: 9, jitterMs: 200}))
  }

  // ---- job state ------------------------------------------------------------

  async readJobState(keyspace: string, job: string): Promise<JobState | null> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const table = await this.run('reading job state', () => this.client.metadata.getTable(ks, STATE_TABLES.jobs))
    if (!table) return null
    const rs = await this.run('reading job state', () => this.client.execute(`SELECT run_id, as_of, boundary_ms, started_ms, end_offsets, source, shared_run FROM ${ks}.${STATE_TABLES.jobs} WHERE job = ?`, [job], this.opts({consistency: this.serial === consistencies.localSerial ? consistencies.localQuorum : consistencies.quorum})))
    const r = rs.first()
    if (!r) return null
    return {
      runId: r.run_id ?? '',
      asOf: r.as_of ?? '',
      boundaryMs: num(r.boundary_ms) ?? -1,
      startedAtMs: num(r.started_ms) ?? -1,
      endOffsets: r.end_offsets ? (JSON.parse(r.end_offsets) as Record<string, string>) : null,
      source: r.source ?? '',
      sharedRun: r.shared_run ?? null,
    }
  }

  async writeJobState(keyspace: string, job: string, state: Omit<JobState, 'sharedRun'>): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    await this.run('recording job state', () =>
      this.client.execute(
        `UPDATE ${ks}.${STATE_TABLES.jobs} SET run_id = ?, as_of = ?, boundary_ms = ?, started_ms = ?, end_offsets = ?, source = ?, completed_at = ? WHERE job = ?`,
        [state.runId, state.asOf, cassandra.types.Long.fromNumber(state.boundaryMs), cassandra.types.Long.fromNumber(state.startedAtMs), state.endOffsets ? JSON.stringify(state.endOffsets) : null, state.source, new Date(), job],
        this.opts(),
      ),
    )
  }

  /** LWT: points the job at a shared run if it still points at `expected`. */
  async setSharedRun(keyspace: string, job: string, expected: string | null, runId: string | null): Promise<boolean> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    return this.cas(
      'claiming the shared run',
      async () =>
        (expected === null
          ? await this.client.execute(`UPDATE ${ks}.${STATE_TABLES.jobs} SET shared_run = ? WHERE job = ? IF shared_run = null`, [runId, job], this.opts({isIdempotent: false}))
          : await this.client.execute(`UPDATE ${ks}.${STATE_TABLES.jobs} SET shared_run = ? WHERE job = ? IF shared_run = ?`, [runId, job, expected], this.opts({isIdempotent: false}))
        ).first()['[applied]'] === true,
      async () => ((await this.client.execute(`SELECT shared_run FROM ${ks}.${STATE_TABLES.jobs} WHERE job = ?`, [job], this.opts({consistency: this.serial}))).first()?.shared_run ?? null) === runId,
    )
  }

  // ---- shared runs ------------------------------------------------------------

  async putRunHeader(keyspace: string, job: string, runId: string, header: string): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    await this.run('recording the run', () => this.client.execute(`INSERT INTO ${ks}.${STATE_TABLES.runs} (job, run_id, header, finished) VALUES (?, ?, ?, false)`, [job, runId, header], this.opts()))
  }

  async getRun(keyspace: string, job: string, runId: string): Promise<{header: string; finished: boolean; report: string | null} | null> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const rs = await this.run('reading the run', () => this.client.execute(`SELECT header, finished, report FROM ${ks}.${STATE_TABLES.runs} WHERE job = ? AND run_id = ?`, [job, runId], this.opts()))
    const r = rs.first()
    return r ? {header: r.header, finished: r.finished === true, report: r.report ?? null} : null
  }

  async finishRun(keyspace: string, job: string, runId: string, report: string): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    await this.run('recording the run', () => this.client.execute(`UPDATE ${ks}.${STATE_TABLES.runs} SET finished = true, report = ? WHERE job = ? AND run_id = ?`, [report, job, runId], this.opts()))
  }

  async putUnitResult(keyspace: string, job: string, runId: string, unitId: string, partial: string, lastOffset: string | null, worker: string): Promise<void> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    await this.run(`recording unit ${unitId}`, () =>
      this.client.execute(`INSERT INTO ${ks}.${STATE_TABLES.units} (job, run_id, unit_id, partial, last_offset, worker) VALUES (?, ?, ?, ?, ?, ?)`, [job, runId, unitId, partial, lastOffset, worker], this.opts()),
    )
  }

  async unitResults(keyspace: string, job: string, runId: string): Promise<Map<string, {partial: string; lastOffset: string | null; worker: string}>> {
    const ks = cqlIdentifier(keyspace, 'sink.keyspace')
    const out = new Map<string, {partial: string; lastOffset: string | null; worker: string}>()
    let pageState: string | undefined
    do {
      const rs = await this.run('reading unit results', () =>
        this.client.execute(`SELECT unit_id, partial, last_offset, worker FROM ${ks}.${STATE_TABLES.units} WHERE job = ? AND run_id = ?`, [job, runId], this.opts({fetchSize: 200, pageState})),
      )
      for (const r of rs.rows) out.set(r.unit_id, {partial: r.partial, lastOffset: r.last_offset ?? null, worker: r.worker ?? ''})
      pageState = rs.pageState ?? undefined
    } while (pageState)
    return out
  }

  // ---- source -----------------------------------------------------------------

  /**
   * Reads one (day, bucket) partition of a time-bucketed table, paged, calling `visit` for
   * each row. `afterPage` may pause or stop between pages.
   */
  async readBucket(
    source: {keyspace: string; table: string; dayColumn: string; bucketColumn: string},
    columns: readonly string[],
    day: string,
    bucket: number,
    arrivalColumn: string | null,
    visit: (row: SourceRow) => void,
    afterPage?: (rows: number) => Promise<'continue' | 'stop'>,
  ): Promise<'done' | 'stopped'> {
    const ks = cqlIdentifier(source.keyspace, 'source.cassandra.keyspace')
    const t = cqlIdentifier(source.table, 'source.cassandra.table')
    const dayCol = cqlIdentifier(source.dayColumn, 'source.cassandra.dayColumn')
    const bucketCol = cqlIdentifier(source.bucketColumn, 'source.cassandra.bucketColumn')
    const arrival = arrivalColumn === null ? '' : `, WRITETIME(${cqlIdentifier(arrivalColumn, 'arrival column')}) AS fleetops_arrival`
    const list = columns.map((c) => cqlIdentifier(c, 'source column')).join(', ')
    const q = `SELECT ${list}${arrival} FROM ${ks}.${t} WHERE ${dayCol} = ? AND ${bucketCol} = ?`
    let pageState: string | undefined
    do {
      const rs = await this.run(`reading ${ks}.${t} day ${day} bucket ${bucket}`, () =>
        this.client.execute(q, [cassandra.types.LocalDate.fromString(day), bucket], this.opts({fetchSize: 5000, pageState})),
      )
      for (const r of rs.rows) {
        const row: Record<string, unknown> = {}
        let arrivalMs = -1
        for (const key of Object.keys(r)) {
          if (key === 'fleetops_arrival') {
            const micros = num(r[key])
            arrivalMs = micros === null ? -1 : Math.floor(micros / 1000)
          } else row[key] = plain(r[key])
        }
        visit({row, arrivalMs})
      }
      pageState = rs.pageState ?? undefined
      if (afterPage && (await afterPage(rs.rows.length)) === 'stop' && pageState) return 'stopped'
    } while (pageState)
    return 'done'
  }
}

/**
 * A Paxos round with an unknown outcome: a CAS write timeout, CAS_WRITE_UNKNOWN, a SERIAL read
 * timeout, or a read failure (a replica that has just restarted can fail the Paxos read for a few
 * seconds; the round then never proposed). Each is settled by reading, never reported at once.
 */
function isCasContention(error: unknown): boolean {
  const e = error as {name?: string; code?: number; writeType?: string; consistencies?: number}
  if (e?.name !== 'ResponseError') return false
  if (e.code === 0x1100) return e.writeType === 'CAS'
  if (e.code === 0x1700 || e.code === 0x1300) return true
  return e.code === 0x1200 && (e.consistencies === consistencies.serial || e.consistencies === consistencies.localSerial)
}

function measuresNames(layout: SinkLayout): {ks: string; t: string; bucket: string} {
  return {ks: cqlIdentifier(layout.keyspace, 'sink.keyspace'), t: cqlIdentifier(layout.table, 'sink.table'), bucket: cqlIdentifier(layout.bucketColumn, 'sink column')}
}

/** A bucket key as its column's value: a CQL date for days, a timestamp (the hour's start) for hours. */
function bucketParam(layout: SinkLayout, key: string): unknown {
  return layout.bucketColumn === 'day' ? cassandra.types.LocalDate.fromString(key) : new Date(key)
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'number') return v
  if (v instanceof cassandra.types.Long) return v.toNumber()
  return Number(v)
}

/** Driver values as plain JS for extractEvent: Long → number when safe (else bigint), dates → text. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return v
  if (v instanceof cassandra.types.Long) {
    const n = v.toNumber()
    return Number.isSafeInteger(n) ? n : BigInt(v.toString())
  }
  if (v instanceof cassandra.types.LocalDate || v instanceof cassandra.types.Uuid || v instanceof cassandra.types.InetAddress) return v.toString()
  if (v instanceof cassandra.types.BigDecimal) return Number(v.toString())
  if (v instanceof cassandra.types.Integer) return Number(v.toString())
  return v
}


export function isLeaseTableError(error: unknown): boolean {
  return error instanceof FleetopsError && /lease/.test(error.message)
}

/** A bucket's lateness as stored (JSON written by writeBucketStates); unreadable text counts as none. */
function parseLateness(text: unknown): LatenessEntryState | null {
  if (typeof text !== 'string' || text === '') return null
  try {
    return JSON.parse(text) as LatenessEntryState
  } catch {
    return null
  }
}

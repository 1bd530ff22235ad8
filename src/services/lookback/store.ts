import type {LookbackCassandra} from '../../adapters/cassandra/lookback-store.js'
import type {KafkaRangeReader} from '../../adapters/kafka/range-reader.js'

// What the look-back services use of their adapters, so tests can hand them in-memory ones.
// Each is the slice of the adapter's own methods one consumer calls, so they cannot drift.

/** Leases (Lease): LWT acquire, renew and release. */
export type LeaseStore = Pick<LookbackCassandra, 'acquireLease' | 'renewLease' | 'releaseLease'>

/** The sink table (SinkWriter): read the days being recomputed, replace them. */
export type SinkStore = Pick<LookbackCassandra, 'readSinkRows' | 'replaceSinkDays'>

/** The measures form's sink table (MeasuresSinkWriter): check or create it, read the buckets being recomputed, replace them. */
export type MeasuresSinkStore = Pick<LookbackCassandra, 'ensureMeasuresSink' | 'readMeasuresRows' | 'replaceMeasuresBuckets'>

/** A shared run's state (--share-work): the job row's pointer, the run header, unit results. */
export type SharedRunStore = Pick<LookbackCassandra, 'readJobState' | 'getRun' | 'putRunHeader' | 'setSharedRun' | 'putUnitResult' | 'unitResults' | 'finishRun'>

/** The per-bucket run records (lookback status, --fill-gaps). */
export type BucketStateStore = Pick<LookbackCassandra, 'writeBucketStates' | 'readBucketStates'>

/** A Cassandra source table (CassandraSourceReader): its columns, one (day, bucket) partition at a time. */
export type CassandraEventTable = Pick<LookbackCassandra, 'tableColumns' | 'readBucket'>

/** Everything a look-back run does on Cassandra: sink, leases, job and run state, a Cassandra source. */
export type LookbackStore = LeaseStore &
  SinkStore &
  MeasuresSinkStore &
  SharedRunStore &
  CassandraEventTable &
  BucketStateStore &
  Pick<LookbackCassandra, 'keyspaceExists' | 'ensureSink' | 'ensureStateTables' | 'writeJobState' | 'close'>

/** A Kafka source (KafkaSourceReader): partitions, offset bounds, bounded reads. */
export type KafkaRange = Pick<KafkaRangeReader, 'topic' | 'warmUp' | 'partitions' | 'bounds' | 'read' | 'close'>

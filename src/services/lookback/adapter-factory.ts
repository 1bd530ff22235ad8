import type {CassandraConnection, KafkaConnection} from '../../core/connection.js'
import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {KafkaRange, LookbackStore} from './store.js'

/** Opens a job's clusters: the runner's only way to reach Kafka and Cassandra. */
export interface LookbackAdapters {
  /**
   * Resolves the connection settings for the job (Cassandra's first, Kafka's only for a Kafka
   * source; bad settings throw here, before anything connects) and returns the openers.
   */
  forJob(job: LookbackJobSpec): ClusterOpeners
}

export interface ClusterOpeners {
  /** A Kafka job's range reader (null for a Cassandra source); it connects on first use. */
  openKafka: (() => Promise<KafkaRange>) | null
  openStore: () => Promise<LookbackStore>
}

/** The real adapters. The SDKs load inside the openers, so a command importing this stays fast. */
export function lookbackAdapters(settings: {kafka: () => KafkaConnection; cassandra: () => CassandraConnection; verbose: boolean}): LookbackAdapters {
  return {
    forJob(job) {
      const cassandraConn = settings.cassandra()
      const kafkaConn = job.source.kind === 'kafka' ? settings.kafka() : null
      const topic = job.source.kind === 'kafka' ? job.source.topic : ''
      return {
        openKafka: kafkaConn
          ? async () => {
              const {KafkaRangeReader} = await import('../../adapters/kafka/range-reader.js')
              return new KafkaRangeReader(kafkaConn, topic, settings.verbose)
            }
          : null,
        openStore: lookbackStoreOpener(cassandraConn),
      }
    },
  }
}

/** Opens the look-back state in Cassandra (the sink keyspace's tables); the driver loads on the first call. */
export function lookbackStoreOpener(conn: CassandraConnection): () => Promise<LookbackStore> {
  return async () => {
    const {LookbackCassandra} = await import('../../adapters/cassandra/lookback-store.js')
    return LookbackCassandra.open(conn)
  }
}

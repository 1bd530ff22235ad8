import type {CassandraConnection, KafkaConnection} from '../../core/connection.js'
import type {LookbackJobSpec} from '../../core/lookback/job-spec.js'
import type {SchemaRegistryConnection} from '../../adapters/schema-registry/client.js'
import {FleetopsError} from '../../core/errors.js'
import type {RegistryDecoder} from './schema-decoder.js'
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
  /**
   * An Avro or Protobuf job's registry decoder, its fields already checked against the latest
   * schema of `<topic>-value` (null for JSON): opened before anything is written.
   */
  openDecoder?: (() => Promise<RegistryDecoder>) | null
}

/** The real adapters. The SDKs load inside the openers, so a command importing this stays fast. */
export function lookbackAdapters(settings: {
  kafka: () => KafkaConnection
  cassandra: () => CassandraConnection
  /** The schema registry settings (null when none is configured); asked only for Avro and Protobuf jobs. */
  schemaRegistry?: () => SchemaRegistryConnection | null
  verbose: boolean
}): LookbackAdapters {
  return {
    forJob(job) {
      const cassandraConn = settings.cassandra()
      const kafkaConn = job.source.kind === 'kafka' ? settings.kafka() : null
      const topic = job.source.kind === 'kafka' ? job.source.topic : ''
      const format = job.source.kind === 'kafka' ? (job.source.format ?? 'json') : 'json'
      const registryConn = format === 'json' ? null : requireRegistry(settings.schemaRegistry?.() ?? null, format)
      return {
        openDecoder: registryConn
          ? async () => {
              const {openRegistryDecoder} = await import('../../adapters/schema-registry/open-decoder.js')
              return openRegistryDecoder(registryConn, format as 'avro' | 'protobuf', job, topic)
            }
          : null,
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

function requireRegistry(conn: SchemaRegistryConnection | null, format: string): SchemaRegistryConnection {
  if (conn === null) {
    throw new FleetopsError('USAGE', `source.kafka.format is ${format}, which needs a schema registry; pass --schema-registry URL or set FLEETOPS_SCHEMA_REGISTRY`)
  }
  return conn
}

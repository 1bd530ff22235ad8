/**
 * Kafka protocol requests kafkajs 2.2.4 lacks (DescribeLogDirs, IncrementalAlterConfigs,
 * ElectLeaders, ListOffsets to a chosen replica), sent over kafkajs's own connections.
 * Import lazily from commands: this module loads kafkajs.
 */
export {
  KafkaProtocolClient,
  type AlterConfigsResult,
  type CommittedOffset,
  type EndOffsetResult,
  type LeaderPartition,
  type RecordTimestampResult,
  type BrokerLogDirs,
  type ElectionResult,
  type KafkaProtocolClientOptions,
  type MaxApiVersions,
  type ProtocolClientOptions,
  type ReplicaOffsetResult,
  type TopicPartition,
} from './client.js'
export type {LogDirDescription, LogDirPartition, LogDirTopicFilter} from './describe-log-dirs.js'
export type {ElectionTypeName} from './elect-leaders.js'
export type {ConfigEntryChange, ConfigOperationName, ConfigResourceChange, ConfigResourceTypeName} from './incremental-alter-configs.js'
export {kafkaErrorName} from './shared.js'

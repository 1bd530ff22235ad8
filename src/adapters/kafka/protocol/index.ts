/**
 * Kafka protocol requests kafkajs 2.2.4 lacks (DescribeLogDirs, IncrementalAlterConfigs,
 * ElectLeaders, AlterPartitionReassignments with a null target (cancel), ListOffsets to a chosen replica, DescribeTopicPartitions, a read-only OffsetFetch, ...), sent over
 * our own broker connections. Import lazily from commands (it opens sockets, not kafkajs).
 */
export {
  KafkaProtocolClient,
  type AlterConfigsResult,
  type ClusterMetadata,
  type CommittedOffset,
  type EndOffsetResult,
  type LeaderPartition,
  type RecordTimestampResult,
  type BrokerLogDirs,
  type ElectionResult,
  type ReassignmentCancelResult,
  type GroupDescription,
  type KafkaProtocolClientOptions,
  type MaxApiVersions,
  type KafkaTransportOptions,
  type ReplicaOffsetResult,
  type TopicPartition,
  type TopicPartitionsDescription,
  type GroupApiAnswer,
} from './client.js'
export type {ListedGroup} from './list-groups.js'
export type {AssignedTopic, ConsumerGroupDescription, ConsumerGroupMember} from './consumer-group-describe.js'
export type {ShareGroupDescription, ShareGroupMember} from './share-group-describe.js'
export type {ShareGroupOffsetPartition, ShareGroupOffsets} from './describe-share-group-offsets.js'
export type {StreamsGroupDescription, StreamsGroupMember, StreamsSubtopology} from './streams-group-describe.js'
export type {MetadataBroker, MetadataPartition, MetadataTopic} from './metadata.js'
export type {DescribeConfigsResult} from './describe-configs.js'
export type {OngoingReassignment} from './list-partition-reassignments.js'
export type {LogDirDescription, LogDirPartition, LogDirTopicFilter} from './describe-log-dirs.js'
export type {ElectionTypeName} from './elect-leaders.js'
export type {QuorumPartition, QuorumReplicaState} from './describe-quorum.js'
export type {DescribedPartition, DescribedTopic} from './describe-topic-partitions.js'
export type {ConfigEntryChange, ConfigOperationName, ConfigResourceChange, ConfigResourceTypeName} from './incremental-alter-configs.js'
export {KafkaErrorCode, kafkaErrorName} from './errors.js'

import type {PartitionInfo, ReassignmentInFlight} from '../../adapters/kafka/cluster-admin.js'
import type {ConfigResourceChange, ElectionResult, ReassignmentCancelResult} from '../../adapters/kafka/protocol/index.js'
import type {KafkaConnection} from '../../core/connection.js'

/**
 * The cluster operations `rebalance execute`, `status` and `cancel` use, and nothing more: the
 * services take this instead of building the Kafka adapter, so tests can drive them with an
 * in-memory cluster. KafkaClusterAdmin implements it.
 */
export interface RebalanceAdmin {
  /** Reassignments in flight anywhere in the cluster (ListPartitionReassignments). */
  reassignmentsInFlight(): Promise<ReassignmentInFlight[]>
  liveBrokerIds(): Promise<number[]>
  topicNames(): Promise<string[]>
  /** Replicas, leader and ISR of every partition of the topics. */
  partitions(topics: string[]): Promise<PartitionInfo[]>
  /** Fills each partition's size (DescribeLogDirs on the given brokers). */
  fillPartitionSizes(partitions: PartitionInfo[], brokerIds: number[]): Promise<void>
  /** Effective values of the keys on each topic. */
  topicConfigs(topics: readonly string[], keys: string[]): Promise<Map<string, Record<string, string>>>
  alterReassignments(assignments: readonly {topic: string; partition: number; replicas: readonly number[]}[]): Promise<void>
  /**
   * Aborts the partitions' reassignments in flight (a null target): the controller reverts each to its
   * original replicas, dropping the adding ones. 'not-in-progress' when the move had already finished.
   */
  cancelReassignments(partitions: readonly {topic: string; partition: number}[]): Promise<ReassignmentCancelResult[]>
  electPreferredLeaders(partitions: readonly {topic: string; partition: number}[]): Promise<ElectionResult[]>
  /** IncrementalAlterConfigs: the only way throttles are changed. */
  alterConfigsIncrementally(changes: ConfigResourceChange[]): Promise<void>
  /** Values of the keys set dynamically on each broker itself, by broker id. */
  dynamicBrokerConfigs(brokerIds: readonly number[], keys: string[]): Promise<Map<number, Record<string, string>>>
  /** Values of the keys set on each topic itself, by topic. */
  dynamicTopicConfigs(topics: readonly string[], keys: string[]): Promise<Map<string, Record<string, string>>>
  close(): Promise<void>
}

/** Opens a RebalanceAdmin when the service is ready to talk to the cluster (after its offline checks). */
export type OpenRebalanceAdmin = () => Promise<RebalanceAdmin>

/**
 * The real RebalanceAdmin, for commands: the Kafka adapter (and kafkajs with it) is imported only
 * when the service opens it, so `--help` and offline refusals never load the SDK.
 */
export function kafkaRebalanceAdmin(conn: () => KafkaConnection, opts: {verbose?: boolean}): OpenRebalanceAdmin {
  return async () => {
    const {KafkaClusterAdmin} = await import('../../adapters/kafka/cluster-admin.js')
    return KafkaClusterAdmin.open(conn(), {verbose: opts.verbose})
  }
}

/** Opens the admin, runs `use`, and closes it whatever happens. */
export async function withRebalanceAdmin<T>(open: OpenRebalanceAdmin, use: (admin: RebalanceAdmin) => Promise<T>): Promise<T> {
  const admin = await open()
  try {
    return await use(admin)
  } finally {
    await admin.close()
  }
}

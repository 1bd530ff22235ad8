/**
 * `fleetops kafka topics`: one row per topic from one Metadata and one DescribeConfigs answer.
 * Pure: the service reads the cluster.
 */

/**
 * The configs every row shows, always with their effective value (set on the topic, or the
 * broker's / Kafka's default), so that two clusters' listings compare column by column;
 * `overrides` names the ones set on the topic itself.
 */
export const TOPIC_LISTING_CONFIGS = ['cleanup.policy', 'retention.ms', 'min.insync.replicas', 'compression.type', 'message.timestamp.type'] as const

export interface ListedPartitionState {
  partition: number
  /** null when the partition has no leader (offline). */
  leader: number | null
  replicas: readonly number[]
  isr: readonly number[]
}

export interface TopicListing {
  topic: string
  internal: boolean
  partitions: number
  /** The longest replica list among the partitions (a reassignment in flight counts its adding replicas). */
  replicationFactor: number
  /** Partitions whose ISR is shorter than their replica list. */
  underReplicated: number
  /** Partitions whose ISR is shorter than min.insync.replicas (acks=all producers fail there); 0 when it is unknown. */
  underMinIsr: number
  /** Partitions without a leader. */
  offline: number
  /** TOPIC_LISTING_CONFIGS, effective values; null when unknown (the broker refused, or a sensitive value). */
  configs: Record<string, string | null>
  /** Keys of `configs` set on the topic itself (not broker or Kafka defaults). */
  overrides: string[]
  /** Why `configs` are unknown (e.g. TOPIC_AUTHORIZATION_FAILED), else null. */
  configError: string | null
}

export type TopicConfigsAnswer = {ok: true; values: Record<string, string | null>; overrides: string[]} | {ok: false; error: string}

export function listTopic(topic: string, internal: boolean, partitions: readonly ListedPartitionState[], configs: TopicConfigsAnswer | undefined): TopicListing {
  const values: Record<string, string | null> = {}
  for (const k of TOPIC_LISTING_CONFIGS) values[k] = configs?.ok ? (configs.values[k] ?? null) : null
  const minIsrText = values['min.insync.replicas']
  const minIsr = minIsrText !== null && /^\d+$/.test(minIsrText) ? Number(minIsrText) : null
  let replicationFactor = 0
  let underReplicated = 0
  let underMinIsr = 0
  let offline = 0
  for (const p of partitions) {
    replicationFactor = Math.max(replicationFactor, p.replicas.length)
    if (p.isr.length < p.replicas.length) underReplicated++
    if (minIsr !== null && p.isr.length < minIsr) underMinIsr++
    if (p.leader === null || p.leader < 0) offline++
  }
  return {
    topic,
    internal,
    partitions: partitions.length,
    replicationFactor,
    underReplicated,
    underMinIsr,
    offline,
    configs: values,
    overrides: configs?.ok ? configs.overrides.filter((k) => (TOPIC_LISTING_CONFIGS as readonly string[]).includes(k)).sort() : [],
    configError: configs === undefined ? 'no DescribeConfigs answer for this topic' : configs.ok ? null : configs.error,
  }
}

import type {KafkaConnection} from '../../core/connection.js'

/**
 * `fleetops kafka describe`: brokers (with racks and liveness) and every
 * partition's replicas, leader, ISR and size. Its JSON is the cluster state file
 * the rebalance planner reads.
 */
export interface DescribedBroker {
  id: number
  host: string | null
  port: number | null
  rack: string | null
  alive: boolean
}

export interface DescribedPartition {
  topic: string
  partition: number
  replicas: number[]
  leader: number
  isr: number[]
  size: number | null
}

export interface ClusterDescription {
  brokers: DescribedBroker[]
  partitions: DescribedPartition[]
}

export async function describeKafkaCluster(conn: KafkaConnection, opts: {topics?: RegExp; verbose?: boolean}): Promise<ClusterDescription> {
  const {KafkaClusterAdmin} = await import('../../adapters/kafka/cluster-admin.js')
  const admin = await KafkaClusterAdmin.open(conn, {verbose: opts.verbose})
  try {
    const live = await admin.liveBrokers()
    const topics = (await admin.topicNames()).filter((t) => !opts.topics || opts.topics.test(t))
    const partitions = await admin.partitions(topics)
    await admin.fillPartitionSizes(partitions, live.map((b) => b.id))
    const brokers: DescribedBroker[] = live.map((b) => ({...b}))
    // A broker that replicas name but the metadata no longer lists is down, not gone.
    const known = new Set(live.map((b) => b.id))
    for (const p of partitions) {
      for (const r of p.replicas) {
        if (!known.has(r)) {
          known.add(r)
          brokers.push({id: r, host: null, port: null, rack: null, alive: false})
        }
      }
    }
    brokers.sort((a, b) => a.id - b.id)
    return {
      brokers,
      partitions: partitions.map((p) => ({topic: p.topic, partition: p.partition, replicas: p.replicas, leader: p.leader, isr: p.isr, size: p.size})),
    }
  } finally {
    await admin.close()
  }
}

/**
 * A snapshot of everything a fleetops command could change in the clusters, read with the
 * real kafkajs and cassandra-driver clients: topics (partition counts and replica lists),
 * in-flight reassignments, dynamic broker and topic configs, committed consumer-group
 * offsets, keyspaces and tables, and the rows of the given tables (look-back sinks).
 * Leaders and ISRs are left out: they move on their own.
 */
import cassandra from 'cassandra-driver'
import kafkajs, {type Admin, type Kafka} from 'kafkajs'

export interface ClusterSnapshot {
  topics: Record<string, number[][]>
  reassignments: string[]
  brokerConfigs: Record<string, Record<string, string>>
  topicConfigs: Record<string, Record<string, string>>
  offsets: Record<string, Record<string, string>>
  tables: string[]
  rows: Record<string, string[]>
}

const DYNAMIC_SOURCES = new Set([1, 2, 3]) // TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG

function dynamicEntries(entries: {configName: string; configValue: string | null; configSource?: number}[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of entries) if (DYNAMIC_SOURCES.has(e.configSource ?? 0) && e.configValue !== null) out[e.configName] = e.configValue
  return out
}

async function kafkaSnapshot(admin: Admin): Promise<Omit<ClusterSnapshot, 'tables' | 'rows'>> {
  const names = (await admin.listTopics()).sort()
  const md = names.length > 0 ? await admin.fetchTopicMetadata({topics: names}) : {topics: []}
  const topics: Record<string, number[][]> = {}
  for (const t of md.topics) {
    topics[t.name] = [...t.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => [...p.replicas])
  }
  const reassigning = await admin.listPartitionReassignments({})
  // kafkajs types this as {topic, partitionIndex}; the decoded response has {name, partition}.
  const reassignments = (reassigning.topics as unknown as {name: string; partitions: {partition: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[]}[]}[])
    .flatMap((t) => t.partitions.map((p) => `${t.name}/${p.partition}: ${p.replicas.join(',')} +${p.addingReplicas.join(',')} -${p.removingReplicas.join(',')}`))
    .sort()
  const cluster = await admin.describeCluster()
  const brokerRes = await admin.describeConfigs({
    includeSynonyms: false,
    // Each broker's entries show cluster-wide dynamic defaults too (source 3).
    resources: cluster.brokers.map((b) => ({type: kafkajs.ConfigResourceTypes.BROKER, name: String(b.nodeId)})),
  })
  const brokerConfigs: Record<string, Record<string, string>> = {}
  for (const r of brokerRes.resources) brokerConfigs[r.resourceName] = dynamicEntries(r.configEntries as never)
  const topicConfigs: Record<string, Record<string, string>> = {}
  if (names.length > 0) {
    const topicRes = await admin.describeConfigs({includeSynonyms: false, resources: names.map((name) => ({type: kafkajs.ConfigResourceTypes.TOPIC, name}))})
    for (const r of topicRes.resources) topicConfigs[r.resourceName] = dynamicEntries(r.configEntries as never)
  }
  const offsets: Record<string, Record<string, string>> = {}
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).sort()
  for (const groupId of groups) {
    const fetched = await admin.fetchOffsets({groupId})
    const m: Record<string, string> = {}
    for (const t of fetched) for (const p of t.partitions) if (p.offset !== '-1') m[`${t.topic}/${p.partition}`] = p.offset
    offsets[groupId] = m
  }
  return {topics, reassignments, brokerConfigs, topicConfigs, offsets}
}

async function cassandraSnapshot(client: cassandra.Client, rowTables: string[]): Promise<Pick<ClusterSnapshot, 'tables' | 'rows'>> {
  const rs = await client.execute('SELECT keyspace_name, table_name FROM system_schema.tables')
  const tables = rs.rows.map((r) => `${r.keyspace_name}.${r.table_name}`).sort()
  const ks = await client.execute('SELECT keyspace_name, replication FROM system_schema.keyspaces')
  for (const r of ks.rows) tables.push(`keyspace ${r.keyspace_name} ${JSON.stringify(r.replication)}`)
  const rows: Record<string, string[]> = {}
  for (const t of rowTables) {
    if (!tables.includes(t)) continue
    const all = await client.execute(`SELECT * FROM ${t}`, [], {fetchSize: 10_000})
    rows[t] = all.rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])))).sort()
  }
  return {tables, rows}
}

export async function snapshotClusters(kafka: Kafka, client: cassandra.Client, rowTables: string[]): Promise<ClusterSnapshot> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const k = await kafkaSnapshot(admin)
    const c = await cassandraSnapshot(client, rowTables)
    return {...k, ...c}
  } finally {
    await admin.disconnect()
  }
}

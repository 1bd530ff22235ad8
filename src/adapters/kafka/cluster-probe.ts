import type {KafkaConnection} from '../../core/connection.js'
import {classifySdkError} from '../classify-error.js'
import {createKafka} from './kafkajs-client.js'

/** The broker ids currently registered in the cluster metadata. */
export async function registeredBrokerIds(conn: KafkaConnection): Promise<number[]> {
  const admin = createKafka(conn, 'fleetops-probe').admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b)
  } catch (error) {
    throw classifySdkError(error, 'Kafka')
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

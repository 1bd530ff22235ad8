import {Kafka} from 'kafkajs'

import type {KafkaConnection} from '../../core/connection.js'
import {kafkajsConfig} from './kafkajs-config.js'

/** A kafkajs client (admin, producer, consumer) with fleetops connection settings. */
export function createKafka(conn: KafkaConnection, clientId?: string, verbose?: boolean): Kafka {
  return new Kafka(kafkajsConfig(conn, clientId, verbose))
}

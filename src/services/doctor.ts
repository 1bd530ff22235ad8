import type {CassandraConnection, KafkaConnection} from '../core/connection.js'
import {FleetopsError} from '../core/errors.js'

/** What `fleetops doctor` found about each configured cluster. */
export interface DoctorReport {
  kafka: {configured: boolean; ok: boolean; brokers?: number[]; error?: {code: string; message: string}}
  cassandra: {
    configured: boolean
    ok: boolean
    nodes?: {address: string; up: boolean; answered: boolean; releaseVersion?: string}[]
    error?: {code: string; message: string}
  }
}

export async function runDoctor(kafka: KafkaConnection | undefined, cassandra: CassandraConnection | undefined): Promise<DoctorReport> {
  const report: DoctorReport = {kafka: {configured: Boolean(kafka), ok: false}, cassandra: {configured: Boolean(cassandra), ok: false}}
  const asError = (e: unknown) => (e instanceof FleetopsError ? {code: e.code, message: e.message} : {code: 'INTERNAL', message: String(e)})
  await Promise.all([
    (async () => {
      if (!kafka) return
      try {
        const {registeredBrokerIds} = await import('../adapters/kafka/cluster-probe.js')
        report.kafka.brokers = await registeredBrokerIds(kafka)
        report.kafka.ok = report.kafka.brokers.length > 0
      } catch (error) {
        report.kafka.error = asError(error)
      }
    })(),
    (async () => {
      if (!cassandra) return
      try {
        const {probeCassandraNodes} = await import('../adapters/cassandra/cluster-probe.js')
        report.cassandra.nodes = await probeCassandraNodes(cassandra)
        report.cassandra.ok = report.cassandra.nodes.every((n) => n.up && n.answered)
      } catch (error) {
        report.cassandra.error = asError(error)
      }
    })(),
  ])
  return report
}

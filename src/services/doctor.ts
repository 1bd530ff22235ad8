import type {CassandraConnection, KafkaConnection} from '../core/connection.js'
import {FleetopsError} from '../core/errors.js'

/** One check of `fleetops doctor`: a cluster answered with the settings (ok) or not (failed), or was not configured (skipped). */
export interface DoctorCheck {
  name: 'kafka' | 'cassandra'
  status: 'ok' | 'failed' | 'skipped'
  message: string
  durationMs: number
  error?: {code: string; message: string}
}

/** What `fleetops doctor` found about each configured cluster. */
export interface DoctorReport {
  checks: DoctorCheck[]
  kafka: {configured: boolean; ok: boolean; brokers?: number[]; error?: {code: string; message: string}}
  cassandra: {
    configured: boolean
    ok: boolean
    nodes?: {address: string; up: boolean; answered: boolean; releaseVersion?: string}[]
    error?: {code: string; message: string}
  }
}

export async function runDoctor(kafka: KafkaConnection | undefined, cassandra: CassandraConnection | undefined): Promise<DoctorReport> {
  const report: DoctorReport = {checks: [], kafka: {configured: Boolean(kafka), ok: false}, cassandra: {configured: Boolean(cassandra), ok: false}}
  const durations = {kafka: 0, cassandra: 0}
  const asError = (e: unknown) => (e instanceof FleetopsError ? {code: e.code, message: e.message} : {code: 'INTERNAL', message: String(e)})
  await Promise.all([
    (async () => {
      if (!kafka) return
      const started = performance.now()
      try {
        const {registeredBrokerIds} = await import('../adapters/kafka/cluster-probe.js')
        report.kafka.brokers = await registeredBrokerIds(kafka)
        report.kafka.ok = report.kafka.brokers.length > 0
      } catch (error) {
        report.kafka.error = asError(error)
      }
      durations.kafka = Math.round(performance.now() - started)
    })(),
    (async () => {
      if (!cassandra) return
      const started = performance.now()
      try {
        const {probeCassandraNodes} = await import('../adapters/cassandra/cluster-probe.js')
        report.cassandra.nodes = await probeCassandraNodes(cassandra)
        report.cassandra.ok = report.cassandra.nodes.every((n) => n.up && n.answered)
      } catch (error) {
        report.cassandra.error = asError(error)
      }
      durations.cassandra = Math.round(performance.now() - started)
    })(),
  ])
  const k = report.kafka
  report.checks.push({
    name: 'kafka',
    status: !k.configured ? 'skipped' : k.ok ? 'ok' : 'failed',
    message: !k.configured
      ? 'no brokers configured'
      : k.error
        ? k.error.message
        : k.brokers && k.brokers.length > 0
          ? `brokers ${k.brokers.join(', ')} registered`
          : 'no brokers registered',
    durationMs: durations.kafka,
    ...(k.error ? {error: k.error} : {}),
  })
  const c = report.cassandra
  const down = (c.nodes ?? []).filter((n) => !(n.up && n.answered)).map((n) => n.address)
  report.checks.push({
    name: 'cassandra',
    status: !c.configured ? 'skipped' : c.ok ? 'ok' : 'failed',
    message: !c.configured
      ? 'no contact points configured'
      : c.error
        ? c.error.message
        : down.length > 0
          ? `nodes down or not answering CQL: ${down.join(', ')}`
          : `${c.nodes!.length} nodes UP and answering CQL`,
    durationMs: durations.cassandra,
    ...(c.error ? {error: c.error} : {}),
  })
  return report
}

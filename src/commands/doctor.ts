import {ClusterCommand} from '../base-command.js'
import type {CassandraConnection, KafkaConnection} from '../core/connection.js'
import {badInput, FleetopsError} from '../core/errors.js'
import {style} from '../output/style.js'
import {describeSettings, type SettingSource} from '../services/connection-settings.js'
import {type DoctorReport, runDoctor} from '../services/doctor.js'

/** doctor --json: each check, and where each connection setting came from (secrets only as "set"). */
export interface DoctorResult extends DoctorReport {
  ok: boolean
  profile: string | null
  settings: Record<string, {value: string | boolean; source: SettingSource}>
}

export default class Doctor extends ClusterCommand {
  static override summary = 'Check that the configured Kafka and Cassandra clusters answer, with the current settings.'
  static override description =
    'Connects with the settings from flags, FLEETOPS_* variables or the profile, and reports the brokers in the metadata and each Cassandra node (UP, answering CQL, version). Exit 0 when everything configured answers, 69 when a cluster cannot be reached, 77 on an authentication failure. Under --json it reports each check (kafka, cassandra: ok, failed or skipped, message, duration) and where each setting came from (flag, environment, profile, default), secrets only as "set"; a failure is the JSON error with the same report.'

  static override examples = ['<%= config.bin %> <%= command.id %>', 'eval "$(fleetops sandbox env)" && <%= config.bin %> <%= command.id %> --json']

  async run(): Promise<DoctorResult> {
    const {flags} = await this.parse(Doctor)
    const settings = this.connectionSettings(flags)
    const layer = settings.layer
    let kafka: KafkaConnection | undefined
    let cassandra: CassandraConnection | undefined
    if (layer.brokers) kafka = this.kafkaConnection(flags)
    if (layer.contactPoints) cassandra = this.cassandraConnection(flags)
    if (!kafka && !cassandra) {
      throw badInput('nothing to check: pass --brokers and/or --contact-points, set FLEETOPS_BROKERS/FLEETOPS_CONTACT_POINTS, or choose a --profile')
    }
    const report = await runDoctor(kafka, cassandra)
    const c = style()
    if (report.kafka.configured) {
      this.log(report.kafka.ok ? `${c.green('✔')} Kafka: brokers ${report.kafka.brokers!.join(', ')} registered` : `${c.red("✘")} ${report.kafka.error?.message}`)
    }
    if (report.cassandra.configured) {
      if (report.cassandra.nodes) {
        for (const n of report.cassandra.nodes) {
          const ok = n.up && n.answered
          this.log(`${ok ? c.green('✔') : c.red('✘')} Cassandra ${n.address}: ${n.up ? 'UP' : 'DOWN'}${n.answered ? `, answers CQL (${n.releaseVersion})` : ', no answer'}`)
        }
      } else {
        this.log(`${c.red("✘")} ${report.cassandra.error?.message}`)
      }
    }
    const result: DoctorResult = {
      ok: report.checks.every((check) => check.status !== 'failed'),
      profile: settings.profile ?? null,
      settings: describeSettings(settings),
      ...report,
    }
    const failure = [report.kafka.error, report.cassandra.error].find(Boolean)
    if (failure) {
      throw new FleetopsError(failure.code as never, failure.message, {details: {doctor: result}})
    }
    if (report.cassandra.configured && !report.cassandra.ok) {
      throw new FleetopsError('UNAVAILABLE', 'some Cassandra nodes are down or do not answer CQL', {details: {doctor: result}})
    }
    return result
  }
}

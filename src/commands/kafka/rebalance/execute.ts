import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../../base-command.js'
import {byteRateFlag, durationFlag, executeFlag, integerFlag} from '../../../flags.js'
import {startProgress} from '../../../output/progress.js'
import {renderExecute} from '../../../output/rebalance.js'
import {kafkaRebalanceAdmin} from '../../../services/rebalance/admin.js'
import {executePlan, type ExecuteResult} from '../../../services/rebalance/executor.js'

export default class KafkaRebalanceExecute extends KafkaCommand {
  static override summary = 'Carry out a rebalance plan in throttled batches, resumably.'
  static override description =
    'Moves at most --max-partitions-per-broker partitions per broker and --max-partitions in the cluster at once, holds back under-replicated partitions, ' +
    'throttles replication only on the brokers and replicas involved (IncrementalAlterConfigs; each throttle is removed as soon as its moves finish, and only throttles fleetops set are ever removed), ' +
    'then runs a preferred leader election for the moved partitions. Progress is saved after every change; an interrupted run (Ctrl-C: exit 130; a lost broker or connection: exit 68) continues with --resume. ' +
    'Refuses a stale plan or a dead target broker (exit 2) before touching anything. Without --execute it only prints what it would do.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --plan plan.json',
    '<%= config.bin %> <%= command.id %> --plan plan.json --execute --throttle 50MB/s',
    '<%= config.bin %> <%= command.id %> --plan plan.json --execute --resume',
  ]

  static override flags = {
    plan: Flags.string({description: 'Plan file written by `fleetops kafka rebalance plan --output`.', required: true}),
    execute: executeFlag,
    throttle: byteRateFlag({description: 'Replication throttle per broker involved, e.g. 50MB/s (default: none).'}),
    'max-partitions-per-broker': integerFlag({description: 'Moves at once that involve any one broker.', default: '5', min: 1, max: 100_000}),
    'max-partitions': integerFlag({description: 'Moves at once in the whole cluster.', default: '1250', min: 1, max: 1_000_000}),
    resume: Flags.boolean({description: 'Continue an interrupted run from its progress file (the live state is checked again).', default: false}),
    'state-file': Flags.string({description: 'Progress file (default: <plan>.progress.json next to the plan).'}),
    'poll-interval': durationFlag({description: 'How often to check the moves, e.g. 10s.', default: '10s'}),
    timeout: durationFlag({description: 'Stop (exit 68, resumable) if the moves are not done within this time, e.g. 2h.'}),
  }

  async run(): Promise<ExecuteResult> {
    const {flags} = await this.parse(KafkaRebalanceExecute)
    const opts = {
      planPath: flags.plan,
      execute: flags.execute,
      throttle: flags.throttle ?? null,
      perBroker: flags['max-partitions-per-broker'],
      cluster: flags['max-partitions'],
      resume: flags.resume,
      stateFile: flags['state-file'],
      pollIntervalMs: flags['poll-interval'],
      timeoutMs: flags.timeout ?? null,
    }
    const progress = await startProgress('reading the cluster', {json: this.jsonEnabled()})
    try {
      const result = await executePlan(kafkaRebalanceAdmin(() => this.kafkaConnection(flags), {verbose: this.verbose}), opts, {
        progress: (t) => progress.update(t),
        trace: (t) => this.trace(t),
        warn: (t) => this.warnLine(t),
      })
      progress.stop()
      this.log(renderExecute(result))
      return result
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}

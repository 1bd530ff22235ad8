import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../../base-command.js'
import {durationFlag, executeFlag} from '../../../flags.js'
import {startProgress} from '../../../output/progress.js'
import {renderCancel} from '../../../output/rebalance.js'
import {kafkaRebalanceAdmin} from '../../../services/rebalance/admin.js'
import {cancelRebalance, type CancelResult} from '../../../services/rebalance/control.js'

export default class KafkaRebalanceCancel extends KafkaCommand {
  static override summary = 'Cancel a plan\'s in-flight moves (back to the original replicas) and clear the throttles fleetops set.'
  static override description =
    'Partitions that already finished moving stay where they are (as with kafka-reassign-partitions --cancel). Only the throttles recorded in the progress file are removed; other dynamic configs are never touched.'

  static override examples = ['<%= config.bin %> <%= command.id %> --plan plan.json', '<%= config.bin %> <%= command.id %> --plan plan.json --execute']

  static override flags = {
    plan: Flags.string({description: 'Plan file being executed.', required: true}),
    'state-file': Flags.string({description: 'Progress file (default: <plan>.progress.json).'}),
    execute: executeFlag,
    wait: durationFlag({description: 'How long to wait for the partitions to revert.', default: '2m'}),
    'poll-interval': durationFlag({description: 'How often to check the reverts.', default: '1s'}),
  }

  async run(): Promise<CancelResult> {
    const {flags} = await this.parse(KafkaRebalanceCancel)
    const progress = await startProgress('reading the cluster', {json: this.jsonEnabled()})
    try {
      const result = await cancelRebalance(
        kafkaRebalanceAdmin(() => this.kafkaConnection(flags), {verbose: this.verbose}),
        {planPath: flags.plan, stateFile: flags['state-file'], execute: flags.execute, waitMs: flags.wait, pollIntervalMs: flags['poll-interval']},
        {progress: (t) => progress.update(t)},
      )
      progress.stop()
      this.log(renderCancel(result))
      return result
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}

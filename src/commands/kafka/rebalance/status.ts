import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../../base-command.js'
import {renderStatus} from '../../../output/rebalance.js'
import {kafkaRebalanceAdmin} from '../../../services/rebalance/admin.js'
import {rebalanceStatus, type StatusResult} from '../../../services/rebalance/control.js'

export default class KafkaRebalanceStatus extends KafkaCommand {
  static override summary = 'List the partition reassignments in flight, and a plan\'s progress.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --plan plan.json']

  static override flags = {
    plan: Flags.string({description: 'Plan file: mark its partitions and show its progress file.'}),
    'state-file': Flags.string({description: 'Progress file (default: <plan>.progress.json).'}),
  }

  async run(): Promise<StatusResult> {
    const {flags} = await this.parse(KafkaRebalanceStatus)
    const result = await rebalanceStatus(kafkaRebalanceAdmin(() => this.kafkaConnection(flags), {verbose: this.verbose}), {planPath: flags.plan, stateFile: flags['state-file']})
    this.log(renderStatus(result))
    return result
  }
}

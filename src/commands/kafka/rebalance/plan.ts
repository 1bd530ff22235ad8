import * as Flags from '@oclif/core/flags'

import {KafkaCommand} from '../../../base-command.js'
import type {PlanResult} from '../../../core/rebalance/index.js'
import {brokerIdsFlag, regexFlag} from '../../../flags.js'
import {renderPlan} from '../../../output/rebalance.js'
import {planService} from '../../../services/rebalance/plan.js'

export default class KafkaRebalancePlan extends KafkaCommand {
  static override summary = 'Plan a minimal-move replica rebalance, broker addition or broker removal.'
  static override description =
    'Reads the live cluster, or a cluster state file (`fleetops kafka describe --json`) with --state, in which case no cluster is contacted. ' +
    'The plan moves the fewest replicas that balance replica and leader counts (or bytes with --balance-by size), keeps one replica per rack where racks allow, and is deterministic. ' +
    'The plan file (--output) holds Kafka\'s own reassignment JSON under "reassignment", the starting replicas under "original", and a summary.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --add-brokers 4 --output plan.json',
    '<%= config.bin %> <%= command.id %> --remove-brokers 2 --topics "^orders\\." --output plan.json',
    '<%= config.bin %> <%= command.id %> --state cluster.json --balance-by size --json',
  ]

  static override flags = {
    state: Flags.string({description: 'Plan offline from this cluster state file (`fleetops kafka describe --json`); no cluster is contacted.'}),
    'add-brokers': brokerIdsFlag({description: 'New brokers, e.g. 4,5: replicas move only onto them.'}),
    'remove-brokers': brokerIdsFlag({description: 'Brokers to empty, e.g. 2: replicas move only off them.'}),
    topics: regexFlag({description: 'Only topics whose name matches this regular expression.'}),
    'exclude-topics': regexFlag({description: 'Never move topics whose name matches this regular expression.'}),
    'balance-by': Flags.option({description: 'Balance replica counts or bytes.', options: ['count', 'size'] as const, default: 'count' as const})(),
    'ignore-racks': Flags.boolean({description: 'Plan as if no broker had a rack (rack violations are still reported).', default: false}),
    output: Flags.string({char: 'o', description: 'Write the plan file here (input of `rebalance execute`; its "reassignment" is valid for kafka-reassign-partitions).'}),
  }

  /**
   * A plan of 2,000,000 partitions is over V8's largest string when pretty-printed, so it is
   * written in pieces (the same text as JSON.stringify(json, null, 2)).
   */
  override logJson(json: unknown): void {
    this.writeRedactedDocument(json, 'pieces')
  }

  async run(): Promise<Pick<PlanResult, 'reassignment' | 'original' | 'summary'>> {
    const {flags} = await this.parse(KafkaRebalancePlan)
    const outcome = await planService({
      stateFile: flags.state,
      connection: flags.state === undefined ? () => this.kafkaConnection(flags) : undefined,
      addBrokers: flags['add-brokers'],
      removeBrokers: flags['remove-brokers'],
      topics: flags.topics,
      excludeTopics: flags['exclude-topics'],
      balanceBy: flags['balance-by'],
      ignoreRacks: flags['ignore-racks'],
      output: flags.output,
      verbose: this.verbose,
    })
    this.log(renderPlan(outcome.plan, {written: outcome.written, source: outcome.source}))
    const {reassignment, original, summary} = outcome.plan
    return {reassignment, original, summary}
  }
}

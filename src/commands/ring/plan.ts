import * as Flags from '@oclif/core/flags'

import {CassandraCommand} from '../../base-command.js'
import {ringPlanRequest} from '../../core/ring/plan-request.js'
import {integerFlag} from '../../flags.js'
import {renderRingPlan} from '../../output/ring.js'
import {planRingFromState, planRingLive, readRingStateFile, type RingPlanResult} from '../../services/ring/ring.js'

export default class RingPlan extends CassandraCommand {
  static override summary = 'Plan adding or removing Cassandra nodes: proposed tokens, ownership before and after, data moved and streams.'
  static override description =
    'Works from a ring state file (--state, as written by `fleetops ring show --json`) or the live cluster. New nodes are planned one at a time in bootstrap order, as Cassandra requires; each gets an `initial_token:` line for cassandra.yaml. Changes nothing.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --add 3 --racks rack1,rack2,rack3 --tokens-per-node 16 --keyspace shop',
    '<%= config.bin %> <%= command.id %> --state ring.json --add 1 --dc dc1 --rack rack2 --rf 3',
    '<%= config.bin %> <%= command.id %> --state ring.json --remove 10.0.0.7 --json',
  ]

  static override flags = {
    state: Flags.string({description: 'Ring state file (from `ring show --json`); without it the live cluster is read.'}),
    add: integerFlag({description: 'Number of nodes to add (planned one at a time).', what: '--add (nodes to add)', min: 1, max: 1000}),
    dc: Flags.string({description: 'DC the new nodes join (default: the only DC).'}),
    rack: Flags.string({description: 'Rack of every new node.'}),
    racks: Flags.string({description: 'Racks to spread the new nodes over in turn, e.g. rack1,rack2,rack3 (default: the DC\'s racks).'}),
    'tokens-per-node': integerFlag({description: 'Tokens (num_tokens) per new node (default: what the DC\'s nodes have).', min: 1, max: 1536}),
    remove: Flags.string({description: 'Address of a node to remove (decommission).'}),
    rf: Flags.string({description: 'Balance for NetworkTopologyStrategy with this RF: 3, or per DC dc1:3,dc2:2.'}),
    keyspace: Flags.string({description: 'Balance for this keyspace\'s replication.'}),
  }

  async run(): Promise<RingPlanResult> {
    const {flags} = await this.parse(RingPlan)
    const req = ringPlanRequest(flags)
    let plan: RingPlanResult
    if (flags.state !== undefined) {
      plan = planRingFromState(readRingStateFile(flags.state), req, `state file ${flags.state}`)
    } else {
      plan = await planRingLive(this.cassandraConnection(flags), req)
    }
    this.log(renderRingPlan(plan))
    return plan
  }
}
